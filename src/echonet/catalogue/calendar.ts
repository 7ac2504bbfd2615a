/**
 * Dates and times in EDTs: YYYY(u16) MM DD and hh mm [ss], as ISO local text without a zone
 * ("2026-11-26T10:30:00"). Values that are not on the calendar fail rather than roll over.
 */
import { concat, readU16, readU8, u16, u8 } from '../edt.js';
import { define, fail, ok, okEdt, wrongLength } from './codecs.js';
import type { PropertyDef, PropertyMeta, PropertyValue } from './types.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function validDate(y: number, m: number, d: number): boolean {
  if (y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const last = new Date(0);
  last.setUTCFullYear(y, m, 0); // day 0 of the next month; setUTCFullYear keeps years 0..99 literal
  return d <= last.getUTCDate();
}

function validClock(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

/** "2026-11-26" from 4 bytes at offset, undefined when short or not a calendar date. */
function readDate(edt: Uint8Array, offset: number): string | undefined {
  const y = readU16(edt, offset);
  const m = readU8(edt, offset + 2);
  const d = readU8(edt, offset + 3);
  if (y === undefined || m === undefined || d === undefined || !validDate(y, m, d)) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** "10:30" (2 bytes) or "10:30:00" (3 bytes) at offset. */
function readClock(edt: Uint8Array, offset: number, seconds: boolean): string | undefined {
  const h = readU8(edt, offset);
  const mi = readU8(edt, offset + 1);
  const s = seconds ? readU8(edt, offset + 2) : 0;
  if (h === undefined || mi === undefined || s === undefined || !validClock(h, mi, s)) return undefined;
  return seconds ? `${pad(h)}:${pad(mi)}:${pad(s)}` : `${pad(h)}:${pad(mi)}`;
}

function writeDate(text: PropertyValue): Uint8Array | undefined {
  const m = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? concat(u16(y), u8(mo), u8(d)) : undefined;
}

function writeClock(text: PropertyValue, seconds: boolean): Uint8Array | undefined {
  const m = typeof text === 'string' ? (seconds ? /^(\d{2}):(\d{2}):(\d{2})$/ : /^(\d{2}):(\d{2})$/).exec(text) : null;
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  const [h, mi, s] = [parts[0]!, parts[1]!, parts[2] ?? 0];
  return validClock(h, mi, s) ? Uint8Array.from(parts) : undefined;
}

/** "2026-11-26T10:30:00" (7 bytes) or "2026-11-26T10:30" (6 bytes) at offset. */
export function readDateTime(edt: Uint8Array, offset: number, seconds: boolean): string | undefined {
  const date = readDate(edt, offset);
  const clock = readClock(edt, offset + 4, seconds);
  return date && clock ? `${date}T${clock}` : undefined;
}

export function writeDateTime(text: PropertyValue, seconds: boolean): Uint8Array | undefined {
  const parts = typeof text === 'string' ? text.split('T') : [];
  if (parts.length !== 2) return undefined;
  const date = writeDate(parts[0]!);
  const clock = writeClock(parts[1]!, seconds);
  return date && clock ? concat(date, clock) : undefined;
}

/** A fixed-size date or time EDT as text; invalid calendar values fail rather than guess. */
function calendarProperty(
  meta: PropertyMeta,
  length: number,
  read: (edt: Uint8Array) => string | undefined,
  write: (value: PropertyValue) => Uint8Array | undefined,
  format: string,
): PropertyDef {
  return define(
    meta,
    (edt) => {
      const bad = wrongLength(edt, length);
      if (bad) return bad;
      const text = read(edt);
      return text ? ok(text) : fail(`not a valid ${format}`);
    },
    (value) => {
      const edt = write(value);
      return edt ? okEdt(edt) : fail(`expected ${format}`);
    },
  );
}

/** YYYY MM DD as "2026-11-26" (production date 8E, current date 98). */
export function dateProperty(meta: PropertyMeta): PropertyDef {
  return calendarProperty(meta, 4, (edt) => readDate(edt, 0), writeDate, 'date "YYYY-MM-DD"');
}

/** hh mm as "10:30" (current time 97). */
export function clockProperty(meta: PropertyMeta): PropertyDef {
  return calendarProperty(meta, 2, (edt) => readClock(edt, 0, false), (v) => writeClock(v, false), 'time "hh:mm"');
}
