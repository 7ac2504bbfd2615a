/**
 * Open-Meteo (https://open-meteo.com, data CC BY 4.0, attribution required): hourly irradiance on the
 * array's plane -> PV energy per half-hour. Free, keyless, global, and it computes the tilted irradiance
 * for us, which is why it is the default PV source.
 *
 * Facts this relies on (Open-Meteo docs): hourly radiation values are the mean over the PRECEDING hour
 * (the 12:00 value covers 11:00-12:00); `tilt` is degrees from horizontal; `azimuth` is 0 = south,
 * -90 = east, 90 = west; global_tilted_irradiance can come back slightly negative (clamped here).
 */
import type { PvSlot } from './types.js';
import { isRecord } from '../../util/json.js';
import { HALF_HOUR_MS } from '../calendar.js';

const HOUR_MS = 3_600_000;

export const OPEN_METEO_ATTRIBUTION = 'Weather data by Open-Meteo.com (CC BY 4.0)';

export interface PvArray {
  readonly latitude: number;
  readonly longitude: number;
  /** Panel tilt from horizontal, degrees (Japanese roofs: about 20-30). */
  readonly tiltDeg: number;
  /** Open-Meteo convention: 0 = facing south, -90 = east, 90 = west (see compassToOpenMeteoAzimuth). */
  readonly azimuthDeg: number;
  /** Nameplate DC power, kW. */
  readonly kwp: number;
  /** Fraction lost in wiring, inverter, soiling and mismatch, 0..1 (0.14 is a common default). */
  readonly losses: number;
}

/** Homeowners know their roof as a compass bearing (180 = south); Open-Meteo counts from south. */
export function compassToOpenMeteoAzimuth(bearingDeg: number): number {
  const fromSouth = (((bearingDeg - 180) % 360) + 360) % 360;
  return fromSouth > 180 ? fromSouth - 360 : fromSouth;
}

export interface OpenMeteoRequest {
  /** Days ahead including today, 1-16. */
  readonly forecastDays?: number;
  /** Days back, for comparing forecasts with what the meter saw (correction factor). */
  readonly pastDays?: number;
}

/**
 * Decimals of the position sent to Open-Meteo: two (about 1 km) tell it the weather cell, since its models
 * are a kilometre or more per cell, without pointing at the house, as four (about 10 m) would.
 */
const POSITION_DECIMALS = 2;

/** The request for one array. Times come back in Japan time (timezone=Asia/Tokyo) with the offset given. */
export function openMeteoUrl(array: PvArray, request: OpenMeteoRequest = {}): string {
  const params = new URLSearchParams({
    latitude: array.latitude.toFixed(POSITION_DECIMALS),
    longitude: array.longitude.toFixed(POSITION_DECIMALS),
    hourly: 'global_tilted_irradiance,shortwave_radiation,temperature_2m',
    tilt: String(array.tiltDeg),
    azimuth: String(array.azimuthDeg),
    timezone: 'Asia/Tokyo',
    forecast_days: String(request.forecastDays ?? 3),
  });
  if (request.pastDays !== undefined) params.set('past_days', String(request.pastDays));
  return `https://api.open-meteo.com/v1/forecast?${params.toString()}`;
}

export interface IrradianceHour {
  /** End of the hour the value averages over (the time Open-Meteo labels it with). */
  readonly end: number;
  /** Plane-of-array irradiance, W/m2, never negative. */
  readonly wm2: number;
  readonly temperatureC?: number;
}

export type OpenMeteoResult =
  | { ok: true; field: 'global_tilted_irradiance' | 'shortwave_radiation'; hours: IrradianceHour[]; problems: string[] }
  | { ok: false; error: string };

/**
 * Hourly irradiance from a response. global_tilted_irradiance is preferred; shortwave_radiation
 * (horizontal) is a fallback that underestimates a south-facing tilted array in winter - said in problems.
 */
export function parseOpenMeteo(json: unknown): OpenMeteoResult {
  if (!isRecord(json) || !isRecord(json.hourly) || !Array.isArray(json.hourly.time)) {
    return { ok: false, error: 'The Open-Meteo response has no hourly data.' };
  }
  const hourly = json.hourly;
  const offsetMs = (typeof json.utc_offset_seconds === 'number' ? json.utc_offset_seconds : 0) * 1000;
  const field = Array.isArray(hourly.global_tilted_irradiance) ? 'global_tilted_irradiance' : Array.isArray(hourly.shortwave_radiation) ? 'shortwave_radiation' : undefined;
  if (!field) return { ok: false, error: 'The Open-Meteo response has neither global_tilted_irradiance nor shortwave_radiation.' };
  const problems = field === 'shortwave_radiation' ? ['Only horizontal irradiance was available; tilted arrays are estimated from it.'] : [];
  const values = hourly[field] as unknown[];
  const temps = Array.isArray(hourly.temperature_2m) ? (hourly.temperature_2m as unknown[]) : [];
  const hours: IrradianceHour[] = [];
  let skipped = 0;
  let clamped = 0;
  (hourly.time as unknown[]).forEach((time, i) => {
    // Times are local to utc_offset_seconds, written without an offset: 'YYYY-MM-DDTHH:MM'.
    const local = typeof time === 'string' ? Date.parse(`${time}Z`) : Number.NaN;
    const v = values[i];
    if (!Number.isFinite(local) || typeof v !== 'number' || !Number.isFinite(v)) {
      skipped++;
      return;
    }
    if (v < 0) clamped++;
    const t = temps[i];
    hours.push({ end: local - offsetMs, wm2: Math.max(0, v), ...(typeof t === 'number' && Number.isFinite(t) ? { temperatureC: t } : {}) });
  });
  if (skipped > 0) problems.push(`${skipped} hour(s) without a value were left out.`);
  if (clamped > 0) problems.push(`${clamped} negative irradiance value(s) were read as 0.`);
  return { ok: true, field, hours, problems };
}

/** Temperature coefficient of crystalline silicon power, per degree C above 25. */
const ALPHA = -0.004;
/** Nominal operating cell temperature: cells run about 25 C above air at 800 W/m2. */
const NOCT_RISE_PER_WM2 = (45 - 20) / 800;

/**
 * PV power, kW: P = kWp x G/1000 x (1 + alpha (T_cell - 25)) x (1 - losses). Without an air temperature
 * the cells are taken to be at 25 C (no temperature correction).
 */
export function pvPowerKw(array: PvArray, wm2: number, airC?: number): number {
  const cellC = airC === undefined ? 25 : airC + NOCT_RISE_PER_WM2 * wm2;
  return Math.max(0, array.kwp * (wm2 / 1000) * (1 + ALPHA * (cellC - 25)) * (1 - array.losses));
}

/** Each hourly mean becomes the two half-hours it covers, with equal energy (no shape is invented). */
export function pvSlotsFromHours(array: PvArray, hours: readonly IrradianceHour[]): PvSlot[] {
  return hours.flatMap((h) => {
    const kwh = pvPowerKw(array, h.wm2, h.temperatureC) * 0.5;
    return [
      { start: h.end - HOUR_MS, kwh },
      { start: h.end - HALF_HOUR_MS, kwh },
    ];
  });
}
