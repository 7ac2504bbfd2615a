/**
 * The meter's half-hour counters in the store: they survive a restart, follow the store's retention and
 * its recovery from a torn file, and they fill the grid energy of half-hours the recorder missed,
 * exactly, marked, and without counting anything twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackup, recoverFromBackups } from '../../../src/store/backup.js';
import { exportRange } from '../../../src/store/export.js';
import { History, HALF_HOUR_MS } from '../../../src/store/history.js';
import { MeterCounters } from '../../../src/store/meter-counters.js';
import { EnergyRecorder } from '../../../src/store/recorder.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import type { HalfHourRecord } from '../../../src/wisun/history.js';
import { ScriptedHome, meterDevice } from '../../helpers/mqtt.js';

const T0 = Date.UTC(2026, 10, 26, 0, 0); // 09:00 JST
const settle = () => new Promise((r) => setTimeout(r, 20));

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hems-counters-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const record = (slotStart: number, boughtKwh: number, source: HalfHourRecord['source'] = 'inf'): HalfHourRecord => ({ slotStart, boughtKwh, soldKwh: 10, source });

async function open(dir: string, clock: ManualClock, retentionMonths?: number): Promise<{ history: History; counters: MeterCounters }> {
  const history = await History.open({ dir, log: silentLogger, recover: recoverFromBackups(dir), ...(retentionMonths ? { retentionMonths } : {}) });
  const counters = new MeterCounters(clock);
  counters.attach(history);
  return { history, counters };
}

test('the sink waits for the store, and a restart keeps every record and the newest slot', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0 + 3 * HALF_HOUR_MS);
  const waiting = new MeterCounters(clock);
  let answered = false;
  const last = waiting.lastSlot().then((slot) => ((answered = true), slot));
  await settle();
  assert.equal(answered, false, 'nothing is answered before the store is attached');
  const history = await History.open({ dir, log: silentLogger });
  waiting.attach(history);
  assert.equal(await last, undefined);
  for (let i = 0; i <= 3; i++) await waiting.put(record(T0 + i * HALF_HOUR_MS, 100 + i, i === 1 ? 'backfill' : 'inf'));
  await history.settled();

  const { counters } = await open(dir, clock);
  assert.equal(await counters.lastSlot(), T0 + 3 * HALF_HOUR_MS);
  assert.equal(await counters.has(T0 + HALF_HOUR_MS), true);
  assert.equal(await counters.has(T0 + 4 * HALF_HOUR_MS), false);
  assert.deepEqual(
    (await counters.today()).map((r) => [r.slotStart, r.boughtKwh, r.source]),
    [0, 1, 2, 3].map((i) => [T0 + i * HALF_HOUR_MS, 100 + i, i === 1 ? 'backfill' : 'inf']),
  );
});

test('without a store the counters are kept in memory, as the meter client did before', async () => {
  const clock = new ManualClock(T0 + HALF_HOUR_MS);
  const counters = new MeterCounters(clock);
  counters.attach(undefined);
  await counters.put(record(T0, 100));
  assert.equal(await counters.lastSlot(), T0);
  assert.deepEqual((await counters.today()).map((r) => r.slotStart), [T0]);
});

test('the counters follow the store retention', async (t) => {
  const dir = tempDir(t);
  const september = Date.UTC(2026, 8, 10, 0, 0);
  const { history, counters } = await open(dir, new ManualClock(september), 2);
  await counters.put(record(september, 50));
  assert.equal(await counters.has(september), true);
  await counters.put(record(T0, 100)); // November: with two months kept, September goes
  assert.equal(await counters.has(september), false);
  assert.deepEqual((await history.meterRecords(september, T0 + 1)).map((r) => r.slotStart), [T0]);
});

test('a torn counters file is quarantined and recovered from the backup like the rest of the store', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0 + 2 * HALF_HOUR_MS);
  const first = await open(dir, clock);
  await first.counters.put(record(T0, 100));
  await first.history.settled();
  await createBackup(dir, T0 + 1000);
  await first.counters.put(record(T0 + HALF_HOUR_MS, 100.5)); // after the backup: lost with the damage
  await first.history.settled();
  const data = join(dir, 'data');
  const file = readdirSync(data).find((name) => readFileSync(join(data, name), 'utf8').includes('meter/2026-11'));
  assert.ok(file);
  writeFileSync(join(data, file), readFileSync(join(data, file), 'utf8').slice(0, 40)); // a kill mid-write elsewhere
  const { counters } = await open(dir, clock);
  assert.equal(await counters.has(T0), true, 'recovered from the backup');
  assert.equal(await counters.has(T0 + HALF_HOUR_MS), false, 'missing again, so the meter client fetches it again');
  assert.equal(readdirSync(join(dir, 'quarantine')).length, 1);
});

/** The meter's bought counter: 0.01 kWh a minute, sold 0.002. */
const boughtAt = (t: number) => Math.round((1000 + (0.01 * (t - T0)) / 60_000) * 1e4) / 1e4;
const soldAt = (t: number) => Math.round((200 + (0.002 * (t - T0)) / 60_000) * 1e4) / 1e4;

