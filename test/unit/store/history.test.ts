import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, HALF_HOUR_MS, monthKey, monthsBetween, withoutSecrets } from '../../../src/store/history.js';
import { createBackup, recoverFromBackups } from '../../../src/store/backup.js';
import type { Logger } from '../../../src/util/log.js';
import { silentLogger } from '../../../src/util/log.js';

const T0 = Date.UTC(2026, 10, 26, 3, 0);

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hems-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(`ERROR ${m}`) };
}

test('half-hours, events and decisions come back by range, across months, after reopening', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  const endOfOctober = Date.UTC(2026, 9, 31, 23, 30);
  await h.recordSlot({ start: endOfOctober, kwh: { bought: 0.4, generated: 0 } });
  await h.recordSlot({ start: endOfOctober + HALF_HOUR_MS, kwh: { bought: 0.3, sold: 0.1 } });
  await h.recordSlot({ start: T0, kwh: { bought: 0.1, sold: 1.2, generated: 1.5, 'device/ev': 0.2 } });
  await h.recordSlot({ start: T0, kwh: { bought: 0.2, sold: 1.2, generated: 1.5 } }); // replaced
  await h.recordEvent({ at: T0 + 5, device: 'ecocute', kind: 'operation', detail: 'heatingMode automatic -> manual_heating' });
  await h.recordDecision({ at: T0 + 6, decision: { heat: true, why: 'surplus' } });
  const reopened = await History.open({ dir, log: silentLogger });
  const slots = await reopened.slots(endOfOctober, T0 + HALF_HOUR_MS);
  assert.deepEqual(slots.map((s) => s.start), [endOfOctober, endOfOctober + HALF_HOUR_MS, T0]);
  assert.deepEqual(slots[2]!.kwh, { bought: 0.2, sold: 1.2, generated: 1.5 });
  assert.deepEqual(await reopened.slots(T0 + HALF_HOUR_MS, T0 + 2 * HALF_HOUR_MS), []);
  assert.equal((await reopened.events(T0, T0 + 10))[0]!.detail, 'heatingMode automatic -> manual_heating');
  assert.deepEqual((await reopened.decisions(T0, T0 + 10))[0]!.decision, { heat: true, why: 'surplus' });
  await assert.rejects(h.recordSlot({ start: T0 + 1, kwh: {} }), /not the start of a half-hour/);
  await assert.rejects(h.recordSlot({ start: T0, kwh: { bought: NaN } }), /not a number/);
});

test('concurrent records of one month are all kept', async (t) => {
  const h = await History.open({ dir: tempDir(t), log: silentLogger });
  await Promise.all(Array.from({ length: 20 }, (_, i) => h.recordSlot({ start: T0 + i * HALF_HOUR_MS, kwh: { bought: i } })));
  assert.equal((await h.slots(T0, T0 + 20 * HALF_HOUR_MS)).length, 20);
});

test('retention: months older than the limit are dropped when a new month is written', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger, retentionMonths: 13 });
  const at = (y: number, m: number) => Date.UTC(y, m, 1);
  await h.recordSlot({ start: at(2025, 9), kwh: { bought: 1 } }); // Oct 2025: 14 months before Nov 2026 + 1
  await h.recordSlot({ start: at(2025, 10), kwh: { bought: 2 } }); // Nov 2025: kept (13 months incl. Nov 2026)
  await h.recordEvent({ at: at(2025, 9) + 1, device: 'x', kind: 'offline', detail: 'not answering' });
  await h.recordSlot({ start: at(2026, 10), kwh: { bought: 3 } });
  const again = await History.open({ dir, log: silentLogger });
  assert.deepEqual((await again.slots(at(2025, 0), at(2027, 0))).map((s) => s.kwh.bought), [2, 3]);
  assert.deepEqual(await again.events(at(2025, 0), at(2027, 0)), []);
  await assert.rejects(History.open({ dir, log: silentLogger, retentionMonths: 0 }), /at least 1/);
});

