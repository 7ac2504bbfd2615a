/**
 * Japan Standard Time, the clock everything in a Japanese home runs on: meters count half-hours from
 * local midnight, tariffs change at local hours, holidays are local dates. UTC+9 with no daylight
 * saving, so plain arithmetic is exact and independent of the machine's own time zone.
 */
export const HOUR_MS = 3_600_000;
export const HALF_HOUR_MS = 1_800_000;
export const DAY_MS = 86_400_000;
export const JST_OFFSET_MS = 9 * HOUR_MS;

/** Days since 1970-01-01 in JST: a stable key for "the same local day". */
export function jstDayIndex(t: number): number {
  return Math.floor((t + JST_OFFSET_MS) / DAY_MS);
}

/** Epoch ms of 00:00 JST of the local day with the given index. */
export function jstDayIndexStart(day: number): number {
  return day * DAY_MS - JST_OFFSET_MS;
}

/** Epoch ms of 00:00 JST of the local day containing t. */
export function jstDayStart(t: number): number {
  return jstDayIndexStart(jstDayIndex(t));
}

/** Local date-time without offset, "2026-11-26T10:30:00", as meters and the catalogue write it. */
export function jstLocalText(t: number): string {
  return new Date(t + JST_OFFSET_MS).toISOString().slice(0, 19);
}

/** Epoch ms of a local "YYYY-MM-DDThh:mm[:ss]"; undefined when malformed. */
export function parseJstLocal(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text)) return undefined;
  const t = Date.parse(`${text}+09:00`);
  return Number.isNaN(t) ? undefined : t;
}
