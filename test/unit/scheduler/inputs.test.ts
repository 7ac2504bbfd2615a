/**
 * The scheduler's missing inputs, from constructed store records: what each forecast said about each day
 * (weather class as issued, day-ahead PV), the household load per half-hour (bought - sold + generated,
 * less the devices the planner decides), complete days only, forecast outcomes, and the record kept in a
 * real store across a restart, rebuilt after midnight.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_MEMORY, memoryFrom, remember, type ForecastMemory } from '../../../src/scheduler/inputs/forecast-memory.js';
import { recentSlots, recordedInputs } from '../../../src/scheduler/inputs/usage.js';
import { SchedulerInputs, STATE_KEY } from '../../../src/scheduler/inputs/recorded.js';
import type { Forecast, WeatherClass } from '../../../src/scheduler/forecast/types.js';
import { History, type EnergySlot } from '../../../src/store/history.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

const H = 3_600_000;
const DAY = 24 * H;
const SLOT = H / 2;
const MON = Date.parse('2026-05-11T00:00:00+09:00'); // a Monday
const key = (t: number) => new Date(t + 9 * H).toISOString().slice(0, 10);

function forecast(issuedAt: number, days: [number, WeatherClass][], pvDays: number[] = [], pvFrom = 0): Forecast {
  const pv = pvDays.flatMap((d) => Array.from({ length: 48 }, (_, i) => ({ start: d + i * SLOT, kwh: i >= 16 && i < 32 ? 1 : 0 }))).filter((s) => s.start >= pvFrom);
  return { issuedAt, source: 'test', pv, days: days.map(([d, weatherClass]) => ({ dateKey: key(d), weatherClass })), warnings: [] };
}

/** 48 half-hours of a day: per slot, the sources given by f(slot index). */
function day(start: number, f: (i: number) => Record<string, number>): EnergySlot[] {
  return Array.from({ length: 48 }, (_, i) => ({ start: start + i * SLOT, kwh: f(i) }));
}

test('forecasts are remembered: today\'s weather as issued, later issues replace it, PV only day-ahead and complete', () => {
  const tue = MON + DAY;
  // Monday 17:00: Monday sunny, Tuesday rain; PV for the rest of Monday and all of Tuesday
  let m = remember(EMPTY_MEMORY, forecast(MON + 17 * H, [[MON, 'sunny'], [tue, 'rain']], [MON, tue], MON + 17 * H), MON + 17 * H);
  assert.deepEqual(m.days, { [key(MON)]: { weatherClass: 'sunny' }, [key(tue)]: { weatherClass: 'rain', pvForecastKwh: 16 } });
  // Tuesday 05:00: Tuesday now cloudy with more sun; Monday is past and left alone; the day-ahead PV stays
  m = remember(m, forecast(tue + 5 * H, [[MON, 'rain'], [tue, 'cloudy']], [tue]), tue + 5 * H);
  assert.deepEqual(m.days[key(tue)], { weatherClass: 'cloudy', pvForecastKwh: 16 });
  assert.equal(m.days[key(MON)]!.weatherClass, 'sunny');
  // a code the source could not name does not erase what is known
  m = remember(m, forecast(tue + 11 * H, [[tue, 'unknown']]), tue + 11 * H);
  assert.equal(m.days[key(tue)]!.weatherClass, 'cloudy');
  // two months on, those days are gone
  m = remember(m, forecast(MON + 70 * DAY, []), MON + 70 * DAY);
  assert.deepEqual(m.days, {});
});

test('a stored memory is read defensively', () => {
  assert.deepEqual(memoryFrom(undefined), EMPTY_MEMORY);
  assert.deepEqual(memoryFrom({ days: 'x' }), EMPTY_MEMORY);
  assert.deepEqual(memoryFrom({ days: { '2026-05-11': { weatherClass: 'sunny', pvForecastKwh: 12 }, '2026-05-12': { weatherClass: 'hail', pvForecastKwh: -1 }, nonsense: {} } }).days, {
    '2026-05-11': { weatherClass: 'sunny', pvForecastKwh: 12 },
    '2026-05-12': {},
  });
});

test('load is bought - sold + generated less the planned devices; other devices stay in the load', () => {
  const memory: ForecastMemory = { days: { [key(MON)]: { weatherClass: 'sunny', pvForecastKwh: 20 } } };
  const slots = day(MON, (i) => ({
    bought: i < 16 ? 0.4 : i === 40 ? 1.5 : 0,
    sold: i >= 16 && i < 32 ? 0.6 : 0,
    generated: i >= 16 && i < 32 ? 1.2 : 0,
    // the planned battery charges 0.2 at noon and gives 0.1 back in the evening
    'device/bat': i >= 16 && i < 32 ? 0.2 : i >= 36 ? -0.1 : 0,
    // a car the planner does not decide for is part of the house
    'device/car': i === 40 ? 1.5 : 0,
  }));
  const { days, outcomes } = recordedInputs(slots, memory, ['bat']);
  assert.equal(days.length, 1);
  const d = days[0]!;
  assert.equal(d.dateKey, key(MON));
  assert.equal(d.dayType, 'weekday');
  assert.equal(d.weatherClass, 'sunny');
  assert.equal(d.slotsKwh[0], 0.4);
  assert.equal(d.slotsKwh[20], 0.4, 'noon: 1.2 generated - 0.6 sold - 0.2 into the battery');
  assert.equal(d.slotsKwh[38], 0.1, 'evening: the battery covered the house, nothing bought');
  assert.equal(d.slotsKwh[40], 1.6, 'the car bought 1.5 plus what the battery covered');
  assert.deepEqual(outcomes, [{ dateKey: key(MON), forecastKwh: 20, actualKwh: 19.2 }]);
});

