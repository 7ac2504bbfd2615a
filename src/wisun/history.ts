/**
 * The meter's half-hour history: slot times, the sink records go to, which slots are missing and how to
 * fetch them back from the meter.
 *
 * A slot is the meter's own "fixed time": the cumulative counters as they stood at a Japan local half-hour
 * boundary (00:00, 00:30, ... 23:30 +09:00). The energy of a half hour is the difference of two slots.
 * Japan has no daylight saving and +09:00 is a whole number of hours, so JST half-hours are also UTC
 * half-hours; only the day boundary needs the offset.
 */

import { DAY_MS, HALF_HOUR_MS, jstDayStart, jstLocalText, parseJstLocal } from '../util/jst.js';
export const SLOT_MS = HALF_HOUR_MS;
/** The meter keeps today and 99 days back (E5 = 0..99). */
export const MAX_DAY_OFFSET = 99;

export type HalfHourSource = 'inf' | 'poll' | 'backfill';

export interface HalfHourRecord {
  /** Epoch ms of the half-hour boundary the counters were fixed at. */
  readonly slotStart: number;
  readonly boughtKwh: number;
  /** null when the meter keeps no reverse-direction counter. */
  readonly soldKwh: number | null;
  readonly source: HalfHourSource;
}

/**
 * Where half-hour records go. Asynchronous because the real one persists them; the client never writes a
 * slot that is already present, so the first source to deliver a slot wins.
 */
export interface HalfHourSink {
  /** The newest slot held, or undefined when the sink is empty. */
  lastSlot(): Promise<number | undefined>;
  has(slotStart: number): Promise<boolean>;
  put(record: HalfHourRecord): Promise<void>;
  /**
   * Told where the meter's counters wrap (kWh; undefined when the meter does not say) once the client
   * has read it, before any record: a sink that takes differences of records needs it.
   */
  counterModulus?(modulusKwh: number | undefined): void;
  /**
   * A persistent sink remembers up to where the catch-up had every half-hour, so that a gap a run could not
   * fill (the dongle stayed away) is still looked for after a restart, however old; optional.
   */
  completeUpTo?(): Promise<number | undefined>;
  markComplete?(slotStart: number): Promise<void>;
}

/** Keeps records in memory; for tests, the CLI and until the persistent store exists. */
export class MemoryHalfHourSink implements HalfHourSink {
  private readonly bySlot = new Map<number, HalfHourRecord>();

  async lastSlot(): Promise<number | undefined> {
    let last: number | undefined;
    for (const slot of this.bySlot.keys()) if (last === undefined || slot > last) last = slot;
    return last;
  }

  async has(slotStart: number): Promise<boolean> {
    return this.bySlot.has(slotStart);
  }

  async put(record: HalfHourRecord): Promise<void> {
    this.bySlot.set(record.slotStart, record);
  }

  /** All records, oldest first. */
  records(): HalfHourRecord[] {
    return [...this.bySlot.values()].sort((a, b) => a.slotStart - b.slotStart);
  }
}

/** The newest half-hour boundary at or before `t`. */
export function slotAtOrBefore(t: number): number {
  return Math.floor(t / SLOT_MS) * SLOT_MS;
}

// The meter's clock is Japan local time; these are re-exported for the meter client and its tests.
export { jstDayStart, parseJstLocal };

/** "2026-11-26T10:30:00+09:00": how the CLI and exports show a slot. */
export function formatJst(t: number): string {
  return `${jstLocalText(t)}+09:00`;
}

/** Every slot after `after` (exclusive) up to `upTo` (inclusive) that the sink does not hold, oldest first. */
export async function findMissingSlots(sink: HalfHourSink, after: number, upTo: number): Promise<number[]> {
  const missing: number[] = [];
  for (let slot = slotAtOrBefore(after) + SLOT_MS; slot <= upTo; slot += SLOT_MS) {
    if (!(await sink.has(slot))) missing.push(slot);
  }
  return missing;
}

/** One day of the meter's history to read: SET E5 = dayOffset, then Get E2/E4. */
export interface DayFetch {
  readonly dayOffset: number;
  readonly dayStart: number;
  /** The missing slots of that day, oldest first. */
  readonly slots: readonly number[];
}

export interface BackfillPlan {
  /** Oldest day first, so records reach the sink in time order. */
  readonly days: readonly DayFetch[];
  /** Slots older than the meter keeps: lost for good. */
  readonly tooOld: readonly number[];
}

/** Groups missing slots by Japan local day, as the meter serves its history one day at a time. */
export function planBackfill(missing: readonly number[], now: number): BackfillPlan {
  const today = jstDayStart(now);
  const byDay = new Map<number, number[]>();
  const tooOld: number[] = [];
  for (const slot of [...missing].sort((a, b) => a - b)) {
    const dayStart = jstDayStart(slot);
    const dayOffset = Math.round((today - dayStart) / DAY_MS);
    if (dayOffset > MAX_DAY_OFFSET) {
      tooOld.push(slot);
      continue;
    }
    if (dayOffset < 0) continue; // a slot in the future: nothing to fetch yet
    const slots = byDay.get(dayStart) ?? [];
    slots.push(slot);
    byDay.set(dayStart, slots);
  }
  const days = [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([dayStart, slots]) => ({ dayStart, dayOffset: Math.round((today - dayStart) / DAY_MS), slots }));
  return { days, tooOld };
}

/**
 * Turns one day of history (48 values each, null where the meter has none) into records for the slots
 * that were asked for. A slot without a bought value stays missing, to be tried again later.
 */
export function backfillRecords(
  fetch: DayFetch,
  bought: readonly (number | null)[],
  sold: readonly (number | null)[] | undefined,
): HalfHourRecord[] {
  const records: HalfHourRecord[] = [];
  for (const slot of fetch.slots) {
    const index = Math.round((slot - fetch.dayStart) / SLOT_MS);
    const boughtKwh = bought[index];
    if (boughtKwh === undefined || boughtKwh === null) continue;
    records.push({ slotStart: slot, boughtKwh, soldKwh: sold?.[index] ?? null, source: 'backfill' });
  }
  return records;
}
