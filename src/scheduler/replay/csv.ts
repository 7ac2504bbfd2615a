/**
 * The household CSV the replay and the `plan` command read: header `time,load_kwh,pv_kwh`, one row per
 * slot, time = slot start in ISO 8601 with its offset, uniform 30- or 60-minute slots. Hourly rows are
 * split into two equal half-hours (the planner's slot).
 */
import { HALF_HOUR_MS } from '../calendar.js';

export interface HalfHourSeries {
  /** Epoch ms of each half-hour start. */
  readonly start: readonly number[];
  readonly loadKwh: readonly number[];
  readonly pvKwh: readonly number[];
}

export class HouseholdCsvError extends Error {
  override readonly name = 'HouseholdCsvError';
}

export function parseHouseholdCsv(text: string): HalfHourSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header || header.join(',') !== 'time,load_kwh,pv_kwh') {
    throw new HouseholdCsvError(`the first line must be "time,load_kwh,pv_kwh", not "${lines[0] ?? ''}"`);
  }
  const rows = lines.slice(1).map((line, i) => {
    const [time, load, pv] = line.split(',');
    const t = Date.parse(time ?? '');
    const l = Number(load);
    const p = Number(pv);
    if (!Number.isFinite(t) || !Number.isFinite(l) || !Number.isFinite(p) || l < 0 || p < 0) {
      throw new HouseholdCsvError(`line ${i + 2}: expected "time,load_kwh,pv_kwh" with a valid time and non-negative numbers, got "${line}"`);
    }
    return { t, l, p };
  });
  if (rows.length < 2) throw new HouseholdCsvError('need at least two rows to know the slot length');
  const step = rows[1]!.t - rows[0]!.t;
  if (step !== HALF_HOUR_MS && step !== 2 * HALF_HOUR_MS) throw new HouseholdCsvError(`slots must be 30 or 60 minutes, found ${step / 60000} minutes`);
  rows.forEach((r, i) => {
    if (i > 0 && r.t - rows[i - 1]!.t !== step) throw new HouseholdCsvError(`line ${i + 2}: slots must be uniform (${step / 60000} minutes)`);
  });
  const parts = step / HALF_HOUR_MS;
  const start: number[] = [];
  const loadKwh: number[] = [];
  const pvKwh: number[] = [];
  for (const r of rows) {
    for (let k = 0; k < parts; k++) {
      start.push(r.t + k * HALF_HOUR_MS);
      loadKwh.push(r.l / parts);
      pvKwh.push(r.p / parts);
    }
  }
  return { start, loadKwh, pvKwh };
}
