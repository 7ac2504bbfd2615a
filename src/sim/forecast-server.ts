/**
 * The internet's forecasts for the simulated home: a small HTTP server on 127.0.0.1 that answers the
 * paths AI solar charge requests from JMA (bosai forecast and warnings) and Open-Meteo, in their formats,
 * so the demo and the e2e tests run the scheduler without any traffic leaving the machine. Point the
 * plugin's `scheduler.forecast.baseUrl` at `url`.
 *
 * What it says comes from the simulated sky, not from recordings: the weather is sunny (the simulated
 * home's clear days), the plane-of-array irradiance is the home's own sun model averaged the way
 * Open-Meteo averages (the hour before each label), and a weather warning is in force only when a test
 * or the demo issues one. It knows the formats only (not the parsers), so it checks them honestly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAY_MS, HOUR_MS, jst, jstMidnight, jstText } from './jst.js';

export interface ForecastServerOptions {
  /** Irradiance on the panels at a simulated instant, W/m2 (SimulatedHome.irradianceAt). */
  readonly irradianceAt: (t: number) => number;
  /**
   * The simulated instant whose sky the forecast for the requester's instant t shows. Identity by
   * default: the sun of the same date and time. A home on a shifted real-speed clock passes its offset,
   * so the forecast for "now" is the sky the simulated meter sees now.
   */
  readonly simTimeOf?: (t: number) => number;
  /** The JMA forecast area (class10) the files describe, e.g. '130010'; warnings are given for it too. */
  readonly area: string;
  readonly areaName?: string;
  /** The requester's clock (the plugin's: real time); the forecast starts on its JST day. */
  readonly now?: () => number;
}

export interface ForecastServer {
  /** Origin to use as the forecast base URL, e.g. 'http://127.0.0.1:40123'. */
  readonly url: string;
  /** JMA issues warning `code` (two digits: '03' heavy rain warning, '05' storm warning ...) for the area. */
  issueWarning(code: string): void;
  /** JMA lifts every warning it issued (they are listed as 解除, as JMA does). */
  clearWarnings(): void;
  close(): Promise<void>;
}

/** JMA's weather code for 晴れ (sunny all day). */
const SUNNY = '100';
/** JMA issues its 3-day forecast at 05, 11 and 17 JST. */
const ISSUE_HOURS = [5, 11, 17];
/** Open-Meteo's default when forecast_days is not given. */
const DEFAULT_FORECAST_DAYS = 7;
/** Samples per hour for the hourly mean (every 5 minutes). */
const SAMPLES_PER_HOUR = 12;
const WEEKLY_DAYS = 7;

const isoJst = (t: number): string => `${jstText(t)}+09:00`;

export async function startForecastServer(options: ForecastServerOptions): Promise<ForecastServer> {
  const now = options.now ?? Date.now;
  const simTimeOf = options.simTimeOf ?? ((t: number) => t);
  const area = { name: options.areaName ?? '東京地方', code: options.area };
  const warnings = new Map<string, string>();
  let warningsChangedAt = now();

  const today = (): number => jstMidnight(jst(now()).day);
  const days = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i * DAY_MS);

  /** The latest issue time at or before now (yesterday's 17:00 before 05:00). */
  const reportTime = (): number => {
    const t = now();
    const midnight = today();
    const hour = [...ISSUE_HOURS].reverse().find((h) => midnight + h * HOUR_MS <= t);
    return hour === undefined ? midnight - DAY_MS + ISSUE_HOURS[ISSUE_HOURS.length - 1]! * HOUR_MS : midnight + hour * HOUR_MS;
  };

  const jmaForecast = (): unknown => {
    const reported = reportTime();
    const threeDays = [reported, ...days(jstMidnight(jst(reported).day) + DAY_MS, 2)];
    const sixHourly = days(jstMidnight(jst(reported).day), 3).flatMap((d) => [0, 6, 12, 18].map((h) => d + h * HOUR_MS)).filter((t) => t + 6 * HOUR_MS > reported);
    const weekly = days(jstMidnight(jst(reported).day) + DAY_MS, WEEKLY_DAYS);
    return [
      {
        publishingOffice: '気象庁',
        reportDatetime: isoJst(reported),
        timeSeries: [
          { timeDefines: threeDays.map(isoJst), areas: [{ area, weatherCodes: threeDays.map(() => SUNNY), weathers: threeDays.map(() => '晴れ') }] },
          { timeDefines: sixHourly.map(isoJst), areas: [{ area, pops: sixHourly.map(() => '0') }] },
        ],
      },
      {
        publishingOffice: '気象庁',
        reportDatetime: isoJst(reported),
        timeSeries: [{ timeDefines: weekly.map(isoJst), areas: [{ area, weatherCodes: weekly.map(() => SUNNY), pops: weekly.map((_, i) => (i === 0 ? '' : '0')) }] }],
      },
    ];
  };

  const jmaWarnings = (): unknown => ({
    reportDatetime: isoJst(warningsChangedAt),
    publishingOffice: '気象庁',
    headlineText: '',
    areaTypes: [
      {
        areas: [
          {
            code: area.code,
            warnings: warnings.size === 0 ? [{ status: '発表警報・注意報はなし' }] : [...warnings].map(([code, status]) => ({ code, status })),
          },
        ],
      },
    ],
  });

  /** Hourly global_tilted_irradiance in Japan time, each value the mean of the hour before its label. */
  const openMeteo = (query: URLSearchParams): unknown => {
    const n = (Number(query.get('forecast_days')) || DEFAULT_FORECAST_DAYS) + (Number(query.get('past_days')) || 0);
    const first = today() - (Number(query.get('past_days')) || 0) * DAY_MS;
    const labels = Array.from({ length: n * 24 }, (_, i) => first + i * HOUR_MS);
    const meanOfHourBefore = (end: number): number => {
      let sum = 0;
      for (let k = 0; k < SAMPLES_PER_HOUR; k++) sum += options.irradianceAt(simTimeOf(end - HOUR_MS + ((k + 0.5) * HOUR_MS) / SAMPLES_PER_HOUR));
      return Math.round((sum / SAMPLES_PER_HOUR) * 10) / 10;
    };
    // temperature is not served: the simulated panels have no temperature loss, so none is forecast either
    return {
      latitude: Number(query.get('latitude')),
      longitude: Number(query.get('longitude')),
      utc_offset_seconds: 9 * 3600,
      timezone: 'Asia/Tokyo',
      timezone_abbreviation: 'JST',
      hourly_units: { time: 'iso8601', global_tilted_irradiance: 'W/m²' },
      hourly: { time: labels.map((t) => jstText(t).slice(0, 16)), global_tilted_irradiance: labels.map(meanOfHourBefore) },
    };
  };

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = /^\/bosai\/forecast\/data\/forecast\/\d{6}\.json$/.test(url.pathname)
      ? jmaForecast()
      : /^\/bosai\/warning\/data\/warning\/\d{6}\.json$/.test(url.pathname)
        ? jmaWarnings()
        : url.pathname === '/v1/forecast'
          ? openMeteo(url.searchParams)
          : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body ?? { error: true, reason: `nothing simulated at ${url.pathname}` }));
  };

  const server = createServer(answer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    issueWarning(code) {
      warnings.set(code, '発表');
      warningsChangedAt = now();
    },
    clearWarnings() {
      for (const code of warnings.keys()) warnings.set(code, '解除');
      warningsChangedAt = now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
