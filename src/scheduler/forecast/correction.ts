/**
 * A bounded, conservative correction of the PV forecast from the home's own record: shading, soiling,
 * snow and a mis-entered kWp all show up as a steady actual/forecast ratio. Forecast over-estimation is
 * the most common complaint about solar-following chargers, so the factor may lower the forecast a lot
 * but raise it only a little: it is the median (robust to one odd day) of the last N days' ratios,
 * clamped to [min, max] with max never above 1.5 (never trust a > +50 % adjustment).
 */
import type { PvSlot } from './types.js';

export interface ForecastOutcome {
  readonly dateKey: string;
  readonly actualKwh: number;
  /** What the forecast (uncorrected) said for that day, issued before the day began. */
  readonly forecastKwh: number;
}

export interface CorrectionOptions {
  /** How many recent usable days to use. */
  readonly days?: number;
  readonly min?: number;
  readonly max?: number;
  /** Days forecast below this (overcast, snow) give ratios dominated by noise and are skipped. */
  readonly minForecastKwh?: number;
  /** Fewer usable days than this leave the forecast as it is. */
  readonly minDays?: number;
}

const DEFAULTS = { days: 14, min: 0.5, max: 1.2, minForecastKwh: 2, minDays: 3 } as const;
/** The hard ceiling on any configured max. */
export const MAX_CORRECTION = 1.5;

export interface Correction {
  readonly factor: number;
  /** The median ratio before clamping, when there were enough days. */
  readonly median?: number;
  readonly daysUsed: number;
  readonly bounds: readonly [number, number];
  readonly message: string;
  readonly messageJa: string;
}

export function correctionFactor(history: readonly ForecastOutcome[], options: CorrectionOptions = {}): Correction {
  const o = { ...DEFAULTS, ...options };
  const max = Math.min(Math.max(o.max, 1), MAX_CORRECTION);
  const min = Math.min(Math.max(o.min, 0.1), 1);
  const bounds = [min, max] as const;
  const usable = history
    .filter((d) => d.forecastKwh >= o.minForecastKwh && Number.isFinite(d.actualKwh) && d.actualKwh >= 0)
    .sort((a, b) => b.dateKey.localeCompare(a.dateKey))
    .slice(0, o.days);
  if (usable.length < o.minDays) {
    return {
      factor: 1,
      daysUsed: usable.length,
      bounds,
      message: `PV forecast used as is: ${usable.length} usable day(s) of forecast vs actual, ${o.minDays} needed for a correction.`,
      messageJa: `発電予測は補正なし：予測と実績を比べられる日が${usable.length}日（補正には${o.minDays}日必要）。`,
    };
  }
  const median = medianOf(usable.map((d) => d.actualKwh / d.forecastKwh));
  const factor = Math.min(max, Math.max(min, median));
  const ratio = median.toFixed(2);
  const [why, whyJa] =
    factor < median ? [`, capped at ${max.toFixed(2)} because raising a forecast is risky`, `（予測の上方修正は${max.toFixed(2)}倍まで）`]
    : factor > median ? [`, limited to ${min.toFixed(2)}`, `（下方修正は${min.toFixed(2)}倍まで）`]
    : ['', ''];
  return {
    factor,
    median,
    daysUsed: usable.length,
    bounds,
    message: `PV forecast x ${factor.toFixed(2)}: over the last ${usable.length} days the panels made ${ratio} times the forecast (median)${why}.`,
    messageJa: `発電予測を${factor.toFixed(2)}倍に補正：直近${usable.length}日の実績は予測の${ratio}倍（中央値）${whyJa}。`,
  };
}

export function applyCorrection(pv: readonly PvSlot[], factor: number): PvSlot[] {
  return pv.map((s) => ({ start: s.start, kwh: s.kwh * factor }));
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
