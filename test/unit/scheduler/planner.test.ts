import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan } from '../../../src/scheduler/planner/plan.js';
import { aiseg2Plan } from '../../../src/scheduler/planner/aiseg2.js';
import { replan } from '../../../src/scheduler/planner/replan.js';
import { roundSequence } from '../../../src/scheduler/planner/relax-and-fix.js';
import { loadSolver } from '../../../src/scheduler/planner/solver.js';
import type { EcoCuteState, EvState, Plan, PlanInput, Slot } from '../../../src/scheduler/planner/types.js';

// One day from 00:00 JST in half-hours, TEPCO スマートライフS-like prices (night 01:00-06:00).
const DAY = Date.parse('2026-05-12T00:00:00+09:00');
const HALF = 1_800_000;
const hourOf = (i: number) => (i % 48) / 2;
const buy = (i: number) => (hourOf(i) >= 1 && hourOf(i) < 6 ? 27.86 : 35.76);

function day(pv: (i: number) => number, n = 48, load = 0.3): Slot[] {
  return Array.from({ length: n }, (_, i) => ({ start: DAY + i * HALF, pvKwh: pv(i), loadKwh: load, buyYen: buy(i), sellYen: 8.5 }));
}

/** A tank that needs about `needKwh` of electricity before the 19:00 bath. */
function tank(needKwh: number, n = 48): EcoCuteState {
  const draw = Array.from({ length: n }, (_, i) => (hourOf(i) === 19 ? 10 : 0));
  return { capacityKwh: 26.7, storedKwh: 10 + 3.2 - needKwh * 3.5, heatPumpKw: 1.25, cop: 3.5, lossPerSlot: 0, drawKwh: draw, reserveKwh: 3.2, heating: false, slotsInState: 10 };
}

const heatSlots = (p: Plan) => p.decisions.flatMap((d, i) => (d.ecocute?.heat ? [i] : []));
const evSlots = (p: Plan) => p.decisions.flatMap((d, i) => ((d.ev?.kw ?? 0) > 0 ? [i] : []));
const strip = (p: Plan) => ({ ...p, solveMs: 0 });

test('a sunny day with 3 kWh surplus 11:00-13:00 heats the EcoCute in that window', async () => {
  const slots = day((i) => (hourOf(i) >= 11 && hourOf(i) < 13 ? 1.05 : 0)); // 4 slots x 0.75 kWh surplus
  const p = await plan({ slots, ecocute: tank(1.5) });
  const heating = heatSlots(p);
  assert.ok(heating.length > 0, 'it heats');
  for (const i of heating) assert.ok(hourOf(i) >= 11 && hourOf(i) < 13, `heats at ${hourOf(i)}:00, outside the surplus`);
  const kwh = p.decisions.reduce((s, d) => s + (d.ecocute?.kwh ?? 0), 0);
  assert.ok(kwh >= 1.5 - 1e-6, `heats the need (${kwh} kWh)`);
  assert.match(p.decisions[heating[0]!]!.ecocute!.reason.code, /^heat-surplus$/);
  assert.equal(p.shortfalls.length, 0);
});

test('a day with no surplus heats only at the cheap night rate, never in the daytime', async () => {
  const p = await plan({ slots: day(() => 0), ecocute: tank(2) });
  const heating = heatSlots(p);
  assert.ok(heating.length > 0);
  for (const i of heating) assert.ok(hourOf(i) >= 1 && hourOf(i) < 6, `heats at ${hourOf(i)}:00`);
  assert.equal(p.decisions[heating[0]!]!.ecocute!.reason.code, 'heat-cheapest-rate');
});

const car = (stored: number, target: number, depart: number, control: EvState['control'] = 'stepped'): EvState => ({
  capacityKwh: 40,
  storedKwh: stored,
  minKw: 1.2,
  maxKw: 6,
  control,
  efficiency: 0.92,
  stays: [{ arriveSlot: 0, departSlot: depart, tripKwhBefore: 0, targetKwh: target }],
  charging: false,
  slotsInState: 10,
});

test('the EV reaches its departure target without surplus, charging in the cheapest slots', async () => {
  // home from 00:00, leaves at 07:30 (slot 15) needing 10 kWh more
  const p = await plan({ slots: day(() => 0), ev: car(18, 28, 15) });
  const charged = p.decisions.reduce((s, d) => s + (d.ev?.kw ?? 0) * 0.5 * 0.92, 0);
  assert.ok(charged >= 10 - 1e-6, `charged ${charged} kWh into the car`);
  for (const i of evSlots(p)) assert.ok(hourOf(i) >= 1 && hourOf(i) < 6, `charges at ${hourOf(i)}:00`);
  assert.equal(p.shortfalls.length, 0);
});

