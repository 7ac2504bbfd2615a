/**
 * A bounded, conservative correction of the PV forecast from the home's own record: shading, soiling,
 * snow and a mis-entered kWp all show up as a steady actual/forecast ratio. Forecast over-estimation is
 * the most common complaint about solar-following chargers, so the factor may lower the forecast a lot
 * but raise it only a little: it is the median (robust to one odd day) of the last N days' ratios,
 * clamped to [min, max] with max never above 1.5 (never trust a > +50 % adjustment).
 *
 * A planner that buys at night for the day ahead can ask for another quantile of the same ratios
 * instead of the median (planningQuantile): the two ways of being wrong do not cost the same.
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
  /** Which quantile of the ratios to take (default 0.5, the median). */
  readonly quantile?: number;
}

const DEFAULTS = { days: 14, min: 0.5, max: 1.2, minForecastKwh: 2, minDays: 3, quantile: 0.5 } as const;
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
  const ratios = usable.map((d) => d.actualKwh / d.forecastKwh);
  const median = quantileOf(ratios, 0.5);
  const q = Math.min(1, Math.max(0, o.quantile));
  const chosen = q === 0.5 ? median : logNormalQuantile(ratios, q);
  const factor = Math.min(max, Math.max(min, chosen));
  const ratio = chosen.toFixed(2);
  const which = q === 0.5 ? 'median' : `${Math.round(100 * q)}th percentile`;
  const whichJa = q === 0.5 ? '中央値' : `${Math.round(100 * q)}パーセンタイル`;
  const [why, whyJa] =
    factor < chosen ? [`, capped at ${max.toFixed(2)} because raising a forecast is risky`, `（予測の上方修正は${max.toFixed(2)}倍まで）`]
    : factor > chosen ? [`, limited to ${min.toFixed(2)}`, `（下方修正は${min.toFixed(2)}倍まで）`]
    : ['', ''];
  return {
    factor,
    median,
    daysUsed: usable.length,
    bounds,
    message: `PV forecast x ${factor.toFixed(2)}: over the last ${usable.length} days the panels made ${ratio} times the forecast (${which})${why}.`,
    messageJa: `発電予測を${factor.toFixed(2)}倍に補正：直近${usable.length}日の実績は予測の${ratio}倍（${whichJa}）${whyJa}。`,
  };
}

export function applyCorrection(pv: readonly PvSlot[], factor: number): PvSlot[] {
  return pv.map((s) => ({ start: s.start, kwh: s.kwh * factor }));
}

function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * The q-quantile of ratios taken as log-normal around their median: two weeks of days are too few for
 * an empirical upper quantile (one odd day moves it a lot), their spread is enough for a fitted one.
 */
function logNormalQuantile(ratios: readonly number[], q: number): number {
  const logs = ratios.map((r) => Math.log(Math.max(r, 1e-3)));
  const centre = quantileOf(logs, 0.5);
  const mean = logs.reduce((a, v) => a + v, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, logs.length - 1));
  return Math.exp(centre + normalQuantile(q) * sd);
}

/** Inverse of the standard normal distribution (Abramowitz and Stegun 26.2.23, error < 4.5e-4). */
function normalQuantile(q: number): number {
  const p = Math.min(Math.max(q, 1e-9), 1 - 1e-9);
  const tail = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(tail));
  const z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -z : z;
}

/**
 * The PV quantile to plan on when energy bought cheaply at night competes with tomorrow's solar. Buying
 * a kWh at night that the sun would have supplied loses (night - sell): the surplus is then sold; not
 * buying one the sun does not supply loses (day - night). Planning on the quantile q of solar with
 * q = (night - sell) / (day - sell) balances the two (the newsvendor's critical ratio). With no cheaper
 * night there is nothing to balance: the median. Clamped to [0.1, 0.9]: two weeks of days say little
 * about the tails.
 */
export function planningQuantile(nightYen: number, dayYen: number, sellYen: number): number {
  if (dayYen - nightYen < 1e-9 || dayYen <= sellYen) return 0.5;
  return Math.min(0.9, Math.max(0.1, (nightYen - sellYen) / (dayYen - sellYen)));
}

/**
 * The correction the planner plans on, in the plugin and in the replay alike: the break-even quantile of
 * the home's own actual/forecast ratios for the day's cheapest and dearest buy prices and the sell price,
 * bounded by the hard ceiling. Days forecast under 0.5 kWh say nothing about the ratio.
 */
export function planningCorrection(history: readonly ForecastOutcome[], prices: { readonly lowestBuyYen: number; readonly highestBuyYen: number; readonly sellYen: number }): Correction {
  const quantile = planningQuantile(prices.lowestBuyYen, prices.highestBuyYen, prices.sellYen);
  return correctionFactor(history, { quantile, max: MAX_CORRECTION, minForecastKwh: 0.5 });
}
