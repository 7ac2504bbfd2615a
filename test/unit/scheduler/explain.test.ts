import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clock, decided, deviceName, explainBlocked, explainRun, inLang, kwh, num, say, timeWindow, wholeYen, yen } from '../../../src/scheduler/explain.js';
import { jstMidnight } from '../../../src/scheduler/calendar.js';

const DAY = jstMidnight({ year: 2025, month: 5, day: 10 });
const H = 3_600_000;

test('numbers and times print the same everywhere', () => {
  assert.equal(num(2.44), '2.4');
  assert.equal(num(-0.01), '0.0');
  assert.equal(kwh(0.25), '0.3 kWh');
  assert.equal(yen(27.86), '27.9 yen');
  assert.equal(yen(8.5, 'ja'), '8.5円');
  assert.equal(clock(DAY + 10.5 * H), '10:30');
  assert.equal(timeWindow(DAY + 10 * H, DAY + 14 * H), '10:00-14:00');
  assert.equal(timeWindow(DAY + 22 * H, DAY + 24 * H, 'ja'), '22:00〜24:00');
  assert.equal(wholeYen(-0.4), '0 yen');
  assert.equal(wholeYen(123.6, 'ja'), '124円');
});

test('a sentence is said in both languages with the same numbers; the log picks one', () => {
  const s = say((l) => (l === 'ja' ? `売電は${yen(8.5, l)}` : `selling earns ${yen(8.5)}`));
  assert.deepEqual(s, { text: 'selling earns 8.5 yen', textJa: '売電は8.5円' });
  assert.deepEqual(decided('battery', true, s), { text: 'charging the battery: selling earns 8.5 yen', textJa: '蓄電池を充電します：売電は8.5円' });
  assert.equal(inLang(s, 'ja'), '売電は8.5円');
  assert.equal(inLang({ text: 'no Japanese yet' }, 'ja'), 'no Japanese yet');
  assert.equal(deviceName('ev', 'ja'), 'EV充電器');
});

test('why a device runs, in English and Japanese', () => {
  const reason = { device: 'ev' as const, surplusKwh: 2.4, windowStart: DAY + 10 * H, windowEnd: DAY + 14 * H, sellYen: 8.5, alternativeYen: 27.86 };
  assert.equal(explainRun(reason), 'charging EV because 2.4 kWh surplus is forecast 10:00-14:00 and selling earns 8.5 yen while night power costs 27.9 yen');
  assert.equal(explainRun(reason, 'ja'), 'EVを充電します：10:00〜14:00に2.4 kWhの余剰が予測され、売電は8.5円、夜間電力は27.9円のため');
  assert.equal(
    explainRun({ ...reason, device: 'ecocute', alternative: { en: 'buying at 05:00', ja: '5時の買電' } }),
    'heating because 2.4 kWh surplus is forecast 10:00-14:00 and selling earns 8.5 yen while buying at 05:00 costs 27.9 yen',
  );
});

test('why a device does not run: every failed check, first one first', () => {
  const gates = [
    { passed: true, message: 'surplus purchase mode', messageJa: '余剰買取モード' },
    { passed: false, message: 'surplus 0.2 kWh < need 1.0 + 0.3 kWh (10:00-14:00)', messageJa: '余剰0.2 kWh＜必要量1.0 kWh＋0.3 kWh' },
    { passed: false, message: 'the EcoCute is in reheating pause', messageJa: 'エコキュートが沸き増し休止中です' },
  ];
  assert.equal(explainBlocked('ecocute', gates), 'not heating: surplus 0.2 kWh < need 1.0 + 0.3 kWh (10:00-14:00); the EcoCute is in reheating pause');
  assert.equal(explainBlocked('ecocute', gates, 'ja'), 'エコキュートを沸き増ししません：余剰0.2 kWh＜必要量1.0 kWh＋0.3 kWh、エコキュートが沸き増し休止中です');
  assert.equal(explainBlocked('battery', [gates[0]!]), undefined);
});
