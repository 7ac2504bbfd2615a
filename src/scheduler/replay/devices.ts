/**
 * The simulated devices of the replay, at half-hour resolution and in the planner's units (kWh per
 * slot). Each keeps its own behaviour when nobody commands it: the EcoCute heats on its night timer and
 * tops up a nearly empty tank by day (real units protect hot water this way), the EV charger charges to
 * the departure target on its night timer, the battery runs the usual economy mode (charge from the grid
 * at night, discharge against import by day). Strategies add to or replace that behaviour per slot.
 */
import { jstTime } from '../calendar.js';
import { tankKwh, type ReplayConfig } from './config.js';

const SLOT_H = 0.5;
/** Daytime protection of a real EcoCute: below this fill it heats by itself until TOP_UP_TO. */
const PROTECT_BELOW = 0.15;
const TOP_UP_TO = 0.4;
/** Night timer heats a tank that is below this fill (so standing losses do not cycle the pump). */
const TIMER_BELOW = 0.97;

export type BatteryControl =
  | { readonly kind: 'economy' }
  /** gridChargeKwh: bought on purpose this slot; surplus: absorb export; discharge: cover import. */
  | { readonly kind: 'set'; readonly gridChargeKwh: number; readonly surplus: boolean; readonly discharge: boolean };

export const SELF_CONSUMPTION: BatteryControl = { kind: 'set', gridChargeKwh: 0, surplus: true, discharge: true };

export interface SlotCommand {
  /** The heater's own night timer stays on. */
  readonly heatTimer: boolean;
  /** Extra heating (沸き増し) as the share of the slot the heat pump runs, 0..1. */
  readonly heatShare: number;
  /** The charger's own night timer (to the departure target) stays on. */
  readonly evTimer: boolean;
  readonly evKw: number;
  readonly battery: BatteryControl;
  /** The commanded runs the controller's surplus regulator may hold back (planner/types.ts followsSurplus). */
  readonly regulated?: RegulatedRuns;
}

/**
 * The plugin's regulator works minute by minute on the live meter (regulator.ts): it holds a surplus run
 * back when the home buys more than the plan expected, counting the battery's discharge as buying. At the
 * replay's half-hour resolution that caps the run at the half-hour's actual surplus plus the import the
 * plan expected there, the heater first, then the car.
 */
interface RegulatedRuns {
  readonly heat: boolean;
  readonly ev: boolean;
  /** The import the plan expected in the half-hour, kWh. */
  readonly plannedImportKwh: number;
}

export const OWN_TIMERS: SlotCommand = { heatTimer: true, heatShare: 0, evTimer: true, evKw: 0, battery: { kind: 'economy' } };

export interface SlotTruth {
  readonly start: number;
  readonly loadKwh: number;
  readonly pvKwh: number;
  readonly drawKwh: number;
  readonly carHome: boolean;
  /** Energy of the trip that ends as this slot begins. */
  readonly tripKwh: number;
}

export interface SlotOutcome {
  readonly heatKwh: number;
  readonly evKwh: number;
  readonly batteryChargeKwh: number;
  readonly batteryDischargeKwh: number;
  readonly importKwh: number;
  readonly exportKwh: number;
  readonly unmetHotWaterKwh: number;
}

/** The car left as a slot began: did it have its target? */
export interface Departure {
  readonly metTarget: boolean;
  readonly carKwh: number;
}

const inWindow = (t: number, [from, to]: readonly [number, number]): boolean => {
  const h = jstTime(t).minuteOfDay / 60;
  return from <= to ? h >= from && h < to : h >= from || h < to;
};

export class SimulatedHome {
  tankKwh: number;
  batteryKwh: number;
  carKwh: number;
  private topping = false;
  private timerHeating = false;
  private carWasHome: boolean | undefined;
  readonly tankCapacityKwh: number;

  constructor(private readonly config: ReplayConfig) {
    this.tankCapacityKwh = config.ecocute ? tankKwh(config.ecocute) : 0;
    // the same start for every strategy: a tank half full, a battery at its reserve, a car at its target
    this.tankKwh = 0.5 * this.tankCapacityKwh;
    this.batteryKwh = config.battery ? config.battery.capacityKwh * config.battery.minShare : 0;
    this.carKwh = config.ev ? config.ev.departureTargetKwh : 0;
  }

  /** Everything stored, for the end-of-run accounting: thermal kWh, battery kWh, car kWh. */
  stored(): { tank: number; battery: number; car: number } {
    return { tank: this.tankKwh, battery: this.batteryKwh, car: this.carKwh };
  }

