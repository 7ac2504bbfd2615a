/**
 * Half-hour arithmetic for price bands. The meter, the planner and the plans themselves all work in
 * 30-minute slots, so a day is 48 slots and every band edge must fall on a half-hour.
 */
import type { BandSpec } from './types.js';

export const SLOTS_PER_DAY = 48;

/** Slot index (0..48) of 'HH:MM' on a half-hour, '24:00' allowed as an end; undefined otherwise. */
export function slotOfClock(clock: string): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(clock);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min !== 0 && min !== 30) return undefined;
  if (h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 2 + min / 30;
}

/** 'HH:MM' of a slot index, for messages. */
export function clockOfSlot(slot: number): string {
  return `${String(Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 === 0 ? '00' : '30'}`;
}

/** The slots a band covers; a band whose end is not after its start wraps past midnight. */
export function bandSlots(band: BandSpec): number[] {
  const from = slotOfClock(band.from)! % SLOTS_PER_DAY;
  const to = slotOfClock(band.to)! % SLOTS_PER_DAY;
  const length = to > from ? to - from : to - from + SLOTS_PER_DAY;
  return Array.from({ length }, (_, i) => (from + i) % SLOTS_PER_DAY);
}

/** Price per slot, NaN where no band covers it (the validator reports gaps before this is trusted). */
export function slotPrices(bands: readonly BandSpec[]): number[] {
  const prices = new Array<number>(SLOTS_PER_DAY).fill(Number.NaN);
  for (const band of bands) for (const s of bandSlots(band)) prices[s] = band.yenPerKwh;
  return prices;
}

/** 1-12 months covered by [first, last], wrapping over the new year when last < first. */
export function monthsOf(range: readonly [number, number]): number[] {
  const [first, last] = range;
  const length = last >= first ? last - first + 1 : last - first + 13;
  return Array.from({ length }, (_, i) => ((first - 1 + i) % 12) + 1);
}
