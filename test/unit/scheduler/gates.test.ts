import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates, tariffFacts, type GateCode, type GateInput } from '../../../src/scheduler/gates.js';
import { jstMidnight } from '../../../src/scheduler/calendar.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';
import type { WeatherWarning } from '../../../src/scheduler/forecast/types.js';

const DAY = jstMidnight({ year: 2025, month: 7, day: 15 });
const H = 3_600_000;

/** Everything in order: every device allowed. */
function ok(): GateInput {
  return {
    fullPurchaseMode: false,
    forecastAvailable: true,
    measuringUnitPresent: true,
    tariff: { kind: 'time-of-use', highestYen: 39.7, lowestYen: 31.8, sellYen: 8.5 },
    dataCondition: { met: true, have: 6, need: 5, dayType: 'weekday', message: '6 sunny weekdays of usage recorded (5 needed).', messageJa: '晴れの平日の使用量データ6日（必要5日）。' },
    surplusKwh: 10,
    windowStart: DAY + 10 * H,
    windowEnd: DAY + 14 * H,
    warningsInWindow: [],
    ecocute: { enabled: true, circuitMeasured: true, ownSolarChargeOn: false, daytimeReheatStop: false, daytimeReheatStopSupported: false, reheatingPause: false, warningReheatDoneToday: false, needKwh: 2 },
    battery: { enabled: true, mode: 'eco', forecastPurchaseKwh: 0 },
    ev: { enabled: true, circuitMeasured: true, needKwh: 6, forecastPurchaseKwh: 0 },
  };
}

function gatesOf(input: GateInput, device: string) {
  return evaluateGates(input).find((d) => d.device === device)!;
}
function failed(input: GateInput, device: string): GateCode[] {
  return gatesOf(input, device).gates.filter((g) => !g.passed).map((g) => g.code);
}

test('all gates pass when everything is in order, each with a message', () => {
  const r = evaluateGates(ok());
  assert.deepEqual(r.map((d) => [d.device, d.allowed]), [['ecocute', true], ['battery', true], ['ev', true]]);
  for (const d of r) for (const g of d.gates) assert.ok(g.passed && g.message.length > 0 && g.messageJa.length > 0, `${d.device} ${g.code}`);
  assert.deepEqual(gatesOf(ok(), 'ecocute').gates.map((g) => g.code), [
    'device-enabled', 'surplus-purchase-mode', 'forecast-available', 'no-other-controller', 'measuring-unit', 'tariff-kind', 'usage-data',
    'circuit-measured', 'own-solar-charge-off', 'daytime-reheat-stop', 'not-reheat-paused', 'no-warning-reheat-today', 'surplus-minimum',
  ]);
  assert.deepEqual(gatesOf(ok(), 'battery').gates.map((g) => g.code).slice(7), ['tariff-relation', 'battery-mode', 'surplus-minimum', 'no-weather-warning', 'no-grid-purchase']);
  assert.deepEqual(gatesOf(ok(), 'ev').gates.map((g) => g.code).slice(7), ['tariff-relation', 'circuit-measured', 'surplus-minimum', 'no-grid-purchase']);
});

test('devices not in the input are not evaluated', () => {
  const { ecocute: _e, ev: _v, ...batteryOnly } = ok();
  assert.deepEqual(evaluateGates(batteryOnly).map((d) => d.device), ['battery']);
});

test('common gates fail for every device with their codes', () => {
  const cases: [Partial<GateInput>, GateCode, string][] = [
    [{ fullPurchaseMode: true }, 'surplus-purchase-mode', 'full purchase'],
    [{ forecastAvailable: false }, 'forecast-available', 'no usable weather forecast'],
    [{ otherController: 'AiSEG2 (192.168.1.20)' }, 'no-other-controller', 'AiSEG2 (192.168.1.20) is also controlling'],
    [{ measuringUnitPresent: false }, 'measuring-unit', 'measuring unit'],
    [{ dataCondition: { met: false, have: 3, need: 5, dayType: 'holiday', message: 'only 3 sunny holiday(s) of usage recorded; 5 are needed.', messageJa: 'x' } }, 'usage-data', 'only 3 sunny holiday(s)'],
  ];
  for (const [patch, code, text] of cases) {
    for (const device of ['ecocute', 'battery', 'ev']) {
      const d = gatesOf({ ...ok(), ...patch }, device);
      assert.equal(d.allowed, false);
      assert.deepEqual(failed({ ...ok(), ...patch }, device), [code], `${device} ${code}`);
      assert.ok(d.gates.find((g) => g.code === code)!.message.includes(text), `${code}: ${text}`);
    }
  }
});

