/**
 * Japan Meteorological Agency "bosai" JSON (the data behind www.jma.go.jp/bosai/), parsed defensively:
 * the files are undocumented, JMA changes codes (the 2026 warning scheme), and one odd entry must never
 * cost the household its forecast. Data: JMA terms of use, attribution "出典：気象庁ホームページ".
 *
 * Forecast: https://www.jma.go.jp/bosai/forecast/data/forecast/<office>.json - an array: [0] the 3-day
 * forecast, [1] the weekly one; each has timeSeries[] of {timeDefines[], areas[]}, an area entry being
 * {area: {name, code}, weatherCodes[] | pops[] | temps[] ...} aligned with timeDefines.
 * Warnings: https://www.jma.go.jp/bosai/warning/data/warning/<office>.json - areaTypes[].areas[] of
 * {code, warnings[] of {code, status}}.
 */
import { jstTime } from '../calendar.js';
import type { DailyWeather, WarningLevel, WarningStatus, WeatherClass, WeatherWarning } from './types.js';
import { isRecord } from '../../util/json.js';

const BASE = 'https://www.jma.go.jp/bosai';

/** Office codes are six digits (130000 Tokyo, 270000 Osaka); area codes (class10) too. */
export function jmaForecastUrl(officeCode: string): string {
  return `${BASE}/forecast/data/forecast/${officeCode}.json`;
}

export function jmaWarningUrl(officeCode: string): string {
  return `${BASE}/warning/data/warning/${officeCode}.json`;
}

export const JMA_ATTRIBUTION = '出典：気象庁ホームページ (Source: Japan Meteorological Agency)';

const CLASS_BY_DIGIT: Readonly<Record<string, WeatherClass>> = { '1': 'sunny', '2': 'cloudy', '3': 'rain', '4': 'snow' };

/** The family of a JMA weather code is its first digit (100 晴れ, 201 くもり時々晴れ, 302 雨 ...). */
export function weatherClassOfCode(code: string): WeatherClass {
  return /^\d{3}$/.test(code) ? CLASS_BY_DIGIT[code[0]!] ?? 'unknown' : 'unknown';
}

export type JmaForecastResult =
  | { ok: true; office: string; reportedAt: number; areaName: string; days: DailyWeather[]; problems: string[] }
  | { ok: false; error: string };

interface DayAcc {
  code?: string;
  pop?: number;
}

/**
 * Daily weather for one area (class10 code such as '130010', or the office code for single-area offices
 * such as '270000'). The 3-day forecast wins over the weekly one for the days both cover; the day's pop
 * is the highest of its 6-hour values.
 */
export function parseJmaForecast(json: unknown, areaCode: string): JmaForecastResult {
  if (!Array.isArray(json) || json.length === 0 || !isRecord(json[0])) {
    return { ok: false, error: 'The JMA forecast was not the expected list of reports.' };
  }
  const first = json[0];
  const reportedAt = Date.parse(String(first.reportDatetime));
  if (!Number.isFinite(reportedAt)) return { ok: false, error: 'The JMA forecast has no valid report time.' };
  const problems: string[] = [];
  const byDate = new Map<string, DayAcc>();
  const seenAreas = new Set<string>();
  let areaName: string | undefined;

  json.forEach((block, b) => {
    const blockDays = new Map<string, DayAcc>();
    for (const series of isRecord(block) && Array.isArray(block.timeSeries) ? block.timeSeries : []) {
      if (!isRecord(series) || !Array.isArray(series.timeDefines) || !Array.isArray(series.areas)) continue;
      const dates = series.timeDefines.map((d) => (typeof d === 'string' && Number.isFinite(Date.parse(d)) ? jstTime(Date.parse(d)).dateKey : undefined));
      for (const entry of series.areas) {
        const code = isRecord(entry) && isRecord(entry.area) ? String(entry.area.code) : undefined;
        if (code === undefined || !isRecord(entry)) continue;
        seenAreas.add(`${code} ${String((entry.area as Record<string, unknown>).name)}`);
        if (code !== areaCode) continue;
        areaName ??= String((entry.area as Record<string, unknown>).name);
        collect(entry.weatherCodes, dates, blockDays, (acc, v) => {
          acc.code ??= v;
        });
        collect(entry.pops, dates, blockDays, (acc, v) => {
          const pop = Number(v);
          if (Number.isFinite(pop)) acc.pop = Math.max(acc.pop ?? 0, pop);
          else problems.push(`report ${b + 1}: ignored precipitation probability ${JSON.stringify(v)}`);
        });
      }
    }
    // Earlier reports (the 3-day forecast) are more precise than later ones (the weekly forecast).
    for (const [date, acc] of blockDays) {
      const have = byDate.get(date) ?? {};
      byDate.set(date, { code: have.code ?? acc.code, pop: have.pop ?? acc.pop });
    }
  });

  if (areaName === undefined) {
    return { ok: false, error: `Area ${areaCode} is not in this JMA forecast; it has: ${[...seenAreas].join(', ') || 'no areas'}.` };
  }
  const days = [...byDate.entries()]
    .filter(([, acc]) => acc.code !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dateKey, acc]) => {
      const code = acc.code!;
      const weatherClass = weatherClassOfCode(code);
      if (weatherClass === 'unknown') problems.push(`${dateKey}: weather code ${code} is not one this version knows; treated as unknown weather`);
      return { dateKey, weatherClass, code, ...(acc.pop === undefined ? {} : { popPercent: acc.pop }) };
    });
  return { ok: true, office: String(first.publishingOffice ?? ''), reportedAt, areaName, days, problems };
}

