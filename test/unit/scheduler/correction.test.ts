import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCorrection, correctionFactor, MAX_CORRECTION, type ForecastOutcome } from '../../../src/scheduler/forecast/correction.js';

const day = (i: number, actual: number, forecast = 10): ForecastOutcome => ({ dateKey: `2025-05-${String(i).padStart(2, '0')}`, actualKwh: actual, forecastKwh: forecast });

test('median of the recent ratios, explained with its numbers', () => {
  const c = correctionFactor([day(1, 8), day(2, 9), day(3, 30), day(4, 8.5), day(5, 9)]);
  assert.equal(c.factor, 0.9);
  assert.equal(c.median, 0.9);
  assert.equal(c.daysUsed, 5);
  assert.equal(c.message, 'PV forecast x 0.90: over the last 5 days the panels made 0.90 times the forecast (median).');
  assert.ok(c.messageJa.includes('0.90倍'));
});

test('raising is capped at 1.2 by default and never above 1.5 even if configured', () => {
  const high = [1, 2, 3, 4, 5].map((i) => day(i, 25));
  const c = correctionFactor(high);
  assert.equal(c.factor, 1.2);
  assert.equal(c.median, 2.5);
  assert.ok(c.message.includes('capped at 1.20'));
  assert.equal(correctionFactor(high, { max: 3 }).factor, MAX_CORRECTION);
  assert.deepEqual(correctionFactor(high, { max: 3 }).bounds, [0.5, 1.5]);
});

test('lowering is limited to 0.5', () => {
  const c = correctionFactor([1, 2, 3, 4].map((i) => day(i, 1)));
  assert.equal(c.factor, 0.5);
  assert.ok(c.message.includes('limited to 0.50'));
});

test('bounds hold for any history (property over pseudo-random inputs)', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 300; n++) {
    const history = Array.from({ length: Math.floor(rnd() * 30) }, (_, i) => day((i % 28) + 1, rnd() * 40, rnd() * 20));
    const c = correctionFactor(history, { min: rnd() * 2 - 0.5, max: rnd() * 5 });
    assert.ok(c.factor >= c.bounds[0] && c.factor <= c.bounds[1] && c.factor <= MAX_CORRECTION && c.factor > 0, JSON.stringify(c));
  }
});

test('only the last N usable days count; dull days and too little data leave it at 1', () => {
  const history = [...[1, 2, 3, 4, 5].map((i) => day(i, 5)), ...[6, 7, 8].map((i) => day(i, 11))];
  assert.equal(correctionFactor(history, { days: 3 }).factor, 1.1);
  const dull = [1, 2, 3, 4].map((i) => day(i, 0.2, 1));
  const c = correctionFactor(dull);
  assert.equal(c.factor, 1);
  assert.ok(c.message.includes('0 usable day(s)'));
  assert.equal(correctionFactor([]).factor, 1);
});

test('applyCorrection scales every slot', () => {
  assert.deepEqual(applyCorrection([{ start: 0, kwh: 1 }, { start: 1, kwh: 0.5 }], 0.8), [{ start: 0, kwh: 0.8 }, { start: 1, kwh: 0.4 }]);
});