test('device disabled by the user', () => {
  const i = ok();
  assert.deepEqual(failed({ ...i, ecocute: { ...i.ecocute!, enabled: false } }, 'ecocute'), ['device-enabled']);
  assert.deepEqual(failed({ ...i, battery: { ...i.battery!, enabled: false } }, 'battery'), ['device-enabled']);
  assert.deepEqual(failed({ ...i, ev: { ...i.ev!, enabled: false } }, 'ev'), ['device-enabled']);
});

test('flat tariff blocks battery and EV but not EcoCute reheating', () => {
  const flat = { ...ok(), tariff: { kind: 'flat' as const, highestYen: 40.4, lowestYen: 40.4, sellYen: 8.5 } };
  assert.equal(gatesOf(flat, 'ecocute').allowed, true);
  assert.ok(gatesOf(flat, 'ecocute').gates.find((g) => g.code === 'tariff-kind')!.message.includes('EcoCute reheating allows'));
  // A flat price also has no highest > lowest spread: both tariff gates fail.
  assert.deepEqual(failed(flat, 'battery'), ['tariff-kind', 'tariff-relation']);
  assert.deepEqual(failed(flat, 'ev'), ['tariff-kind', 'tariff-relation']);
  const seasonal = { ...ok(), tariff: { ...ok().tariff, kind: 'seasonal' as const } };
  assert.equal(gatesOf(seasonal, 'battery').allowed, true);
});

test('tariff relation: either (highest > lowest >= sell) or (highest > sell >= lowest)', () => {
  const rel = (hi: number, lo: number, sell: number) => gatesOf({ ...ok(), tariff: { kind: 'time-of-use', highestYen: hi, lowestYen: lo, sellYen: sell } }, 'battery').gates.find((g) => g.code === 'tariff-relation')!;
  assert.equal(rel(35, 27, 8.5).passed, true); // first clause
  assert.equal(rel(35, 20, 24).passed, true); // second clause (new FIT 24 yen above a cheap night)
  assert.equal(rel(35, 27, 27).passed, true); // lowest == sell
  assert.equal(rel(30, 20, 30).passed, false); // selling earns the peak price
  assert.equal(rel(30, 20, 35).passed, false);
  const g = rel(30, 30, 8.5);
  assert.equal(g.passed, false);
  assert.ok(g.message.includes('highest 30.0 yen, lowest 30.0 yen, sell 8.5 yen'), g.message);
  assert.ok(g.messageJa.includes('最高30.0円'));
});

test('minimum surplus: battery 0.3, EcoCute need + 0.3, EV need + 1.5, at the edges', () => {
  const at = (surplusKwh: number, device: string) => gatesOf({ ...ok(), surplusKwh }, device).gates.find((g) => g.code === 'surplus-minimum')!;
  assert.equal(at(0.3, 'battery').passed, true);
  assert.equal(at(0.29, 'battery').passed, false);
  assert.equal(at(0.29, 'battery').message, 'surplus 0.29 kWh < 0.3 kWh (10:00-14:00)');
  assert.equal(at(2.3, 'ecocute').passed, true);
  assert.equal(at(2.2, 'ecocute').passed, false);
  assert.equal(at(0.2, 'ecocute').message, 'surplus 0.2 kWh < need 2.0 + 0.3 kWh (10:00-14:00)');
  assert.equal(at(7.5, 'ev').passed, true);
  assert.equal(at(7.4, 'ev').passed, false);
  assert.equal(at(7.5, 'ev').message, 'surplus 7.5 kWh >= need 6.0 + 1.5 kWh (10:00-14:00)');
  assert.equal(at(0.2, 'ecocute').messageJa, '余剰0.2 kWh＜必要量2.0 kWh＋0.3 kWh（10:00〜14:00）');
});

