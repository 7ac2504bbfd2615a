/**
 * The shape of an electricity plan as the scheduler sees it. A plan is data (TariffSpec, what presets
 * and the homeowner's config hold) turned into a Tariff (fast price look-ups) by makeTariff.
 */

/**
 * 'time-of-use' (時間帯別) and 'seasonal' (季節別) plans have prices that differ by time; 'flat' (従量制)
 * plans do not, which is why the replaced product refuses AI solar charge for them.
 */
export type TariffKind = 'time-of-use' | 'seasonal' | 'flat';

export interface Tariff {
  readonly id: string;
  readonly name: string;
  readonly nameJa: string;
  readonly kind: TariffKind;
  /**
   * Yen/kWh for the half-hour starting at epoch ms t (JST bands), surcharges included. A tiered flat
   * plan gives the marginal price of the tier a typical home ends the month in (see its spec's notes).
   */
  buyPrice(t: number): number;
  /** Yen/kWh paid for exported energy at t. */
  sellPrice(t: number): number;
  /** Kg CO2 per kWh bought from the grid (the utility's emission factor, a user setting). */
  readonly co2KgPerKwh: number;
}

/** One price band of a day: [from, to) in local 'HH:MM', on half-hours; wraps past midnight if to <= from. */
export interface BandSpec {
  readonly from: string;
  readonly to: string;
  readonly yenPerKwh: number;
  readonly label?: string;
}

/** Prices for a range of months; holiday defaults to the weekday bands. */
interface SeasonSpec {
  readonly label: string;
  /** First and last month, 1-12, inclusive; may wrap over the new year ([11, 3]). */
  readonly months: readonly [number, number];
  readonly weekday: readonly BandSpec[];
  readonly holiday?: readonly BandSpec[];
}

/** A per-kWh amount added to every purchased kWh: fuel-cost adjustment (may be negative), renewable surcharge. */
export interface SurchargeSpec {
  readonly label: string;
  readonly yenPerKwh: number;
}

export interface TariffSpec {
  readonly id: string;
  readonly name: string;
  readonly nameJa: string;
  readonly kind: TariffKind;
  /** Together they cover each month exactly once. */
  readonly seasons: readonly SeasonSpec[];
  /** Recurring 'MM-DD' days the plan prices as holidays beyond Sat, Sun and national holidays. */
  readonly extraHolidays?: readonly string[];
  readonly surcharges?: readonly SurchargeSpec[];
  readonly sellYenPerKwh: number;
  readonly co2KgPerKwh: number;
  /** Where the numbers come from and what to check on one's own bill. */
  readonly notes?: string;
}
