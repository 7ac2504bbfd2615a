/**
 * Compatibility mode: the replaced product's "AI solar charge" rules (seed items 11-14), followed
 * exactly, as the baseline the planner has to beat and for owners who want the familiar behaviour.
 * Once a day, from the forecast for that day: find the surplus window (the longest-surplus run of
 * half-hours where solar exceeds the load), then offer the surplus to the EcoCute (needs its heating
 * need + 0.3 kWh), the battery (0.3 kWh) and the EV (its need + 1.5 kWh) in that order, each through the
 * eligibility gates (gates.ts). A device that passes runs in the window; the others stay on their own
 * timers, and every decision carries the gate that decided it.
 */
import { decided, explainBlocked, explainRun, type RunReason } from '../explain.js';
import { evaluateGates, type DeviceGates, type GateInput, type TariffFacts } from '../gates.js';
import type { DataCondition } from '../load-history.js';
import { surplusOf } from './reasons.js';
import { SLOT_HOURS, type Plan, type PlanInput, type Reason, type SlotDecision } from './types.js';

export interface Aiseg2Context {
  readonly tariff: TariffFacts;
  /** The usage-data condition for the day's type. */
  readonly dataCondition: DataCondition;
  /** Electricity the EcoCute needs to be full again at the start of the window, kWh. */
  readonly ecocuteNeedKwh: number;
  /** Energy the car needs to be full, kWh (at the grid side). */
  readonly evNeedKwh: number;
  /** The car is home at each slot. */
  readonly carHome: readonly boolean[];
}

export interface Aiseg2Plan extends Plan {
  readonly gates: readonly DeviceGates[];
  /** [first, end) slot indices of the surplus window; empty when no surplus is forecast. */
  readonly window: readonly [number, number];
  /** Surplus the battery was granted (its night grid charge is reduced by this), kWh. */
  readonly batterySurplusKwh: number;
}

/** The run of consecutive surplus slots holding the most surplus. */
export function surplusWindow(input: PlanInput): [number, number] {
  let best: [number, number] = [0, 0];
  let bestKwh = 0;
  let from = -1;
  let sum = 0;
  input.slots.forEach((slot, i) => {
    const s = surplusOf(slot);
    if (s > 0) {
      if (from < 0) {
        from = i;
        sum = 0;
      }
      sum += s;
      if (sum > bestKwh) {
        bestKwh = sum;
        best = [from, i + 1];
      }
    } else from = -1;
  });
  return best;
}

/** The contiguous block of `length` slots inside the window holding the most surplus. */
function bestBlock(input: PlanInput, [a, b]: readonly [number, number], length: number): [number, number] {
  let best: [number, number] = [a, Math.min(b, a + length)];
  let bestKwh = -1;
  for (let s = a; s + length <= b; s++) {
    const kwh = input.slots.slice(s, s + length).reduce((sum, slot) => sum + surplusOf(slot), 0);
    if (kwh > bestKwh) {
      bestKwh = kwh;
      best = [s, s + length];
    }
  }
  return best;
}

