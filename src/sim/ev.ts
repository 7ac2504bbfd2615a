/**
 * An electric car and its home charger (0x02A1) or V2H charger/discharger (0x027E).
 *
 * The car commutes on weekdays (leaves about 07:30, back about 18:30, seeded jitter per day) and may go
 * out on Saturday afternoons; it is plugged in whenever it is home and each trip takes its energy out
 * on arrival. The charger does what its operation mode (DA) says: charge at the set power (1.2-6 kW on
 * Japanese 200 V circuits) until full, discharge to cover the home's load (V2H does not export), or
 * stand by.
 */
import { EnergyStore } from './energy-store.js';
import { hashUnit } from './noise.js';
import { jst } from './jst.js';

export type EvMode = 'rapid_charge' | 'charge' | 'discharge' | 'standby' | 'idle';

export interface EvOptions {
  readonly capacityWh?: number;
  readonly initialSocPct?: number;
  /** Charging power setting at start (EB), W. */
  readonly chargePowerW?: number;
  /**
   * false: the power is set on the unit only (EB readable, not in the Set map), as on many plain
   * chargers; the controller can then only switch charging on and off.
   */
  readonly chargePowerSettable?: boolean;
  readonly minChargeW?: number;
  readonly maxChargeW?: number;
  /** 0 = a charger that cannot discharge (0x02A1). */
  readonly maxDischargeW?: number;
  /** Energy a weekday commute takes out of the car, Wh. */
  readonly commuteWh?: number;
  /** DA at start. 'charge' (default) is a plain charger that charges whenever the car is plugged in. */
  readonly mode?: EvMode;
  readonly seed?: number;
}

export interface EvState {
  readonly connected: boolean;
  readonly canDischarge: boolean;
  readonly mode: EvMode;
  /** Grid-side power of the last step: + charging, - discharging, W. */
  readonly powerW: number;
  readonly chargePowerW: number;
  readonly chargePowerSettable: boolean;
  readonly minChargeW: number;
  readonly maxChargeW: number;
  readonly capacityWh: number;
  readonly remainingWh: number;
  readonly socPct: number;
  readonly full: boolean;
  /** Above the reserve the charger keeps for driving, so it could discharge. */
  readonly aboveReserve: boolean;
}

const CHARGER_EFFICIENCY = 0.92;
const DISCHARGE_RESERVE = 0.2; // V2H units keep a fifth of the car's battery for driving
const STREAM_LEAVE = 30;
const STREAM_RETURN = 31;
const STREAM_OUTING = 32;
const STREAM_TRIP = 33;

export class ElectricVehicle {
  private readonly store: EnergyStore;
  private readonly minChargeW: number;
  private readonly maxChargeW: number;
  private readonly maxDischargeW: number;
  private readonly commuteWh: number;
  private readonly chargePowerSettable: boolean;
  private readonly seed: number;
  private mode: EvMode;
  private chargePowerW: number;
  private connected: boolean | undefined;
  private powerW = 0;

  constructor(options: EvOptions = {}) {
    const capacityWh = options.capacityWh ?? 40_000;
    this.store = new EnergyStore(
      capacityWh,
      (capacityWh * (options.initialSocPct ?? 50)) / 100,
      CHARGER_EFFICIENCY,
      capacityWh * DISCHARGE_RESERVE,
    );
    this.minChargeW = options.minChargeW ?? 1200;
    this.maxChargeW = options.maxChargeW ?? 6000;
    this.maxDischargeW = options.maxDischargeW ?? 6000;
    this.chargePowerW = options.chargePowerW ?? 3000;
    this.chargePowerSettable = options.chargePowerSettable ?? true;
    this.commuteWh = options.commuteWh ?? 6000;
    this.mode = options.mode ?? 'charge';
    this.seed = options.seed ?? 1;
  }

  state(t: number): EvState {
    return {
      connected: this.connected ?? this.isHome(t),
      canDischarge: this.maxDischargeW > 0,
      mode: this.mode,
      powerW: this.powerW,
      chargePowerW: this.chargePowerW,
      chargePowerSettable: this.chargePowerSettable,
      minChargeW: this.minChargeW,
      maxChargeW: this.maxChargeW,
      capacityWh: this.store.capacityWh,
      remainingWh: this.store.energyWh,
      socPct: this.store.socPct,
      full: this.store.full,
      aboveReserve: this.store.energyWh > this.store.reserveWh,
    };
  }

  /** DA. A charger without discharge refuses 'discharge'. */
  setMode(mode: EvMode): boolean {
    if (mode === 'discharge' && this.maxDischargeW === 0) return false;
    this.mode = mode;
    return true;
  }

  /** EB; refused outside what the charger can do, or when its power is set on the unit only. */
  setChargePowerW(watts: number): boolean {
    if (!this.chargePowerSettable || !(watts >= this.minChargeW && watts <= this.maxChargeW)) return false;
    this.chargePowerW = watts;
    return true;
  }

  /** Runs from t for dtMs; demandW is the home's import before the car. Returns grid-side W. */
  step(t: number, dtMs: number, demandW: number): number {
    const home = this.isHome(t);
    if (this.connected === false && home) this.store.energyWh = Math.max(0, this.store.energyWh - this.tripWh(t));
    this.connected = home;
    this.powerW = home ? this.store.feasible(this.wantedW(demandW), dtMs) : 0;
    this.store.apply(this.powerW, dtMs);
    return this.powerW;
  }

  private wantedW(demandW: number): number {
    switch (this.mode) {
      case 'rapid_charge':
        return this.maxChargeW;
      case 'charge':
        return this.chargePowerW;
      case 'discharge':
        return -Math.min(this.maxDischargeW, Math.max(0, demandW));
      default:
        return 0;
    }
  }

  private isHome(t: number): boolean {
    const time = jst(t);
    if (time.weekday >= 1 && time.weekday <= 5) {
      const leave = 7 + hashUnit(this.seed, STREAM_LEAVE, time.day);
      const back = 18 + hashUnit(this.seed, STREAM_RETURN, time.day) * 1.5;
      return time.hour < leave || time.hour >= back;
    }
    const outing = time.weekday === 6 && hashUnit(this.seed, STREAM_OUTING, time.day) < 0.5;
    return !(outing && time.hour >= 10 && time.hour < 15);
  }

  /** Energy the trip that just ended took: the commute on weekdays, less for a weekend outing. */
  private tripWh(t: number): number {
    const time = jst(t);
    const weekday = time.weekday >= 1 && time.weekday <= 5;
    return this.commuteWh * (weekday ? 1 : 0.6) * (0.8 + 0.4 * hashUnit(this.seed, STREAM_TRIP, time.day));
  }
}
