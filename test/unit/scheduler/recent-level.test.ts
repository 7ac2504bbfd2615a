/**
 * The intraday correction: the last hours' actual against forecast scales the next hours, fading with
 * the distance ahead; too little forecast energy in the window (night for PV) gives no correction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECENT_LOAD, RECENT_PV, recentRatio, withRecentLevel } from '../../../src/scheduler/forecast/recent-level.js';

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
