/**
 * ECHONET Lite frame codec: bytes <-> Frame.
 *
 * Decoding never throws: every malformed input comes back as a typed FrameError value, because frames
 * arrive from the network (and from a serial dongle) and a bad one must never take the process down.
 * Encoding is the exact inverse of decoding; it throws RangeError only for values our own code built
 * wrongly (a TID over 16 bits, an EDT over 255 bytes), which is a programming error, not input.
 */

/** An ECHONET object: class group, class and instance packed into 24 bits, e.g. 0x028801. */
export type Eoj = number;

export interface Property {
  readonly epc: number;
  /** The property data; its length is the PDC. Empty in Get requests and for refused EPCs. */
  readonly edt: Uint8Array;
}

/** A frame in the specified message format (EHD2 = 0x81). */
export interface Frame {
  readonly tid: number;
  readonly seoj: Eoj;
  readonly deoj: Eoj;
  readonly esv: number;
  /** The OPC block; for the SetGet family this is the OPCSet block. */
  readonly properties: readonly Property[];
  /** SetGet family only (0x6E, 0x7E, 0x5E): the OPCGet block that follows the OPCSet block. */
  readonly getProperties?: readonly Property[];
}

/** A frame in the arbitrary message format (EHD2 = 0x82): carried through opaque, never interpreted. */
export interface ArbitraryFrame {
  readonly arbitrary: true;
  readonly tid: number;
  readonly payload: Uint8Array;
}

export type FrameErrorCode =
  | 'too-short'
  | 'bad-ehd1'
  | 'bad-ehd2'
  | 'unknown-esv'
  | 'truncated'
  | 'trailing-bytes';

export interface FrameError {
  readonly code: FrameErrorCode;
  /** One line a person can read, e.g. in `echonet-hems decode`. */
  readonly message: string;
  /** Byte offset where decoding stopped. */
  readonly offset: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly frame: Frame | ArbitraryFrame }
  | { readonly ok: false; readonly error: FrameError };

const EHD1 = 0x10;
const EHD2_SPECIFIED = 0x81;
const EHD2_ARBITRARY = 0x82;

/** Service codes (ESV) with their names from the specification. */
export const ESV = {
  SetI_SNA: 0x50,
  SetC_SNA: 0x51,
  Get_SNA: 0x52,
  INF_SNA: 0x53,
  SetGet_SNA: 0x5e,
  SetI: 0x60,
  SetC: 0x61,
  Get: 0x62,
  INF_REQ: 0x63,
  SetGet: 0x6e,
  Set_Res: 0x71,
  Get_Res: 0x72,
  INF: 0x73,
  INFC: 0x74,
  INFC_Res: 0x7a,
  SetGet_Res: 0x7e,
} as const;

const ESV_NAMES = new Map<number, string>(Object.entries(ESV).map(([name, code]) => [code, name]));

/** The ESV's name ("Get_Res"), or undefined for a code the specification does not define. */
export function esvName(esv: number): string | undefined {
  return ESV_NAMES.get(esv);
}

/** True for the three ESVs whose frames carry an OPCSet block followed by an OPCGet block. */
export function isSetGetFamily(esv: number): boolean {
  return esv === ESV.SetGet || esv === ESV.SetGet_Res || esv === ESV.SetGet_SNA;
}

export function isArbitrary(frame: Frame | ArbitraryFrame): frame is ArbitraryFrame {
  return 'arbitrary' in frame;
}

const HEADER_LENGTH = 12; // EHD1 EHD2 TID(2) SEOJ(3) DEOJ(3) ESV OPC

function fail(code: FrameErrorCode, message: string, offset: number): DecodeResult {
  return { ok: false, error: { code, message, offset } };
}

type BlockResult = { properties: Property[]; next: number } | DecodeResult;

