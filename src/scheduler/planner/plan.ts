/**
 * The planner's entry: input -> MILP -> solution -> per-slot decisions with reasons and the objective
 * breakdown. Pure and deterministic (the same input gives the same text and the same plan). When the
 * solver fails it still answers: devices are left to their own timers and the car charges now to be
 * safe, and the plan says so.
 */
import type { Highs } from 'highs';
import { buildModel, departureGoal, staySlots, storedValues, switchedDevices } from './model.js';
import { relaxAndFix } from './relax-and-fix.js';
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
  surplusOf,
} from './reasons.js';
import { loadSolver, solveLp, type Solution } from './solver.js';
import {
  DEFAULT_PLAN_SETTINGS,
  SLOT_HOURS,
  type BatteryCommand,
  type Plan,
  type PlanInput,
  type PlanSettings,
  type Reason,
  type SlotDecision,
} from './types.js';

const EPS = 1e-4;

export async function plan(input: PlanInput): Promise<Plan> {
  return planWith(await loadSolver(), input);
}

/** The synchronous core, for callers that hold a loaded solver (the year replay). */
export function planWith(highs: Highs, input: PlanInput): Plan {
  if (input.slots.length === 0) throw new RangeError('a plan needs at least one slot');
  const settings: PlanSettings = { ...DEFAULT_PLAN_SETTINGS, ...input.settings };
  const started = performance.now();
  const model = buildModel(input, settings);
  const exact = settings.method === 'exact' ? solveLp(highs, model.text(), settings.timeLimitS, settings.mipGap) : undefined;
  const solution = exact?.status === 'optimal' ? exact : relaxAndFix(highs, model, switchedDevices(input), input.slots.length, settings);
  const solveMs = performance.now() - started;
  if (!solution) return fallback(input, solveMs);
  return decode(input, settings, solution, exact?.status === 'optimal' ? 'optimal' : 'relax-and-fix', solveMs);
}

interface StayOfSlot {
  /** Departure, epoch ms. */
  readonly departure: number;
  /** Departure, slot index in the plan (beyond its end when the car leaves after the horizon). */
  readonly departSlot: number;
  readonly targetKwh: number;
  /** What the plan aims at for the departure (departureGoal). */
  readonly goalKwh: number;
}

/** For each slot, the stay it belongs to, when the car is home. */
function stayOfSlot(input: PlanInput): (StayOfSlot | undefined)[] {
  const n = input.slots.length;
  const out: (StayOfSlot | undefined)[] = new Array(n).fill(undefined);
  const slotMs = (input.slots[1]?.start ?? input.slots[0]!.start + SLOT_HOURS * 3_600_000) - input.slots[0]!.start;
  input.ev?.stays.forEach((stay, w) => {
    const [a, d] = staySlots(stay.arriveSlot, stay.departSlot, n);
    const departure = input.slots[0]!.start + stay.departSlot * slotMs;
    for (let i = a; i < d; i++) out[i] = { departure, departSlot: stay.departSlot, targetKwh: stay.targetKwh, goalKwh: departureGoal(input.ev!, w) };
  });
  return out;
}

/**
 * Whether the car's run in slot i could be made up if the live meter held it back: after the charger's
 * minimum rest, the half-hours left before the departure could still bring the car to the plan's goal at
 * full power. The last runs before a departure are not held back: a cloud then must not cost the target.
 */
function canMakeUp(ev: NonNullable<PlanInput['ev']>, stay: StayOfSlot, i: number, n: number, carKwhBefore: number, minOffSlots: number): boolean {
  if (stay.departSlot > n) return true;
  const slotsAfter = stay.departSlot - i - 1 - minOffSlots;
  return slotsAfter * ev.maxKw * SLOT_HOURS * ev.efficiency >= stay.goalKwh - carKwhBefore;
}

function batteryCommand(gridMode: boolean, charged: number, discharged: number, imported: number, spareKwh: number): BatteryCommand {
  // the model charges beyond the forecast surplus only in its grid charge mode (model.ts)
  if (gridMode && charged > EPS) return 'charge';
  // holding only means something while there is energy above the reserve to hold back
  if (charged <= EPS && discharged <= EPS && imported > EPS && spareKwh > 0.1) return 'standby';
  return 'auto';
}

function decode(input: PlanInput, settings: PlanSettings, sol: Solution, status: Plan['status'], solveMs: number): Plan {
  const v = sol.value;
  const cheapest = Math.min(...input.slots.map((s) => s.buyYen));
  const dearest = Math.max(...input.slots.map((s) => s.buyYen));
  const stays = stayOfSlot(input);
  const decisions: SlotDecision[] = input.slots.map((slot, i) => {
    const importKwh = v(`im${i}`);
    const exportKwh = v(`ex${i}`);
    let ecocute: SlotDecision['ecocute'];
    if (input.ecocute) {
      const e = v(`e${i}`);
      // the decision is the on/off command (which the minimum times constrain); a run may use part of a slot
      const heat = v(`h${i}`) > 0.5;
      if (heat) {
        const reason = heatReason(slot, e, cheapest);
        // the tank has no deadline: what a cloud holds back is planned again, and the unit keeps its own reserve
        ecocute = { heat, kwh: e, reason, followsSurplus: reason.code === 'heat-surplus' };
      } else ecocute = { heat, kwh: 0, reason: idleHeatReason(v(`T${i}`), input.ecocute.capacityKwh, surplusOf(slot)), followsSurplus: false };
    }
    let ev: SlotDecision['ev'];
    if (input.ev) {
      const c = v(`c${i}`);
      const stay = stays[i];
      if (v(`g${i}`) > 0.5) {
        const reason = chargeReason(slot, c, cheapest, stay?.targetKwh ?? 0, stay?.departure);
        const before = v(`E${i}`) - input.ev.efficiency * c;
        const followsSurplus = reason.code === 'ev-surplus' && stay !== undefined && canMakeUp(input.ev, stay, i, input.slots.length, before, settings.minOffSlots);
        ev = { kw: c / SLOT_HOURS, reason, followsSurplus };
      } else ev = { kw: 0, reason: idleChargeReason(stay !== undefined, stay ? v(`E${i}`) : 0, input.ev.capacityKwh, stay?.departure), followsSurplus: false };
    }
    let battery: SlotDecision['battery'];
    if (input.battery) {
      const ch = v(`bc${i}`);
      const dis = v(`bd${i}`);
      const before = i === 0 ? input.battery.storedKwh : v(`B${i - 1}`);
      const command = batteryCommand(v(`k${i}`) > 0.5, ch, dis, importKwh, before - input.battery.minKwh);
      battery = { command, kwh: ch - dis, reason: batteryReason(command, slot, ch, dis, dearest) };
    }
    return { start: slot.start, ecocute, battery, ev, importKwh, exportKwh };
  });
  return {
    decisions: withoutLoneHolds(decisions),
    objective: objective(input, settings, v),
    status,
    shortfalls: shortfalls(input, v),
    solveMs,
  };
}