test('a 2-hour outage of the recorder is filled from the meter counters exactly, marked, nothing counted twice', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { history, counters } = await open(dir, clock);
  counters.counterModulus(undefined);
  const boundary = (i: number, source: HalfHourRecord['source'] = 'inf') =>
    counters.put({ slotStart: T0 + i * HALF_HOUR_MS, boughtKwh: boughtAt(T0 + i * HALF_HOUR_MS), soldKwh: soldAt(T0 + i * HALF_HOUR_MS), source });
  /** The recorder follows a home whose meter is read every 5 minutes, for `slots` half-hours. */
  const run = async (slots: number): Promise<void> => {
    const home = new ScriptedHome();
    home.put(meterDevice(clock.now(), 600, boughtAt(clock.now()), soldAt(clock.now())));
    const recorder = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
    await recorder.start();
    for (let step = 0; step < slots * 6; step++) {
      clock.advance(5 * 60_000);
      home.put(meterDevice(clock.now(), 600, boughtAt(clock.now()), soldAt(clock.now())));
      // the meter pushes its fixed counters at each boundary (after the recorder closed the half-hour)
      if ((clock.now() - T0) % HALF_HOUR_MS === 0) {
        await settle();
        await boundary((clock.now() - T0) / HALF_HOUR_MS);
      }
    }
    await recorder.stop();
  };
  await boundary(0);
  await run(2); // 09:00-10:00 recorded live
  clock.advance(2 * 60 * 60_000); // 10:00-12:00: Homebridge was down
  // the meter client, back, fetches the missed boundaries from the meter's history
  for (const i of [3, 4, 5, 6]) await boundary(i, 'backfill');
  await run(2); // 12:00-13:00 live again
  await history.settled();

  const slots = await history.slots(T0, T0 + 10 * HALF_HOUR_MS);
  assert.deepEqual(
    slots.map((s) => [(s.start - T0) / HALF_HOUR_MS, s.kwh.bought, s.kwh.sold, s.grid]),
    [
      [0, 0.3, 0.06, 'meter'],
      [1, 0.3, 0.06, 'meter'],
      [2, 0.3, 0.06, 'backfill'],
      [3, 0.3, 0.06, 'backfill'],
      [4, 0.3, 0.06, 'backfill'],
      [5, 0.3, 0.06, 'backfill'],
      [6, 0.3, 0.06, 'meter'],
      [7, 0.3, 0.06, 'meter'],
    ],
  );
  const total = slots.reduce((sum, s) => sum + (s.kwh.bought ?? 0), 0);
  assert.equal(Math.round(total * 1e4) / 1e4, Math.round((boughtAt(T0 + 8 * HALF_HOUR_MS) - boughtAt(T0)) * 1e4) / 1e4, 'the half-hours add up to the meter counter, once');

  // a late write of the recorder for a filled half-hour keeps the meter's grid values
  await history.recordSlot({ start: T0 + 2 * HALF_HOUR_MS, kwh: { bought: 9, generated: 1 } });
  const [late] = await history.slots(T0 + 2 * HALF_HOUR_MS, T0 + 3 * HALF_HOUR_MS);
  assert.deepEqual([late!.kwh, late!.grid], [{ bought: 0.3, sold: 0.06, generated: 1 }, 'backfill']);

  const csv = (await exportRange(history, T0, T0 + 4 * HALF_HOUR_MS, 'csv')).split('\r\n');
  assert.equal(csv[0], 'start,end,bought_kwh,sold_kwh,generated_kwh,grid_from');
  assert.match(csv[3]!, /,backfill$/);
  const json = JSON.parse(await exportRange(history, T0, T0 + 4 * HALF_HOUR_MS, 'json')) as { energy: { gridFrom?: string }[] };
  assert.deepEqual(json.energy.map((e) => e.gridFrom), ['meter', 'meter', 'backfill', 'backfill']);
});

