/**
 * Cumulative energy counters whose unit lives in another EPC: the smart meter (0x0288: unit E1,
 * coefficient D3) and the distribution board (0x0287: unit C2, no coefficient) count in u32 steps of
 * 10^n kWh. Decoders read the unit (and coefficient) from the DecodeContext.
 *
 * When the unit EPC is not in the context the value is the raw count with unit "count" rather than a
 * guess in kWh: a wrong unit (0.1 vs 0.01 kWh differ by meter) would be silently ten times off, while a
 * count is plainly not yet a kWh figure. Encoders take raw counts: they are the inverse of the
 * context-free decode, which is what an emulator producing the EDT needs.
 */
import { concat, readU16, readU32, u8 } from '../edt.js';
import {
  decodeIntList,
  define,
  encodeInt,
  encodeIntList,
  fail,
  isRecord,
  ok,
  okEdt,
  scale,
  wrongLength,
  type Failure,
  type IntSpec,
} from './codecs.js';
import type { DecodeContext, EncodeOutcome, PropertyDef, PropertyMeta, PropertyValue } from './types.js';

/** Unit code -> decimal exponent of kWh (0x01 = 0.1 kWh, 0x0A = 10 kWh). */
const UNIT_EXPONENTS: ReadonlyMap<number, number> = new Map([
  [0x00, 0],
  [0x01, -1],
  [0x02, -2],
  [0x03, -3],
  [0x04, -4],
  [0x0a, 1],
  [0x0b, 2],
  [0x0c, 3],
  [0x0d, 4],
]);

/** A u32 count of 0..99,999,999 steps; 0xFFFFFFFE = no data (MRA). */
export const ENERGY_COUNT: IntSpec = { size: 4, noData: 0xfffffffe, max: 99_999_999 };

export interface EnergyUnitSource {
  readonly unitEpc: number;
  readonly coefficientEpc?: number;
}

/**
 * The unit EPC itself (E1, C2): decodes to the kWh multiplier, 0.1 for code 0x01 (computed as 1 / 10:
 * 10 ** -4 would be 0.00009999999999999999, not 0.0001).
 */
export function energyUnitProperty(meta: PropertyMeta): PropertyDef {
  return define(
    meta,
    (edt) => {
      const bad = wrongLength(edt, 1);
      if (bad) return bad;
      const exponent = UNIT_EXPONENTS.get(edt[0]!);
      return exponent === undefined ? fail(`unknown unit code 0x${edt[0]!.toString(16)}`) : ok(scale(1, exponent));
    },
    (value) => {
      const code = [...UNIT_EXPONENTS].find(([, e]) => scale(1, e) === value)?.[0];
      return code === undefined ? fail('expected one of 0.0001, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000') : okEdt(u8(code));
    },
  );
}

interface EnergyReader {
  /** undefined for kWh (the definition's unit), "count" when the unit is unknown. */
  readonly unit: 'count' | undefined;
  convert(raw: PropertyValue): PropertyValue;
}

function energyReader(source: EnergyUnitSource, context: DecodeContext | undefined): EnergyReader | Failure {
  const unitEdt = context?.get(source.unitEpc);
  if (unitEdt === undefined) return { unit: 'count', convert: (raw) => raw };
  const exponent = unitEdt.length === 1 ? UNIT_EXPONENTS.get(unitEdt[0]!) : undefined;
  if (exponent === undefined) return fail(`unit EPC 0x${source.unitEpc.toString(16)} in context is not a known unit code`);
  let coefficient = 1;
  const coefficientEdt = source.coefficientEpc === undefined ? undefined : context?.get(source.coefficientEpc);
  if (coefficientEdt !== undefined) {
    const c = coefficientEdt.length === 4 ? readU32(coefficientEdt) : undefined;
    // A zero coefficient would turn every reading into 0 kWh: refuse it rather than show false data.
    if (!c) return fail(`coefficient EPC 0x${source.coefficientEpc!.toString(16)} in context is not a positive u32`);
    coefficient = c;
  }
  // Integer product first (below 2^53: 10^8 x 10^6), then one scaling step.
  return { unit: undefined, convert: (raw) => (typeof raw === 'number' ? scale(raw * coefficient, exponent) : raw) };
}

/** A single counter: E0/E3 of the meter, C0/C1 of the board. */
export function cumulativeEnergyProperty(meta: PropertyMeta, source: EnergyUnitSource): PropertyDef {
  return define(
    meta,
    (edt, context) => {
      const bad = wrongLength(edt, 4);
      if (bad) return bad;
      const list = decodeEnergyList(source, context, edt, 0, 1);
      return 'ok' in list ? list : ok(list.values[0]!, list.unit);
    },
    (value) => encodeInt(ENERGY_COUNT, value),
  );
}

/** Decodes `count` counters at `offset` and converts them; shared by every list-shaped energy EPC. */
export function decodeEnergyList(
  source: EnergyUnitSource,
  context: DecodeContext | undefined,
  edt: Uint8Array,
  offset: number,
  count: number,
): { values: PropertyValue[]; unit: 'count' | undefined } | Failure {
  const list = decodeIntList(ENERGY_COUNT, edt, offset, count);
  if (!list.ok) return list;
  const reader = energyReader(source, context);
  if ('ok' in reader) return reader;
  return { values: (list.value as PropertyValue[]).map(reader.convert), unit: reader.unit };
}

/** E2/E4 (meter), C3/C4 (board): u16 day + 48 half-hour counters -> {day, values}. */
export function energyHistoryProperty(meta: PropertyMeta, source: EnergyUnitSource): PropertyDef {
  return define(
    meta,
    (edt, context) => {
      const bad = wrongLength(edt, 2 + 48 * 4);
      if (bad) return bad;
      const list = decodeEnergyList(source, context, edt, 2, 48);
      if ('ok' in list) return list;
      return ok({ day: readU16(edt)!, values: list.values }, list.unit);
    },
    (value): EncodeOutcome => {
      if (!isRecord(value) || typeof value.day !== 'number' || !Array.isArray(value.values) || value.values.length !== 48) {
        return fail('expected {day, values: 48 counts or null}');
      }
      const day = encodeInt({ size: 2 }, value.day);
      const values = encodeIntList(ENERGY_COUNT, value.values);
      if (!day.ok) return day;
      return values.ok ? okEdt(concat(day.edt, values.edt)) : values;
    },
  );
}
