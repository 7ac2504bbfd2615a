/**
 * An emulated ECHONET object: its EOJ and a table of the EPCs it serves, each with a getter in the
 * catalogue's value form (the catalogue turns it into the EDT), an optional setter, and whether a change
 * is announced. The property maps 9D/9E/9F are derived from that table, so they are true to what the
 * object serves by construction.
 */
import { createHash } from 'node:crypto';
import type { Eoj } from '../../echonet/frame.js';
import type { PropertyValue } from '../../echonet/catalogue/types.js';
import { eojToHex } from '../../echonet/eoj.js';

export interface EmulatedProperty {
  get(): PropertyValue;
  /** Applies a decoded value; false = the device refuses it (answered with SNA). */
  set?(value: PropertyValue): boolean;
  /** Listed in 9D: a change of value is announced with an INF. */
  readonly announce?: boolean;
}

/** EPC -> property, written as an object literal keyed by EPC numbers. */
export type PropertyTable = Readonly<Record<number, EmulatedProperty>>;

export interface EmulatedObject {
  readonly eoj: Eoj;
  readonly properties: ReadonlyMap<number, EmulatedProperty>;
}

/** Not a registered maker: this is an emulator, and a controller must not apply a real maker's quirks to it. */
export const EMULATOR_MAKER_CODE = 'ffffff';

export function constant(value: PropertyValue, announce = false): EmulatedProperty {
  return announce ? { get: () => value, announce } : { get: () => value };
}

/** A value a controller may set to anything the catalogue can decode, e.g. the installation location. */
export function stored(initial: PropertyValue): EmulatedProperty {
  let value = initial;
  return {
    get: () => value,
    set(v) {
      value = v;
      return true;
    },
  };
}

/** A setter that accepts only the listed names before handing the value on (enums a class allows). */
export function oneOf<T extends string>(names: readonly T[], apply: (name: T) => boolean): (value: PropertyValue) => boolean {
  return (value) => typeof value === 'string' && (names as readonly string[]).includes(value) && apply(value as T);
}

/**
 * 83: 0xFE, the maker code, then 13 bytes unique to this object of this emulator: derived from the
 * seed and the address so that a restarted emulator keeps its identity and two emulators differ.
 */
export function identificationNumber(seed: number, address: string, eoj: Eoj): string {
  const unique = createHash('sha256').update(`${seed}/${address}/${eojToHex(eoj)}`).digest('hex').slice(0, 26);
  return `fe${EMULATOR_MAKER_CODE}${unique}`;
}

/** Completes a table with the property maps it implies and freezes it into an object. */
export function emulatedObject(eoj: Eoj, table: PropertyTable): EmulatedObject {
  const served = new Map<number, EmulatedProperty>(Object.entries(table).map(([epc, p]) => [Number(epc), p]));
  const mapEpcs = [0x9d, 0x9e, 0x9f];
  const all = [...new Set([...served.keys(), ...mapEpcs])].sort((a, b) => a - b);
  const announced = [...served].filter(([, p]) => p.announce).map(([epc]) => epc);
  const settable = [...served].filter(([, p]) => p.set).map(([epc]) => epc);
  served.set(0x9d, constant(announced));
  served.set(0x9e, constant(settable));
  served.set(0x9f, constant(all));
  return { eoj, properties: served };
}