test('the meter unreachable for an hour while the recorder runs: those half-hours are back-filled, none holds the silence twice', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { history, counters } = await open(dir, clock);
  const home = new ScriptedHome();
  const read = () => home.put(meterDevice(clock.now(), 600, boughtAt(clock.now()), soldAt(clock.now())));
  read();
  const recorder = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
  await recorder.start();
  for (let minute = 5; minute <= 150; minute += 5) {
    clock.advance(5 * 60_000);
    const silent = minute >= 30 && minute < 100; // no reading from 09:30 to 10:35
    if (!silent) read();
    if (minute % 30 === 0) await settle();
  }
  await recorder.stop();
  await history.settled();
  assert.deepEqual(
    (await history.slots(T0, T0 + 5 * HALF_HOUR_MS)).map((s) => [(s.start - T0) / HALF_HOUR_MS, s.kwh.bought]),
    [
      [0, 0.25], // read up to 09:25
      [3, 0.15], // from 10:40, not from 09:25
      [4, 0.3],
    ],
    'the recorder leaves out the half-hours without a reading and counts 10:30 only from the meter answering again (10:40)',
  );
  // the meter client, once the link is back, stores every boundary (the silent ones from its history)
  for (let i = 0; i <= 5; i++) {
    await counters.put({ slotStart: T0 + i * HALF_HOUR_MS, boughtKwh: boughtAt(T0 + i * HALF_HOUR_MS), soldKwh: soldAt(T0 + i * HALF_HOUR_MS), source: i === 2 || i === 3 ? 'backfill' : 'inf' });
  }
  await history.settled();
  const slots = await history.slots(T0, T0 + 5 * HALF_HOUR_MS);
  assert.deepEqual(
    slots.map((s) => [(s.start - T0) / HALF_HOUR_MS, s.kwh.bought, s.grid]),
    [
      [0, 0.3, 'meter'],
      [1, 0.3, 'backfill'],
      [2, 0.3, 'backfill'],
      [3, 0.3, 'meter'],
      [4, 0.3, 'meter'],
    ],
    'the half-hours without a reading were left to the meter, and the silence was not piled onto 10:30',
  );
});

test('a counter that wrapped is differenced across the wrap the meter client reported', async (t) => {
  const dir = tempDir(t);
  const { history, counters } = await open(dir, new ManualClock(T0 + HALF_HOUR_MS));
  counters.counterModulus(100_000);
  await counters.put({ slotStart: T0, boughtKwh: 99_999.9, soldKwh: null, source: 'backfill' });
  await counters.put({ slotStart: T0 + HALF_HOUR_MS, boughtKwh: 0.3, soldKwh: null, source: 'backfill' });
  const [slot] = await history.slots(T0, T0 + HALF_HOUR_MS);
  assert.deepEqual([slot!.kwh, slot!.grid], [{ bought: 0.4 }, 'backfill']);
});

test('where the meter catch-up got to survives a restart; without a store nothing is remembered', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const first = await open(dir, clock);
  assert.equal(await first.counters.completeUpTo(), undefined);
  await first.counters.markComplete(T0 - 20 * HALF_HOUR_MS);
  await first.counters.markComplete(T0 - 4 * HALF_HOUR_MS);
  await first.history.settled();
  const again = await open(dir, clock);
  assert.equal(await again.counters.completeUpTo(), T0 - 4 * HALF_HOUR_MS);
  const memory = new MeterCounters(clock);
  memory.attach(undefined);
  await memory.markComplete(T0);
  assert.equal(await memory.completeUpTo(), undefined);
});
