import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataCondition, dayUsage, forecastLoad, trimmedMean, withDay, type DayUsage } from '../../../src/scheduler/load-history.js';
import type { WeatherClass } from '../../../src/scheduler/forecast/types.js';

const flat = (v: number) => Array.from({ length: 48 }, () => v);
function build(entries: [string, WeatherClass, number][]): DayUsage[] {
  return entries.reduce<DayUsage[]>((h, [key, w, v]) => withDay(h, dayUsage(key, w, flat(v))!), []);
}

test('day type comes from the calendar: national holidays are holidays', () => {
  assert.equal(dayUsage('2025-03-20', 'sunny', flat(0.3))!.dayType, 'holiday'); // vernal equinox, Thursday
  assert.equal(dayUsage('2025-03-21', 'sunny', flat(0.3))!.dayType, 'weekday');
  assert.equal(dayUsage('2025-03-22', 'sunny', flat(0.3))!.dayType, 'holiday');
  assert.equal(dayUsage('2025-02-30', 'sunny', flat(0.3)), undefined);
  assert.equal(dayUsage('2025-03-21', 'sunny', [1]), undefined);
  assert.equal(dayUsage('2025-03-21', 'sunny', [...flat(0.3).slice(1), -1]), undefined);
});

test('withDay replaces the same date, keeps order and the newest days', () => {
  let h = build([['2025-06-03', 'sunny', 1], ['2025-06-02', 'rain', 1]]);
  h = withDay(h, dayUsage('2025-06-03', 'cloudy', flat(2))!);
  assert.deepEqual(h.map((d) => `${d.dateKey} ${d.weatherClass}`), ['2025-06-02 rain', '2025-06-03 cloudy']);
  assert.deepEqual(withDay(h, dayUsage('2025-06-04', 'sunny', flat(1))!, 2).map((d) => d.dateKey), ['2025-06-03', '2025-06-04']);
});

test('data condition: 5 sunny days of the same day type', () => {
  // June 2025: 2-6 and 9-13 are weekdays; 7, 8, 14 weekend.
  const h = build([
    ['2025-06-02', 'sunny', 1], ['2025-06-03', 'sunny', 1], ['2025-06-04', 'cloudy', 1], ['2025-06-05', 'sunny', 1],
    ['2025-06-06', 'sunny', 1], ['2025-06-07', 'sunny', 1], ['2025-06-08', 'sunny', 1],
  ]);
  const weekday = dataCondition(h, 'weekday');
  assert.deepEqual({ met: weekday.met, have: weekday.have, need: weekday.need }, { met: false, have: 4, need: 5 });
  assert.equal(weekday.message, 'only 4 sunny weekday(s) of usage recorded; 5 are needed.');
  assert.ok(weekday.messageJa.includes('4日'));
  const more = withDay(h, dayUsage('2025-06-09', 'sunny', flat(1))!);
  assert.equal(dataCondition(more, 'weekday').met, true);
  assert.equal(dataCondition(more, 'holiday').have, 2);
});

test('load forecast: trimmed mean of the same day type and weather, widening when too few', () => {
  const h = build([
    ['2025-06-02', 'sunny', 0.2], ['2025-06-03', 'sunny', 0.4], ['2025-06-04', 'sunny', 0.3], ['2025-06-05', 'sunny', 3.0],
    ['2025-06-06', 'sunny', 0.3], ['2025-06-09', 'rain', 0.9], ['2025-06-07', 'sunny', 0.8], ['2025-06-08', 'sunny', 0.6],
  ]);
  const sunnyWeekday = forecastLoad(h, { dateKey: '2025-06-10', weatherClass: 'sunny' })!;
  assert.equal(sunnyWeekday.basis, 'same-day-type-and-weather');
  assert.equal(sunnyWeekday.daysUsed, 5);
  assert.equal(sunnyWeekday.dayType, 'weekday');
  // 0.2 0.3 0.3 0.4 3.0, trim 20 % -> 0.3 0.3 0.4: the 3.0 party day does not drive the forecast.
  assert.ok(Math.abs(sunnyWeekday.slotsKwh[24]! - 1 / 3) < 1e-12);
  const rainyWeekday = forecastLoad(h, { dateKey: '2025-06-10', weatherClass: 'rain' })!;
  assert.equal(rainyWeekday.basis, 'same-day-type');
  const holiday = forecastLoad(h, { dateKey: '2025-06-14', weatherClass: 'sunny' })!;
  assert.equal(holiday.basis, 'any-day');
  assert.equal(holiday.dayType, 'holiday');
  const windowed = forecastLoad(h, { dateKey: '2025-06-10', weatherClass: 'sunny' }, { lookbackDays: 3 })!;
  assert.deepEqual([windowed.basis, windowed.daysUsed], ['any-day', 3]);
  assert.equal(forecastLoad(h, { dateKey: '2025-06-02', weatherClass: 'sunny' }), undefined); // nothing before it
  assert.equal(forecastLoad(h, { dateKey: 'junk', weatherClass: 'sunny' }), undefined);
});

test('trimmed mean', () => {
  assert.equal(trimmedMean([1, 2, 3], 0.2), 2);
  assert.equal(trimmedMean([10, 1, 2, 3, 4], 0.2), 3);
});

test('load forecast blended with the plain mean of the latest days of any kind', () => {
  // weekdays at 0.3 two weeks ago, the home then busier (1.0) on the latest days, weekends included
  const h = build([
    ['2025-06-02', 'unknown', 0.3], ['2025-06-03', 'unknown', 0.3], ['2025-06-04', 'unknown', 0.3], ['2025-06-05', 'unknown', 0.3],
    ['2025-06-06', 'unknown', 0.3], ['2025-06-07', 'unknown', 1.0], ['2025-06-08', 'unknown', 1.0], ['2025-06-09', 'unknown', 1.0],
  ]);
  const target = { dateKey: '2025-06-10', weatherClass: 'unknown' } as const;
  // the weekday profile alone: 0.3 x 5 and 1.0 (the Monday), trimmed mean 0.3 0.3 0.3 0.3 -> 0.3
  assert.ok(Math.abs(forecastLoad(h, target)!.slotsKwh[24]! - 0.3) < 1e-12);
  // half of it from the plain mean of the latest 3 days (1.0): 0.65
  const blended = forecastLoad(h, target, { recentWeight: 0.5, recentDays: 3 })!;
  assert.ok(Math.abs(blended.slotsKwh[24]! - 0.65) < 1e-12);
  assert.equal(blended.basis, 'same-day-type-and-weather');
});
