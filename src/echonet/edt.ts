/**
 * Big-endian integer fields of property data (EDT). ECHONET Lite is big-endian throughout.
 * Readers return undefined when the EDT is too short, so a short answer from a device becomes
 * "no value" rather than a wrong number.
 */

export function readU8(edt: Uint8Array, offset = 0): number | undefined {
  return offset + 1 <= edt.length ? edt[offset]! : undefined;
}

export function readU16(edt: Uint8Array, offset = 0): number | undefined {
  return offset + 2 <= edt.length ? (edt[offset]! << 8) | edt[offset + 1]! : undefined;
}

export function readU32(edt: Uint8Array, offset = 0): number | undefined {
  return offset + 4 <= edt.length
    ? edt[offset]! * 0x1000000 + ((edt[offset + 1]! << 16) | (edt[offset + 2]! << 8) | edt[offset + 3]!)
    : undefined;
}

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff);
}

export function u16(v: number): Uint8Array {
  return Uint8Array.of((v >> 8) & 0xff, v & 0xff);
}

export function u32(v: number): Uint8Array {
  const x = v >>> 0;
  return Uint8Array.of(x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
