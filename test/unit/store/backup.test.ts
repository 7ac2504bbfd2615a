import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, HALF_HOUR_MS } from '../../../src/store/history.js';
import { createBackup, DailyBackup, listBackups, restoreBackup } from '../../../src/store/backup.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { assertWaitsFor, gate } from '../../helpers/gate.js';

const T0 = Date.UTC(2026, 10, 26, 3, 0);
const DAY = 86_400_000;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hems-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('rotation keeps the newest N; restore brings a backup back and parks the replaced data', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  for (let day = 0; day < 5; day++) {
    await h.recordSlot({ start: T0 + day * DAY, kwh: { bought: day } });
    await createBackup(dir, T0 + day * DAY + 1, 3);
  }
  const backups = await listBackups(dir);
  assert.deepEqual(backups.map((b) => b.created), [4, 3, 2].map((d) => new Date(T0 + d * DAY + 1).toISOString()));
  assert.ok(backups.every((b) => b.files >= 1 && b.bytes > 0));
  const restored = await restoreBackup(dir, backups[2]!.name);
  assert.equal(restored.name, backups[2]!.name);
  const after = await History.open({ dir, log: silentLogger });
  assert.deepEqual((await after.slots(T0, T0 + 10 * DAY)).map((s) => s.kwh.bought), [0, 1, 2]);
  assert.equal(readdirSync(join(dir, 'quarantine')).filter((n) => n.startsWith('before-restore-')).length, 1);
  await assert.rejects(restoreBackup(dir, 'no-such-backup'), /there is no backup "no-such-backup"/);
});

test('a damaged backup is refused for restore, and a half-made one is not listed', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  const b = await createBackup(dir, T0);
  const file = readdirSync(join(dir, 'backups', b.name)).find((f) => f !== 'manifest.json')!;
  writeFileSync(join(dir, 'backups', b.name, file), 'garbage');
  await assert.rejects(restoreBackup(dir), /is damaged .* does not match its checksum/);
  // a backup interrupted before its manifest
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'backups', '2027-01-01T00-00-00-000Z'));
  assert.deepEqual((await listBackups(dir)).map((x) => x.name), [b.name]);
  await assert.rejects(restoreBackup(join(dir, 'nothing-here')), /there is no backup in/);
});

test('the daily backup runs at once when the newest is a day old, then every 24 hours', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  const clock = new ManualClock(T0 + HALF_HOUR_MS);
  const daily = new DailyBackup({ dir, clock, log: silentLogger, keep: 2, settled: () => h.settled() });
  await daily.start();
  const settle = () => new Promise((r) => setTimeout(r, 100));
  clock.advance(0);
  await settle();
  assert.equal((await listBackups(dir)).length, 1);
  clock.advance(DAY - 1);
  await settle();
  assert.equal((await listBackups(dir)).length, 1);
  clock.advance(1);
  await settle();
  clock.advance(DAY);
  await settle();
  assert.equal((await listBackups(dir)).length, 2, 'rotated to the two newest');
  await daily.stop();
  const manifest = JSON.parse(readFileSync(join(dir, 'backups', (await listBackups(dir))[0]!.name, 'manifest.json'), 'utf8'));
  assert.equal(manifest.created, new Date(T0 + HALF_HOUR_MS + 2 * DAY).toISOString());
});

test('stop() during a backup returns once that backup is complete', async (t) => {
  const dir = tempDir(t);
  const h = await History.open({ dir, log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 1 } });
  const clock = new ManualClock(T0 + HALF_HOUR_MS);
  // the store's pending writes are let go only later: the backup is held at its start
  const store = gate();
  const daily = new DailyBackup({ dir, clock, log: silentLogger, settled: () => store.held });
  await daily.start();
  clock.advance(0);
  await assertWaitsFor(daily.stop(), store, 'stop waits for the backup under way');
  assert.equal((await listBackups(dir)).length, 1, 'the backup under way was finished, not cut');
  clock.advance(2 * DAY);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await listBackups(dir)).length, 1, 'no backup after stop');
});
