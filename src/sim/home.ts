/**
 * The simulated home: household load, rooftop solar, EcoCute, EV and battery on ONE clock, and the
 * smart meter that sees their sum.
 *
 * Time advances in fixed steps (10 s by default) on a grid of absolute multiples of the step, whenever
 * anything is queried, up to clock.now(). Powers are held for one step, so the integrated energy equals
 * the sum of the reported powers and half-hour boundaries fall exactly on step edges: the meter's
 * cumulative value at a boundary is recorded as the live integration crosses it. Half-hours before the
 * start are pre-computed at construction from the base load and solar alone (devices' past is unknown)
 * and anchored so that they join the live counters at the start without a jump.
 */
import type { Clock } from '../util/clock.js';
import { HouseholdLoad, type HouseholdOptions } from './household.js';
import { SolarArray, type SolarOptions } from './sun.js';
import { WaterHeater, type WaterHeaterMode, type WaterHeaterOptions, type WaterHeaterState } from './water-heater.js';
import { ElectricVehicle, type EvMode, type EvOptions, type EvState } from './ev.js';
import { HomeBattery, type BatteryMode, type BatteryOptions, type BatteryState } from './battery.js';
import { DAY_MS } from './jst.js';

export interface SimulatedHomeOptions {
  readonly clock: Clock;
  readonly seed?: number;
  /** Days of half-hourly meter history available before the start (for E2/E4 back-fill). */
  readonly historyDays?: number;
  /** Integration step, ms; must divide 30 minutes. */
  readonly stepMs?: number;
  readonly household?: HouseholdOptions;
  /** false = no solar array. */
  readonly solar?: SolarOptions | false;
  readonly waterHeater?: WaterHeaterOptions | false;
  readonly ev?: EvOptions | false;
  readonly battery?: BatteryOptions | false;
  /** Meter counters at the start, kWh. */
  readonly initialBoughtKwh?: number;
  readonly initialSoldKwh?: number;
  /** Single-phase 3-wire (100/200 V, two currents) is the common Japanese service; 2-wire has one. */
  readonly wiring?: 'single-phase-3-wire' | 'single-phase-2-wire';
}

export interface MeterReading {
  /** Grid power, W: + bought, - sold. */
  readonly powerW: number;
  /** Currents, A (sign follows the power). */
  readonly currentRA: number;
  readonly currentTA: number | null;
  readonly boughtKwh: number;
  readonly soldKwh: number;
}

export interface Cumulative {
  readonly boughtKwh: number;
  readonly soldKwh: number;
}

/** Every power of the last step, W (devices: + consuming or charging). */
export interface PowerFlows {
  readonly loadW: number;
  readonly solarW: number;
  readonly waterHeaterW: number;
  readonly evW: number;
  readonly batteryW: number;
  readonly gridW: number;
}

export interface SolarState {
  readonly kWp: number;
  readonly powerW: number;
  readonly cumulativeKwh: number;
}

const HALF_HOUR_MS = 1_800_000;

/** Meter registers, kWh. */
interface Counters {
  bought: number;
  sold: number;
}

/** Adds a step of grid power to the registers: a step is all import or all export, as a meter sees it. */
function count(counters: Counters, gridW: number, dtMs: number): void {
  const kwh = (gridW * dtMs) / 3.6e9;
  if (kwh > 0) counters.bought += kwh;
  else counters.sold -= kwh;
}
const LINE_VOLTAGE = 100; // each leg of a single-phase 3-wire service is 100 V to neutral
const R_SHARE = 0.55; // the two legs are never loaded evenly

export class SimulatedHome {
  readonly startedAt: number;
  private readonly clock: Clock;
  private readonly stepMs: number;
  private readonly wiring: 'single-phase-3-wire' | 'single-phase-2-wire';
  private readonly load: HouseholdLoad;
  private readonly sun: SolarArray | undefined;
  private readonly heater: WaterHeater | undefined;
  private readonly car: ElectricVehicle | undefined;
  private readonly storage: HomeBattery | undefined;
  private readonly boundaries = new Map<number, Cumulative>();
  private readonly historyStart: number;
  private t: number;
  private readonly counters: Counters;
  private solarKwh = 0;
  private last: PowerFlows;

  constructor(options: SimulatedHomeOptions) {
    this.clock = options.clock;
    this.stepMs = options.stepMs ?? 10_000;
    if (!(this.stepMs > 0 && HALF_HOUR_MS % this.stepMs === 0)) {
      throw new RangeError(`stepMs ${this.stepMs} must divide 30 minutes`);
    }
    const seed = options.seed ?? 1;
    this.wiring = options.wiring ?? 'single-phase-3-wire';
    this.load = new HouseholdLoad({ seed, ...options.household });
    this.sun = options.solar === false ? undefined : new SolarArray({ seed, ...options.solar });
    this.heater = options.waterHeater === false ? undefined : new WaterHeater({ seed, ...options.waterHeater });
    this.car = options.ev === false ? undefined : new ElectricVehicle({ seed, ...options.ev });
    this.storage = options.battery === false ? undefined : new HomeBattery(options.battery);
    this.t = Math.floor(this.clock.now() / this.stepMs) * this.stepMs;
    this.startedAt = this.t;
    this.counters = { bought: options.initialBoughtKwh ?? 12_000, sold: options.initialSoldKwh ?? 3_000 };
    this.historyStart = this.precomputeHistory(options.historyDays ?? 14);
    // until the first live step, the meter shows the last step before the start, as history saw it
    this.last = this.baseFlows(this.t - this.stepMs);
    this.recordBoundary();
  }

