/**
 * The parts of household life the CSV does not hold, made up deterministically from a seed: hot-water
 * draws (a Japanese family's day: morning wash, lunch, bath at 19:00 and showers, more in winter when the
 * mains is cold) and the car's week (weekday commute, a holiday outing on about half the holidays).
 */
import { hashUnit } from '../../sim/noise.js';
import { dayType, jstTime, DAY_MS } from '../calendar.js';
import { tankKwh, type EcoCuteConfig, type EvConfig } from './config.js';

// [from hour, to hour, share of the day's hot water]
const DRAW_PROFILE: readonly (readonly [number, number, number])[] = [
  [6.5, 7.5, 0.15],
  [12, 12.5, 0.05],
  [19, 19.5, 0.45],
  [19.5, 23, 0.35],
];
const STREAM_DRAW = 101;
const STREAM_OUTING = 102;
const STREAM_TRIP = 103;
const STREAM_LEAVE = 104;

/** Thermal kWh of hot water drawn in the half-hour starting at t. */
export function hotWaterDrawKwh(t: number, e: EcoCuteConfig, seed: number): number {
  const local = jstTime(t);
  const hour = local.minuteOfDay / 60;
  const band = DRAW_PROFILE.find(([from, to]) => hour >= from && hour < to);
  if (!band) return 0;
  const dayIndex = Math.floor((t + 9 * 3_600_000) / DAY_MS);
  const dayOfYear = (Date.UTC(local.year, local.month - 1, local.day) - Date.UTC(local.year, 0, 1)) / DAY_MS;
  // colder mains in winter: about +25 % heat for the same showers in January, -25 % in July
  const season = 1 + 0.25 * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365);
  const day = (0.85 + 0.3 * hashUnit(seed, STREAM_DRAW, dayIndex)) * (dayType(t) === 'holiday' ? 1.1 : 1);
  const [from, to, share] = band;
  return (tankKwh(e) * e.dailyDrawShare * season * day * share) / ((to - from) * 2);
}

export interface CarWeek {
  /** The car is plugged in at home during slot i. */
  readonly home: readonly boolean[];
  /** Energy the trip that ends at slot i took (0 unless the car arrives at slot i). */
  readonly tripKwh: readonly number[];
}

/** Where the car is in each half-hour of the series, and what each trip used. */
export function carWeek(starts: readonly number[], ev: EvConfig, seed: number): CarWeek {
  const home = starts.map((t) => {
    const local = jstTime(t);
    const hour = local.minuteOfDay / 60;
    const dayIndex = Math.floor((t + 9 * 3_600_000) / DAY_MS);
    if (dayType(t) === 'weekday') {
      // leaves within half an hour of the usual time, so departures are not all on the same slot
      const leave = ev.leaveHour + (hashUnit(seed, STREAM_LEAVE, dayIndex) < 0.5 ? 0 : 0.5);
      return hour < leave || hour >= ev.returnHour;
    }
    const outing = hashUnit(seed, STREAM_OUTING, dayIndex) < 0.5;
    return !(outing && hour >= 10 && hour < 16);
  });
  const tripKwh = starts.map((t, i) => {
    if (i === 0 || !home[i] || home[i - 1]) return 0;
    const dayIndex = Math.floor((t + 9 * 3_600_000) / DAY_MS);
    const km = ev.commuteKm * (dayType(t) === 'weekday' ? 1 : 0.6) * (0.7 + 0.6 * hashUnit(seed, STREAM_TRIP, dayIndex));
    return km * ev.kwhPerKm;
  });
  return { home, tripKwh };
}
