/**
 * Half-hour energy for the dashboard: today's 48 half-hours with how each was obtained, and the sums
 * (kWh, yen, kg CO2) over any run of half-hours. What the home used depends on the purchase contract.
 */
import { HALF_HOUR_MS, jstMidnight, jstTime } from '../scheduler/calendar.js';
import { slotCost, type Tariff } from '../scheduler/tariff.js';
import type { EnergySlot } from '../store/history.js';
import type { HalfHourRecord } from '../wisun/history.js';

export const SLOTS_PER_DAY = 48;

/**
 * How a half-hour of today's series was obtained: 'live' recorded as it happened, 'backfill' read back
 * afterwards from the meter's own 30-minute memory (the plugin was down or the radio was out),
 * 'missing' neither, 'future' not over yet.
 */
export type SlotMark = 'live' | 'backfill' | 'missing' | 'future';

export interface Totals {
  readonly boughtKwh: number;
  readonly soldKwh: number;
  readonly generatedKwh: number;
  readonly consumedKwh: number;
  /** Null without a tariff. */
  readonly costYen: number | null;
  readonly earnedYen: number | null;
  readonly co2Kg: number | null;
  /** Half-hours that had data. */
  readonly slots: number;
}

export interface StatusSlot {
  readonly start: number;
  /** What the home used: bought + generated - sold (surplus purchase), bought alone (full purchase). */
  readonly consumedKwh: number | null;
  readonly generatedKwh: number | null;
  readonly boughtKwh: number | null;
  readonly soldKwh: number | null;
  readonly mark: SlotMark;
}

/** JST month starts around now, and the instant as far into last month as now is into this one. */
export function monthBounds(now: number): { thisMonth: number; lastMonth: number; lastMonthSameTime: number } {
  const t = jstTime(now);
  const thisMonth = jstMidnight({ year: t.year, month: t.month, day: 1 });
  const lastMonth = t.month === 1 ? jstMidnight({ year: t.year - 1, month: 12, day: 1 }) : jstMidnight({ year: t.year, month: t.month - 1, day: 1 });
  // a 31st has no twin in a 30-day month: stop at the end of last month
  return { thisMonth, lastMonth, lastMonthSameTime: Math.min(lastMonth + (now - thisMonth), thisMonth) };
}

interface SlotEnergy {
  readonly start: number;
  readonly boughtKwh: number | null;
  readonly soldKwh: number | null;
  readonly generatedKwh: number | null;
  readonly consumedKwh: number | null;
}

export function energyOf(kwh: Readonly<Record<string, number>>, mode: 'surplus' | 'full', start: number): SlotEnergy {
  const bought = kwh.bought ?? null;
  const sold = kwh.sold ?? null;
  const generated = kwh.generated ?? null;
  return { start, boughtKwh: bought, soldKwh: sold, generatedKwh: generated, consumedKwh: consumed(mode, bought, sold, generated) };
}

function consumed(mode: 'surplus' | 'full', bought: number | null, sold: number | null, generated: number | null): number | null {
  if (bought === null) return null;
  // 全量買取: everything generated goes to the grid through its own meter, so the home uses what it buys
  if (mode === 'full') return bought;
  if (generated === null) return sold === null || sold === 0 ? bought : null;
  return round(Math.max(0, bought + generated - (sold ?? 0)));
}

/** The inputs today's series is made from (a part of StatusInput). */
export interface SeriesInput {
  readonly now: number;
  readonly purchaseMode: 'surplus' | 'full';
  readonly slots: readonly EnergySlot[];
  readonly meterRecords?: readonly HalfHourRecord[];
}

export function todaySlots(input: SeriesInput, dayStart: number): StatusSlot[] {
  const history = new Map(input.slots.filter((s) => s.start >= dayStart).map((s) => [s.start, s]));
  const records = new Map((input.meterRecords ?? []).map((r) => [r.slotStart, r]));
  const out: StatusSlot[] = [];
  for (let i = 0; i < SLOTS_PER_DAY; i++) {
    const start = dayStart + i * HALF_HOUR_MS;
    const empty = { start, consumedKwh: null, generatedKwh: null, boughtKwh: null, soldKwh: null };
    if (start + HALF_HOUR_MS > input.now) {
      out.push({ ...empty, mark: 'future' });
      continue;
    }
    const slot = history.get(start);
    const kwh = slot?.kwh;
    if (kwh && kwh.bought !== undefined) {
      out.push({ ...energyOf(kwh, input.purchaseMode, start), mark: slot.grid === 'backfill' ? 'backfill' : 'live' });
      continue;
    }
    // the meter fixes its counters at each boundary: the half-hour is the difference of its two ends
    const a = records.get(start);
    const b = records.get(start + HALF_HOUR_MS);
    if (a && b && b.boughtKwh >= a.boughtKwh) {
      const bought = b.boughtKwh - a.boughtKwh;
      const sold = a.soldKwh !== null && b.soldKwh !== null && b.soldKwh >= a.soldKwh ? b.soldKwh - a.soldKwh : null;
      const generated = kwh?.generated ?? null;
      const mark: SlotMark = a.source === 'backfill' || b.source === 'backfill' ? 'backfill' : 'live';
      out.push({ start, boughtKwh: round(bought), soldKwh: sold === null ? null : round(sold), generatedKwh: generated, consumedKwh: consumed(input.purchaseMode, bought, sold, generated), mark });
      continue;
    }
    out.push({ ...empty, mark: 'missing' });
  }
  return out;
}

export function sum(slots: readonly SlotEnergy[], tariff: Tariff | undefined): Totals {
  let bought = 0;
  let sold = 0;
  let generated = 0;
  let use = 0;
  let cost = 0;
  let earned = 0;
  let co2 = 0;
  for (const s of slots) {
    bought += s.boughtKwh ?? 0;
    sold += s.soldKwh ?? 0;
    generated += s.generatedKwh ?? 0;
    use += s.consumedKwh ?? 0;
    if (tariff) {
      const c = slotCost(tariff, s.start, s.boughtKwh ?? 0, s.soldKwh ?? 0);
      cost += c.buyYen;
      earned += c.sellYen;
      co2 += c.co2Kg;
    }
  }
  return {
    boughtKwh: round(bought),
    soldKwh: round(sold),
    generatedKwh: round(generated),
    consumedKwh: round(use),
    costYen: tariff ? round(cost) : null,
    earnedYen: tariff ? round(earned) : null,
    co2Kg: tariff ? round(co2) : null,
    slots: slots.length,
  };
}

export function add(a: Totals, b: Totals): Totals {
  const n = (x: number | null, y: number | null) => (x === null || y === null ? null : round(x + y));
  return {
    boughtKwh: round(a.boughtKwh + b.boughtKwh),
    soldKwh: round(a.soldKwh + b.soldKwh),
    generatedKwh: round(a.generatedKwh + b.generatedKwh),
    consumedKwh: round(a.consumedKwh + b.consumedKwh),
    costYen: n(a.costYen, b.costYen),
    earnedYen: n(a.earnedYen, b.earnedYen),
    co2Kg: n(a.co2Kg, b.co2Kg),
    slots: a.slots + b.slots,
  };
}

/** To the watt-hour / tenth of a yen is what a person reads; the rest is floating-point noise. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
