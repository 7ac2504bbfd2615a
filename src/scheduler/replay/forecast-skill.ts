/**
 * The realised error of the replay's forecasts, so the benchmark states how good the planner's view of
 * the future was rather than asserting it: day-ahead (issued at 00:00 for the day), hourly, as RMSE
 * over the mean of the actual values (PV: daylight hours only, the usual convention).
 */
import { jstTime } from '../calendar.js';
import { resolveConfig, type ReplayConfig } from './config.js';
import { parseHouseholdCsv } from './csv.js';
import { Forecaster, type ForecastMode } from './forecast.js';

export interface ForecastError {
  readonly pvNrmse: number;
  readonly loadNrmse: number;
  /** Error of the daily PV energy, RMSE over the mean. */
  readonly pvDailyNrmse: number;
}

function nrmse(pairs: readonly (readonly [number, number])[]): number {
  if (pairs.length === 0) return 0;
  const mean = pairs.reduce((s, [a]) => s + a, 0) / pairs.length;
  const mse = pairs.reduce((s, [a, f]) => s + (a - f) ** 2, 0) / pairs.length;
  return mean > 0 ? Math.sqrt(mse) / mean : 0;
}

export function forecastErrors(csvText: string, mode: Exclude<ForecastMode, 'perfect'>, days: { from: number; count: number }, config: Partial<ReplayConfig> = {}): ForecastError {
  const resolved = resolveConfig(config);
  const series = parseHouseholdCsv(csvText);
  const forecaster = new Forecaster({ ...series, drawKwh: series.start.map(() => 0) }, mode, resolved.seed);
  const firstMidnight = series.start.findIndex((t) => jstTime(t).minuteOfDay === 0);
  const pv: [number, number][] = [];
  const load: [number, number][] = [];
  const daily: [number, number][] = [];
  for (let d = days.from; d < days.from + days.count; d++) {
    const i = firstMidnight + d * 48;
    if (i + 48 > series.start.length) break;
    const f = forecaster.horizon(i, 48);
    let actualDay = 0;
    let forecastDay = 0;
    for (let h = 0; h < 24; h++) {
      const a = series.pvKwh[i + 2 * h]! + series.pvKwh[i + 2 * h + 1]!;
      const p = f.pvKwh[2 * h]! + f.pvKwh[2 * h + 1]!;
      if (a > 0 || p > 0) pv.push([a, p]);
      load.push([series.loadKwh[i + 2 * h]! + series.loadKwh[i + 2 * h + 1]!, f.loadKwh[2 * h]! + f.loadKwh[2 * h + 1]!]);
      actualDay += a;
      forecastDay += p;
    }
    daily.push([actualDay, forecastDay]);
  }
  return { pvNrmse: nrmse(pv), loadNrmse: nrmse(load), pvDailyNrmse: nrmse(daily) };
}
