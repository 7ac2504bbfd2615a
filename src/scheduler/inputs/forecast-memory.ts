/**
 * What the forecasts said about each day, remembered after the forecast itself is gone: the weather class
 * of the forecast issued for the day (the load history and the replaced product's "5 sunny days" data
 * condition are keyed by it, and it must be what the planner knew, not the observed weather) and the PV
 * energy the day-ahead forecast gave it (compared with what the panels made, for the bounded correction).
 *
 * Pure: a small record per day, updated from each fetched forecast and pruned to a few weeks.
 */
import { DAY_MS, jstTime, startOfJstDay } from '../calendar.js';
import type { Forecast, WeatherClass } from '../forecast/types.js';
import { isRecord } from '../../util/json.js';

interface DayMemory {
  /** The class the latest forecast fetched up to the end of the day gave it. */
  readonly weatherClass?: WeatherClass;
  /** The whole day's PV energy as the last forecast fetched before the day began gave it, kWh (uncorrected). */
  readonly pvForecastKwh?: number;
}

export interface ForecastMemory {
  /** By JST date 'YYYY-MM-DD'. */
  readonly days: Readonly<Record<string, DayMemory>>;
}

export const EMPTY_MEMORY: ForecastMemory = { days: {} };

/** Longer than the load forecast's 56-day look-back, so every day it may use keeps its weather. */
export const MEMORY_DAYS = 60;

const SLOTS_PER_DAY = 48;

/**
 * The memory after a forecast fetched at `now`:
 * - weather classes for today and later replace older ones (a later forecast for the same day knows more),
 *   except that a class the source could not name ('unknown') never replaces a known one;
 * - PV totals are kept only for days that have not begun and that the forecast covers completely: the
 *   correction compares the actual with what was known in advance, never with a same-day nowcast.
 */
export function remember(memory: ForecastMemory, forecast: Forecast, now: number, keepDays = MEMORY_DAYS): ForecastMemory {
  const today = jstTime(now).dateKey;
  const days: Record<string, DayMemory> = { ...memory.days };
  for (const d of forecast.days) {
    if (d.dateKey < today) continue;
    if (d.weatherClass === 'unknown' && days[d.dateKey]?.weatherClass !== undefined) continue;
    days[d.dateKey] = { ...days[d.dateKey], weatherClass: d.weatherClass };
  }
  const pvByDay = new Map<string, { kwh: number; slots: number }>();
  for (const s of forecast.pv) {
    const key = jstTime(s.start).dateKey;
    const acc = pvByDay.get(key) ?? { kwh: 0, slots: 0 };
    pvByDay.set(key, { kwh: acc.kwh + s.kwh, slots: acc.slots + 1 });
  }
  for (const [key, { kwh, slots }] of pvByDay) {
    if (key <= today || slots < SLOTS_PER_DAY) continue;
    days[key] = { ...days[key], pvForecastKwh: Math.round(kwh * 1000) / 1000 };
  }
  const oldest = jstTime(startOfJstDay(now) - keepDays * DAY_MS).dateKey;
  return { days: Object.fromEntries(Object.entries(days).filter(([key]) => key >= oldest)) };
}

const CLASSES: readonly WeatherClass[] = ['sunny', 'cloudy', 'rain', 'snow', 'unknown'];

/** A memory read back from storage; anything malformed is dropped rather than trusted. */
export function memoryFrom(stored: unknown): ForecastMemory {
  if (!isRecord(stored) || !isRecord(stored.days)) return EMPTY_MEMORY;
  const days: Record<string, DayMemory> = {};
  for (const [key, value] of Object.entries(stored.days)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(key) || !isRecord(value)) continue;
    const { weatherClass, pvForecastKwh } = value;
    days[key] = {
      ...(CLASSES.includes(weatherClass as WeatherClass) ? { weatherClass: weatherClass as WeatherClass } : {}),
      ...(typeof pvForecastKwh === 'number' && Number.isFinite(pvForecastKwh) && pvForecastKwh >= 0 ? { pvForecastKwh } : {}),
    };
  }
  return { days };
}
