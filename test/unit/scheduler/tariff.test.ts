import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jstMidnight, parseDateKey } from '../../../src/scheduler/calendar.js';
import { buyPriceRange, makeTariff, slotCost, TARIFF_PRESETS, validateTariffSpec, type TariffSpec } from '../../../src/scheduler/tariff.js';

const RENEWABLE = 3.98;
const at = (key: string, clock: string) => {
  const [h, m] = clock.split(':').map(Number);
  return jstMidnight(parseDateKey(key)!) + (h! * 60 + m!) * 60_000;
};
function near(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
}

test('every preset is valid and builds', () => {
  for (const spec of Object.values(TARIFF_PRESETS)) {
    assert.deepEqual(validateTariffSpec(spec), { ok: true, spec });
    assert.equal(makeTariff(spec).id, spec.id);
  }
});

test('TEPCO Smart Life S: night band 01:00-06:00 at its edges, surcharges added', () => {
  const t = makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!);
  const day = 35.76 + RENEWABLE;
  const night = 27.86 + RENEWABLE;
  const cases: [string, number][] = [['00:30', day], ['00:59', day], ['01:00', night], ['05:30', night], ['05:59', night], ['06:00', day], ['23:30', day]];
  for (const [clock, price] of cases) near(t.buyPrice(at('2025-06-10', clock)), price, clock);
  near(t.buyPrice(at('2025-06-14', '12:00')), day, 'Saturday is priced the same');
  assert.equal(t.sellPrice(at('2025-06-10', '12:00')), 8.5);
  assert.equal(t.kind, 'time-of-use');
});

test('Kansai Hapi e-Time R: daytime only on weekdays, summer price Jul-Sep, Kansai holiday days', () => {
  const t = makeTariff(TARIFF_PRESETS['kepco-hapie-time-r']!);
  const night = 15.2 + RENEWABLE;
  const living = 22.89 + RENEWABLE;
  const summerDay = 28.96 + RENEWABLE;
  const otherDay = 26.33 + RENEWABLE;
  const weekday: [string, number][] = [['06:30', night], ['07:00', living], ['09:30', living], ['10:00', summerDay], ['16:30', summerDay], ['17:00', living], ['22:30', living], ['23:00', night], ['00:00', night]];
  for (const [clock, price] of weekday) near(t.buyPrice(at('2025-07-15', clock)), price, `summer weekday ${clock}`);
  near(t.buyPrice(at('2025-09-30', '10:00')), summerDay, 'last summer day');
  near(t.buyPrice(at('2025-10-01', '10:00')), otherDay, 'first other-season day');
  near(t.buyPrice(at('2025-06-30', '16:30')), otherDay, 'June is other season');
  near(t.buyPrice(at('2025-07-21', '12:00')), living, 'Marine Day (national holiday) has no daytime band');
  near(t.buyPrice(at('2025-07-19', '12:00')), living, 'Saturday');
  near(t.buyPrice(at('2025-12-30', '12:00')), living, 'Kansai holiday-priced 12/30 (a Tuesday)');
  near(t.buyPrice(at('2025-12-29', '12:00')), otherDay, 'ordinary Monday');
});

test('tiered flat plan uses the typical tier everywhere', () => {
  const t = makeTariff(TARIFF_PRESETS['flat-juryo-b']!);
  for (const clock of ['00:00', '06:00', '12:00', '23:30']) near(t.buyPrice(at('2025-08-01', clock)), 36.4 + RENEWABLE, clock);
  assert.equal(t.kind, 'flat');
});

test('custom plan from a preset with overrides; fuel-cost adjustment may be negative', () => {
  const r = validateTariffSpec({ preset: 'tepco-smartlife-s', sellYenPerKwh: 16, surcharges: [{ label: 'fuel', yenPerKwh: -1.5 }] });
  assert.ok(r.ok);
  const t = makeTariff(r.spec);
  near(t.buyPrice(at('2025-06-10', '12:00')), 35.76 - 1.5, 'override replaces the surcharges');
  assert.equal(t.sellPrice(0), 16);
});