/** Lengths of the on-runs and of the off-gaps between runs (runs touching the ends are open and skipped). */
function runs(on: boolean[]): { on: number[]; off: number[] } {
  const out = { on: [] as number[], off: [] as number[] };
  let start = 0;
  for (let i = 1; i <= on.length; i++) {
    if (i === on.length || on[i] !== on[i - 1]) {
      if (start > 0 && i < on.length) (on[start] ? out.on : out.off).push(i - start);
      start = i;
    }
  }
  return out;
}

test('minimum on and off times hold in the plan', async () => {
  // a choppy sky: surplus in every other half-hour tempts the heater to flap
  const slots = day((i) => (hourOf(i) >= 9 && hourOf(i) < 15 && i % 2 === 0 ? 1.3 : 0));
  const p = await plan({ slots, ecocute: tank(3), ev: car(20, 24, 48), settings: { minOnSlots: 2, minOffSlots: 2 } });
  for (const device of ['ecocute', 'ev'] as const) {
    const on = p.decisions.map((d) => (device === 'ecocute' ? !!d.ecocute?.heat : (d.ev?.kw ?? 0) > 0));
    const r = runs(on.slice(0, 16)); // the integer head (later slots are tentative and re-planned)
    for (const len of r.on) assert.ok(len >= 2, `${device} runs ${len} slot(s)`);
    for (const len of r.off) assert.ok(len >= 2, `${device} rests ${len} slot(s)`);
  }
});

test('rounding keeps minimum runs from the current state and keeps the peak of small fractions', () => {
  const dev = { on: false, slotsInState: 5 };
  assert.deepEqual(roundSequence([0.9, 0.1, 0.9, 0, 0], { threshold: 0.5, peaks: false }, dev, 2, 2, () => false), [1, 1, 1, 0, 0]);
  assert.deepEqual(roundSequence([0.05, 0.05, 0, 0], { threshold: 0.5, peaks: false }, dev, 2, 2, () => false), [0, 0, 0, 0]);
  assert.deepEqual(roundSequence([0.05, 0.05, 0, 0], { threshold: 0.15, peaks: true }, dev, 2, 2, () => false), [0, 1, 1, 0]);
  // just switched off: it rests its minimum before starting again
  assert.deepEqual(roundSequence([1, 1, 1], { threshold: 0.5, peaks: false }, { on: false, slotsInState: 1 }, 2, 2, () => false), [0, 1, 1]);
});

test('an unreachable EV target gives a best-effort plan with the reason, never no plan', async () => {
  // 30 kWh needed within two half-hours: at most 2 x 3 kWh x 0.92 fits
  const p = await plan({ slots: day(() => 0, 8), ev: car(5, 35, 2) });
  assert.deepEqual(evSlots(p), [0, 1]);
  assert.equal(p.decisions[0]!.ev!.kw, 6);
  assert.equal(p.shortfalls[0]?.code, 'ev-short');
  assert.match(p.shortfalls[0]!.text, /can reach only 10\.5 kWh of its 35\.0 kWh/);
  assert.ok(p.objective.shortfallYen > 0);
});

test('the same input gives the same plan', async () => {
  const input: PlanInput = {
    slots: day((i) => Math.max(0, 2 * Math.sin((Math.PI * (hourOf(i) - 6)) / 12))),
    ecocute: tank(2),
    ev: car(20, 28, 40),
    battery: { capacityKwh: 7, storedKwh: 2, minKwh: 0.7, chargeKw: 3, dischargeKw: 3, efficiency: 0.95 },
  };
  assert.deepEqual(strip(await plan(input)), strip(await plan(input)));
});

