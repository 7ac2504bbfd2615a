import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCorrection, correctionFactor, planningQuantile, MAX_CORRECTION, type ForecastOutcome } from '../../../src/scheduler/forecast/correction.js';

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

test('another quantile of the same ratios on request, fitted log-normal, said as such', () => {
  const history = [day(1, 6), day(2, 8), day(3, 10), day(4, 12), day(5, 14)];
  assert.equal(correctionFactor(history).factor, 1);
  // ratios 0.6 .. 1.4: logs around a median of 0 with a sample spread of 0.3346; the 75th percentile is
  // exp(0.6745 x 0.3346) = 1.2532, above the default cap of 1.2
  const upper = correctionFactor(history, { quantile: 0.75, max: 1.5 });
  assert.ok(Math.abs(upper.factor - 1.2532) < 1e-3, String(upper.factor));
  assert.equal(upper.median, 1);
  assert.ok(upper.message.includes('1.25 times the forecast (75th percentile)'), upper.message);
  assert.equal(correctionFactor(history, { quantile: 0.75 }).factor, 1.2);
  // the 25th percentile mirrors it
  assert.ok(Math.abs(correctionFactor(history, { quantile: 0.25 }).factor - 1 / 1.2532) < 1e-3);
});

test('planning quantile: the critical ratio of night price, day price and sell price', () => {
  // TEPCO スマートライフS with surcharges against an 8.5 yen sale: (31.84 - 8.5) / (39.74 - 8.5)
  assert.ok(Math.abs(planningQuantile(31.84, 39.74, 8.5) - 0.7471) < 1e-4);
  // no cheaper night: nothing to balance
  assert.equal(planningQuantile(35, 35, 8.5), 0.5);
  // a night price barely above the sell price: buying at night is cheap insurance, plan on little sun
  assert.equal(planningQuantile(9, 39.74, 8.5), 0.1);
  // a night price close to the day price: capped
  assert.equal(planningQuantile(39, 39.74, 8.5), 0.9);
});
