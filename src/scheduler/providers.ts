/**
 * The network side of the forecasts: thin shells that fetch JMA and Open-Meteo JSON (Node's global fetch,
 * with a timeout) and hand it to the pure parsers in forecast/. Base URLs are injectable so tests serve
 * recorded responses from 127.0.0.1; nothing here interprets data.
 *
 * ForecastFeed keeps the last good forecast of a provider and, when a fetch fails, falls back to it
 * (forecast/fallback.ts) with a status text that says so.
 */
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { chooseForecast, type ForecastChoice } from './forecast/fallback.js';
import { inForce, jmaForecastUrl, jmaWarningUrl, parseJmaForecast, parseJmaWarnings } from './forecast/jma.js';
import { openMeteoUrl, parseOpenMeteo, pvSlotsFromHours, type PvArray } from './forecast/open-meteo.js';
import type { Forecast, ForecastProvider, PvSlot } from './forecast/types.js';

/**
 * How often a forecast is fetched: the scheduler's planning round, and the dashboard's own fetch while AI
 * solar charge is not running. JMA issues its forecast three times a day, so more often only adds load.
 */
export const FORECAST_REFRESH_MS = 30 * 60_000;

/** Long enough for a slow mobile link, short enough that a hung server does not stall a planning round. */
const DEFAULT_TIMEOUT_MS = 15_000;

interface HttpOptions {
  /** Replaces the scheme, host (and path prefix) of the real URL, e.g. 'http://127.0.0.1:8080' in tests. */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** Parser notes (unknown codes, clamped values) go here at debug level. */
  readonly log?: Logger;
}

/** The real URL with its origin replaced by base (its path and query kept). */
function rebase(url: string, base: string | undefined): string {
  if (base === undefined) return url;
  const real = new URL(url);
  return `${base.replace(/\/$/, '')}${real.pathname}${real.search}`;
}

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw new Error(timedOut ? `${host} did not answer within ${timeoutMs / 1000} s` : `cannot reach ${host}: ${errorMessage(err instanceof Error && err.cause ? err.cause : err)}`);
  }
  if (!response.ok) throw new Error(`${host} answered HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${host} sent something that is not JSON`);
  }
}

export interface JmaOptions extends HttpOptions {
  /** Forecast office, e.g. '130000' (Tokyo). */
  readonly office: string;
  /** Forecast area (class10), e.g. '130010'; single-area offices use the office code. */
  readonly area: string;
  /** Area the warnings are read for (class10 or a city code such as '1310100'); default `area`. */
  readonly warningArea?: string;
}

/** JMA: the daily weather class (load history, data condition) and the warnings in force; no PV. */
export function jmaProvider(options: JmaOptions): ForecastProvider {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    id: 'jma',
    async fetchForecast() {
      const [forecastJson, warningJson] = await Promise.all([
        fetchJson(rebase(jmaForecastUrl(options.office), options.baseUrl), timeoutMs),
        fetchJson(rebase(jmaWarningUrl(options.office), options.baseUrl), timeoutMs),
      ]);
      const forecast = parseJmaForecast(forecastJson, options.area);
      if (!forecast.ok) throw new Error(forecast.error);
      const warnings = parseJmaWarnings(warningJson, options.warningArea ?? options.area);
      if (!warnings.ok) throw new Error(warnings.error);
      for (const p of [...forecast.problems, ...warnings.problems]) options.log?.debug(`JMA: ${p}`);
      return { issuedAt: forecast.reportedAt, source: 'jma', pv: [], days: forecast.days, warnings: inForce(warnings.warnings) };
    },
  };
}

export interface OpenMeteoOptions extends HttpOptions {
  /** One entry per roof face; their outputs add up. */
  readonly arrays: readonly PvArray[];
  readonly forecastDays?: number;
}

/** Open-Meteo: PV energy per half-hour for the arrays, from plane-of-array irradiance. */
export function openMeteoProvider(options: OpenMeteoOptions): ForecastProvider {
  if (options.arrays.length === 0) throw new RangeError('Open-Meteo needs at least one PV array (location, tilt, azimuth, kWp, losses)');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    id: 'open-meteo',
    async fetchForecast(now) {
      const perArray = await Promise.all(
        options.arrays.map(async (array) => {
          const parsed = parseOpenMeteo(await fetchJson(rebase(openMeteoUrl(array, { forecastDays: options.forecastDays ?? 2 }), options.baseUrl), timeoutMs));
          if (!parsed.ok) throw new Error(parsed.error);
          for (const p of parsed.problems) options.log?.debug(`Open-Meteo: ${p}`);
          return pvSlotsFromHours(array, parsed.hours);
        }),
      );
      // Open-Meteo does not say when its model ran; the fetch time is the honest age
      return { issuedAt: now, source: 'open-meteo', pv: sumSlots(perArray), days: [], warnings: [] };
    },
  };
}

function sumSlots(arrays: readonly (readonly PvSlot[])[]): PvSlot[] {
  const byStart = new Map<number, number>();
  for (const slots of arrays) for (const s of slots) byStart.set(s.start, (byStart.get(s.start) ?? 0) + s.kwh);
  return [...byStart].sort(([a], [b]) => a - b).map(([start, kwh]) => ({ start, kwh }));
}

/**
 * One forecast from several providers: PV from those that give it (summed per slot would double count,
 * so the first provider with PV wins), the days and warnings of all of them.
 */
export function mergeForecasts(parts: readonly Forecast[]): Forecast | undefined {
  if (parts.length === 0) return undefined;
  const withPv = parts.find((f) => f.pv.length > 0);
  return {
    issuedAt: Math.min(...parts.map((f) => f.issuedAt)),
    source: parts.map((f) => f.source).join('+'),
    pv: withPv?.pv ?? [],
    days: parts.flatMap((f) => f.days).filter((d, i, all) => all.findIndex((x) => x.dateKey === d.dateKey) === i),
    warnings: parts.flatMap((f) => f.warnings),
  };
}

/** A provider with its last good forecast: each refresh gives a fresh one, the fallback, or none, and says which. */
export class ForecastFeed {
  private latest: { issuedAt: number; forecast: Forecast } | undefined;
  private choice: ForecastChoice | undefined;

  constructor(
    readonly provider: ForecastProvider,
    private readonly clock: Clock,
    private readonly maxAgeMs?: number,
  ) {}

  async refresh(): Promise<ForecastChoice> {
    const now = this.clock.now();
    let error: string | undefined;
    try {
      const forecast = await this.provider.fetchForecast(now);
      this.latest = { issuedAt: forecast.issuedAt, forecast };
    } catch (err) {
      error = errorMessage(err);
    }
    this.choice = chooseForecast({ now, latest: this.latest, error, ...(this.maxAgeMs === undefined ? {} : { maxAgeMs: this.maxAgeMs }) });
    return this.choice;
  }

  /** The choice of the last refresh (undefined before the first). */
  last(): ForecastChoice | undefined {
    return this.choice;
  }
}
