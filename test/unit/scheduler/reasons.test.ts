/**
 * The planner's reasons in both languages: the same numbers through explain.ts's formatters, and no
 * English left in the Japanese sentences a homeowner reads on the dashboard, in the log and over MQTT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jstMidnight } from '../../../src/scheduler/calendar.js';
import {
  batteryIdleReason,
  batteryReason,
  chargeReason,
  evShortReason,
  heatReason,
  hotWaterShortReason,
  idleChargeReason,
  idleHeatReason,
  solverFailedReason,
} from '../../../src/scheduler/planner/reasons.js';
import type { Reason } from '../../../src/scheduler/planner/types.js';

const DAY = jstMidnight({ year: 2026, month: 5, day: 12 });
const H = 3_600_000;
const sunny = { start: DAY + 11 * H, pvKwh: 2.2, loadKwh: 0.3, buyYen: 35.8, sellYen: 8.5 };
const night = { start: DAY + 2 * H, pvKwh: 0, loadKwh: 0.3, buyYen: 27.9, sellYen: 8.5 };
/** Words of the English sentences; kWh and the HH:MM times are the same in both languages. */
const ENGLISH = /\b(heating|charging|charge|surplus|selling|sell|bought|buying|battery|tank|car|cheapest|rate|before|target|yen|not|the|is)\b/i;

test('each reason says the same numbers in English and Japanese', () => {
  const heat = heatReason(sunny, 0.6, 27.9);
  assert.equal(heat.code, 'heat-surplus');
  assert.equal(heat.text, 'heating: 1.9 kWh solar surplus is forecast in this half-hour; selling it earns 8.5 yen while the cheapest bought power costs 27.9 yen');
  assert.equal(heat.textJa, 'エコキュートを沸き増しします：この30分に1.9 kWhの余剰電力が予測され、売電は8.5円、最も安い買電でも27.9円のため');
  const charge = chargeReason(night, 1.5, 27.9, 28, DAY + 7.5 * H);
  assert.equal(charge.code, 'ev-cheapest-rate');
  assert.equal(charge.text, 'charging EV: this is the cheapest rate (27.9 yen) and too little surplus is forecast before the car leaves at 07:30 (target 28.0 kWh)');
  assert.equal(charge.textJa, 'EVを充電します：最も安い料金（27.9円）の時間帯で、07:30の出発まで（目標28.0 kWh）に余剰電力が足りない見込みのため');
  assert.equal(hotWaterShortReason(1.24, DAY + 19 * H).textJa, '入れられる沸き上げをすべて入れても、19:00にお湯の残量が予備量を1.2 kWh下回る見込みです：できるだけ沸き増しします');
  assert.equal(evShortReason(10.5, 35).text, 'the car can reach only 10.5 kWh of its 35.0 kWh target before it leaves: charging as much as the time allows');
});

test('no English word is left in a Japanese reason', () => {
  const all: Reason[] = [
    heatReason(sunny, 0.6, 27.9),
    heatReason(night, 0.6, 27.9),
    heatReason({ ...night, buyYen: 35.8 }, 0.6, 27.9),
    idleHeatReason(26, 26.7, 0),
    idleHeatReason(10, 26.7, 1.2),
    idleHeatReason(10, 26.7, 0),
    chargeReason(sunny, 1.5, 27.9, 28, undefined),
    chargeReason({ ...night, buyYen: 35.8 }, 1.5, 27.9, 28, DAY + 31.5 * H),
    idleChargeReason(false, 10, 40, undefined),
    idleChargeReason(true, 40, 40, undefined),
    idleChargeReason(true, 10, 40, DAY + 31.5 * H),
    ...(['charge', 'discharge', 'standby', 'auto'] as const).map((c) => batteryReason(c, sunny, c === 'auto' ? 1.2 : 0, c === 'discharge' ? 0.8 : 0, 35.8)),
    batteryReason('auto', night, 0, 0.8, 35.8),
    batteryReason('auto', night, 0, 0, 35.8),
    batteryIdleReason(),
    hotWaterShortReason(1, DAY + 19 * H),
    evShortReason(10, 28),
    solverFailedReason(),
  ];
  for (const r of all) {
    assert.ok(r.textJa, `${r.code} has Japanese`);
    assert.doesNotMatch(r.textJa, ENGLISH, `${r.code}: ${r.textJa}`);
    assert.match(r.textJa, /[ぁ-んァ-ン一-龥]/);
  }
});
