/**
 * EcoCute (heat-pump water heater, class 0x026B) tank model.
 *
 * The tank's heat is counted in "hot litres": litres at the target temperature above the mains supply,
 * which is also what the unit reports as remaining hot water (E1). The heat pump heats on its own night
 * timer, runs a manual extra heating (沸き増し, B0=42) until the tank is full and then drops back to
 * automatic as real units do, and tops up a nearly empty tank in the daytime only when daytime
 * reheating is permitted (C0).
 */
import { hashUnit } from './noise.js';
import { DAY_MS, HOUR_MS, inDailyWindow, isWeekend, jst } from './jst.js';

export type WaterHeaterMode = 'automatic' | 'manual_heating' | 'manual_stop';

export interface WaterHeaterOptions {
  readonly capacityL?: number;
  readonly targetTempC?: number;
  /** Electrical input of the heat pump while heating, W (real units: 1-1.5 kW). */
  readonly heatPumpInputW?: number;
  /** Coefficient of performance: heat delivered per unit of electricity. */
  readonly cop?: number;
  /** Night-timer window [start, end) in JST hours; wraps past midnight when start > end. */
  readonly nightWindow?: readonly [number, number];
  /** Hot litres (at target temperature) the family draws on an average day. */
  readonly dailyDrawL?: number;
  /** Tank fill at start, 0..1. */
  readonly initialFill?: number;
  readonly seed?: number;
}

export interface WaterHeaterState {
  readonly mode: WaterHeaterMode;
  readonly daytimeReheatingPermitted: boolean;
  readonly heating: boolean;
  /** Electrical input now, W. */
  readonly inputPowerW: number;
  readonly capacityL: number;
  readonly remainingL: number;
  /** Mean tank temperature, degC. */
  readonly tankTempC: number;
  readonly targetTempC: number;
  /** Hot water is being drawn. */
  readonly supplying: boolean;
  /** Hot litres the family wanted but the tank could not give since start (comfort check). */
  readonly unmetDrawL: number;
}

const SUPPLY_TEMP_C = 15;
const KWH_PER_LITRE_KELVIN = 4.186 / 3600;
const STANDING_LOSS_PER_DAY = 0.045; // share of the stored heat a well-insulated tank loses in a day
const LOW_LEVEL = 0.15; // daytime top-up starts below this fill...
const TOP_UP_LEVEL = 0.4; // ...and stops here
const STREAM_DRAW_DAY = 20;

// [start hour, end hour, share of the day's draw]: morning wash, lunch, bath filling, showers.
const DRAWS: readonly (readonly [number, number, number])[] = [
  [6.5, 7.5, 0.15],
  [12, 12.5, 0.05],
  [19, 19.5, 0.5],
  [19.5, 23, 0.3],
];

export class WaterHeater {
  private readonly capacityL: number;
  private readonly targetTempC: number;
  private readonly inputW: number;
  private readonly litresPerMs: number;
  private readonly nightWindow: readonly [number, number];
  private readonly dailyDrawL: number;
  private readonly seed: number;
  private mode: WaterHeaterMode = 'automatic';
  private permitted = true;
  private heating = false;
  private remainingL: number;
  private unmetL = 0;
  private supplying = false;

  constructor(options: WaterHeaterOptions = {}) {
    this.capacityL = options.capacityL ?? 460;
    this.targetTempC = options.targetTempC ?? 65;
    this.inputW = options.heatPumpInputW ?? 1200;
    const kwhPerHotLitre = KWH_PER_LITRE_KELVIN * (this.targetTempC - SUPPLY_TEMP_C);
    this.litresPerMs = ((options.cop ?? 3.5) * this.inputW) / 1000 / kwhPerHotLitre / HOUR_MS;
    this.nightWindow = options.nightWindow ?? [1, 6];
    this.dailyDrawL = options.dailyDrawL ?? 280;
    this.seed = options.seed ?? 1;
    this.remainingL = this.capacityL * (options.initialFill ?? 0.5);
  }

  state(): WaterHeaterState {
    const fill = this.remainingL / this.capacityL;
    return {
      mode: this.mode,
      daytimeReheatingPermitted: this.permitted,
      heating: this.heating,
      inputPowerW: this.heating ? this.inputW : 0,
      capacityL: this.capacityL,
      remainingL: this.remainingL,
      tankTempC: SUPPLY_TEMP_C + fill * (this.targetTempC - SUPPLY_TEMP_C),
      targetTempC: this.targetTempC,
      supplying: this.supplying,
      unmetDrawL: this.unmetL,
    };
  }

  /**
   * B0 at time t. Returns false when the unit refuses: a manual heating in the daytime while daytime
   * reheating is not permitted, as a unit without a HEMS override would.
   */
  setMode(mode: WaterHeaterMode, t: number): boolean {
    if (mode === 'manual_heating' && !this.permitted && !this.isNight(t)) return false;
    this.mode = mode;
    // the status (B2) follows at once, as on a real unit; automatic mode decides at the next step
    if (mode === 'manual_heating') this.heating = !this.isFull();
    if (mode === 'manual_stop') this.heating = false;
    return true;
  }

  setDaytimeReheating(permitted: boolean): void {
    this.permitted = permitted;
  }

  /** Runs the tank from t for dtMs and returns the electrical input over that step, W. */
  step(t: number, dtMs: number): number {
    if (this.mode === 'manual_heating' && this.isFull()) this.mode = 'automatic';
    this.heating = this.wantsHeat(t);
    const inputW = this.heating ? this.inputW : 0;
    if (this.heating) this.remainingL = Math.min(this.capacityL, this.remainingL + this.litresPerMs * dtMs);
    this.remainingL -= (this.remainingL * STANDING_LOSS_PER_DAY * dtMs) / DAY_MS;
    const wantedL = this.drawRateLPerMs(t) * dtMs;
    const givenL = Math.min(wantedL, this.remainingL);
    this.supplying = wantedL > 0;
    this.remainingL -= givenL;
    this.unmetL += wantedL - givenL;
    return inputW;
  }

  private wantsHeat(t: number): boolean {
    if (this.isFull()) return false;
    if (this.mode === 'manual_stop') return false;
    if (this.mode === 'manual_heating') return true;
    const fill = this.remainingL / this.capacityL;
    // at night the timer fills the tank; the 97 % threshold keeps standing losses from cycling the pump
    if (this.isNight(t)) return this.heating || fill < 0.97;
    if (!this.permitted) return false;
    return this.heating ? fill < TOP_UP_LEVEL : fill < LOW_LEVEL;
  }

  private isFull(): boolean {
    return this.remainingL >= this.capacityL * 0.999;
  }

  private isNight(t: number): boolean {
    return inDailyWindow(jst(t).hour, this.nightWindow[0], this.nightWindow[1]);
  }

  private drawRateLPerMs(t: number): number {
    const time = jst(t);
    const window = DRAWS.find(([start, end]) => time.hour >= start && time.hour < end);
    if (!window) return 0;
    const dayFactor = (0.8 + 0.4 * hashUnit(this.seed, STREAM_DRAW_DAY, time.day)) * (isWeekend(time) ? 1.1 : 1);
    const [start, end, share] = window;
    return (this.dailyDrawL * share * dayFactor) / ((end - start) * HOUR_MS);
  }
}