test('only complete days count; a day without a weather record is "unknown"; a home without seen panels gives no outcome', () => {
  const sat = MON + 5 * DAY;
  const memory: ForecastMemory = { days: { [key(sat)]: { pvForecastKwh: 10 } } };
  const flat = { bought: 0.3 };
  const slots = [
    ...day(MON, () => flat).slice(1), // 47 half-hours: the plugin was down
    ...day(MON + DAY, (i) => (i === 5 ? { sold: 0 } : flat)), // the meter's figure missing once
    ...day(MON + 2 * DAY, (i) => (i < 24 ? { ...flat, generated: 0 } : flat)), // panels seen half the day
    ...day(MON + 3 * DAY, (i) => (i < 24 ? { ...flat, 'device/bat': 0 } : flat)), // a planned device half the day
    ...day(sat, (i) => ({ bought: i === 3 ? 0.1 : 0.3, sold: i === 3 ? 0.2 : 0 })), // counters a little apart
  ];
  const { days, outcomes } = recordedInputs(slots, memory, ['bat']);
  assert.deepEqual(days.map((d) => d.dateKey), [key(sat)]);
  assert.equal(days[0]!.dayType, 'holiday');
  assert.equal(days[0]!.weatherClass, 'unknown');
  assert.equal(days[0]!.slotsKwh[3], 0, 'never below zero');
  assert.deepEqual(outcomes, []);
});

test('kept in the store: weather from fetched forecasts, the switch across a restart, new days after midnight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-inputs-'));
  try {
    const history = await History.open({ dir, log: silentLogger });
    for (let d = 0; d < 3; d++) for (const s of day(MON + d * DAY, (i) => ({ bought: 0.25 + i / 1000, generated: 0 }))) await history.recordSlot(s);
    const clock = new ManualClock(MON + 3 * DAY + 8 * H); // Thursday 08:00
    const options = { storage: history.storage, slots: history, clock, log: silentLogger, planned: () => [] };
    const inputs = await SchedulerInputs.open(options);
    assert.deepEqual(inputs.history().map((d) => [d.dateKey, d.weatherClass]), [[key(MON), 'unknown'], [key(MON + DAY), 'unknown'], [key(MON + 2 * DAY), 'unknown']]);
    assert.equal(inputs.enabled(), undefined, 'first run: no switch saved');

    // Thursday's forecast says sunny, with Friday's PV; Thursday is then recorded
    const thu = MON + 3 * DAY;
    const provider = inputs.remembering({ id: 'jma', fetchForecast: (now) => Promise.resolve(forecast(now, [[thu, 'sunny']], [thu + DAY])) });
    await provider.fetchForecast(clock.now());
    inputs.saveEnabled(false);
    for (const s of day(thu, (i) => ({ bought: 0.5, sold: i === 24 ? 2 : 0, generated: i === 24 ? 2 : 0 }))) await history.recordSlot(s);
    inputs.start();
    clock.advance(16 * H + 5 * 60_000); // Friday 00:05
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(inputs.history().at(-1), { dateKey: key(thu), dayType: 'weekday', weatherClass: 'sunny', slotsKwh: new Array(48).fill(0.5) });
    await inputs.stop();

    const stored = await history.storage.get<{ enabled: boolean }>(STATE_KEY);
    assert.equal(stored?.enabled, false);
    const again = await SchedulerInputs.open(options);
    assert.equal(again.enabled(), false, 'the switch survives the restart');
    assert.equal(again.history().at(-1)!.weatherClass, 'sunny', 'and so does the weather of the days');
    // Friday's day-ahead PV waits for Friday's actual
    clock.advance(DAY);
    for (const s of day(thu + DAY, (i) => ({ bought: 0.2, generated: i === 24 ? 13 : 0 }))) await history.recordSlot(s);
    await again.refresh();
    assert.deepEqual(again.outcomes(), [{ dateKey: key(thu + DAY), forecastKwh: 16, actualKwh: 13 }]);
    await history.settled();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the last hours for the intraday correction: load as for whole days, PV where the panels are seen', () => {
  const t0 = Date.parse('2026-05-12T10:00:00+09:00');
  const slots: EnergySlot[] = [
    { start: t0 + 1_800_000, kwh: { bought: 0.1, sold: 0.5, generated: 1.2, 'device/bat': 0.2, 'device/other': 0.3 } },
    { start: t0, kwh: { bought: 0.4, generated: 0.3 } },
    // no meter figure: nothing to say about the load
    { start: t0 + 3_600_000, kwh: { generated: 1 } },
    { start: t0 + 5_400_000, kwh: { bought: 0.7 } },
  ];
  assert.deepEqual(recentSlots(slots, ['bat']), [
    { start: t0, loadKwh: 0.7, pvKwh: 0.3 },
    // 0.1 - 0.5 + 1.2 less the planned battery's 0.2 (the unplanned device stays in the load)
    { start: t0 + 1_800_000, loadKwh: 0.6, pvKwh: 1.2 },
    { start: t0 + 5_400_000, loadKwh: 0.7 },
  ]);
});
