/**
 * The EDT shapes the classes share (scaled integers with sentinels, enums, hex, ASCII, property maps;
 * dates are in calendar.ts), each as a builder that turns a PropertyMeta into a PropertyDef whose encoder is the exact
 * inverse of its decoder. Class files only describe; the byte logic lives here once.
 */
import { concat, readU16, readU32, readU8, u16, u32, u8 } from '../edt.js';
import { decodePropertyMap, encodePropertyMap } from '../property-map.js';
import { fromHex, toHex } from '../../util/hex.js';
import type { DecodeContext, DecodeOutcome, EncodeOutcome, PropertyDef, PropertyMeta, PropertyValue } from './types.js';

export type Failure = { ok: false; reason: string };

export function fail(reason: string): Failure {
  return { ok: false, reason };
}

/** `unit` only when it differs from the definition's, so plain values compare equal in tests and JSON. */
export function ok(value: PropertyValue, unit?: string): DecodeOutcome {
  return unit === undefined ? { ok: true, value } : { ok: true, value, unit };
}

export function okEdt(edt: Uint8Array): EncodeOutcome {
  return { ok: true, edt };
}

export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function define(
  meta: PropertyMeta,
  decode: (edt: Uint8Array, context?: DecodeContext) => DecodeOutcome,
  encode?: (value: PropertyValue) => EncodeOutcome,
): PropertyDef {
  if (!encode) return { ...meta, decode };
  // A PDC is one byte: refuse here what encodeFrame would otherwise throw on.
  const bounded = (value: PropertyValue): EncodeOutcome => {
    const r = encode(value);
    return r.ok && r.edt.length > 0xff ? fail(`EDT of ${r.edt.length} bytes exceeds the 255 a PDC can announce`) : r;
  };
  return { ...meta, decode, encode: bounded };
}

/** Length check shared by every fixed-size shape; undefined when the length is right. */
export function wrongLength(edt: Uint8Array, expected: number): Failure | undefined {
  return edt.length === expected ? undefined : fail(`expected ${expected} data bytes, got ${edt.length}`);
}

