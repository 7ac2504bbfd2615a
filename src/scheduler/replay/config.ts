/**
 * What the year replay simulates, with defaults for a typical Japanese solar home: a 460 L EcoCute on
 * its night timer, an EV on a 6 kW (200 V 30 A) charger, a 7 kWh home battery, TEPCO スマートライフS and
 * the post-FIT 8.5 yen sell price. Every field can be overridden.
 */
import { makeTariff, TARIFF_PRESETS, type Tariff } from '../tariff.js';

export interface EcoCuteConfig {
  readonly tankL: number;
  readonly hotWaterC: number;
  readonly mainsC: number;
  readonly heatPumpKw: number;
  readonly cop: number;
  /** Share of the stored heat a tank loses per day. */
  readonly lossPerDay: number;
  /** Average daily hot-water use as a share of a full tank's heat (seasonally higher in winter). */
  readonly dailyDrawShare: number;
  /** Its own night timer, [from, to) local hours. */
  readonly nightWindow: readonly [number, number];
  /** The planner keeps this share of the tank as a reserve. */
  readonly reserveShare: number;
}

export interface EvConfig {
  readonly capacityKwh: number;
  readonly minKw: number;
  readonly maxKw: number;
  readonly control: 'onoff' | 'stepped';
  readonly efficiency: number;
  /** Energy the car must have at every departure, kWh. */
  readonly departureTargetKwh: number;
  /** Weekday commute, km, and consumption, kWh/km. */
  readonly commuteKm: number;
  readonly kwhPerKm: number;
  /** Weekday leave and return, local hours. */
  readonly leaveHour: number;
  readonly returnHour: number;
  /** Its own charge timer, [from, to) local hours: charges to the departure target. */
  readonly nightWindow: readonly [number, number];
}

export interface BatteryConfig {
  readonly capacityKwh: number;
  readonly chargeKw: number;
  readonly dischargeKw: number;
  readonly efficiency: number;
  readonly minShare: number;
  /** Its own economy-mode timer: charge from the grid in [from, to), discharge against import otherwise. */
  readonly nightWindow: readonly [number, number];
}

export interface ReplayConfig {
  readonly tariff: Tariff;
  /** Overrides the tariff's sell price, yen/kWh. */
  readonly sellYenPerKwh: number;
  readonly ecocute: EcoCuteConfig | null;
  readonly ev: EvConfig | null;
  readonly battery: BatteryConfig | null;
  /** The planner re-plans every this many slots (and when the car arrives). */
  readonly replanEverySlots: number;
  /** Longest planning horizon, slots (the plan runs to the end of tomorrow, capped here). */
  readonly maxHorizonSlots: number;
  /** A new plan replaces the current one only when it saves more than this, yen. */
  readonly replanThresholdYen: number;
  /** Seed for hot-water draws, trips and forecast errors. */
  readonly seed: number;
}

export const DEFAULT_REPLAY_CONFIG: ReplayConfig = {
  tariff: makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!),
  sellYenPerKwh: 8.5,
  ecocute: {
    tankL: 460,
    hotWaterC: 65,
    mainsC: 15,
    heatPumpKw: 1.25,
    cop: 3.5,
    lossPerDay: 0.045,
    dailyDrawShare: 0.5,
    nightWindow: [1, 6],
    reserveShare: 0.12,
  },
  ev: {
    capacityKwh: 40,
    minKw: 1.2,
    maxKw: 6,
    control: 'stepped',
    efficiency: 0.92,
    departureTargetKwh: 28,
    commuteKm: 40,
    kwhPerKm: 0.15,
    leaveHour: 7.5,
    returnHour: 18.5,
    nightWindow: [1, 6],
  },
  battery: { capacityKwh: 7, chargeKw: 3, dischargeKw: 3, efficiency: 0.95, minShare: 0.1, nightWindow: [1, 6] },
  replanEverySlots: 4,
  maxHorizonSlots: 72,
  replanThresholdYen: 5,
  seed: 1,
};

/** Merges one level deep, so `{ ev: { maxKw: 3 } }` keeps the other EV defaults; null removes a device. */
export function resolveConfig(overrides: Partial<Record<keyof ReplayConfig, unknown>> = {}): ReplayConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_REPLAY_CONFIG };
  for (const [key, value] of Object.entries(overrides)) {
    const base = (DEFAULT_REPLAY_CONFIG as unknown as Record<string, unknown>)[key];
    const isPlain = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !('buyPrice' in v);
    merged[key] = isPlain(value) && isPlain(base) ? { ...(base as object), ...(value as object) } : value;
  }
  return merged as unknown as ReplayConfig;
}

/** Thermal kWh of a full tank above the mains temperature. */
export function tankKwh(e: EcoCuteConfig): number {
  return (e.tankL * 4.186 * (e.hotWaterC - e.mainsC)) / 3600;
}