  meter(): MeterReading {
    this.advance();
    const gridW = this.last.gridW;
    // the meter reports currents in 0.1 A steps
    const amps = (w: number): number => Math.round((w / LINE_VOLTAGE) * 10) / 10;
    const threeWire = this.wiring === 'single-phase-3-wire';
    return {
      powerW: gridW,
      currentRA: amps(threeWire ? gridW * R_SHARE : gridW),
      currentTA: threeWire ? amps(gridW * (1 - R_SHARE)) : null,
      boughtKwh: this.counters.bought,
      soldKwh: this.counters.sold,
    };
  }

  /**
   * Meter counters at a half-hour boundary t that has passed, back to `historyDays` before the start;
   * undefined for other times. Equal to meter() read at that boundary.
   */
  cumulativeAt(t: number): Cumulative | undefined {
    if (t % HALF_HOUR_MS !== 0 || t < this.historyStart) return undefined;
    this.advance();
    return this.boundaries.get(t);
  }

  flows(): PowerFlows {
    this.advance();
    return this.last;
  }

  solar(): SolarState | undefined {
    this.advance();
    return this.sun && { kWp: this.sun.kWp, powerW: this.last.solarW, cumulativeKwh: this.solarKwh };
  }

  /**
   * The half-hour from `start` with the household and the sun alone (no device running), as the meter's
   * registers and the panels' counter would have counted it: the home's past before it started, at any
   * date. Pure: the live state is not touched.
   */
  baseHalfHour(start: number): { readonly boughtKwh: number; readonly soldKwh: number; readonly generatedKwh: number } {
    const counters: Counters = { bought: 0, sold: 0 };
    let generatedKwh = 0;
    for (let t = start; t < start + HALF_HOUR_MS; t += this.stepMs) {
      const flows = this.baseFlows(t);
      count(counters, flows.gridW, this.stepMs);
      generatedKwh += (flows.solarW * this.stepMs) / 3.6e9;
    }
    return { boughtKwh: counters.bought, soldKwh: counters.sold, generatedKwh };
  }

  /** Irradiance on the solar panels at any time t, W/m2 (0 without an array): the simulated forecast's truth. */
  irradianceAt(t: number): number {
    return this.sun?.irradianceAt(t) ?? 0;
  }

  tank(): WaterHeaterState | undefined {
    this.advance();
    return this.heater?.state();
  }

  ev(): EvState | undefined {
    this.advance();
    return this.car?.state(this.t);
  }

  battery(): BatteryState | undefined {
    this.advance();
    return this.storage?.state();
  }

  /** B0 on the EcoCute; false when there is none or it refuses (see WaterHeater.setMode). */
  setWaterHeaterMode(mode: WaterHeaterMode): boolean {
    this.advance();
    return this.heater?.setMode(mode, this.clock.now()) ?? false;
  }

  /** C0 on the EcoCute. */
  setDaytimeReheating(permitted: boolean): boolean {
    this.advance();
    this.heater?.setDaytimeReheating(permitted);
    return this.heater !== undefined;
  }

  /** DA on the EV charger. */
  setEvMode(mode: EvMode): boolean {
    this.advance();
    return this.car?.setMode(mode) ?? false;
  }

  /** EB on the EV charger. */
  setEvChargePowerW(watts: number): boolean {
    this.advance();
    return this.car?.setChargePowerW(watts) ?? false;
  }

  /** DA on the battery. */
  setBatteryMode(mode: BatteryMode): boolean {
    this.advance();
    this.storage?.setMode(mode);
    return this.storage !== undefined;
  }

  /** Integrates every whole step up to the clock's now. */
  private advance(): void {
    const now = this.clock.now();
    while (this.t + this.stepMs <= now) {
      this.step();
      this.recordBoundary();
    }
  }

  private step(): void {
    const t = this.t;
    const dt = this.stepMs;
    const { loadW, solarW } = this.baseFlows(t);
    const waterHeaterW = this.heater?.step(t, dt) ?? 0;
    const beforeEv = loadW + waterHeaterW - solarW;
    const evW = this.car?.step(t, dt, beforeEv) ?? 0;
    const batteryW = this.storage?.step(dt, beforeEv + evW) ?? 0;
    const gridW = beforeEv + evW + batteryW;
    this.last = { loadW, solarW, waterHeaterW, evW, batteryW, gridW };
    count(this.counters, gridW, dt);
    this.solarKwh += (solarW * dt) / 3.6e9;
    this.t = t + dt;
  }

  private recordBoundary(): void {
    if (this.t % HALF_HOUR_MS === 0) {
      this.boundaries.set(this.t, { boughtKwh: this.counters.bought, soldKwh: this.counters.sold });
    }
  }

  /**
   * Runs the base load and solar over the days before the start, then anchors the running sums so the
   * last boundary before the start leads exactly into the initial counters. Returns the first boundary.
   */
  private precomputeHistory(days: number): number {
    const from = Math.floor((this.t - days * DAY_MS) / HALF_HOUR_MS) * HALF_HOUR_MS;
    const partial: [number, Counters][] = [];
    const running: Counters = { bought: 0, sold: 0 };
    for (let t = from; t < this.t; t += this.stepMs) {
      if (t % HALF_HOUR_MS === 0) partial.push([t, { ...running }]);
      count(running, this.baseFlows(t).gridW, this.stepMs);
    }
    for (const [t, c] of partial) {
      this.boundaries.set(t, {
        boughtKwh: this.counters.bought - (running.bought - c.bought),
        soldKwh: this.counters.sold - (running.sold - c.sold),
      });
    }
    return from;
  }

  /** Load and solar alone, before any device acts. */
  private baseFlows(t: number): PowerFlows {
    const loadW = this.load.powerAt(t);
    const solarW = this.sun?.powerAt(t) ?? 0;
    return { loadW, solarW, waterHeaterW: 0, evW: 0, batteryW: 0, gridW: loadW - solarW };
  }
}
