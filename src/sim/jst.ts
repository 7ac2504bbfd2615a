/**
 * Japan Standard Time for the simulators: household habits follow the local clock (UTC+9, no daylight
 * saving), whatever time zone the machine running the simulation is set to.
 */
import { DAY_MS, HOUR_MS, jstDayIndex, jstDayIndexStart, jstLocalText } from '../util/jst.js';

export { DAY_MS, HOUR_MS };

export interface JstTime {
  /** Days since 1970-01-01 in JST; a stable key for per-day randomness. */
  readonly day: number;
  /** Hours since local midnight, fractional (7.5 = 07:30). */
  readonly hour: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
}

export function jst(t: number): JstTime {
  const day = jstDayIndex(t);
  return { day, hour: (t - jstDayIndexStart(day)) / HOUR_MS, weekday: (day + 4) % 7 };
}

/** Local time as the ECHONET date-time text the catalogue uses: "2026-11-26T10:30:00". */
export const jstText = jstLocalText;

/** The inverse of jstText; NaN for text that is not a date-time. */
export function parseJstText(text: string): number {
  return Date.parse(`${text}+09:00`);
}

/** Epoch ms of local midnight of the JST day `day` (as in JstTime.day). */
export const jstMidnight = jstDayIndexStart;

/** Saturday or Sunday. National holidays are not modelled: the models only need a weekly rhythm. */
export function isWeekend(time: JstTime): boolean {
  return time.weekday === 0 || time.weekday === 6;
}

/** True when `hour` lies in the daily window [start, end), which may wrap past midnight (23 -> 7). */
export function inDailyWindow(hour: number, start: number, end: number): boolean {
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** Linear interpolation through (hour, value) anchors covering 0..24, for daily profiles. */
export function interpolateDaily(anchors: readonly (readonly [number, number])[], hour: number): number {
  for (let i = 1; i < anchors.length; i++) {
    const [h1, v1] = anchors[i]!;
    const [h0, v0] = anchors[i - 1]!;
    if (hour <= h1) return v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
  }
  return anchors[anchors.length - 1]![1];
}
