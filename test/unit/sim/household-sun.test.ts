import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HouseholdLoad } from '../../../src/sim/household.js';
import { SolarArray } from '../../../src/sim/sun.js';

const HOUR = 3_600_000;
// 2026-06-15 is a Monday; midnight JST is 15:00 UTC the day before.
const MONDAY_JST = Date.parse('2026-06-14T15:00:00Z');
const SATURDAY_JST = MONDAY_JST + 5 * 24 * HOUR;
const WINTER_MONDAY_JST = Date.parse('2026-12-20T15:00:00Z');

function dailyKwh(powerAt: (t: number) => number, dayStart: number): number {
  let wh = 0;
  for (let t = dayStart; t < dayStart + 24 * HOUR; t += 60_000) wh += powerAt(t) / 60;
  return wh / 1000;
}

function meanW(powerAt: (t: number) => number, from: number, hours: number): number {
  let sum = 0;
  let n = 0;
  for (let t = from; t < from + hours * HOUR; t += 60_000, n++) sum += powerAt(t);
  return sum / n;
}

test('household load: a seed always gives the same home, another seed another one', () => {
  const a = new HouseholdLoad({ seed: 7 });
  const b = new HouseholdLoad({ seed: 7 });
  const c = new HouseholdLoad({ seed: 8 });
  const times = Array.from({ length: 200 }, (_, i) => MONDAY_JST + i * 437_000);
  assert.deepEqual(times.map((t) => a.powerAt(t)), times.map((t) => b.powerAt(t)));
  assert.notDeepEqual(times.map((t) => a.powerAt(t)), times.map((t) => c.powerAt(t)));
});

test('household load: weekday morning and evening peaks stand above the empty-house daytime', () => {
  const home = new HouseholdLoad({ seed: 1 });
  const morning = meanW((t) => home.powerAt(t), MONDAY_JST + 6.5 * HOUR, 1.5);
  const midday = meanW((t) => home.powerAt(t), MONDAY_JST + 10 * HOUR, 5);
  const evening = meanW((t) => home.powerAt(t), MONDAY_JST + 18.5 * HOUR, 3);
  const night = meanW((t) => home.powerAt(t), MONDAY_JST + 1 * HOUR, 3);
  assert.ok(morning > 1.5 * midday, `morning ${morning} vs midday ${midday}`);
  assert.ok(evening > 2 * midday, `evening ${evening} vs midday ${midday}`);
  assert.ok(night < midday, `night ${night} vs midday ${midday}`);
  const kwh = dailyKwh((t) => home.powerAt(t), MONDAY_JST);
  assert.ok(kwh > 6 && kwh < 16, `a weekday uses ${kwh} kWh`);
});

test('household load: people are home at weekend middays', () => {
  const home = new HouseholdLoad({ seed: 1 });
  const weekday = meanW((t) => home.powerAt(t), MONDAY_JST + 10 * HOUR, 5);
  const saturday = meanW((t) => home.powerAt(t), SATURDAY_JST + 10 * HOUR, 5);
  assert.ok(saturday > 1.4 * weekday, `saturday ${saturday} vs weekday ${weekday}`);
});

test('solar: nothing at night, a bell around noon, more and longer in June than in December', () => {
  const pv = new SolarArray({ kWp: 5, clouds: false });
  assert.equal(pv.powerAt(MONDAY_JST + 1 * HOUR), 0);
  assert.equal(pv.powerAt(MONDAY_JST + 21 * HOUR), 0);
  const noon = pv.powerAt(MONDAY_JST + 11.75 * HOUR);
  assert.ok(noon > 3000 && noon <= 5000, `June noon ${noon} W`);
  assert.ok(pv.powerAt(MONDAY_JST + 8 * HOUR) < noon);
  assert.ok(pv.powerAt(MONDAY_JST + 16 * HOUR) < noon);
  const daylight = (dayStart: number): number => {
    let minutes = 0;
    for (let t = dayStart; t < dayStart + 24 * HOUR; t += 60_000) if (pv.powerAt(t) > 0) minutes++;
    return minutes / 60;
  };
  const june = daylight(MONDAY_JST);
  const december = daylight(WINTER_MONDAY_JST);
  // Tokyo: about 14.5 h of daylight at midsummer, 9.8 h at midwinter (generation starts a bit later)
  assert.ok(june > 13 && june < 15, `June daylight ${june} h`);
  assert.ok(december > 8.5 && december < 10.5, `December daylight ${december} h`);
  assert.ok(dailyKwh((t) => pv.powerAt(t), MONDAY_JST) > dailyKwh((t) => pv.powerAt(t), WINTER_MONDAY_JST));
});

test('solar: clouds only ever take power away, deterministically for a seed, and scale with kWp', () => {
  const clear = new SolarArray({ kWp: 4, clouds: false });
  const cloudy = new SolarArray({ kWp: 4, seed: 5 });
  const again = new SolarArray({ kWp: 4, seed: 5 });
  const big = new SolarArray({ kWp: 8, clouds: false });
  let darker = 0;
  for (let d = 0; d < 20; d++) {
    const t = MONDAY_JST + d * 24 * HOUR + 11 * HOUR;
    assert.ok(cloudy.powerAt(t) <= clear.powerAt(t));
    assert.equal(cloudy.powerAt(t), again.powerAt(t));
    assert.ok(Math.abs(big.powerAt(t) - 2 * clear.powerAt(t)) < 1e-9);
    if (cloudy.powerAt(t) < 0.5 * clear.powerAt(t)) darker++;
  }
  assert.ok(darker > 0, 'some of 20 days are overcast');
});
