/**
 * When a forecast cannot be fetched, keep planning with the last good one for a while and say so; when
 * it is too old, plan without solar (the replaced product also needs the forecast for AI solar charge).
 */
import type { Forecast } from './types.js';

export interface FallbackInput {
  readonly now: number;
  /** The last forecast fetched successfully (possibly just now). */
  readonly latest?: { readonly issuedAt: number; readonly forecast: Forecast };
  /** Why the latest fetch failed, if it did. */
  readonly error?: string;
  /** How old a forecast may be before it is not used; default 36 h (a day-ahead forecast still covers today). */
  readonly maxAgeMs?: number;
}

type ForecastStatus = 'fresh' | 'fallback' | 'none';

export interface ForecastChoice {
  readonly forecast?: Forecast;
  readonly status: ForecastStatus;
  readonly message: string;
  readonly messageJa: string;
}

const DEFAULT_MAX_AGE_MS = 36 * 3_600_000;

export function chooseForecast(input: FallbackInput): ForecastChoice {
  const { now, latest, error } = input;
  const failed = error === undefined ? '' : `Fetching the forecast failed (${error}); `;
  const failedJa = error === undefined ? '' : `予報を取得できませんでした（${error}）。`;
  if (!latest) {
    return { status: 'none', message: `${failed}no forecast yet: solar charging waits for one.`, messageJa: `${failedJa}予報がまだないため、ソーラー充電は予報を待ちます。` };
  }
  const ageMs = Math.max(0, now - latest.issuedAt);
  const age = formatAge(ageMs);
  if (ageMs > (input.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) {
    return {
      status: 'none',
      message: `${failed}the last forecast is ${age.en} old, too old to plan with: solar charging is paused.`,
      messageJa: `${failedJa}最後の予報は${age.ja}前のもので古すぎるため、ソーラー充電を止めています。`,
    };
  }
  if (error === undefined) return { forecast: latest.forecast, status: 'fresh', message: `Forecast from ${latest.forecast.source}, ${age.en} old.`, messageJa: `${latest.forecast.source}の予報（${age.ja}前）を使用中。` };
  return {
    forecast: latest.forecast,
    status: 'fallback',
    message: `${failed}using the last forecast from ${latest.forecast.source}, issued ${age.en} ago.`,
    messageJa: `${failedJa}${age.ja}前の${latest.forecast.source}の予報を使っています。`,
  };
}

function formatAge(ms: number): { en: string; ja: string } {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return { en: `${minutes} min`, ja: `${minutes}分` };
  const hours = Math.round(minutes / 60);
  return { en: `${hours} h`, ja: `${hours}時間` };
}