test('custom seasonal plan with wrapping months and holiday bands', () => {
  const spec: TariffSpec = {
    id: 'x', name: 'Test', nameJa: 'テスト', kind: 'seasonal', sellYenPerKwh: 10, co2KgPerKwh: 0.4,
    seasons: [
      { label: 'winter', months: [11, 3], weekday: [{ from: '00:00', to: '24:00', yenPerKwh: 40 }] },
      { label: 'rest', months: [4, 10], weekday: [{ from: '00:00', to: '24:00', yenPerKwh: 30 }], holiday: [{ from: '00:00', to: '00:00', yenPerKwh: 20 }] },
    ],
  };
  const t = makeTariff(spec);
  assert.equal(t.buyPrice(at('2026-01-15', '12:00')), 40);
  assert.equal(t.buyPrice(at('2026-03-31', '23:30')), 40);
  assert.equal(t.buyPrice(at('2026-04-01', '00:00')), 30);
  assert.equal(t.buyPrice(at('2026-04-29', '12:00')), 20); // 昭和の日
});

test('validation explains gaps, overlaps, bad clocks, months and unknown presets', () => {
  const base = TARIFF_PRESETS['tepco-smartlife-s']!;
  const gap = validateTariffSpec({ ...base, seasons: [{ label: 'all', months: [1, 12], weekday: [{ from: '06:00', to: '01:00', yenPerKwh: 30 }] }] });
  assert.ok(!gap.ok && gap.errors.some((e) => e.includes('no price for the half-hour(s) starting 01:00')), JSON.stringify(gap));
  const overlap = validateTariffSpec({ ...base, seasons: [{ label: 'all', months: [1, 12], weekday: [{ from: '00:00', to: '24:00', yenPerKwh: 30 }, { from: '10:00', to: '11:00', yenPerKwh: 9 }] }] });
  assert.ok(!overlap.ok && overlap.errors.some((e) => e.includes('more than one price') && e.includes('10:00, 10:30')));
  const clock = validateTariffSpec({ ...base, seasons: [{ label: 'all', months: [1, 12], weekday: [{ from: '06:15', to: '24:00', yenPerKwh: 30 }] }] });
  assert.ok(!clock.ok && clock.errors.some((e) => e.includes('half-hour')));
  const months = validateTariffSpec({ ...base, seasons: [{ label: 'summer', months: [7, 9], weekday: base.seasons[0]!.weekday }] });
  assert.ok(!months.ok && months.errors.some((e) => e.includes('no season covers month(s) 1, 2, 3, 4, 5, 6, 10, 11, 12')));
  const preset = validateTariffSpec({ preset: 'nope' });
  assert.ok(!preset.ok && preset.errors[0]!.includes('tepco-smartlife-s'));
  const junk = validateTariffSpec({ id: 'a', kind: 'cheap', sellYenPerKwh: -1, co2KgPerKwh: 5 });
  assert.ok(!junk.ok && junk.errors.length >= 5);
  assert.ok(!validateTariffSpec(null).ok);
  assert.throws(() => makeTariff({ ...base, sellYenPerKwh: Number.NaN }), /sellYenPerKwh/);
});

test('slotCost: bought at the buy price, sold at the sell price, CO2 on purchases', () => {
  const t = makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!);
  const c = slotCost(t, at('2025-06-10', '03:00'), 2, 1);
  near(c.buyYen, 2 * (27.86 + RENEWABLE), 'buy');
  near(c.sellYen, 8.5, 'sell');
  near(c.netYen, c.buyYen - 8.5, 'net');
  near(c.co2Kg, 0.9, 'co2');
});

test('buyPriceRange finds the day\'s highest and lowest half-hours', () => {
  const t = makeTariff(TARIFF_PRESETS['kepco-hapie-time-r']!);
  const day = at('2025-07-15', '00:00');
  const r = buyPriceRange(t, day, day + 86_400_000);
  near(r.highest, 28.96 + RENEWABLE, 'highest');
  near(r.lowest, 15.2 + RENEWABLE, 'lowest');
  assert.equal(r.highestAt, at('2025-07-15', '10:00'));
  assert.equal(r.lowestAt, day);
});
