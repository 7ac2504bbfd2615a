/** The home's hot-water use from the EcoCute's remaining-hot-water readings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jstMidnight } from '../../../src/scheduler/calendar.js';
import { liveInput } from '../../../src/scheduler/live-input.js';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../../src/scheduler/service.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';
import { device } from '../../helpers/scheduler-home.js';
import { EMPTY_HOT_WATER, HOT_WATER_MIN_DAYS, hotWaterFrom, hotWaterProfile, observeHotWater, type HotWaterRecord } from '../../../src/scheduler/inputs/hot-water.js';

const DAY = jstMidnight({ year: 2026, month: 5, day: 1 });
const MIN = 60_000;
const H = 60 * MIN;

/** A day of readings every 5 minutes: 370 L at midnight, heated to 460 L by 06:00, 40 L drawn at 07:00-07:10, 120 L for the bath at 20:00-20:20. */
function day(record: HotWaterRecord, start: number): HotWaterRecord {
  let r = record;
  let litres = 370;
  for (let t = start; t < start + 24 * H; t += 5 * MIN) {
    const hour = (t - start) / H;
    if (hour >= 1 && hour < 6) litres = Math.min(460, litres + 1.5);
    if (hour >= 7 && hour < 7 + 1 / 6) litres -= 20;
    if (hour >= 20 && hour < 20 + 1 / 3) litres -= 30;
    r = observeHotWater(r, t, litres);
  }
  return r;
}

test('falls between readings are what was drawn, placed in their half-hour; heating is not counted', () => {
  const r = day(EMPTY_HOT_WATER, DAY);
  const slots = r.days['2026-05-01']!;
  assert.equal(slots.filter((x) => x !== null).length, 48);
  assert.equal(slots[14], 40, '07:00-07:30');
  assert.equal(slots[40], 120, '20:00-20:30');
  assert.equal(slots.reduce((a, v) => a! + v!, 0), 160, 'nothing else, heating included');
  assert.equal(observeHotWater(r, DAY, 10), r, 'an old reading changes nothing');
});

test('a fall across a long silence is not placed anywhere', () => {
  let r = observeHotWater(EMPTY_HOT_WATER, DAY + 7 * H, 400);
  r = observeHotWater(r, DAY + 9 * H, 300);
  assert.equal(r.days['2026-05-01']![18], 0);
});

test('a week of complete days gives the home\'s own profile; fewer keep the typical family\'s', () => {
  let r = EMPTY_HOT_WATER;
  for (let d = 0; d < HOT_WATER_MIN_DAYS; d++) r = day(r, DAY + d * 24 * H);
  const early = hotWaterProfile(r, DAY + (HOT_WATER_MIN_DAYS - 1) * 24 * H + 12 * H);
  assert.deepEqual(early, { days: HOT_WATER_MIN_DAYS - 1 }, 'today does not count');
  const profile = hotWaterProfile(r, DAY + HOT_WATER_MIN_DAYS * 24 * H);
  assert.equal(profile.days, HOT_WATER_MIN_DAYS);
  assert.equal(profile.litres![14], 40);
  assert.equal(profile.litres![40], 120);
  // the record survives the store; a damaged one starts empty
  assert.deepEqual(hotWaterFrom(JSON.parse(JSON.stringify(r))), r);
  assert.deepEqual(hotWaterFrom({ days: { '2026-05-01': [1, 2] } }), EMPTY_HOT_WATER);
});

test('the live plan counts on the recorded draws plus the margin the replay plans with', () => {
  const now = DAY + 30 * 24 * H + 6 * H;
  const eco = device('eco', 'water-heater', { heatingMode: 'automatic', remainingHotWaterL: 200, tankCapacityL: 460 }, now);
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, tariff: makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!), enabled: ['water-heater'] };
  const litres = Array.from({ length: 48 }, (_, i) => (i === 14 ? 60 : 0));
  const input = liveInput(now, [eco], undefined, [], settings, { litres, days: 9 }).input;
  const capacity = input.ecocute!.capacityKwh;
  // 06:00 is the plan's first half-hour: 07:00 is the third
  assert.ok(Math.abs(input.ecocute!.drawKwh[2]! - (1.1 * capacity * 60) / 460) < 1e-9);
  assert.equal(input.ecocute!.drawKwh[3], 0);
});
