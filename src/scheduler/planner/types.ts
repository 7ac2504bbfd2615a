/**
 * The planner's vocabulary: what it is given (30-minute slots with forecasts and prices, and the state
 * and limits of each controllable device) and what it returns (a decision and a reason per slot and
 * device, plus the cost the plan expects). Energies are kWh per slot; slots are 30 minutes.
 */

export const SLOT_HOURS = 0.5;

export interface Slot {
  /** Epoch ms of the slot start. */
  readonly start: number;
  /** Forecast solar generation in the slot, kWh. */
  readonly pvKwh: number;
  /** Forecast household consumption without the planned devices, kWh. */
  readonly loadKwh: number;
  /** Price of bought power in the slot, yen/kWh. */
  readonly buyYen: number;
  /** Price of sold power in the slot, yen/kWh. */
  readonly sellYen: number;
}

/** The EcoCute tank, counted in thermal kWh above the mains temperature. */
export interface EcoCuteState {
  readonly capacityKwh: number;
  readonly storedKwh: number;
  /** Electrical input of the heat pump while heating, kW. */
  readonly heatPumpKw: number;
  readonly cop: number;
  /** Share of the stored heat lost per slot (standing loss). */
  readonly lossPerSlot: number;
  /** Forecast hot-water draw per slot, thermal kWh (one entry per slot). */
  readonly drawKwh: readonly number[];
  /** The tank never goes below this (hot water must not run out), thermal kWh. */
  readonly reserveKwh: number;
  /** Heating now, and for how many slots it has been in its current on/off state. */
  readonly heating: boolean;
  readonly slotsInState: number;
}

export interface BatteryState {
  readonly capacityKwh: number;
  readonly storedKwh: number;
  /** Reserve kept for outages, kWh. */
  readonly minKwh: number;
  readonly chargeKw: number;
  readonly dischargeKw: number;
  /** One-way efficiency (round trip is its square). */
  readonly efficiency: number;
  /** The battery is charging from the grid on the scheduler's command now (default: it is not). */
  readonly gridCharging?: boolean;
}

/**
 * A stay of the car at home, [arriveSlot, departSlot) in slot indices of the plan: the first may have
 * begun before the plan (arriveSlot <= 0) and the last may end after it (departSlot > slots.length).
 */
export interface EvStay {
  readonly arriveSlot: number;
  readonly departSlot: number;
  /** Energy the trip before this stay takes out of the car (forecast); unused for the first stay. */
  readonly tripKwhBefore: number;
  /** Energy the car must have when it leaves, kWh. */
  readonly targetKwh: number;
}

export interface EvState {
  readonly capacityKwh: number;
  /** Energy in the car now, or, when it is away, the energy it is expected to come back with, kWh. */
  readonly storedKwh: number;
  readonly minKw: number;
  readonly maxKw: number;
  /** 'onoff' chargers run at maxKw only; 'stepped' ones at any power between minKw and maxKw. */
  readonly control: 'onoff' | 'stepped';
  readonly efficiency: number;
  readonly stays: readonly EvStay[];
  readonly charging: boolean;
  readonly slotsInState: number;
}

export interface PlanSettings {
  /** Minimum run and rest of the heat pump and the EV charger once switched, slots. */
  readonly minOnSlots: number;
  readonly minOffSlots: number;
  /** Cost charged per start or stop so that small gains do not make the devices flap, yen. */
  readonly switchCostYen: number;
  /** Penalty per kWh of unmet hot-water reserve or EV departure target (relaxed targets), yen. */
  readonly shortfallYenPerKwh: number;
  /**
   * 'relax-and-fix' (default: three LP solves, tens to a few hundred ms, within about 1 % of optimal) or
   * 'exact' (branch and bound up to timeLimitS, falling back to relax-and-fix when it does not finish).
   */
  readonly method: 'relax-and-fix' | 'exact';
  /** Slots from now whose on/off decisions relax-and-fix makes integer (the rest stay relaxed). */
  readonly integerSlots: number;
  /** Solver limits per solve; the planner keeps the best plan found when the time runs out. */
  readonly timeLimitS: number;
  readonly mipGap: number;
}

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  minOnSlots: 2,
  minOffSlots: 2,
  switchCostYen: 8,
  shortfallYenPerKwh: 300,
  method: 'relax-and-fix',
  integerSlots: 16,
  timeLimitS: 2,
  mipGap: 0.005,
};

export interface PlanInput {
  readonly slots: readonly Slot[];
  /** A device left out (absent, or refused by the eligibility gates) is not planned: it runs on its own. */
  readonly ecocute?: EcoCuteState;
  readonly battery?: BatteryState;
  readonly ev?: EvState;
  readonly settings?: Partial<PlanSettings>;
  /** On/off decisions held from an earlier plan, per slot (undefined = free): re-planning with hysteresis. */
  readonly hold?: { readonly ecocute?: readonly (boolean | undefined)[]; readonly ev?: readonly (boolean | undefined)[] };
}

export interface Reason {
  /** Stable code for UIs and tests. */
  readonly code: string;
  /** One sentence a homeowner can read. */
  readonly text: string;
  /** The same in Japanese (reasons.ts words them all; a reason made elsewhere may not have it yet). */
  readonly textJa?: string;
}

export type BatteryCommand = 'charge' | 'discharge' | 'standby' | 'auto';

/**
 * A run with followsSurplus is there for forecast surplus and can be made up later: underneath the plan,
 * the live meter may hold it back when that surplus does not come (a cloud), rather than buy for it at the
 * day price. A run for the cheapest rate or a deadline buys on purpose and is never held back.
 */
export interface SlotDecision {
  readonly start: number;
  /** Electrical energy of the heat pump in the slot, kWh (0 = not heating). */
  readonly ecocute?: { readonly heat: boolean; readonly kwh: number; readonly reason: Reason; readonly followsSurplus: boolean };
  /** + charge / - discharge at the grid side, kWh. */
  readonly battery?: { readonly command: BatteryCommand; readonly kwh: number; readonly reason: Reason };
  /** Charging power, kW (0 = off). */
  readonly ev?: { readonly kw: number; readonly reason: Reason; readonly followsSurplus: boolean };
  readonly importKwh: number;
  readonly exportKwh: number;
}

export interface ObjectiveBreakdown {
  readonly purchaseYen: number;
  readonly saleYen: number;
  readonly switchingYen: number;
  /** Penalties for relaxed targets (0 when every target is met). */
  readonly shortfallYen: number;
  /** Value credited for energy left in the tank, the battery and the car at the end of the horizon. */
  readonly storedValueYen: number;
  /** purchase - sale + switching + shortfall - stored value: what the planner minimised. */
  readonly totalYen: number;
}

export interface Plan {
  readonly decisions: readonly SlotDecision[];
  readonly objective: ObjectiveBreakdown;
  /**
   * 'optimal' (exact branch and bound finished), 'relax-and-fix' (the fast heuristic), 'fallback'
   * (the solver failed: a safe rule-based plan), 'aiseg2' (the compatibility rules).
   */
  readonly status: 'optimal' | 'relax-and-fix' | 'fallback' | 'aiseg2';
  /** Targets the plan could not meet, each with its reason. */
  readonly shortfalls: readonly Reason[];
  readonly solveMs: number;
}
