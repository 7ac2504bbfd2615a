/**
 * The home's own hot-water use, from the EcoCute's remaining-hot-water readings (E1, litres): each fall
 * between two readings is water drawn (with a little standing loss, which errs on the safe side), each
 * rise is heating and is not counted. Kept per JST day and half-hour for a few weeks; once enough days
 * are complete, their average by half-hour of the day replaces the typical family's profile in the plan.
 *
 * Pure: a small record updated from each reading, pruned to HOT_WATER_DAYS days.
 */
import { DAY_MS, jstTime, startOfJstDay } from '../calendar.js';
import { isRecord } from '../../util/json.js';

/**
 * The plan counts on this much more hot water than the average draw (here and in the replay): a day's use
 * varies, and running out costs comfort while a little extra heat costs a few yen.
 */
export const DRAW_MARGIN = 1.1;
/** Days kept. */
const HOT_WATER_DAYS = 28;
/** Complete days needed before the home's own profile is used: a week, so that every weekday is in it. */
export const HOT_WATER_MIN_DAYS = 7;
/** A day counts as complete when this many of its half-hours had readings (a restart may miss a few). */
const MIN_SLOTS_SEEN = 44;
/** A fall across a longer silence cannot be placed in a half-hour: it is not counted. */
const MAX_GAP_MS = 15 * 60_000;
const SLOTS_PER_DAY = 48;

export interface HotWaterRecord {
  /** By JST date 'YYYY-MM-DD': litres drawn per half-hour, null where there was no reading. */
  readonly days: Readonly<Record<string, readonly (number | null)[]>>;
  /** The last reading, which the next one is compared with. */
  readonly last?: { readonly at: number; readonly litres: number };
}

export const EMPTY_HOT_WATER: HotWaterRecord = { days: {} };

/** The record after a reading of `litres` remaining, taken at `at`; an old or repeated reading changes nothing. */
export function observeHotWater(record: HotWaterRecord, at: number, litres: number): HotWaterRecord {
  if (!Number.isFinite(litres) || litres < 0 || (record.last && at <= record.last.at)) return record;
  const { dateKey, minuteOfDay } = jstTime(at);
  const slot = Math.floor(minuteOfDay / 30);
  const day = [...(record.days[dateKey] ?? new Array<number | null>(SLOTS_PER_DAY).fill(null))];
  const last = record.last;
  const drawn = last && at - last.at <= MAX_GAP_MS ? Math.max(0, last.litres - litres) : 0;
  day[slot] = Math.round(((day[slot] ?? 0) + drawn) * 10) / 10;
  const oldest = jstTime(startOfJstDay(at) - HOT_WATER_DAYS * DAY_MS).dateKey;
  const days = Object.fromEntries(Object.entries({ ...record.days, [dateKey]: day }).filter(([key]) => key >= oldest));
  return { days, last: { at, litres } };
}

/** The home's draws: litres per half-hour of the day (48, from 00:00 JST), and from how many days. */
export interface HotWaterProfile {
  /** Undefined until HOT_WATER_MIN_DAYS complete days are recorded. */
  readonly litres?: readonly number[];
  /** Complete days recorded (today, still going, does not count). */
  readonly days: number;
}

export function hotWaterProfile(record: HotWaterRecord, now: number): HotWaterProfile {
  const today = jstTime(now).dateKey;
  const complete = Object.entries(record.days)
    .filter(([key, slots]) => key < today && slots.filter((x) => x !== null).length >= MIN_SLOTS_SEEN)
    .map(([, slots]) => slots);
  if (complete.length < HOT_WATER_MIN_DAYS) return { days: complete.length };
  const litres = Array.from({ length: SLOTS_PER_DAY }, (_, i) => {
    const seen = complete.map((d) => d[i]).filter((x): x is number => x !== null && x !== undefined);
    return seen.length === 0 ? 0 : seen.reduce((a, v) => a + v, 0) / seen.length;
  });
  return { litres, days: complete.length };
}

/** A stored record, checked: anything damaged starts empty (it only delays the home's own profile). */
export function hotWaterFrom(stored: unknown): HotWaterRecord {
  if (!isRecord(stored) || !isRecord(stored.days)) return EMPTY_HOT_WATER;
  const days: Record<string, (number | null)[]> = {};
  for (const [key, slots] of Object.entries(stored.days)) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(key) && Array.isArray(slots) && slots.length === SLOTS_PER_DAY && slots.every((x) => x === null || (typeof x === 'number' && x >= 0))) {
      days[key] = slots as (number | null)[];
    }
  }
  const last = isRecord(stored.last) && typeof stored.last.at === 'number' && typeof stored.last.litres === 'number' ? { at: stored.last.at, litres: stored.last.litres } : undefined;
  return { days, ...(last ? { last } : {}) };
}
