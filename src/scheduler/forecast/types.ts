/**
 * What the scheduler needs from a forecast, whatever the source: PV energy per half-hour, a weather class
 * per day (the load history and the replaced product's data condition are keyed by it) and the weather
 * warnings in force. Providers do the fetching at the edge; everything that interprets data is pure.
 */

/** JMA's weather code families: 1xx sunny, 2xx cloudy, 3xx rain, 4xx snow; anything else 'unknown'. */
export type WeatherClass = 'sunny' | 'cloudy' | 'rain' | 'snow' | 'unknown';

export interface DailyWeather {
  /** Local date 'YYYY-MM-DD' (JST). */
  readonly dateKey: string;
  readonly weatherClass: WeatherClass;
  /** The source's own code (JMA weather code), kept for display and for codes this version does not know. */
  readonly code?: string;
  /** Highest probability of precipitation given for the day, percent. */
  readonly popPercent?: number;
}

/** JMA's classes: 特別警報 (emergency), 警報 (warning), 注意報 (advisory); unknown codes are kept, not dropped. */
export type WarningLevel = 'emergency' | 'warning' | 'advisory' | 'unknown';
/** 発表 issued, 継続 continued, 解除 cancelled, 発表警報・注意報はなし none; anything else 'unknown'. */
export type WarningStatus = 'issued' | 'continued' | 'cancelled' | 'none' | 'unknown';

export interface WeatherWarning {
  /** JMA area code the entry was given for. */
  readonly areaCode: string;
  /** Two-digit JMA code; '' for the "no warnings" entry. */
  readonly code: string;
  readonly level: WarningLevel;
  readonly status: WarningStatus;
  /** The status text as JMA gave it. */
  readonly statusJa: string;
  readonly nameJa: string;
  readonly name: string;
}

/** PV energy the array is expected to produce in the half-hour starting at `start` (epoch ms). */
export interface PvSlot {
  readonly start: number;
  readonly kwh: number;
}

export interface Forecast {
  /** When the source issued it (epoch ms); fallback and the status text report its age. */
  readonly issuedAt: number;
  /** Provider id ('open-meteo', 'jma', 'manual'), for explanations. */
  readonly source: string;
  /** 30-minute slots in time order; a provider without PV data gives none. */
  readonly pv: readonly PvSlot[];
  readonly days: readonly DailyWeather[];
  /** Warnings in force for the home's area (cancelled entries already left out). */
  readonly warnings: readonly WeatherWarning[];
}

/** A forecast source. The implementation fetches; `now` is passed in so replays can drive it. */
export interface ForecastProvider {
  readonly id: string;
  fetchForecast(now: number): Promise<Forecast>;
}