export function isRecord(value: PropertyValue): value is { readonly [key: string]: PropertyValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------
// Integers

export interface IntSpec {
  readonly size: 1 | 2 | 3 | 4;
  readonly signed?: boolean;
  /** Decimal exponent of the unit step: -1 for 0.1 A, -3 for 0.001 kWh. */
  readonly exponent?: number;
  /** Raw bit pattern meaning "no data"; decodes to null and is what null encodes to. */
  readonly noData?: number;
  /** Raw bit patterns that are not values (overflow, underflow, "not set"): decoding them fails. */
  readonly reserved?: Readonly<Record<number, string>>;
  /** Raw range the specification allows; values outside it fail to decode and to encode. */
  readonly min?: number;
  readonly max?: number;
}

function readUnsigned(edt: Uint8Array, offset: number, size: IntSpec['size']): number | undefined {
  switch (size) {
    case 1:
      return readU8(edt, offset);
    case 2:
      return readU16(edt, offset);
    case 3: {
      const hi = readU8(edt, offset);
      const lo = readU16(edt, offset + 1);
      return hi === undefined || lo === undefined ? undefined : hi * 0x10000 + lo;
    }
    case 4:
      return readU32(edt, offset);
  }
}

function writeUnsigned(bits: number, size: IntSpec['size']): Uint8Array {
  switch (size) {
    case 1:
      return u8(bits);
    case 2:
      return u16(bits);
    case 3:
      return concat(u8(bits >>> 16), u16(bits));
    case 4:
      return u32(bits);
  }
}

export function scale(raw: number, exponent: number): number {
  // Dividing by a power of ten gives the double nearest the decimal (12345 / 1000 = 12.345), which
  // multiplying by 0.001 does not.
  return exponent >= 0 ? raw * 10 ** exponent : raw / 10 ** -exponent;
}

function unscale(value: number, exponent: number): number | undefined {
  const raw = exponent >= 0 ? value / 10 ** exponent : value * 10 ** -exponent;
  const rounded = Math.round(raw);
  return Math.abs(raw - rounded) <= 1e-6 * Math.max(1, Math.abs(raw)) ? rounded : undefined;
}

function decodeInt(spec: IntSpec, edt: Uint8Array, offset = 0): DecodeOutcome {
  const bits = readUnsigned(edt, offset, spec.size);
  if (bits === undefined) return fail(`needs ${spec.size} bytes at offset ${offset}, EDT has ${edt.length}`);
  if (bits === spec.noData) return ok(null);
  const reserved = spec.reserved?.[bits];
  if (reserved !== undefined) return fail(`device reports ${reserved} (0x${bits.toString(16)})`);
  const span = 2 ** (8 * spec.size);
  const raw = spec.signed && bits >= span / 2 ? bits - span : bits;
  // Outside the specified range is refused both ways, so that every decoded value can be encoded again.
  if (raw < (spec.min ?? -Infinity) || raw > (spec.max ?? Infinity)) {
    return fail(`${raw} is outside the specified range ${spec.min ?? 'min'}..${spec.max ?? 'max'}`);
  }
  return ok(scale(raw, spec.exponent ?? 0));
}

export function encodeInt(spec: IntSpec, value: PropertyValue): EncodeOutcome {
  if (value === null) {
    return spec.noData === undefined ? fail('this property has no "no data" value') : okEdt(writeUnsigned(spec.noData, spec.size));
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`expected a number, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  const raw = unscale(value, spec.exponent ?? 0);
  if (raw === undefined) return fail(`${value} is not a whole multiple of 1e${spec.exponent ?? 0}`);
  const span = 2 ** (8 * spec.size);
  const lo = Math.max(spec.signed ? -span / 2 : 0, spec.min ?? -Infinity);
  const hi = Math.min(spec.signed ? span / 2 - 1 : span - 1, spec.max ?? Infinity);
  if (raw < lo || raw > hi) return fail(`${value} is outside ${scale(lo, spec.exponent ?? 0)}..${scale(hi, spec.exponent ?? 0)}`);
  const bits = raw < 0 ? raw + span : raw;
  if (bits === spec.noData || spec.reserved?.[bits] !== undefined) return fail(`${value} is a reserved code`);
  return okEdt(writeUnsigned(bits, spec.size));
}

export function intProperty(meta: PropertyMeta, spec: IntSpec): PropertyDef {
  return define(
    meta,
    (edt) => wrongLength(edt, spec.size) ?? decodeInt(spec, edt),
    (value) => encodeInt(spec, value),
  );
}

/** u32 limited to nine decimal digits, the usual range of W and Wh fields (0..999,999,999). */
export const NINE_DIGITS: IntSpec = { size: 4, max: 999_999_999 };

/** u32 x 0.001 kWh (0..999,999.999 kWh): cumulative energy of solar, battery, EV and super-class 85. */
export const CUMULATIVE_KWH: IntSpec = { ...NINE_DIGITS, exponent: -3 };

/** Measured power: s32 W; 0x7FFFFFFE no data, 0x7FFFFFFF / 0x80000000 overflow / underflow. */
export const SIGNED_POWER: IntSpec = {
  size: 4,
  signed: true,
  noData: 0x7ffffffe,
  reserved: { 0x7fffffff: 'overflow', 0x80000000: 'underflow' },
};

/** R and T phase currents: s16 x 0.1 A each; 0x7FFE no data (T on single-phase two-wire). */
export const PHASE_CURRENT: IntSpec = {
  size: 2,
  signed: true,
  exponent: -1,
  noData: 0x7ffe,
  reserved: { 0x7fff: 'overflow', 0x8000: 'underflow' },
};

/** `count` consecutive integers from `offset`; fails on the first bad one. */
export function decodeIntList(spec: IntSpec, edt: Uint8Array, offset: number, count: number): DecodeOutcome {
  const values: PropertyValue[] = [];
  for (let i = 0; i < count; i++) {
    const r = decodeInt(spec, edt, offset + i * spec.size);
    if (!r.ok) return fail(`item ${i}: ${r.reason}`);
    values.push(r.value);
  }
  return ok(values);
}

export function encodeIntList(spec: IntSpec, values: readonly PropertyValue[]): EncodeOutcome {
  const parts: Uint8Array[] = [];
  for (const [i, v] of values.entries()) {
    const r = encodeInt(spec, v);
    if (!r.ok) return fail(`item ${i}: ${r.reason}`);
    parts.push(r.edt);
  }
  return okEdt(concat(...parts));
}

/** Several integers of one kind side by side, named: E8 currents {r, t}, C8 voltages, min/max pairs. */
export function intRecordProperty(meta: PropertyMeta, spec: IntSpec, fields: readonly string[]): PropertyDef {
  return define(
    meta,
    (edt) => {
      const bad = wrongLength(edt, spec.size * fields.length);
      if (bad) return bad;
      const list = decodeIntList(spec, edt, 0, fields.length);
      if (!list.ok) return list;
      const values = list.value as PropertyValue[];
      return ok(Object.fromEntries(fields.map((f, i) => [f, values[i]!])));
    },
    (value) => {
      if (!isRecord(value)) return fail(`expected an object with ${fields.join(', ')}`);
      const missing = fields.find((f) => !(f in value));
      if (missing !== undefined) return fail(`missing field ${missing}`);
      return encodeIntList(spec, fields.map((f) => value[f]!));
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Enumerations: one byte <-> a stable lowercase name; bytes outside the table become "unknown_0x45".

export interface EnumTable {
  readonly byCode: ReadonlyMap<number, string>;
  readonly byName: ReadonlyMap<string, number>;
}

export function enumTable(entries: Readonly<Record<number, string>>): EnumTable {
  const byCode = new Map(Object.entries(entries).map(([code, name]) => [Number(code), name] as const));
  return { byCode, byName: new Map([...byCode].map(([code, name]) => [name, code])) };
}

/** A table restricted to some codes, for a class that allows fewer values than its sibling. */
export function pickEnum(table: EnumTable, codes: readonly number[]): EnumTable {
  return enumTable(Object.fromEntries(codes.map((c) => [c, table.byCode.get(c)!])));
}

export function enumName(table: EnumTable, code: number): string {
  return table.byCode.get(code) ?? `unknown_0x${hex2(code)}`;
}

export function enumCode(table: EnumTable, value: PropertyValue): number | undefined {
  if (typeof value !== 'string') return undefined;
  const known = table.byName.get(value);
  if (known !== undefined) return known;
  const m = /^unknown_0x([0-9a-f]{2})$/.exec(value);
  const code = m ? Number.parseInt(m[1]!, 16) : undefined;
  // A named code spelled as unknown_0x.. is refused so that every byte has exactly one spelling.
  return code !== undefined && !table.byCode.has(code) ? code : undefined;
}

export function enumProperty(meta: PropertyMeta, table: EnumTable): PropertyDef {
  return define(
    meta,
    (edt) => wrongLength(edt, 1) ?? ok(enumName(table, edt[0]!)),
    (value) => {
      const code = enumCode(table, value);
      return code === undefined
        ? fail(`${JSON.stringify(value)} is not one of ${[...table.byName.keys()].join(', ')}`)
        : okEdt(u8(code));
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Bytes as text

/** Lowercase hex of minLength..maxLength bytes (identification number, maker code). */
export function hexProperty(meta: PropertyMeta, minLength: number, maxLength: number): PropertyDef {
  const range = minLength === maxLength ? `${minLength}` : `${minLength}..${maxLength}`;
  const fits = (n: number) => n >= minLength && n <= maxLength;
  return define(
    meta,
    (edt) => (fits(edt.length) ? ok(toHex(edt)) : fail(`expected ${range} data bytes, got ${edt.length}`)),
    (value) => {
      const bytes = typeof value === 'string' && /^(?:[0-9a-f]{2})*$/.test(value) ? fromHex(value) : undefined;
      return bytes && fits(bytes.length) ? okEdt(bytes) : fail(`expected ${range} bytes as lowercase hex`);
    },
  );
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Fixed-size ASCII (product code, serial number). Trailing NUL and space padding is dropped on decode
 * and the encoder pads with NUL, so an EDT padded with spaces decodes to the same text but re-encodes
 * with NULs.
 */
export function asciiProperty(meta: PropertyMeta, length: number): PropertyDef {
  return define(
    meta,
    (edt) => {
      const bad = wrongLength(edt, length);
      if (bad) return bad;
      const text = String.fromCharCode(...edt).replace(/[\0 ]+$/, '');
      return PRINTABLE.test(text) ? ok(text) : fail('not printable ASCII');
    },
    (value) => {
      if (typeof value !== 'string' || !PRINTABLE.test(value) || / $/.test(value) || value.length > length) {
        return fail(`expected up to ${length} printable ASCII characters without trailing spaces`);
      }
      const edt = new Uint8Array(length);
      for (let i = 0; i < value.length; i++) edt[i] = value.charCodeAt(i);
      return okEdt(edt);
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Property maps (9D/9E/9F): an array of EPC numbers, ascending.

export function propertyMapProperty(meta: PropertyMeta): PropertyDef {
  return define(
    meta,
    (edt) => {
      const map = decodePropertyMap(edt);
      if (!map) return fail('empty property map');
      // Only the list form can carry these; EPCs start at 0x80.
      const stray = map.epcs.find((e) => e < 0x80);
      if (stray !== undefined) return fail(`0x${hex2(stray)} is not an EPC`);
      // The list form arrives in any order, possibly with repeats; the value is always ascending and unique.
      return ok([...new Set(map.epcs)].sort((a, b) => a - b));
    },
    (value) => {
      const valid =
        Array.isArray(value) && value.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= 0x80 && e <= 0xff);
      return valid ? okEdt(encodePropertyMap(value as number[])) : fail('expected an array of EPCs 0x80..0xff');
    },
  );
}
