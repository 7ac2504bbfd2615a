/**
 * The intraday correction: the last hours' actual against forecast scales the next hours, fading with
 * the distance ahead; too little forecast energy in the window (night for PV) gives no correction.
 * Also the live input applying it to load and PV.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECENT_LOAD, RECENT_PV, recentRatio, withRecentLevel } from '../../../src/scheduler/forecast/recent-level.js';
import { liveInput } from '../../../src/scheduler/live-input.js';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../../src/scheduler/service.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';
import { dayUsage } from '../../../src/scheduler/load-history.js';
import { jstTime } from '../../../src/scheduler/calendar.js';

const H = 3_600_000;
const SLOT = H / 2;
const obs = (actual: number[], forecast: number) => actual.map((a) => ({ actualKwh: a, forecastKwh: forecast }));

test('the ratio is actual over forecast of the newest window, held within the bounds', () => {
  // 12 load half-hours: older ones outside the window do not count
  assert.ok(Math.abs(recentRatio([...obs([9, 9, 9], 0.5), ...obs(new Array(12).fill(0.6), 0.5)], RECENT_LOAD)! - 1.2) < 1e-12);
  assert.equal(recentRatio(obs(new Array(12).fill(2), 0.5), RECENT_LOAD), 1.6);
  assert.equal(recentRatio(obs(new Array(12).fill(0), 0.5), RECENT_LOAD), 0.6);
  // PV: the last two hours; a cloud deck takes the ratio down to 0.2 at most
  assert.equal(recentRatio(obs([1, 1, 0.1, 0.1, 0.1, 0.1], 1), RECENT_PV), 0.2);
  assert.ok(Math.abs(recentRatio(obs([0.5, 0.5, 0.5, 0.5], 1), RECENT_PV)! - 0.5) < 1e-12);
});

test('no correction when the window holds too little forecast energy (night, no history)', () => {
  assert.equal(recentRatio(obs([0.05, 0.05, 0.05, 0.05], 0.05), RECENT_PV), undefined);
  assert.equal(recentRatio([], RECENT_LOAD), undefined);
  assert.deepEqual(withRecentLevel([1, 2], [0, SLOT], 0, undefined, RECENT_LOAD), [1, 2]);
});

test('the correction fades with the distance ahead: full now, 1/e after the fade time, nothing tomorrow', () => {
  const now = 1_000 * H;
  const starts = [now, now + 6 * H, now + 30 * H];
  const [a, b, c] = withRecentLevel([1, 1, 1], starts, now, 1.5, RECENT_LOAD);
  assert.equal(a, 1.5);
  assert.ok(Math.abs(b! - (1 + 0.5 / Math.E)) < 1e-12);
  assert.ok(c! > 1 && c! < 1.004);
});

test('the live input scales the next hours of load and PV by the last hours', () => {
  const day0 = Date.parse('2026-05-12T00:00:00+09:00');
  const now = day0 + 12 * H;
  const history = Array.from({ length: 21 }, (_, d) => dayUsage(jstTime(day0 - (d + 1) * 24 * H).dateKey, 'sunny', new Array(48).fill(0.4))!);
  const pv = Array.from({ length: 96 }, (_, i) => ({ start: day0 + i * SLOT, kwh: i % 48 >= 16 && i % 48 < 32 ? 1.5 : 0 }));
  const forecast = { issuedAt: now, source: 'test', pv, days: [], warnings: [] };
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, tariff: makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!), enabled: [] };
  // the morning: the house used 0.6 kWh a half-hour (air conditioning), the panels made half the forecast
  const recent = Array.from({ length: 12 }, (_, k) => {
    const start = now - (12 - k) * SLOT;
    return { start, loadKwh: 0.6, pvKwh: k >= 8 ? 0.75 : 1.5 };
  });
  const plain = liveInput(now, [], forecast, history, settings, undefined).input.slots;
  const scaled = liveInput(now, [], forecast, history, settings, undefined, recent).input.slots;
  assert.equal(plain[0]!.loadKwh, 0.4);
  assert.ok(Math.abs(scaled[0]!.loadKwh - 0.6) < 1e-9, `load now ${scaled[0]!.loadKwh}`);
  assert.ok(Math.abs(scaled[0]!.pvKwh - 0.75) < 1e-9, `PV now ${scaled[0]!.pvKwh}`);
  // three hours ahead the correction has faded part of the way back to the forecast
  const later = scaled[6]!;
  assert.ok(later.loadKwh > 0.4 && later.loadKwh < 0.6);
  assert.ok(later.pvKwh > 0.75 && later.pvKwh < 1.5);
  // a day ahead it is the day-ahead forecast again, to within 2 %
  const tomorrowNoon = scaled.find((s) => s.start === day0 + 36 * H)!;
  assert.ok(Math.abs(tomorrowNoon.pvKwh / 1.5 - 1) < 0.02 && Math.abs(tomorrowNoon.loadKwh / 0.4 - 1) < 0.02, JSON.stringify(tomorrowNoon));
});
