/**
 * The planning MILP over 30-minute slots. Per slot: grid import/export balance; the EcoCute tank
 * (heat pump on/off, running for half to all of the slot when on, standing losses, forecast draws, a
 * reserve that hot water never falls below); the EV charger (on/off, power between its minimum and
 * maximum, only while the car is home, its departure targets); the home battery (charge/discharge
 * limits, efficiency, reserve; it does not export, as Japanese home batteries do not).
 * Minimum on/off times, a cost per switch, and penalised slack on every target keep the model always
 * feasible and the plans calm. Energy left at the end is credited at the cheapest price it could be
 * replaced at, slightly discounted, so the plan neither dumps storage at the horizon nor buys to hoard.
 */
import { LpText, type Terms } from './lp-text.js';
import { SLOT_HOURS, type PlanInput, type PlanSettings, type Slot } from './types.js';

/** Share of the replacement price credited for stored energy at the horizon: <1 so storing is never a goal in itself. */
const STORED_VALUE_SHARE = 0.97;
/**
 * The plan aims this far above a departure target it has to charge for: the target is soft (penalised
 * slack keeps the model feasible), and a few Wh of slack cost the solver less than another start of
 * the charger, which would leave the car a hair below what the owner asked for.
 */
const TARGET_MARGIN_KWH = 0.2;
/** Yen per kWh and slot of delay: far below any real price difference, it only breaks ties. */
const TIE_BREAK_YEN = 0.001;

export interface StoredValues {
  /** yen per thermal kWh in the tank, per kWh in the battery, per kWh in the car at the horizon. */
  readonly tank: number;
  readonly battery: number;
  readonly ev: number;
}

export function storedValues(input: PlanInput): StoredValues {
  const cheapest = Math.min(...input.slots.map((s) => s.buyYen));
  return {
    tank: input.ecocute ? (STORED_VALUE_SHARE * cheapest) / input.ecocute.cop : 0,
    battery: input.battery ? STORED_VALUE_SHARE * cheapest * input.battery.efficiency : 0,
    ev: input.ev ? (STORED_VALUE_SHARE * cheapest) / input.ev.efficiency : 0,
  };
}

/** The on/off devices of a model: binary name prefix, state now, and how long it has held it. */
export interface Switched {
  /** h: the heat pump, g: the EV charger, k: the battery's grid charge mode. */
  readonly prefix: 'h' | 'g' | 'k';
  readonly on: boolean;
  readonly slotsInState: number;
  /**
   * A mode without minimum times whose binary only allows something (the battery's grid charge): how much
   * of slot i a solution uses it, 0..1. Relaxed, such a binary is free to stay on at a fraction all along,
   * so it is rounded from its use instead (relax-and-fix.ts).
   */
  readonly use?: (i: number, value: (name: string) => number) => number;
}

export function switchedDevices(input: PlanInput): Switched[] {
  const out: Switched[] = [];
  if (input.ecocute) out.push({ prefix: 'h', on: input.ecocute.heating, slotsInState: input.ecocute.slotsInState });
  if (input.ev) out.push({ prefix: 'g', on: input.ev.charging, slotsInState: input.ev.slotsInState });
  const bat = input.battery;
  if (bat) {
    const slotKwh = bat.chargeKw * SLOT_HOURS;
    const use = (i: number, value: (name: string) => number) => Math.max(0, value(`bc${i}`) - forecastSurplus(input.slots[i]!)) / slotKwh;
    out.push({ prefix: 'k', on: bat.gridCharging ?? false, slotsInState: 1, use });
  }
  return out;
}

/** The slots of a stay that fall inside the plan. */
export function staySlots(arrive: number, depart: number, n: number): [number, number] {
  return [Math.max(0, arrive), Math.min(n, depart)];
}

/** What the plan aims at for stay w: its target plus the margin, unless the car is home and has its target already. */
export function departureGoal(ev: NonNullable<PlanInput['ev']>, w: number): number {
  const stay = ev.stays[w]!;
  const met = w === 0 && stay.arriveSlot <= 0 && ev.storedKwh >= stay.targetKwh;
  return met ? stay.targetKwh : Math.min(ev.capacityKwh, stay.targetKwh + TARGET_MARGIN_KWH);
}

/** What the battery may charge in a slot without its grid charge mode: the forecast surplus. */
function forecastSurplus(slot: Slot): number {
  return Math.max(0, slot.pvKwh - slot.loadKwh);
}

/**
 * The binary `<prefix><i>` of an on/off state and its start and stop at slot i (`<prefix>u<i>`,
 * `<prefix>d<i>`), each charged `costYen`; `current` is the state before the plan. Returns the binary.
 */
