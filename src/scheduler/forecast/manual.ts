/**
 * A fixed daily PV profile the homeowner enters (or the plugin derives from the array's best days) for
 * homes that want no internet forecast at all. It never knows the weather, so days are 'unknown' and the
 * planner is as cautious as it is with any unknown day.
 */
import { DAY_MS, HALF_HOUR_MS, startOfJstDay } from '../calendar.js';
import type { Forecast, ForecastProvider } from './types.js';

/** kWh for each half-hour of the day from 00:00 JST: 48 values, none negative. */
export type ManualProfile = readonly number[];

export function validateManualProfile(profile: unknown): string[] {
  if (!Array.isArray(profile) || profile.length !== 48) return ['The manual PV profile must list 48 half-hour values in kWh, from 00:00 to 23:30.'];
  const bad = profile.flatMap((v, i) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? [] : [i]));
  return bad.length === 0 ? [] : [`The manual PV profile has values that are not kWh of 0 or more at position(s) ${bad.map((i) => i + 1).join(', ')}.`];
}

/** The profile repeated for `days` days from the JST day containing `now`; issued at `now`. */
export function manualForecast(profile: ManualProfile, now: number, days = 2): Forecast {
  const first = startOfJstDay(now);
  const pv = Array.from({ length: days * 48 }, (_, i) => ({ start: first + Math.floor(i / 48) * DAY_MS + (i % 48) * HALF_HOUR_MS, kwh: profile[i % 48]! }));
  return { issuedAt: now, source: 'manual', pv, days: [], warnings: [] };
}

/** The profile as a provider; nothing is fetched, so it cannot fail. */
export function manualProvider(profile: ManualProfile, days = 2): ForecastProvider {
  const errors = validateManualProfile(profile);
  if (errors.length > 0) throw new RangeError(errors.join('\n'));
  return { id: 'manual', fetchForecast: (now) => Promise.resolve(manualForecast(profile, now, days)) };
}