test('settings keep no secrets, so neither do backups', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  const secrets = ['00112233445566778899AABBCCDDEEFF', 'Pa55w0rdB0ute', 'mqtt-s3cret-pw'];
  await h.saveSettings({
    tariff: 'tepco-smart-life',
    circuits: [{ name: 'EcoCute', unitPrice: 31 }],
    meter: { brouteId: secrets[0], broutePassword: secrets[1] },
    mqtt: { url: 'mqtt://192.0.2.1', username: 'hems', password: secrets[2] },
  });
  assert.deepEqual(await h.settings(), { tariff: 'tepco-smart-life', circuits: [{ name: 'EcoCute', unitPrice: 31 }], meter: {}, mqtt: { url: 'mqtt://192.0.2.1', username: 'hems' } });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  const backup = await createBackup(dir, T0);
  for (const file of readdirSync(join(dir, 'backups', backup.name))) {
    const text = readFileSync(join(dir, 'backups', backup.name, file), 'utf8');
    for (const s of secrets) assert.ok(!text.toLowerCase().includes(s.toLowerCase()), `${file} holds a secret`);
  }
  assert.deepEqual(withoutSecrets({ apiKey: 'x', api_key: 'y', token: 'z', keep: 1 }), { keep: 1 });
});

test('a damaged file is detected, quarantined and recovered from the newest good backup, and the log says so', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  await createBackup(dir, T0 + 1000);
  await h.recordSlot({ start: T0 + HALF_HOUR_MS, kwh: { bought: 2 } }); // after the backup: lost with the damage
  const data = join(dir, 'data');
  const [file] = readdirSync(data);
  const text = readFileSync(join(data, file!), 'utf8');
  writeFileSync(join(data, file!), text.replace('"bought\\":2', '"bought\\":7')); // one flipped digit: still JSON, wrong checksum
  const log = capture();
  const reopened = await History.open({ dir, log, recover: recoverFromBackups(dir) });
  const slots = await reopened.slots(T0, T0 + 2 * HALF_HOUR_MS);
  assert.deepEqual(slots.map((s) => s.kwh.bought), [1]);
  const line = log.lines.find((l) => l.startsWith('ERROR store:'));
  assert.ok(line, 'an error line is logged');
  assert.match(line, /"energy\/2026-11" was damaged/);
  assert.match(line, /moved to .*quarantine/);
  assert.match(line, /recovered from backup 2026-11-26T03-00-01-000Z/);
  assert.equal(readdirSync(join(dir, 'quarantine')).length, 1);
  // and the store goes on
  await reopened.recordSlot({ start: T0 + HALF_HOUR_MS, kwh: { bought: 2 } });
  assert.equal((await reopened.slots(T0, T0 + 2 * HALF_HOUR_MS)).length, 2);
});

test('a damaged file with no backup is quarantined and starts empty; a truncated file too', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  const data = join(dir, 'data');
  const [file] = readdirSync(data);
  writeFileSync(join(data, file!), readFileSync(join(data, file!), 'utf8').slice(0, 20));
  const log = capture();
  const reopened = await History.open({ dir, log, recover: recoverFromBackups(dir) });
  assert.deepEqual(await reopened.slots(T0, T0 + HALF_HOUR_MS), []);
  assert.match(log.lines.join('\n'), /no backup has a good copy, so it starts empty/);
});

test('month partitions', () => {
  assert.equal(monthKey('energy', Date.UTC(2026, 0, 31, 23, 59)), 'energy/2026-01');
  assert.deepEqual(monthsBetween(Date.UTC(2025, 11, 15), Date.UTC(2026, 1, 1)), [Date.UTC(2025, 11, 1), Date.UTC(2026, 0, 1)]);
  assert.deepEqual(monthsBetween(Date.UTC(2026, 1, 1), Date.UTC(2026, 1, 1)), []);
});