function switched(lp: LpText, prefix: string, i: number, current: boolean, costYen: number): string {
  const on = `${prefix}${i}`;
  const prev = i === 0 ? null : `${prefix}${i - 1}`;
  lp.binary(on);
  lp.cost(costYen, `${prefix}u${i}`);
  lp.cost(costYen, `${prefix}d${i}`);
  // start >= on - previous, stop >= previous - on
  lp.row(`${prefix}s${i}`, prev ? [[1, `${prefix}u${i}`], [-1, on], [1, prev]] : [[1, `${prefix}u${i}`], [-1, on]], '>=', prev ? 0 : -Number(current));
  lp.row(`${prefix}t${i}`, prev ? [[1, `${prefix}d${i}`], [1, on], [-1, prev]] : [[1, `${prefix}d${i}`], [1, on]], '>=', prev ? 0 : Number(current));
  return on;
}

export function buildModel(input: PlanInput, settings: PlanSettings): LpText {
  const lp = new LpText();
  const n = input.slots.length;
  const values = storedValues(input);
  const balance: Terms[] = input.slots.map((_, i) => [
    [1, `im${i}`],
    [-1, `ex${i}`],
  ]);

  input.slots.forEach((s, i) => {
    lp.cost(s.buyYen, `im${i}`);
    lp.cost(-s.sellYen, `ex${i}`);
    // only solar is sold: the battery does not export and the heater and the car only consume
    lp.bound(`ex${i}`, 0, Math.max(0, s.pvKwh));
  });

  const onOff = (prefix: string, current: boolean, slotsInState: number, allowed: (i: number) => boolean, hold: readonly (boolean | undefined)[] = []) => {
    const { minOnSlots: up, minOffSlots: down, switchCostYen } = settings;
    for (let i = 0; i < n; i++) {
      const on = switched(lp, prefix, i, current, switchCostYen);
      const starts: [number, string][] = [];
      for (let k = Math.max(0, i - up + 1); k <= i; k++) starts.push([1, `${prefix}u${k}`]);
      // a run cut short by the device becoming unavailable (the car leaving) is not a violation
      if (allowed(i)) lp.row(`${prefix}mu${i}`, [...starts, [-1, on]], '<=', 0);
      const stops: [number, string][] = [];
      for (let k = Math.max(0, i - down + 1); k <= i; k++) stops.push([1, `${prefix}d${k}`]);
      lp.row(`${prefix}md${i}`, [...stops, [1, on]], '<=', 1);
      // a run or rest that began before the plan keeps its minimum length
      const held = current ? i < up - slotsInState : i < down - slotsInState;
      if (!allowed(i)) lp.pin(on, 0);
      else if (held) lp.pin(on, current ? 1 : 0);
      else if (hold[i] !== undefined) lp.pin(on, hold[i] ? 1 : 0);
    }
  };

  const eco = input.ecocute;
  if (eco) {
    const full = eco.heatPumpKw * SLOT_HOURS;
    onOff('h', eco.heating, eco.slotsInState, () => true, input.hold?.ecocute);
    for (let i = 0; i < n; i++) {
      // on means heating for at least half the slot and at most all of it (a shorter run is a partial
      // slot; heat that does not fit because the tank is full is spilled: the unit stops by itself)
      lp.row(`ehi${i}`, [[1, `e${i}`], [-full, `h${i}`]], '<=', 0);
      lp.row(`elo${i}`, [[1, `e${i}`], [-0.5 * full, `h${i}`]], '>=', 0);
      const prev: Terms = i === 0 ? [] : [[-(1 - eco.lossPerSlot), `T${i - 1}`]];
      const constant = i === 0 ? (1 - eco.lossPerSlot) * eco.storedKwh : 0;
      // T = (1 - loss) T_prev + COP e - draw - spill; spill is heat that does not fit (the unit stops when full)
      lp.row(`tank${i}`, [[1, `T${i}`], ...prev, [-eco.cop, `e${i}`], [1, `tw${i}`]], '=', constant - (eco.drawKwh[i] ?? 0));
      lp.bound(`T${i}`, null, eco.capacityKwh);
      lp.row(`tres${i}`, [[1, `T${i}`], [1, `ts${i}`]], '>=', eco.reserveKwh);
      lp.cost(settings.shortfallYenPerKwh, `ts${i}`);
      lp.cost(0.01, `tw${i}`);
      balance[i] = [...balance[i]!, [-1, `e${i}`]];
    }
    lp.cost(-values.tank, `T${n - 1}`);
  }

  const ev = input.ev;
  if (ev) {
    const present = new Array<boolean>(n).fill(false);
    ev.stays.forEach((stay) => {
      const [a, d] = staySlots(stay.arriveSlot, stay.departSlot, n);
      for (let i = a; i < d; i++) present[i] = true;
    });
    onOff('g', ev.charging, ev.slotsInState, (i) => present[i]!, input.hold?.ev);
    const lo = (ev.control === 'onoff' ? ev.maxKw : ev.minKw) * SLOT_HOURS * 0.5;
    for (let i = 0; i < n; i++) {
      lp.row(`chi${i}`, [[1, `c${i}`], [-ev.maxKw * SLOT_HOURS, `g${i}`]], '<=', 0);
      lp.row(`clo${i}`, [[1, `c${i}`], [-lo, `g${i}`]], '>=', 0);
      balance[i] = [...balance[i]!, [-1, `c${i}`]];
      // equal prices: charge the earliest, in one block rather than split over the night
      lp.cost(TIE_BREAK_YEN * i, `c${i}`);
    }
    // the car's energy runs through its stays (the first starts from storedKwh); each trip between
    // two stays takes its forecast energy out
    let previous: string | null = null;
    ev.stays.forEach((stay, w) => {
      const [a, d] = staySlots(stay.arriveSlot, stay.departSlot, n);
      if (a >= d) return;
      for (let i = a; i < d; i++) {
        // ew: charge that does not fit (the charger stops by itself when the car is full)
        const terms: [number, string][] = [[1, `E${i}`], [-ev.efficiency, `c${i}`], [1, `ew${i}`]];
        let rhs = 0;
        if (i > a) terms.push([-1, `E${i - 1}`]);
        else if (previous) {
          terms.push([-1, previous]);
          rhs = -stay.tripKwhBefore;
        } else rhs = ev.storedKwh;
        lp.row(`car${i}`, terms, '=', rhs);
        lp.bound(`E${i}`, null, ev.capacityKwh);
        lp.cost(0.01, `ew${i}`);
      }
      if (stay.departSlot <= n) {
        lp.row(`dep${w}`, [[1, `E${d - 1}`], [1, `es${w}`]], '>=', departureGoal(ev, w));
        lp.cost(settings.shortfallYenPerKwh, `es${w}`);
      }
      previous = `E${d - 1}`;
    });
    if (previous) lp.cost(-values.ev, previous);
  }

  const bat = input.battery;
  if (bat) {
    for (let i = 0; i < n; i++) {
      lp.bound(`bc${i}`, 0, bat.chargeKw * SLOT_HOURS);
      lp.bound(`bd${i}`, 0, bat.dischargeKw * SLOT_HOURS);
      const prev: Terms = i === 0 ? [] : [[-1, `B${i - 1}`]];
      lp.row(`bat${i}`, [[1, `B${i}`], ...prev, [-bat.efficiency, `bc${i}`], [1 / bat.efficiency, `bd${i}`]], '=', i === 0 ? bat.storedKwh : 0);
      lp.bound(`B${i}`, Math.min(bat.minKwh, bat.storedKwh), bat.capacityKwh);
      balance[i] = [...balance[i]!, [-1, `bc${i}`], [1, `bd${i}`]];
      // among equally priced half-hours, discharge the earliest: what a self-consumption battery does
      // anyway, so the plan does not toggle it between holding and discharging for nothing
      lp.cost(TIE_BREAK_YEN * i, `bd${i}`);
      // and charge the latest: a night charge then fills the end of the cheap hours in one block instead of
      // being scattered over them, each gap costing two mode changes (charge / hold) for nothing
      lp.cost(TIE_BREAK_YEN * (n - i), `bc${i}`);
      // charging beyond the forecast surplus is buying for the battery: a mode the executor switches on and
      // off (027D DA charge), so it costs a switch each way like the machines do. A top-up of one night
      // half-hour is worth about 5 yen a kWh (day price less night price over the round trip): without
      // the cost the plan would buy a few hundred Wh at 05:30 most nights, for two mode changes.
      const grid = switched(lp, 'k', i, bat.gridCharging ?? false, settings.switchCostYen);
      lp.row(`bk${i}`, [[1, `bc${i}`], [-bat.chargeKw * SLOT_HOURS, grid]], '<=', forecastSurplus(input.slots[i]!));
      // and a battery in charge mode does not discharge: the mode cannot be left on for free
      lp.row(`bkd${i}`, [[1, `bd${i}`], [bat.dischargeKw * SLOT_HOURS, grid]], '<=', bat.dischargeKw * SLOT_HOURS);
    }
    lp.cost(-values.battery, `B${n - 1}`);
  }

  input.slots.forEach((s, i) => lp.row(`bal${i}`, balance[i]!, '=', s.loadKwh - s.pvKwh));
  return lp;
}
