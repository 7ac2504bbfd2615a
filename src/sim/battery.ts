/**
 * Home storage battery (0x027D). Its operation mode (DA) decides the power: charge at full rate from
 * whatever source, discharge to cover the home's import (Japanese home batteries do not export), stand
 * by, or 'automatic' (self-consumption: charge from surplus solar, discharge against import), always within
 * its power limits, its capacity and a reserve.
 */
import { EnergyStore } from './energy-store.js';

export type BatteryMode = 'rapid_charge' | 'charge' | 'discharge' | 'standby' | 'automatic';

export interface BatteryOptions {
  readonly capacityWh?: number;
  readonly initialSocPct?: number;
  readonly maxChargeW?: number;
  readonly maxDischargeW?: number;
  /** One-way converter efficiency (round trip is its square). */
  readonly efficiency?: number;
  /** State of charge the battery keeps back for outages, %. */
  readonly reservePct?: number;
  readonly mode?: BatteryMode;
}

export interface BatteryState {
  readonly mode: BatteryMode;
  /** Grid-side power of the last step: + charging, - discharging, W. */
  readonly powerW: number;
  readonly maxChargeW: number;
  readonly maxDischargeW: number;
  readonly capacityWh: number;
  readonly remainingWh: number;
  readonly socPct: number;
  /** Grid-side energy in and out since start (A8 / A9). */
  readonly chargedKwh: number;
  readonly dischargedKwh: number;
}

export class HomeBattery {
  private readonly store: EnergyStore;
  private readonly maxChargeW: number;
  private readonly maxDischargeW: number;
  private mode: BatteryMode;
  private powerW = 0;
  private chargedKwh = 0;
  private dischargedKwh = 0;

  constructor(options: BatteryOptions = {}) {
    const capacityWh = options.capacityWh ?? 7000;
    this.store = new EnergyStore(
      capacityWh,
      (capacityWh * (options.initialSocPct ?? 50)) / 100,
      options.efficiency ?? 0.95,
      (capacityWh * (options.reservePct ?? 10)) / 100,
    );
    this.maxChargeW = options.maxChargeW ?? 3000;
    this.maxDischargeW = options.maxDischargeW ?? 3000;
    this.mode = options.mode ?? 'automatic';
  }

  state(): BatteryState {
    return {
      mode: this.mode,
      powerW: this.powerW,
      maxChargeW: this.maxChargeW,
      maxDischargeW: this.maxDischargeW,
      capacityWh: this.store.capacityWh,
      remainingWh: this.store.energyWh,
      socPct: this.store.socPct,
      chargedKwh: this.chargedKwh,
      dischargedKwh: this.dischargedKwh,
    };
  }

  setMode(mode: BatteryMode): void {
    this.mode = mode;
  }

  /** Runs for dtMs; demandW is the home's import before the battery (negative = surplus). */
  step(dtMs: number, demandW: number): number {
    this.powerW = this.store.feasible(this.wantedW(demandW), dtMs);
    this.store.apply(this.powerW, dtMs);
    const kwh = (Math.abs(this.powerW) * dtMs) / 3.6e9;
    if (this.powerW > 0) this.chargedKwh += kwh;
    else this.dischargedKwh += kwh;
    return this.powerW;
  }

  private wantedW(demandW: number): number {
    switch (this.mode) {
      case 'rapid_charge':
      case 'charge':
        return this.maxChargeW;
      case 'discharge':
        return -Math.min(this.maxDischargeW, Math.max(0, demandW));
      case 'automatic':
        return demandW < 0 ? Math.min(this.maxChargeW, -demandW) : -Math.min(this.maxDischargeW, demandW);
      case 'standby':
        return 0;
    }
  }
}