/** Applies `take` to each non-empty value of a per-time array, by the date of its time define. */
function collect(values: unknown, dates: (string | undefined)[], days: Map<string, DayAcc>, take: (acc: DayAcc, v: string) => void): void {
  if (!Array.isArray(values)) return;
  values.forEach((v, i) => {
    const date = dates[i];
    if (date === undefined || v === '' || v === null || v === undefined) return;
    const acc = days.get(date) ?? {};
    take(acc, String(v));
    days.set(date, acc);
  });
}

const WARNING_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  '02': ['暴風雪警報', 'Blizzard warning'],
  '03': ['大雨警報', 'Heavy rain warning'],
  '04': ['洪水警報', 'Flood warning'],
  '05': ['暴風警報', 'Storm warning'],
  '06': ['大雪警報', 'Heavy snow warning'],
  '07': ['波浪警報', 'High wave warning'],
  '08': ['高潮警報', 'Storm surge warning'],
  '10': ['大雨注意報', 'Heavy rain advisory'],
  '12': ['大雪注意報', 'Heavy snow advisory'],
  '13': ['風雪注意報', 'Snow and wind advisory'],
  '14': ['雷注意報', 'Thunderstorm advisory'],
  '15': ['強風注意報', 'Gale advisory'],
  '16': ['波浪注意報', 'High wave advisory'],
  '17': ['融雪注意報', 'Snowmelt advisory'],
  '18': ['洪水注意報', 'Flood advisory'],
  '19': ['高潮注意報', 'Storm surge advisory'],
  '20': ['濃霧注意報', 'Dense fog advisory'],
  '21': ['乾燥注意報', 'Dry air advisory'],
  '22': ['なだれ注意報', 'Avalanche advisory'],
  '23': ['低温注意報', 'Low temperature advisory'],
  '24': ['霜注意報', 'Frost advisory'],
  '25': ['着氷注意報', 'Ice accretion advisory'],
  '26': ['着雪注意報', 'Snow accretion advisory'],
  '32': ['暴風雪特別警報', 'Blizzard emergency warning'],
  '33': ['大雨特別警報', 'Heavy rain emergency warning'],
  '35': ['暴風特別警報', 'Storm emergency warning'],
  '36': ['大雪特別警報', 'Heavy snow emergency warning'],
  '37': ['波浪特別警報', 'High wave emergency warning'],
  '38': ['高潮特別警報', 'Storm surge emergency warning'],
};

const STATUSES: Readonly<Record<string, WarningStatus>> = {
  発表: 'issued',
  継続: 'continued',
  解除: 'cancelled',
  '発表警報・注意報はなし': 'none',
};

/** The level follows the code ranges: 02-08 warnings, 10-27 advisories, 32-38 emergency warnings. */
export function warningLevelOfCode(code: string): WarningLevel {
  const n = /^\d{2}$/.test(code) ? Number(code) : Number.NaN;
  if (n >= 2 && n <= 8) return 'warning';
  if (n >= 10 && n <= 27) return 'advisory';
  if (n >= 32 && n <= 38) return 'emergency';
  return 'unknown';
}

export type JmaWarningsResult =
  | { ok: true; reportedAt: number; warnings: WeatherWarning[]; problems: string[] }
  | { ok: false; error: string };

/**
 * Every warning entry for the area (class10 '130010' or city code '1310100'), from all area types.
 * Cancelled entries and the "none" entry are kept so callers can show them; `inForce` picks the rest.
 */
export function parseJmaWarnings(json: unknown, areaCode: string): JmaWarningsResult {
  if (!isRecord(json) || !Array.isArray(json.areaTypes)) return { ok: false, error: 'The JMA warnings file has no areaTypes list.' };
  const reportedAt = Date.parse(String(json.reportDatetime));
  if (!Number.isFinite(reportedAt)) return { ok: false, error: 'The JMA warnings file has no valid report time.' };
  const problems: string[] = [];
  const warnings: WeatherWarning[] = [];
  let found = false;
  for (const areaType of json.areaTypes) {
    for (const area of isRecord(areaType) && Array.isArray(areaType.areas) ? areaType.areas : []) {
      if (!isRecord(area) || String(area.code) !== areaCode) continue;
      found = true;
      for (const w of Array.isArray(area.warnings) ? area.warnings : []) {
        if (!isRecord(w)) continue;
        const code = typeof w.code === 'string' ? w.code : '';
        const statusJa = typeof w.status === 'string' ? w.status : '';
        const status = STATUSES[statusJa] ?? 'unknown';
        const level = code === '' ? 'unknown' : warningLevelOfCode(code);
        const names = WARNING_NAMES[code];
        if (code !== '' && !names) problems.push(`warning code ${code} is not one this version knows; kept as ${level}`);
        if (status === 'unknown') problems.push(`warning status "${statusJa}" is not one this version knows; treated as in force`);
        warnings.push({
          areaCode,
          code,
          level,
          status,
          statusJa,
          nameJa: names?.[0] ?? (code === '' ? statusJa : `コード${code}`),
          name: names?.[1] ?? (code === '' ? 'No warnings' : `JMA code ${code}`),
        });
      }
    }
  }
  if (!found) return { ok: false, error: `Area ${areaCode} is not in this JMA warnings file.` };
  return { ok: true, reportedAt, warnings, problems };
}

/** Entries in force: issued, continued, or a status this version does not know (assumed in force). */
export function inForce(warnings: readonly WeatherWarning[]): WeatherWarning[] {
  return warnings.filter((w) => w.code !== '' && w.status !== 'cancelled' && w.status !== 'none');
}
