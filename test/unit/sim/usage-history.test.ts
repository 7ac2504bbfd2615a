/**
 * The seeded usage history (src/sim/usage-history.ts) as the scheduler reads it back: complete sunny days
 * that pass the data condition, the simulated home's own half-hours, and an existing scheduler record kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, HALF_HOUR_MS, startOfJstDay } from '../../../src/scheduler/calendar.js';
import { memoryFrom } from '../../../src/scheduler/inputs/forecast-memory.js';
import { STATE_KEY } from '../../../src/scheduler/inputs/recorded.js';
import { recordedInputs } from '../../../src/scheduler/inputs/usage.js';
import { dataCondition } from '../../../src/scheduler/load-history.js';
import { SimulatedHome } from '../../../src/sim/home.js';
import { hasUsageHistory, pastOf, seedUsageHistory } from '../../../src/sim/usage-history.js';
import { History, storeDirectory } from '../../../src/store/history.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

/** Sunday 17 May 2026, 10:30 JST. */
const NOW = Date.UTC(2026, 4, 17, 1, 30);

test('the simulated home past: 28 complete sunny days, its own half-hours, the data condition met for both day types', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const home = new SimulatedHome({ clock: new ManualClock(NOW), seed: 3, solar: { clouds: false }, historyDays: 2 });
  const from = startOfJstDay(NOW) - 28 * DAY_MS;
  assert.equal(await hasUsageHistory(dir, from, NOW), false);
  await seedUsageHistory(dir, 28, NOW, pastOf(home));
  assert.equal(await hasUsageHistory(dir, from, NOW), true);

  const history = await History.open({ dir: storeDirectory(dir), log: silentLogger });
  const slots = await history.slots(from - DAY_MS, NOW);
  assert.equal(slots.length, 28 * 48);
  assert.equal(slots[0]!.start, from);
  assert.equal(slots.at(-1)!.start, startOfJstDay(NOW) - HALF_HOUR_MS);
  // each half-hour is the home's own: household and sun alone
  const noon = from + 24 * HALF_HOUR_MS;
  const base = home.baseHalfHour(noon);
  assert.deepEqual(slots[24]!.kwh, { bought: base.boughtKwh, sold: base.soldKwh, generated: base.generatedKwh });
  assert.ok(base.generatedKwh > 1 && base.soldKwh > 0.5, `a sunny May noon sells: ${JSON.stringify(base)}`);
  const midnight = home.baseHalfHour(from);
  assert.ok(midnight.generatedKwh === 0 && midnight.soldKwh === 0 && midnight.boughtKwh > 0.05, JSON.stringify(midnight));

  const memory = memoryFrom(((await history.storage.get<{ memory: unknown }>(STATE_KEY)) ?? { memory: undefined }).memory);
  const { days } = recordedInputs(slots, memory, []);
  assert.equal(days.length, 28);
  assert.ok(days.every((d) => d.weatherClass === 'sunny'));
  // the home's load (bought - sold + generated) is the household: 6-20 kWh a day (busier at weekends), not a flat line
  for (const d of days) {
    const kwh = d.slotsKwh.reduce((a, v) => a + v, 0);
    assert.ok(kwh > 6 && kwh < 20, `${d.dateKey}: ${kwh} kWh`);
    assert.ok(Math.max(...d.slotsKwh) > 2 * Math.min(...d.slotsKwh), `${d.dateKey} has its peaks`);
  }
  assert.equal(dataCondition(days, 'weekday').met, true);
  assert.equal(dataCondition(days, 'holiday').met, true);
});

test('seeding keeps the rest of an existing scheduler record and the remembered days it does not cover', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const history = await History.open({ dir: storeDirectory(dir), log: silentLogger });
  await history.storage.set(STATE_KEY, { enabled: false, memory: { days: { '2026-01-05': { weatherClass: 'rain' } } } });
  await history.settled();

  await seedUsageHistory(dir, 3, NOW);
  const reread = await History.open({ dir: storeDirectory(dir), log: silentLogger });
  assert.deepEqual(await reread.storage.get(STATE_KEY), {
    enabled: false,
    memory: { days: { '2026-01-05': { weatherClass: 'rain' }, '2026-05-14': { weatherClass: 'sunny' }, '2026-05-15': { weatherClass: 'sunny' }, '2026-05-16': { weatherClass: 'sunny' } } },
  });
  // the tests' household: a steady 600 W
  const slots = await reread.slots(startOfJstDay(NOW) - 3 * DAY_MS, NOW);
  assert.equal(slots.length, 3 * 48);
  assert.ok(slots.every((s) => s.kwh.bought === 0.3 && s.kwh.sold === 0 && s.kwh.generated === 0));
});
