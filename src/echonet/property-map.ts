/**
 * Property maps (EPC 9D/9E/9F): the list of EPCs an object announces, can set or can get.
 *
 * Fewer than 16 EPCs: a count byte then the EPCs. 16 or more: a count byte then a 16-byte bitmap where
 * bit j of byte i stands for EPC 0x80 + 0x10 * j + i. Real devices and emulators have been seen sending a
 * count that disagrees with what follows, so the list or bitmap is trusted and the count is not.
 */

export interface PropertyMap {
  readonly epcs: readonly number[];
  /** True when the count byte disagreed with the EPCs present (worth a debug line, not an error). */
  readonly countMismatch: boolean;
}

export function decodePropertyMap(edt: Uint8Array): PropertyMap | undefined {
  if (edt.length === 0) return undefined;
  const count = edt[0]!;
  if (edt.length === 17 && count >= 16) {
    const epcs: number[] = [];
    for (let j = 0; j < 8; j++) {
      for (let i = 0; i < 16; i++) {
        if (edt[1 + i]! & (1 << j)) epcs.push(0x80 + 0x10 * j + i);
      }
    }
    epcs.sort((a, b) => a - b);
    return { epcs, countMismatch: epcs.length !== count };
  }
  const epcs = Array.from(edt.subarray(1));
  return { epcs, countMismatch: epcs.length !== count };
}

export function encodePropertyMap(epcs: readonly number[]): Uint8Array {
  const unique = [...new Set(epcs)].filter((e) => e >= 0x80 && e <= 0xff).sort((a, b) => a - b);
  if (unique.length < 16) return Uint8Array.from([unique.length, ...unique]);
  const out = new Uint8Array(17);
  out[0] = unique.length;
  for (const epc of unique) {
    const i = epc & 0x0f;
    const j = (epc - 0x80) >> 4;
    out[1 + i]! |= 1 << j;
  }
  return out;
}
