/**
 * Reading one field of the homeowner's settings (config.json as the Homebridge UI writes it). Both parsers,
 * the plugin's (src/config.ts) and AI solar charge's (src/scheduler/config.ts), read fields the same way
 * and say the same thing when one is wrong: a wrong field is named with what to write, never silently read
 * as something else, and the parser carries on so that every problem is reported at once.
 */
import { isRecord } from './json.js';

export type Raw = Record<string, unknown>;

/** Not set at all: undefined, null or an empty text box. */
export function absent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A group of fields (a section of the form); a list or a plain value there is reported. */
export function group(value: unknown, what: string, errors: string[]): Raw | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value)) return value;
  errors.push(`the ${what} settings must be a group of fields, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  return undefined;
}

/** One of a drop-down's values. */
export function choice<T extends string>(value: unknown, allowed: readonly T[], fallback: T, what: string, errors: string[]): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  errors.push(`the ${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return fallback;
}

/** A tick box: true or false; a string such as "true" is reported, not silently read as off. */
export function flag(value: unknown, fallback: boolean, what: string, errors: string[]): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  errors.push(`the ${what} must be true or false (a tick box in the plugin settings; no quotes in config.json)`);
  return fallback;
}

/**
 * A number within [min, max] (a whole one when `whole`); `fallback` NaN means the field is required.
 */
export function number(value: unknown, fallback: number, min: number, max: number, what: string, errors: string[], whole = false): number {
  if (value === undefined || value === null || value === '') {
    if (Number.isNaN(fallback)) errors.push(`the ${what} is needed`);
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    errors.push(`the ${what} must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/** A whole number within [min, max], such as a port or a count of days. */
export function whole(value: unknown, fallback: number, min: number, max: number, what: string, errors: string[]): number {
  return number(value, fallback, min, max, what, errors, true);
}