/**
 * A hold of a single half-hour saves next to nothing (prices are flat for hours) but costs two mode
 * changes: such a slot is left on self-consumption.
 */
function withoutLoneHolds(decisions: SlotDecision[]): SlotDecision[] {
  const held = (d: SlotDecision | undefined) => d?.battery?.command === 'standby';
  return decisions.map((d, i) =>
    held(d) && !held(decisions[i - 1]) && !held(decisions[i + 1])
      ? { ...d, battery: { command: 'auto', kwh: 0, reason: batteryIdleReason() } }
      : d,
  );
}

function objective(input: PlanInput, settings: PlanSettings, v: (name: string) => number): Plan['objective'] {
  const n = input.slots.length;
  let purchaseYen = 0;
  let saleYen = 0;
  let switches = 0;
  let shortfall = 0;
  // every switched state of the model (model.ts switchedDevices) pays for its starts and stops
  const prefixes = switchedDevices(input).map((d) => d.prefix);
  input.slots.forEach((s, i) => {
    purchaseYen += s.buyYen * v(`im${i}`);
    saleYen += s.sellYen * v(`ex${i}`);
    for (const p of prefixes) switches += v(`${p}u${i}`) + v(`${p}d${i}`);
    if (input.ecocute) shortfall += v(`ts${i}`);
  });
  input.ev?.stays.forEach((_, w) => (shortfall += v(`es${w}`)));
  const values = storedValues(input);
  let lastCar: number | undefined;
  for (const stay of input.ev?.stays ?? []) {
    const [a, d] = staySlots(stay.arriveSlot, stay.departSlot, n);
    if (a < d) lastCar = d - 1;
  }
  const storedValueYen =
    values.tank * (input.ecocute ? v(`T${n - 1}`) : 0) +
    values.battery * (input.battery ? v(`B${n - 1}`) : 0) +
    values.ev * (lastCar === undefined ? 0 : v(`E${lastCar}`));
  const switchingYen = switches * settings.switchCostYen;
  const shortfallYen = shortfall * settings.shortfallYenPerKwh;
  return {
    purchaseYen,
    saleYen,
    switchingYen,
    shortfallYen,
    storedValueYen,
    totalYen: purchaseYen - saleYen + switchingYen + shortfallYen - storedValueYen,
  };
}

function shortfalls(input: PlanInput, v: (name: string) => number): Reason[] {
  const out: Reason[] = [];
  if (input.ecocute) {
    const worst = input.slots.reduce((best, _, i) => (v(`ts${i}`) > v(`ts${best}`) ? i : best), 0);
    const gap = v(`ts${worst}`);
    if (gap > 1e-3) {
      out.push(hotWaterShortReason(gap, input.slots[worst]!.start));
    }
  }
  input.ev?.stays.forEach((stay, w) => {
    // the slack is counted from the goal (the target plus its margin): only what falls below the target is short
    const gap = v(`es${w}`) - (departureGoal(input.ev!, w) - stay.targetKwh);
    if (gap > 1e-3) {
      out.push(evShortReason(stay.targetKwh - gap, stay.targetKwh));
    }
  });
  return out;
}

/** A safe plan without the solver: the heater on its own timer, the car charging now, the battery on self-consumption. */
function fallback(input: PlanInput, solveMs: number): Plan {
  const stays = stayOfSlot(input);
  const reason = solverFailedReason();
  const decisions: SlotDecision[] = input.slots.map((slot, i) => ({
    start: slot.start,
    ecocute: input.ecocute ? { heat: false, kwh: 0, reason, followsSurplus: false } : undefined,
    battery: input.battery ? { command: 'auto', kwh: 0, reason } : undefined,
    ev: input.ev ? { kw: stays[i] ? input.ev.maxKw : 0, reason, followsSurplus: false } : undefined,
    importKwh: Math.max(0, slot.loadKwh - slot.pvKwh),
    exportKwh: Math.max(0, slot.pvKwh - slot.loadKwh),
  }));
  const purchaseYen = decisions.reduce((sum, d, i) => sum + d.importKwh * input.slots[i]!.buyYen, 0);
  const saleYen = decisions.reduce((sum, d, i) => sum + d.exportKwh * input.slots[i]!.sellYen, 0);
  return {
    decisions,
    objective: { purchaseYen, saleYen, switchingYen: 0, shortfallYen: 0, storedValueYen: 0, totalYen: purchaseYen - saleYen },
    status: 'fallback',
    shortfalls: [reason],
    solveMs,
  };
}