test('EcoCute-specific gates', () => {
  const e = ok().ecocute!;
  const with_ = (patch: Partial<typeof e>) => failed({ ...ok(), ecocute: { ...e, ...patch } }, 'ecocute');
  assert.deepEqual(with_({ circuitMeasured: false }), ['circuit-measured']);
  assert.deepEqual(with_({ ownSolarChargeOn: true }), ['own-solar-charge-off']);
  assert.deepEqual(with_({ daytimeReheatStop: true }), ['daytime-reheat-stop']);
  assert.deepEqual(with_({ daytimeReheatStop: true, daytimeReheatStopSupported: true }), []);
  assert.deepEqual(with_({ reheatingPause: true }), ['not-reheat-paused']);
  assert.deepEqual(with_({ warningReheatDoneToday: true }), ['no-warning-reheat-today']);
});

test('battery-specific gates: mode, weather warning (not advisories), grid purchase', () => {
  const b = ok().battery!;
  assert.deepEqual(failed({ ...ok(), battery: { ...b, mode: 'economy' } }, 'battery'), ['battery-mode']);
  assert.deepEqual(failed({ ...ok(), battery: { ...b, mode: 'custom' } }, 'battery'), []);
  const warning = (code: string, level: WeatherWarning['level']): WeatherWarning => ({ areaCode: '130010', code, level, status: 'issued', statusJa: '発表', nameJa: '大雨警報', name: 'Heavy rain warning' });
  assert.deepEqual(failed({ ...ok(), warningsInWindow: [warning('14', 'advisory')] }, 'battery'), []);
  for (const level of ['warning', 'emergency', 'unknown'] as const) {
    assert.deepEqual(failed({ ...ok(), warningsInWindow: [warning('03', level)] }, 'battery'), ['no-weather-warning'], level);
  }
  assert.ok(gatesOf({ ...ok(), warningsInWindow: [warning('03', 'warning')] }, 'battery').gates.find((g) => g.code === 'no-weather-warning')!.message.includes('Heavy rain warning'));
  // The EV and EcoCute are not held back by a warning (seed items 12, 14).
  assert.equal(gatesOf({ ...ok(), warningsInWindow: [warning('03', 'warning')] }, 'ev').allowed, true);
  const buying = failed({ ...ok(), battery: { ...b, forecastPurchaseKwh: 0.4 } }, 'battery');
  assert.deepEqual(buying, ['no-grid-purchase']);
  assert.deepEqual(failed({ ...ok(), battery: { ...b, forecastPurchaseKwh: 0.05 } }, 'battery'), []);
});

test('EV-specific gates: circuit and grid purchase with the numbers', () => {
  const v = ok().ev!;
  assert.deepEqual(failed({ ...ok(), ev: { ...v, circuitMeasured: false } }, 'ev'), ['circuit-measured']);
  const d = gatesOf({ ...ok(), ev: { ...v, forecastPurchaseKwh: 1.24 } }, 'ev');
  assert.deepEqual(d.gates.filter((g) => !g.passed).map((g) => g.message), ['the forecast shows buying 1.2 kWh from the grid 10:00-14:00']);
});

test('tariffFacts reads the plan day from a real preset', () => {
  const f = tariffFacts(makeTariff(TARIFF_PRESETS['kepco-hapie-time-r']!), DAY, DAY + 24 * H);
  assert.equal(f.kind, 'time-of-use');
  assert.ok(Math.abs(f.highestYen - (28.96 + 3.98)) < 1e-9);
  assert.ok(Math.abs(f.lowestYen - (15.2 + 3.98)) < 1e-9);
  assert.equal(f.sellYen, 8);
});