/** Reads `count` properties starting at `offset`; the subarrays share memory with `buf` (no copy). */
function readBlock(buf: Uint8Array, offset: number, count: number): BlockResult {
  const properties: Property[] = new Array(count);
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 2 > buf.length) {
      return fail('truncated', `OPC announces ${count} properties but the frame ends after ${i}`, p);
    }
    const epc = buf[p]!;
    const pdc = buf[p + 1]!;
    if (p + 2 + pdc > buf.length) {
      return fail('truncated', `property 0x${hex2(epc)} announces ${pdc} data bytes but only ${buf.length - p - 2} remain`, p);
    }
    properties[i] = { epc, edt: buf.subarray(p + 2, p + 2 + pdc) };
    p += 2 + pdc;
  }
  return { properties, next: p };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function decodeFrame(buf: Uint8Array): DecodeResult {
  if (buf.length < 4) return fail('too-short', `frame is ${buf.length} bytes; a header needs at least 4`, 0);
  if (buf[0] !== EHD1) return fail('bad-ehd1', `EHD1 is 0x${hex2(buf[0]!)}, not 0x10 (not an ECHONET Lite frame)`, 0);
  const tid = (buf[2]! << 8) | buf[3]!;
  if (buf[1] === EHD2_ARBITRARY) return { ok: true, frame: { arbitrary: true, tid, payload: buf.subarray(4) } };
  if (buf[1] !== EHD2_SPECIFIED) return fail('bad-ehd2', `EHD2 is 0x${hex2(buf[1]!)}, neither 0x81 nor 0x82`, 1);
  if (buf.length < HEADER_LENGTH) {
    return fail('too-short', `frame is ${buf.length} bytes; the specified format needs at least ${HEADER_LENGTH}`, buf.length);
  }
  const seoj = (buf[4]! << 16) | (buf[5]! << 8) | buf[6]!;
  const deoj = (buf[7]! << 16) | (buf[8]! << 8) | buf[9]!;
  const esv = buf[10]!;
  if (!ESV_NAMES.has(esv)) return fail('unknown-esv', `ESV 0x${hex2(esv)} is not defined by ECHONET Lite`, 10);
  const first = readBlock(buf, HEADER_LENGTH, buf[11]!);
  if ('ok' in first) return first;
  let next = first.next;
  let getProperties: Property[] | undefined;
  if (isSetGetFamily(esv)) {
    if (next >= buf.length) return fail('truncated', 'SetGet frame ends before its OPCGet count', next);
    const second = readBlock(buf, next + 1, buf[next]!);
    if ('ok' in second) return second;
    getProperties = second.properties;
    next = second.next;
  }
  if (next !== buf.length) {
    return fail('trailing-bytes', `${buf.length - next} bytes follow the last property (OPC too small?)`, next);
  }
  const frame: Frame = getProperties
    ? { tid, seoj, deoj, esv, properties: first.properties, getProperties }
    : { tid, seoj, deoj, esv, properties: first.properties };
  return { ok: true, frame };
}

function blockLength(properties: readonly Property[]): number {
  let n = 1;
  for (const p of properties) n += 2 + p.edt.length;
  return n;
}

function checkRange(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${what} ${value} is outside 0..${max}`);
}

function writeBlock(out: Uint8Array, offset: number, properties: readonly Property[]): number {
  checkRange(properties.length, 0xff, 'OPC');
  out[offset] = properties.length;
  let p = offset + 1;
  for (const prop of properties) {
    checkRange(prop.epc, 0xff, 'EPC');
    checkRange(prop.edt.length, 0xff, 'PDC');
    out[p] = prop.epc;
    out[p + 1] = prop.edt.length;
    out.set(prop.edt, p + 2);
    p += 2 + prop.edt.length;
  }
  return p;
}

export function encodeFrame(frame: Frame | ArbitraryFrame): Uint8Array {
  checkRange(frame.tid, 0xffff, 'TID');
  if (isArbitrary(frame)) {
    const out = new Uint8Array(4 + frame.payload.length);
    out.set([EHD1, EHD2_ARBITRARY, frame.tid >> 8, frame.tid & 0xff]);
    out.set(frame.payload, 4);
    return out;
  }
  checkRange(frame.seoj, 0xffffff, 'SEOJ');
  checkRange(frame.deoj, 0xffffff, 'DEOJ');
  checkRange(frame.esv, 0xff, 'ESV');
  const setGet = isSetGetFamily(frame.esv);
  const getBlock = frame.getProperties ?? [];
  const length = HEADER_LENGTH - 1 + blockLength(frame.properties) + (setGet ? blockLength(getBlock) : 0);
  const out = new Uint8Array(length);
  out[0] = EHD1;
  out[1] = EHD2_SPECIFIED;
  out[2] = frame.tid >> 8;
  out[3] = frame.tid & 0xff;
  out[4] = frame.seoj >> 16;
  out[5] = (frame.seoj >> 8) & 0xff;
  out[6] = frame.seoj & 0xff;
  out[7] = frame.deoj >> 16;
  out[8] = (frame.deoj >> 8) & 0xff;
  out[9] = frame.deoj & 0xff;
  out[10] = frame.esv;
  let p = writeBlock(out, 11, frame.properties);
  if (setGet) p = writeBlock(out, p, getBlock);
  return out;
}