export function aiseg2Plan(input: PlanInput, ctx: Aiseg2Context): Aiseg2Plan {
  const started = performance.now();
  const window = surplusWindow(input);
  const [a, b] = window;
  const slots = input.slots;
  const windowStart = slots[a]?.start ?? slots[0]!.start;
  const windowEnd = (slots[b - 1]?.start ?? windowStart) + SLOT_HOURS * 3_600_000;
  let remaining = slots.slice(a, b).reduce((sum, s) => sum + surplusOf(s), 0);
  const base: Omit<GateInput, 'surplusKwh'> = {
    fullPurchaseMode: false,
    forecastAvailable: true,
    measuringUnitPresent: true,
    tariff: ctx.tariff,
    dataCondition: ctx.dataCondition,
    windowStart,
    windowEnd,
    warningsInWindow: [],
  };
  const gates: DeviceGates[] = [];
  const heat = new Array<number>(slots.length).fill(0);
  const evKw = new Array<number>(slots.length).fill(0);
  const reasons: { ecocute?: Reason; battery?: Reason; ev?: Reason } = {};
  const run = (device: 'ecocute' | 'battery' | 'ev', surplus: number, alternativeYen: number): Reason => {
    const r: RunReason = { device, surplusKwh: surplus, windowStart, windowEnd, sellYen: ctx.tariff.sellYen, alternativeYen };
    return { code: `aiseg2-${device}-run`, text: explainRun(r), textJa: explainRun(r, 'ja') };
  };
  const blocked = (g: DeviceGates): Reason => ({ code: `aiseg2-${g.device}-blocked`, text: explainBlocked(g.device, g.gates) ?? '', textJa: explainBlocked(g.device, g.gates, 'ja') ?? '' });

  if (input.ecocute) {
    const need = ctx.ecocuteNeedKwh;
    const [g] = evaluateGates({
      ...base,
      surplusKwh: remaining,
      ecocute: { enabled: true, circuitMeasured: true, ownSolarChargeOn: false, daytimeReheatStop: false, daytimeReheatStopSupported: true, reheatingPause: false, warningReheatDoneToday: false, needKwh: need },
    });
    gates.push(g!);
    if (g!.allowed && need > 0) {
      const perSlot = input.ecocute.heatPumpKw * SLOT_HOURS;
      const [s, e] = bestBlock(input, window, Math.ceil(need / perSlot));
      for (let i = s; i < e; i++) heat[i] = Math.min(perSlot, need - (i - s) * perSlot);
      reasons.ecocute = run('ecocute', remaining, ctx.tariff.lowestYen);
      remaining -= need;
    } else reasons.ecocute = g!.allowed ? { code: 'tank-full', ...decided('ecocute', false, { text: 'the tank needs no heating', textJa: 'タンクに沸き増しは不要です' }) } : blocked(g!);
  }

  let batterySurplusKwh = 0;
  if (input.battery) {
    const purchase = slots.slice(a, b).reduce((sum, s, j) => sum + Math.max(0, s.loadKwh + heat[a + j]! - s.pvKwh), 0);
    const [g] = evaluateGates({ ...base, surplusKwh: remaining, battery: { enabled: true, mode: 'eco', forecastPurchaseKwh: purchase } });
    gates.push(g!);
    if (g!.allowed) {
      const room = (input.battery.capacityKwh - input.battery.minKwh) / input.battery.efficiency;
      batterySurplusKwh = Math.min(room, remaining);
      reasons.battery = run('battery', remaining, ctx.tariff.lowestYen);
      remaining -= batterySurplusKwh;
    } else reasons.battery = blocked(g!);
  }

  if (input.ev) {
    const ev = input.ev;
    const purchase = slots.slice(a, b).reduce((sum, s, j) => sum + Math.max(0, s.loadKwh + heat[a + j]! - s.pvKwh), 0);
    const [g] = evaluateGates({ ...base, surplusKwh: remaining, ev: { enabled: true, circuitMeasured: true, needKwh: ctx.evNeedKwh, forecastPurchaseKwh: purchase } });
    gates.push(g!);
    if (g!.allowed) {
      // it follows the surplus within the window: on when the surplus covers the charger's minimum
      for (let i = a; i < b; i++) {
        const spare = (surplusOf(slots[i]!) - heat[i]!) / SLOT_HOURS;
        if (ctx.carHome[i] && spare >= ev.minKw) evKw[i] = ev.control === 'onoff' ? ev.maxKw : Math.min(ev.maxKw, spare);
      }
      reasons.ev = run('ev', remaining, ctx.tariff.lowestYen);
    } else reasons.ev = blocked(g!);
  }

  const idle: Reason = { code: 'aiseg2-outside-window', text: 'outside the surplus window: the device runs on its own timer', textJa: '余剰電力の時間帯の外です：機器は自分のタイマーで動きます' };
  const decisions: SlotDecision[] = slots.map((slot, i) => {
    const inWindow = i >= a && i < b;
    const net = slot.loadKwh + heat[i]! + evKw[i]! * SLOT_HOURS - slot.pvKwh;
    return {
      start: slot.start,
      // the rules run devices only on forecast surplus, so every run follows the live meter
      ecocute: input.ecocute ? { heat: heat[i]! > 0, kwh: heat[i]!, reason: inWindow ? reasons.ecocute! : idle, followsSurplus: heat[i]! > 0 } : undefined,
      battery: input.battery ? { command: 'auto', kwh: 0, reason: inWindow ? reasons.battery! : idle } : undefined,
      ev: input.ev ? { kw: evKw[i]!, reason: inWindow ? reasons.ev! : idle, followsSurplus: evKw[i]! > 0 } : undefined,
      importKwh: Math.max(0, net),
      exportKwh: Math.max(0, -net),
    };
  });
  const purchaseYen = decisions.reduce((sum, d, i) => sum + d.importKwh * slots[i]!.buyYen, 0);
  const saleYen = decisions.reduce((sum, d, i) => sum + d.exportKwh * slots[i]!.sellYen, 0);
  return {
    decisions,
    objective: { purchaseYen, saleYen, switchingYen: 0, shortfallYen: 0, storedValueYen: 0, totalYen: purchaseYen - saleYen },
    status: 'aiseg2',
    shortfalls: [],
    solveMs: performance.now() - started,
    gates,
    window,
    batterySurplusKwh,
  };
}
