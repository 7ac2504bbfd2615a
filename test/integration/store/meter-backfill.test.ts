/**
 * The B-route meter writing into the store over a REAL pty (serialport on the host end, the dongle
 * simulator on the other): a first run fills today since midnight into the store; the plugin is then
 * down for two hours; the second run, with a fresh process's sink over the same store, fetches only the
 * half-hours it missed, and afterwards the store holds every half-hour boundary since midnight and the
 * grid energy of every half-hour, the missed ones marked as back-filled and equal to the meter's truth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedHome } from '../../../src/sim/home.js';
import { startDongleSimulator } from '../../../src/sim/dongle/index.js';
import { History } from '../../../src/store/history.js';
import { MeterCounters } from '../../../src/store/meter-counters.js';
import { ManualClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { SLOT_MS, jstDayStart, slotAtOrBefore } from '../../../src/wisun/history.js';
import { startBrouteMeter } from '../../../src/wisun/index.js';
import { openSkstack } from '../../../src/wisun/skstack.js';
import { createPtyPair, PTY_SKIP_REASON } from '../../helpers/pty.js';

const ID = '00112233445566778899AABBCCDDEEFF';
const PASSWORD = 'Pw0rdSecret9';
/** 10:00 JST, 26 Nov 2026. */
const START = Date.UTC(2026, 10, 26, 1, 0);
const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The simulated meter reports 0.1 kWh steps. */
const asMeterKwh = (kwh: number) => Math.round(kwh / 0.1) / 10;

test('after a restart the meter back-fills only what it missed, and the store holds every half-hour', { skip: PTY_SKIP_REASON }, async (t) => {
  const clock = new ManualClock(START);
  const home = new SimulatedHome({ clock, historyDays: 2, seed: 7 });
  const pair = await createPtyPair();
  const dir = await mkdtemp(join(tmpdir(), 'hems-meter-store-'));
  const sim = startDongleSimulator({ path: pair.donglePath, family: 'single-hop', timing: 'fast', credentials: { id: ID, password: PASSWORD }, meter: home, clock });
  t.after(async () => {
    await sim.stop();
    await pair.close();
    await rm(dir, { recursive: true, force: true });
  });
  const lines: string[] = [];
  const log: Logger = { debug: () => undefined, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const until = async (cond: () => Promise<boolean>, maxMs: number, what: string): Promise<void> => {
    for (let done = 0; done <= maxMs; done += 500) {
      if (await cond()) return;
      clock.advance(500);
      await realDelay(1);
    }
    assert.fail(`not within ${maxMs / 1000} s of simulated time: ${what}`);
  };
  /** One run of the plugin: the store opened, the meter started with the store's sink, until `done`. */
  const run = async (done: (counters: MeterCounters) => Promise<boolean>): Promise<History> => {
    const history = await History.open({ dir, log });
    const counters = new MeterCounters(clock);
    const meter = startBrouteMeter({
      port: pair.hostPath,
      id: ID,
      password: PASSWORD,
      cacheDir: dir,
      clock,
      log,
      sink: counters,
      requestTimeoutMs: 60_000,
      session: { openLink: (stream, o) => openSkstack(stream, { ...o, commandTimeoutMs: 60_000, joinTimeoutMs: 120_000 }) },
    });
    // as in the plugin: the store is attached after the meter has started
    counters.attach(history);
    try {
      await until(() => done(counters), 20 * 60_000, 'the meter history to catch up');
    } finally {
      await meter.stop();
      await history.settled();
    }
    return history;
  };

  await run((c) => c.has(START));
  const firstFill = lines.filter((l) => l.startsWith('back-filling'));
  assert.deepEqual(firstFill, [`back-filling ${(START - jstDayStart(START)) / SLOT_MS + 1} missing half-hour(s) from the meter's history`], 'the first run fills today since midnight');

  clock.advance(2 * 3_600_000); // Homebridge is down for two hours
  const upTo = slotAtOrBefore(clock.now());
  lines.length = 0;
  const history = await run((c) => c.has(upTo));
  assert.deepEqual(
    lines.filter((l) => l.startsWith('back-filling')),
    [`back-filling ${(upTo - START) / SLOT_MS} missing half-hour(s) from the meter's history`],
    'the restart fetches only the half-hours it missed, not the whole day again',
  );

  const midnight = jstDayStart(START);
  const records = await history.meterRecords(midnight, upTo + 1);
  assert.deepEqual(
    records.map((r) => r.slotStart),
    Array.from({ length: (upTo - midnight) / SLOT_MS + 1 }, (_, i) => midnight + i * SLOT_MS),
    'every half-hour boundary since midnight is in the store',
  );
  for (const r of records) assert.equal(r.boughtKwh, asMeterKwh(home.cumulativeAt(r.slotStart)!.boughtKwh));
  const slots = await history.slots(midnight, upTo);
  assert.equal(slots.length, (upTo - midnight) / SLOT_MS, 'the grid energy of every half-hour since midnight');
  for (const s of slots) {
    assert.equal(s.grid, 'backfill', 'nothing was recorded live here, so every half-hour is marked as back-filled');
    const truth = asMeterKwh(home.cumulativeAt(s.start + SLOT_MS)!.boughtKwh) - asMeterKwh(home.cumulativeAt(s.start)!.boughtKwh);
    assert.equal(s.kwh.bought, Math.round(truth * 1e4) / 1e4, `bought ${new Date(s.start).toISOString()}`);
  }
});