  /**
   * The car's comings and goings as the slot begins, before anyone decides: a departure is checked
   * against its target, an arrival brings the car back with the trip's energy gone (and its state of
   * charge readable by the controller).
   */
  beginSlot(truth: SlotTruth): Departure | undefined {
    const ev = this.config.ev;
    if (!ev) return undefined;
    let departure: Departure | undefined;
    if (this.carWasHome === true && !truth.carHome) departure = { metTarget: this.carKwh >= ev.departureTargetKwh - 1e-6, carKwh: this.carKwh };
    if (this.carWasHome === false && truth.carHome) this.carKwh = Math.max(0, this.carKwh - truth.tripKwh);
    this.carWasHome = truth.carHome;
    return departure;
  }

  step(truth: SlotTruth, command: SlotCommand): SlotOutcome {
    const { ecocute: eco, ev, battery: bat } = this.config;

    const regulated = command.regulated;
    // what the regulator lets the surplus runs use this half-hour (the heater takes its share first)
    let allowance = regulated ? Math.max(0, truth.pvKwh - truth.loadKwh + regulated.plannedImportKwh) : Infinity;

    let heatKwh = 0;
    let unmet = 0;
    if (eco) {
      const cap = this.tankCapacityKwh;
      const night = inWindow(truth.start, eco.nightWindow);
      this.timerHeating = command.heatTimer && night && (this.timerHeating || this.tankKwh < TIMER_BELOW * cap);
      this.topping = !night && (this.topping ? this.tankKwh < TOP_UP_TO * cap : this.tankKwh < PROTECT_BELOW * cap);
      const perSlot = eco.heatPumpKw * SLOT_H;
      const commanded = regulated?.heat ? Math.min(command.heatShare, allowance / perSlot) : command.heatShare;
      const share = Math.max(this.timerHeating || this.topping ? 1 : 0, Math.min(1, commanded));
      const kept = this.tankKwh * (1 - eco.lossPerDay / 48);
      heatKwh = Math.min(share * perSlot, Math.max(0, cap - kept) / eco.cop);
      allowance = Math.max(0, allowance - heatKwh);
      this.tankKwh = kept + eco.cop * heatKwh - truth.drawKwh;
      if (this.tankKwh >= cap - 1e-9) this.timerHeating = false;
      if (this.tankKwh < 0) {
        unmet = -this.tankKwh;
        this.tankKwh = 0;
      }
    }

    let evKwh = 0;
    if (ev && truth.carHome) {
      const timerKw = command.evTimer && inWindow(truth.start, ev.nightWindow) && this.carKwh < ev.departureTargetKwh ? ev.maxKw : 0;
      const commandedKw = regulated?.ev ? Math.min(command.evKw, allowance / SLOT_H) : command.evKw;
      const kw = Math.min(ev.maxKw, Math.max(timerKw, commandedKw));
      const wanted = command.evTimer && timerKw > 0 && commandedKw === 0 ? Math.min(kw * SLOT_H, (ev.departureTargetKwh - this.carKwh) / ev.efficiency) : kw * SLOT_H;
      evKwh = Math.max(0, Math.min(wanted, (ev.capacityKwh - this.carKwh) / ev.efficiency));
      this.carKwh += ev.efficiency * evKwh;
    }

    const net = truth.loadKwh + heatKwh + evKwh - truth.pvKwh;
    let charge = 0;
    let discharge = 0;
    if (bat) {
      const room = Math.max(0, bat.capacityKwh - this.batteryKwh) / bat.efficiency;
      const maxIn = Math.min(bat.chargeKw * SLOT_H, room);
      const maxOut = Math.min(bat.dischargeKw * SLOT_H, Math.max(0, this.batteryKwh - bat.capacityKwh * bat.minShare) * bat.efficiency);
      const c = command.battery;
      if (c.kind === 'economy') {
        if (inWindow(truth.start, bat.nightWindow)) charge = maxIn;
        else discharge = Math.min(maxOut, Math.max(0, net));
      } else {
        charge = Math.min(maxIn, c.gridChargeKwh + (c.surplus ? Math.max(0, -net) : 0));
        if (c.discharge && charge === 0) discharge = Math.min(maxOut, Math.max(0, net));
      }
      this.batteryKwh += charge * bat.efficiency - discharge / bat.efficiency;
    }
    const grid = net + charge - discharge;
    return {
      heatKwh,
      evKwh,
      batteryChargeKwh: charge,
      batteryDischargeKwh: discharge,
      importKwh: Math.max(0, grid),
      exportKwh: Math.max(0, -grid),
      unmetHotWaterKwh: unmet,
    };
  }
}