test('re-planning keeps the current plan unless the new one gains more than the threshold', async () => {
  const highs = await loadSolver();
  const input: PlanInput = { slots: day((i) => (hourOf(i) >= 10 && hourOf(i) < 14 ? 1.2 : 0)), ecocute: tank(2) };
  const first = replan(highs, input, undefined, 20);
  assert.equal(first.replaced, true);
  // slightly different forecast: the same decisions are kept
  const nudged = { ...input, slots: input.slots.map((s) => ({ ...s, pvKwh: s.pvKwh * 1.02 })) };
  const second = replan(highs, nudged, first.plan, 20);
  assert.equal(second.replaced, false);
  assert.deepEqual(heatSlots(second.plan), heatSlots(first.plan));
  // the surplus moves to the evening-free morning and a large gain appears: the new plan wins
  const moved = { ...input, slots: input.slots.map((s, i) => ({ ...s, pvKwh: hourOf(i) >= 7 && hourOf(i) < 9 ? 2.5 : 0 })) };
  const third = replan(highs, moved, first.plan, 20);
  assert.equal(third.replaced, true);
  assert.ok(third.gainYen > 20);
});

test('AiSEG2 compatibility: heats only when the surplus covers the need + 0.3 kWh, and says why not', () => {
  const facts = { tariff: { kind: 'time-of-use' as const, highestYen: 35.76, lowestYen: 27.86, sellYen: 8.5 }, evNeedKwh: 0, carHome: new Array(48).fill(false) };
  const data = { met: true, have: 6, need: 5, dayType: 'weekday' as const, message: '', messageJa: '' };
  const sunny = aiseg2Plan({ slots: day((i) => (hourOf(i) >= 11 && hourOf(i) < 13 ? 1.05 : 0)), ecocute: tank(1) }, { ...facts, dataCondition: data, ecocuteNeedKwh: 1 });
  assert.deepEqual(sunny.window, [22, 26]);
  assert.ok(heatSlots(sunny).every((i) => i >= 22 && i < 26) && heatSlots(sunny).length === 2);
  const dull = aiseg2Plan({ slots: day((i) => (hourOf(i) === 12 ? 0.5 : 0)), ecocute: tank(1) }, { ...facts, dataCondition: data, ecocuteNeedKwh: 1 });
  assert.equal(heatSlots(dull).length, 0);
  assert.match(dull.decisions[24]!.ecocute!.reason.text, /surplus 0\.2 kWh < need 1\.0 \+ 0\.3 kWh/);
  const noData = aiseg2Plan({ slots: day((i) => (hourOf(i) >= 11 && hourOf(i) < 13 ? 1.05 : 0)), ecocute: tank(1) }, { ...facts, dataCondition: { ...data, met: false, have: 2 }, ecocuteNeedKwh: 1 });
  assert.equal(heatSlots(noData).length, 0);
});

test("relax-and-fix lands within a few yen of the exact branch-and-bound optimum", async () => {
  const input: PlanInput = { slots: day((i) => (hourOf(i) >= 10 && hourOf(i) < 14 ? 1.1 : 0), 24), ecocute: tank(1.5, 24), ev: car(20, 26, 24) };
  const fast = await plan(input);
  const exact = await plan({ ...input, settings: { method: 'exact', timeLimitS: 20 } });
  assert.equal(exact.status, 'optimal');
  assert.equal(fast.status, 'relax-and-fix');
  assert.ok(fast.objective.totalYen <= exact.objective.totalYen + 10, `${fast.objective.totalYen} vs ${exact.objective.totalYen}`);
});

test('a night charge of the battery is one block at the end of the cheap hours, not scattered over them', async () => {
  // no sun tomorrow, an evening load the battery covers: it must be charged at night
  const slots = day(() => 0).map((s, i) => ({ ...s, loadKwh: hourOf(i) >= 17 && hourOf(i) < 22 ? 0.8 : 0.1 }));
  const p = await plan({ slots, battery: { capacityKwh: 7, storedKwh: 0.7, minKwh: 0.7, chargeKw: 3, dischargeKw: 3, efficiency: 0.95 } });
  const charging = p.decisions.flatMap((d, i) => (d.battery?.command === 'charge' ? [i] : []));
  assert.ok(charging.length >= 3, `charges in ${charging.length} half-hours`);
  // contiguous, and ending where the night price ends (06:00 = slot 12)
  assert.deepEqual(charging, Array.from({ length: charging.length }, (_, k) => 12 - charging.length + k));
  const modes = p.decisions.map((d) => d.battery!.command);
  const changes = modes.filter((m, i) => i > 0 && m !== modes[i - 1]).length;
  assert.ok(changes <= 3, `battery mode changes ${changes}: ${modes.join(' ')}`);
});

