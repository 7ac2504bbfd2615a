import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, HALF_HOUR_MS, storeDirectory } from '../../../src/store/history.js';
import { energyCsv, exportRange, sourcesOf } from '../../../src/store/export.js';
import { runExport, parseTime } from '../../../src/cli/export.js';
import { runBackup, runRestore } from '../../../src/cli/backup.js';
import { CliError } from '../../../src/cli/errors.js';
import type { Output } from '../../../src/cli/output.js';
import { silentLogger } from '../../../src/util/log.js';

const T0 = Date.UTC(2026, 10, 25, 15, 0); // 2026-11-26 00:00 JST

test('CSV: one row per half-hour, grid and solar first, devices after, empty where a source has no value', () => {
  const csv = energyCsv([
    { start: T0, kwh: { 'device/ev,1': 0.5, sold: 0, bought: 0.25 } },
    { start: T0 + HALF_HOUR_MS, kwh: { generated: 1.5, bought: 0.1 } },
  ]);
  assert.equal(
    csv,
    'start,end,bought_kwh,sold_kwh,generated_kwh,"device/ev,1_kwh"\r\n' +
      '2026-11-25T15:00:00.000Z,2026-11-25T15:30:00.000Z,0.25,0,,0.5\r\n' +
      '2026-11-25T15:30:00.000Z,2026-11-25T16:00:00.000Z,0.1,,1.5,\r\n',
  );
  assert.deepEqual(sourcesOf([]), []);
});

function capture(): Output & { values: unknown[] } {
  const values: unknown[] = [];
  return { json: true, values, result: (v) => void values.push(v) };
}

test('JSON export and the CLI commands: export to a file, backup, list, restore; bad arguments are usage errors', async (t) => {
  const storage = mkdtempSync(join(tmpdir(), 'hems-export-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));
  const h = await History.open({ dir: storeDirectory(storage), log: silentLogger });
  await h.recordSlot({ start: T0, kwh: { bought: 0.25, sold: 0 } });
  await h.recordSlot({ start: T0 + 48 * HALF_HOUR_MS, kwh: { bought: 9 } }); // the next day: outside
  await h.recordEvent({ at: T0 + 60_000, device: 'ev', kind: 'offline', detail: 'not answering' });
  await h.recordDecision({ at: T0 + 120_000, decision: { charge: 'ev' } });
  const doc = JSON.parse(await exportRange(h, T0, T0 + 48 * HALF_HOUR_MS, 'json'));
  assert.deepEqual(doc, {
    from: '2026-11-25T15:00:00.000Z',
    to: '2026-11-26T15:00:00.000Z',
    energy: [{ start: '2026-11-25T15:00:00.000Z', kwh: { bought: 0.25, sold: 0 } }],
    events: [{ at: '2026-11-25T15:01:00.000Z', device: 'ev', kind: 'offline', detail: 'not answering' }],
    decisions: [{ at: '2026-11-25T15:02:00.000Z', decision: { charge: 'ev' } }],
  });

  const out = capture();
  const file = join(storage, 'out.csv');
  await runExport(['--storage', storage, '--from', '2026-11-26', '--to', '2026-11-27', '--format', 'csv', '--output', file], out);
  assert.equal(readFileSync(file, 'utf8').split('\r\n')[1], '2026-11-25T15:00:00.000Z,2026-11-25T15:30:00.000Z,0.25,0');
  assert.equal(parseTime('2026-11-26', 'from'), T0);
  assert.equal(parseTime('2026-11-26T00:00:00+09:00', 'from'), T0);

  const usage = async (args: string[], pattern: RegExp) => {
    await assert.rejects(runExport(args, capture()), (err: unknown) => err instanceof CliError && err.exitCode === 2 && pattern.test(err.message));
  };
  await usage(['--storage', storage, '--to', '2026-11-27'], /--from is required/);
  await usage(['--storage', storage, '--from', 'yesterday', '--to', '2026-11-27'], /not a date/);
  await usage(['--storage', storage, '--from', '2026-11-27', '--to', '2026-11-26'], /before --to/);
  await usage(['--storage', storage, '--from', '2026-11-26', '--to', '2026-11-27', '--format', 'xml'], /csv or json/);
  await assert.rejects(runExport(['--storage', join(storage, 'typo'), '--from', '2026-11-26', '--to', '2026-11-27'], capture()), /no ECHONET HEMS data in/);

  const b = capture();
  await runBackup(['--storage', storage], b);
  const made = (b.values[0] as { backup: { name: string } }).backup;
  const list = capture();
  await runBackup(['--storage', storage, '--list'], list);
  assert.deepEqual((list.values[0] as { backups: { name: string }[] }).backups.map((x) => x.name), [made.name]);
  await assert.rejects(runBackup(['--storage', storage, '--keep', '0'], capture()), (e: unknown) => e instanceof CliError && e.exitCode === 2);
  const r = capture();
  await runRestore(['--storage', storage], r);
  assert.equal((r.values[0] as { restored: { name: string } }).restored.name, made.name);
  await assert.rejects(runRestore(['--storage', storage, 'nope'], capture()), (e: unknown) => e instanceof CliError && e.exitCode === 1 && /no backup "nope"/.test(e.message));
});
