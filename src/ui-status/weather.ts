/**
 * The dashboard's weather and warnings whenever a forecast area is set, not only while AI solar charge
 * plans: a homeowner looks at the weather card whether or not the scheduler runs. While the scheduler
 * fetches the forecast itself (its switch is on), this fetches nothing and shows the scheduler's; otherwise
 * it fetches the same JMA files with the same provider, at the scheduler's cadence (FORECAST_REFRESH_MS).
 * A failed fetch keeps the last forecast (ForecastFeed) and says so in the status file's warnings.
 */
import type { WeatherArea } from '../scheduler/config.js';
import type { Forecast } from '../scheduler/forecast/types.js';
import { FORECAST_REFRESH_MS, ForecastFeed, jmaProvider } from '../scheduler/providers.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage, guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import type { StatusWarning } from './plan.js';

/** How often it looks whether a fetch is due: a switched-off scheduler is noticed within a minute. */
const CHECK_MS = 60_000;

export interface WeatherWatchOptions {
  readonly area: WeatherArea;
  readonly clock: Clock;
  readonly log: Logger;
  /** AI solar charge, when it runs: while `fetching()` its rounds fetch the forecast, so this does not. */
  readonly scheduler?: { fetching(): boolean; forecast(): Forecast | undefined };
  readonly timeoutMs?: number;
  /** After each fetch, so the status file need not wait for its next minute to show it. */
  readonly fetched?: () => void;
}

export interface WeatherWatch {
  /** The newest forecast known: the scheduler's last one or this watch's own. */
  forecast(): Forecast | undefined;
  /** What the homeowner should know about the weather data: a failed fetch, and whether an older forecast is shown. */
  warnings(): StatusWarning[];
  stop(): void;
}

export function startWeatherWatch(options: WeatherWatchOptions): WeatherWatch {
  const { area, clock, log, scheduler } = options;
  const provider = jmaProvider({
    office: area.office,
    area: area.area,
    ...(area.warningArea === undefined ? {} : { warningArea: area.warningArea }),
    ...(area.baseUrl === undefined ? {} : { baseUrl: area.baseUrl }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    log,
  });
  // the last error is kept apart: with no forecast to fall back on, the message must not talk of solar charging
  let lastError: string | undefined;
  const feed = new ForecastFeed(
    {
      id: provider.id,
      fetchForecast: (now) =>
        provider.fetchForecast(now).then(
          (f) => ((lastError = undefined), f),
          (err: unknown) => {
            lastError = errorMessage(err);
            throw err;
          },
        ),
    },
    clock,
  );
  /** When a forecast was last asked for, by this watch or (while it runs) by the scheduler. */
  let lastRound = Number.NEGATIVE_INFINITY;
  let timer: TimerHandle | undefined;
  let stopped = false;

  const refresh = async (): Promise<void> => {
    const choice = await feed.refresh();
    options.fetched?.();
    if (choice.status !== 'fresh') log.warn(lastError === undefined ? choice.message : `the JMA forecast for area ${area.area} could not be fetched: ${lastError}`);
  };
  const check = (): void => {
    if (stopped) return;
    const now = clock.now();
    if (scheduler?.fetching()) lastRound = now;
    else if (now - lastRound >= FORECAST_REFRESH_MS) {
      lastRound = now;
      guard(log, 'fetching the weather forecast', refresh());
    }
    timer = clock.setTimeout(check, CHECK_MS);
  };
  check();

  const own = (): Forecast | undefined => feed.last()?.forecast;
  return {
    forecast() {
      const candidates = [scheduler?.forecast(), own()].filter((f): f is Forecast => f !== undefined);
      return candidates.sort((a, b) => b.issuedAt - a.issuedAt)[0];
    },
    warnings() {
      const choice = feed.last();
      // the scheduler says its own forecast problems; a failure of this watch's fetch is said while it is the latest word
      if (!choice || choice.status === 'fresh' || scheduler?.fetching()) return [];
      if (choice.status === 'fallback') return [{ code: 'weather-fallback', text: choice.message, textJa: choice.messageJa }];
      const why = lastError ?? 'no answer';
      return [
        {
          code: 'weather-unavailable',
          text: `The weather forecast for area ${area.area} could not be fetched (${why}); it is tried again every ${FORECAST_REFRESH_MS / 60_000} min.`,
          textJa: `予報区${area.area}の天気予報を取得できませんでした（${why}）。${FORECAST_REFRESH_MS / 60_000}分ごとに再試行します。`,
        },
      ];
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
