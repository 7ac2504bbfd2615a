/**
 * The home's usage history and its PV forecast record, built from the store's half-hour energy:
 *
 * - The load the planner forecasts is what the house uses *besides* the devices it plans itself (their
 *   consumption is a decision, not a given): per half-hour, bought - sold + generated, less the energy of
 *   the planned devices (the battery's + charging / - discharging and the EV charger's, as the recorder
 *   keeps them under `device/<identity>`). Devices the scheduler does not plan stay in the load, because
 *   from the grid's side they are part of the house.
 * - Each day carries the weather class of the forecast issued for it (forecast-memory.ts).
 * - A forecast outcome pairs the day-ahead PV forecast with the energy the panels made.
 *
 * Only complete days count: all 48 half-hours recorded with the meter's figure. The recorder works from
 * cumulative counters, so a device that stops answering for a while shifts energy into a later half-hour
 * of the same day but loses none; a source missing from part of a day (the plugin restarted before the
 * device was seen again) would make the day wrong, so such a day is left out.
 */
import type { EnergySlot } from '../../store/history.js';
import { jstTime } from '../calendar.js';
import type { ForecastOutcome } from '../forecast/correction.js';
import { dayUsage, type DayUsage } from '../load-history.js';
import type { ForecastMemory } from './forecast-memory.js';

const SLOTS_PER_DAY = 48;

export interface RecordedInputs {
  readonly days: DayUsage[];
  readonly outcomes: ForecastOutcome[];
}

/**
 * Usage days and forecast outcomes from the store's half-hours (any order, any span; partial days are
 * skipped). `planned` lists the identities of the devices whose energy the planner decides.
 */
export function recordedInputs(slots: readonly EnergySlot[], memory: ForecastMemory, planned: readonly string[]): RecordedInputs {
  const byDay = new Map<string, EnergySlot[]>();
  for (const s of slots) {
    const key = jstTime(s.start).dateKey;
    byDay.set(key, [...(byDay.get(key) ?? []), s]);
  }
  const days: DayUsage[] = [];
  const outcomes: ForecastOutcome[] = [];
  for (const [dateKey, daySlots] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    if (daySlots.length !== SLOTS_PER_DAY) continue;
    const ordered = [...daySlots].sort((a, b) => a.start - b.start);
    const bought = column(ordered, 'bought');
    const sold = column(ordered, 'sold');
    const generated = column(ordered, 'generated');
    if (bought === 'absent' || bought === 'partial' || sold === 'partial' || generated === 'partial') continue;
    const columns = planned.map((identity) => column(ordered, `device/${identity}`));
    if (columns.includes('partial')) continue;
    const devices = columns.filter((c): c is number[] => Array.isArray(c));
    const at = (c: number[] | 'absent', i: number): number => (c === 'absent' ? 0 : c[i]!);
    const load = bought.map((b, i) => houseLoad(b, at(sold, i), at(generated, i), devices.reduce((sum, d) => sum + d[i]!, 0)));
    const weather = memory.days[dateKey]?.weatherClass ?? 'unknown';
    const day = dayUsage(dateKey, weather, load.map(round));
    if (day) days.push(day);
    const forecastKwh = memory.days[dateKey]?.pvForecastKwh;
    // a home whose panels the plugin does not see has no actual to compare: no outcome, no correction
    if (forecastKwh !== undefined && generated !== 'absent') outcomes.push({ dateKey, forecastKwh, actualKwh: round(generated.reduce((a, v) => a + v, 0)) });
  }
  return { days, outcomes };
}

/** One recorded half-hour of today: the household's load as above and, where the panels are seen, their output. */
export interface RecentSlot {
  readonly start: number;
  readonly loadKwh: number;
  readonly pvKwh?: number;
}

/**
 * The half-hours just recorded, for the planner's intraday correction (forecast/recent-level.ts): every
 * half-hour with a bought figure, the load worked out as for whole days.
 */
export function recentSlots(slots: readonly EnergySlot[], planned: readonly string[]): RecentSlot[] {
  return [...slots]
    .sort((a, b) => a.start - b.start)
    .flatMap((s) => {
      const { bought, sold = 0, generated } = s.kwh;
      if (bought === undefined) return [];
      const devices = planned.reduce((sum, identity) => sum + (s.kwh[`device/${identity}`] ?? 0), 0);
      const loadKwh = round(houseLoad(bought, sold, generated ?? 0, devices));
      return [generated === undefined ? { start: s.start, loadKwh } : { start: s.start, loadKwh, pvKwh: round(generated) }];
    });
}

/**
 * The house's own use in a half-hour, less the planned devices' energy (see above). Counters are read at
 * slightly different moments, so it can come out a little below zero: that is 0.
 */
function houseLoad(bought: number, sold: number, generated: number, plannedDevices: number): number {
  return Math.max(0, bought - sold + generated - plannedDevices);
}

/** A source's half-hour values for the day: all of them, none ('absent'), or only some ('partial'). */
function column(slots: readonly EnergySlot[], source: string): number[] | 'absent' | 'partial' {
  const values = slots.flatMap((s) => (source in s.kwh ? [s.kwh[source]!] : []));
  if (values.length === 0) return 'absent';
  return values.length === slots.length ? values : 'partial';
}

/** To the watt-hour: finer is counter noise. */
function round(kwh: number): number {
  return Math.round(kwh * 1000) / 1000;
}