test('a grid top-up of the battery worth less than its two mode changes is not bought; a large one is, in one block', async () => {
  // no sun, an evening load of `eveningKwh` beyond the battery's 0.7 kWh above reserve: a night kWh saves
  // 35.76 - 27.86 / 0.95^2 = 4.9 yen, two mode changes cost 16 yen
  const evening = (eveningKwh: number) => day(() => 0).map((s, i) => ({ ...s, loadKwh: hourOf(i) >= 18 && hourOf(i) < 20 ? eveningKwh / 4 : 0 }));
  const battery = { capacityKwh: 7, storedKwh: 1.4, minKwh: 0.7, chargeKw: 3, dischargeKw: 3, efficiency: 0.95 };
  const charged = (p: Plan) => p.decisions.flatMap((d, i) => (d.battery?.command === 'charge' ? [i] : []));
  const small = await plan({ slots: evening(0.7 + 1.5), battery });
  assert.deepEqual(charged(small), [], '1.5 kWh more in the evening, bought at night, would save 7 yen: not worth 16');
  assert.equal(small.objective.switchingYen, 0);
  const large = await plan({ slots: evening(0.7 + 5), battery });
  const block = charged(large);
  assert.ok(block.length >= 2, `a 5 kWh need is charged at night (${block.join(',')})`);
  assert.deepEqual(block, Array.from({ length: block.length }, (_, k) => block[0]! + k), 'in one block');
  assert.equal(large.objective.switchingYen, 16, 'one start and one stop of the grid charge');
  // a battery already charging from the grid keeps on without a start
  const on = await plan({ slots: evening(0.7 + 5).slice(10), battery: { ...battery, gridCharging: true } });
  assert.equal(on.decisions[0]!.battery!.command, 'charge');
  assert.equal(on.objective.switchingYen, 8, 'only the stop is a change');
});

test('a car a few Wh short of its target is still topped up, though a start costs more than the few Wh', async () => {
  // 27.99 kWh, target 28 by 04:00 (slot 8): 10 Wh of slack would cost 3 yen, a start of the charger 16 yen
  const p = await plan({ slots: day(() => 0, 12), ev: car(27.99, 28, 8) });
  const charged = p.decisions.reduce((sum, d) => sum + (d.ev?.kw ?? 0) * 0.5 * 0.92, 0);
  assert.ok(27.99 + charged >= 28, `leaves with ${(27.99 + charged).toFixed(3)} kWh`);
  assert.deepEqual(p.shortfalls, []);
});

test('runs for forecast surplus follow the live meter; runs for the cheapest rate do not', async () => {
  const sunny = await plan({ slots: day((i) => (hourOf(i) >= 11 && hourOf(i) < 13 ? 1.05 : 0)), ecocute: tank(1.5) });
  const dull = await plan({ slots: day(() => 0), ecocute: tank(2) });
  assert.ok(heatSlots(sunny).length > 0 && heatSlots(dull).length > 0);
  for (const i of heatSlots(sunny)) assert.equal(sunny.decisions[i]!.ecocute!.followsSurplus, true, `surplus run at ${hourOf(i)}:00`);
  for (const i of heatSlots(dull)) assert.equal(dull.decisions[i]!.ecocute!.followsSurplus, false, `night run at ${hourOf(i)}:00`);
  for (const d of sunny.decisions.filter((x) => !x.ecocute!.heat)) assert.equal(d.ecocute!.followsSurplus, false);
});

test('a surplus run of the car follows the meter only while a cloud could still be made up before the departure', async () => {
  // home all day, leaves at 17:00 (slot 34) and needs 4 kWh more; 2.5 kWh of surplus per half-hour in the window
  const surplusAt = (from: number, to: number) => day((i) => (hourOf(i) >= from && hourOf(i) < to ? 2.8 : 0));
  const early = await plan({ slots: surplusAt(10, 11), ev: car(24, 28, 34) });
  const late = await plan({ slots: surplusAt(16, 17), ev: car(24, 28, 34) });
  assert.deepEqual(evSlots(early), [20, 21]);
  assert.deepEqual(evSlots(late), [32, 33]);
  for (const p of [early, late]) for (const i of evSlots(p)) assert.equal(p.decisions[i]!.ev!.reason.code, 'ev-surplus');
  // at 10:00 six hours remain to charge at full power if a cloud holds the run back; at 16:00 none would
  assert.deepEqual(evSlots(early).map((i) => early.decisions[i]!.ev!.followsSurplus), [true, true]);
  assert.deepEqual(evSlots(late).map((i) => late.decisions[i]!.ev!.followsSurplus), [false, false]);
});
