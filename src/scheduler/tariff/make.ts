/**
 * TariffSpec -> Tariff: the bands are expanded once into 48 half-hour prices per season and day type,
 * so a year replay's price look-ups are array reads.
 */
import { dayType, HALF_HOUR_MS, jstTime, startOfJstDay } from '../calendar.js';
import { monthsOf, slotPrices } from './bands.js';
import type { Tariff, TariffSpec } from './types.js';
import { validateTariffSpec } from './validate.js';

/** Builds the look-up tariff; throws a RangeError listing every problem when the spec is invalid. */
export function makeTariff(spec: TariffSpec): Tariff {
  const checked = validateTariffSpec(spec);
  if (!checked.ok) throw new RangeError(checked.errors.join('\n'));
  const surcharge = (spec.surcharges ?? []).reduce((sum, s) => sum + s.yenPerKwh, 0);
  const extraHolidays = spec.extraHolidays ?? [];
  // byMonth[month - 1] = prices of the season that month belongs to, per day type.
  const byMonth: { weekday: number[]; holiday: number[] }[] = [];
  for (const season of spec.seasons) {
    const prices = {
      weekday: slotPrices(season.weekday).map((p) => p + surcharge),
      holiday: slotPrices(season.holiday ?? season.weekday).map((p) => p + surcharge),
    };
    for (const month of monthsOf(season.months)) byMonth[month - 1] = prices;
  }
  // Callers walk time in order, so the day's price row is remembered: a year replay then costs array
  // reads instead of calendar work. The cache changes no result.
  let cachedDay = Number.NaN;
  let cachedPrices: readonly number[] = [];
  return {
    id: spec.id,
    name: spec.name,
    nameJa: spec.nameJa,
    kind: spec.kind,
    co2KgPerKwh: spec.co2KgPerKwh,
    buyPrice(t: number): number {
      const day = startOfJstDay(t);
      if (day !== cachedDay) {
        cachedPrices = byMonth[jstTime(t).month - 1]![dayType(t, extraHolidays)];
        cachedDay = day;
      }
      return cachedPrices[Math.floor((t - day) / HALF_HOUR_MS)]!;
    },
    sellPrice: () => spec.sellYenPerKwh,
  };
}

export interface SlotCost {
  /** Yen paid for the bought energy. */
  readonly buyYen: number;
  /** Yen earned for the sold energy. */
  readonly sellYen: number;
  /** buyYen - sellYen: what the half-hour cost the household. */
  readonly netYen: number;
  /** CO2 of the bought energy; exports are not credited (the factor is for consumption). */
  readonly co2Kg: number;
}

/** Cost and CO2 of the half-hour starting at t given the kWh bought from and sold to the grid. */
export function slotCost(tariff: Tariff, t: number, boughtKwh: number, soldKwh: number): SlotCost {
  const buyYen = boughtKwh * tariff.buyPrice(t);
  const sellYen = soldKwh * tariff.sellPrice(t);
  return { buyYen, sellYen, netYen: buyYen - sellYen, co2Kg: boughtKwh * tariff.co2KgPerKwh };
}

export interface PriceRange {
  readonly highest: number;
  readonly lowest: number;
  /** Start of the first half-hour at the highest and at the lowest price. */
  readonly highestAt: number;
  readonly lowestAt: number;
}

/**
 * Highest and lowest buy price over the half-hours starting in [from, to); the eligibility gates compare
 * them with the sell price. from is rounded down to a half-hour.
 */
export function buyPriceRange(tariff: Tariff, from: number, to: number): PriceRange {
  let range: PriceRange | undefined;
  for (let t = Math.floor(from / HALF_HOUR_MS) * HALF_HOUR_MS; t < to || range === undefined; t += HALF_HOUR_MS) {
    const p = tariff.buyPrice(t);
    if (range === undefined) range = { highest: p, lowest: p, highestAt: t, lowestAt: t };
    else if (p > range.highest) range = { ...range, highest: p, highestAt: t };
    else if (p < range.lowest) range = { ...range, lowest: p, lowestAt: t };
  }
  return range;
}
