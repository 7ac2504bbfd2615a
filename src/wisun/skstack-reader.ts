/**
 * Turns the dongle's byte stream into typed items. Pure (no I/O, no timers) so it is tested with byte
 * vectors. Never throws on input: a line it cannot make sense of becomes a 'garbage' item and reading
 * resumes at the next line.
 *
 * Two things make this more than a line splitter:
 * - ERXUDP data is either ASCII hex (WOPT 01) or `datalen` raw bytes that may contain CR LF, so an
 *   ERXUDP is read by its announced length, not by line. Which of the two it is follows from the bytes
 *   themselves (raw data is followed by CR LF right after `datalen` bytes, where hex data still has hex
 *   digits), so the reader needs no mode switch and cannot be wrong about a dongle's WOPT state.
 * - EPANDESC answers are a block of indented "Key:Value" lines.
 */

export interface PanDescriptor {
  channel: number;
  channelPage: number;
  panId: number;
  /** 16 hex digits, the meter's MAC address. */
  addr: string;
  lqi: number;
  pairId?: string;
}

export interface SkstackEvent {
  /** The event number as the dongle prints it, read as hex: `EVENT 25` -> 0x25. */
  code: number;
  sender?: string;
  /** Dual-stack dongles only: 0 = B-route side. */
  side?: number;
  param?: number;
}

export interface UdpDatagram {
  sender: string;
  rport: number;
  lport: number;
  secured: boolean;
  lqi?: number;
  data: Uint8Array;
}

export type ReaderItem =
  | { kind: 'line'; line: string }
  | { kind: 'event'; event: SkstackEvent }
  | { kind: 'udp'; datagram: UdpDatagram; encoding: 'ascii' | 'binary' }
  | { kind: 'pan'; pan: PanDescriptor }
  | { kind: 'garbage'; line: string }
  /** Frames of the J11 binary protocol: the device is not a SKSTACK dongle at all. */
  | { kind: 'binary-protocol' };

const CR = 0x0d;
const LF = 0x0a;
const ERXUDP = Buffer.from('ERXUDP ');
const J11_MAGIC = Buffer.from([0xd0, 0xea, 0x83, 0xfc]);
/** Lines that may follow noise on the same line; finding one there resynchronises mid-line. */
const RESYNC_KEYWORDS = [ERXUDP, Buffer.from('EVENT '), Buffer.from('EPANDESC')];
/** Longer than any SKSTACK line (an ASCII ERXUDP of a 1232-byte datagram is ~2600): noise without CR LF. */
const MAX_LINE = 4096;

type PanFields = Map<string, string>;

export class SkstackReader {
  private buf: Buffer = Buffer.alloc(0);
  private pan: PanFields | undefined;

  push(chunk: Uint8Array): ReaderItem[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: ReaderItem[] = [];
    while (this.buf.length > 0) {
      if (startsWith(this.buf, ERXUDP)) {
        // Checked first: raw ERXUDP data may contain anything, keywords and J11 magic included.
        const r = readErxudp(this.buf);
        if (r === 'need-more') break;
        this.flushPan(out);
        out.push(r.item);
        this.buf = this.buf.subarray(r.consumed);
        continue;
      }
      const lf = this.buf.indexOf(LF);
      const lineEnd = lf < 0 ? this.buf.length : lf;
      const j11 = this.buf.indexOf(J11_MAGIC);
      if (j11 >= 0 && j11 < lineEnd) {
        // A J11 device never switches to text: nothing after its frames is worth reading.
        this.buf = Buffer.alloc(0);
        out.push({ kind: 'binary-protocol' });
        break;
      }
      const resync = this.resyncPoint(lineEnd);
      if (resync > 0) {
        this.flushPan(out);
        out.push({ kind: 'garbage', line: printable(this.buf.subarray(0, resync)) });
        this.buf = this.buf.subarray(resync);
        continue;
      }
      if (lf < 0) {
        if (this.buf.length > MAX_LINE) {
          out.push({ kind: 'garbage', line: printable(this.buf) });
          this.buf = Buffer.alloc(0);
        }
        break;
      }
      const end = lf > 0 && this.buf[lf - 1] === CR ? lf - 1 : lf;
      const raw = this.buf.subarray(0, end);
      this.buf = this.buf.subarray(lf + 1);
      this.line(raw, out);
    }
    return out;
  }

  /** Where a known line keyword starts after noise, within the current line; 0 when none. */
  private resyncPoint(limit: number): number {
    let best = 0;
    for (const k of RESYNC_KEYWORDS) {
      const i = this.buf.indexOf(k, 1);
      if (i > 0 && i < limit && (best === 0 || i < best)) best = i;
    }
    return best;
  }

  private line(raw: Buffer, out: ReaderItem[]): void {
    if (!isPrintable(raw)) {
      this.flushPan(out);
      out.push({ kind: 'garbage', line: printable(raw) });
      return;
    }
    const line = raw.toString('latin1');
    if (this.pan && this.panField(line)) return;
    this.flushPan(out);
    if (line.trim() === '') return;
    if (line === 'EPANDESC') {
      this.pan = new Map();
      return;
    }
    if (line.startsWith('EVENT ')) {
      const event = parseEvent(line);
      out.push(event ? { kind: 'event', event } : { kind: 'garbage', line });
      return;
    }
    out.push({ kind: 'line', line });
  }

  /** Takes an indented "Key:Value" line of an EPANDESC block; false when the line is not one. */
  private panField(line: string): boolean {
    const m = /^\s+([A-Za-z][A-Za-z ]*?)\s*:\s*(\S+)\s*$/.exec(line);
    if (!m) return false;
    const key = m[1]!.toLowerCase();
    if (this.pan!.has(key)) return false; // a second block without its EPANDESC header line
    this.pan!.set(key, m[2]!);
    return true;
  }

  /** Ends an EPANDESC block: the block has no terminator, the next non-field line ends it. */
  private flushPan(out: ReaderItem[]): void {
    const fields = this.pan;
    if (!fields) return;
    this.pan = undefined;
    const pan = toPan(fields);
    out.push(pan ? { kind: 'pan', pan } : { kind: 'garbage', line: `EPANDESC ${[...fields].map(([k, v]) => `${k}:${v}`).join(' ')}` });
  }
}

function toPan(f: PanFields): PanDescriptor | undefined {
  const channel = hexField(f.get('channel'));
  const channelPage = hexField(f.get('channel page'));
  const panId = hexField(f.get('pan id'));
  const lqi = hexField(f.get('lqi'));
  const addr = f.get('addr');
  if (channel === undefined || panId === undefined || lqi === undefined || !addr || !/^[0-9A-Fa-f]{16}$/.test(addr)) {
    return undefined;
  }
  const pan: PanDescriptor = { channel, channelPage: channelPage ?? 0, panId, addr: addr.toUpperCase(), lqi };
  const pairId = f.get('pairid');
  if (pairId) pan.pairId = pairId;
  return pan;
}

function hexField(v: string | undefined): number | undefined {
  return v !== undefined && /^[0-9A-Fa-f]{1,8}$/.test(v) ? Number.parseInt(v, 16) : undefined;
}

/**
 * `EVENT <num> <sender> [<side>] [<param>]`. The side is one digit and a param two hex digits on every
 * known dongle, which tells them apart without knowing the family.
 */
export function parseEvent(line: string): SkstackEvent | undefined {
  const t = line.trim().split(/\s+/);
  if (t[0] !== 'EVENT' || !t[1] || !/^[0-9A-Fa-f]{1,2}$/.test(t[1]) || t.length > 5) return undefined;
  const event: SkstackEvent = { code: Number.parseInt(t[1], 16) };
  if (t[2]) event.sender = t[2];
  for (const extra of t.slice(3)) {
    if (/^[0-9A-Fa-f]$/.test(extra) && event.side === undefined && event.param === undefined) {
      event.side = Number.parseInt(extra, 16);
    } else if (/^[0-9A-Fa-f]{2}$/.test(extra) && event.param === undefined) {
      event.param = Number.parseInt(extra, 16);
    } else {
      return undefined;
    }
  }
  return event;
}

type ErxudpResult = 'need-more' | { item: ReaderItem; consumed: number };

/** The longest header before the data: 'ERXUDP ' + 2 IPv6 + ports + MAC + lqi/sec/side + length. */
const MAX_HEADER = 160;
/**
 * SKSTACK's largest UDP payload (SKSENDTO and ERXUDP datalen at most 0x4D0). A larger length is noise: read
 * as data, it would swallow up to 128 KB of the lines after it (the answers the link is waiting for).
 */
const MAX_DATALEN = 0x4d0;

/**
 * `ERXUDP <sender> <dest> <rport> <lport> <senderlla> [<lqi>] <secured> [<side>] <datalen> <data>`:
 * 9 fields on single-hop dongles, 10 or 11 on dual-stack ones. The optional fields are told apart by
 * position and width (lqi 2 digits, secured and side 1, datalen 4).
 */
function readErxudp(buf: Buffer): ErxudpResult {
  const tokens: string[] = [];
  let pos = ERXUDP.length;
  for (;;) {
    const sp = buf.indexOf(0x20, pos);
    const lf = buf.indexOf(LF, pos);
    if (lf >= 0 && (sp < 0 || lf < sp)) return garbageLine(buf, lf);
    if (sp < 0) return buf.length > MAX_HEADER ? garbageLine(buf, buf.length - 1) : 'need-more';
    const token = buf.toString('latin1', pos, sp);
    // A line cut short by noise and followed by a fresh ERXUDP: keep the fresh one.
    const restart = token.indexOf('ERXUDP');
    if (restart >= 0) return { item: { kind: 'garbage', line: printable(buf.subarray(0, pos + restart)) }, consumed: pos + restart };
    tokens.push(token);
    pos = sp + 1;
    if (tokens.length >= 7 && /^[0-9A-Fa-f]{4}$/.test(tokens[tokens.length - 1]!)) break;
    if (tokens.length >= 9) return garbageLine(buf, lf < 0 ? buf.length - 1 : lf);
  }
  const [sender, , rport, lport, lla] = tokens as [string, string, string, string, string];
  const extras = tokens.slice(5, -1);
  const len = Number.parseInt(tokens[tokens.length - 1]!, 16);
  const fields = headerFields(extras);
  const valid =
    fields && sender.includes(':') && /^[0-9A-Fa-f]{4}$/.test(rport) && /^[0-9A-Fa-f]{4}$/.test(lport) && /^[0-9A-Fa-f]{16}$/.test(lla);
  if (!valid || len > MAX_DATALEN) return garbageLine(buf, nextLf(buf, pos));

  const data = readData(buf.subarray(pos), len);
  if (data === 'need-more') return 'need-more';
  if (data === 'bad') return garbageLine(buf, nextLf(buf, pos));
  const datagram: UdpDatagram = {
    sender,
    rport: Number.parseInt(rport, 16),
    lport: Number.parseInt(lport, 16),
    secured: fields.secured,
    data: data.bytes,
  };
  if (fields.lqi !== undefined) datagram.lqi = fields.lqi;
  return { item: { kind: 'udp', datagram, encoding: data.encoding }, consumed: pos + data.consumed };
}

function headerFields(extras: string[]): { secured: boolean; lqi?: number } | undefined {
  const [a, b, c] = extras;
  const digit = (s: string | undefined) => s !== undefined && /^[0-9A-Fa-f]$/.test(s);
  if (extras.length === 1 && digit(a)) return { secured: a === '1' };
  if (extras.length >= 2 && extras.length <= 3 && /^[0-9A-Fa-f]{2}$/.test(a!) && digit(b) && (extras.length === 2 || digit(c))) {
    return { secured: b === '1', lqi: Number.parseInt(a!, 16) };
  }
  return undefined;
}

type DataResult = 'need-more' | 'bad' | { bytes: Uint8Array; consumed: number; encoding: 'ascii' | 'binary' };

function readData(rest: Buffer, len: number): DataResult {
  if (rest.length >= len + 2 && rest[len] === CR && rest[len + 1] === LF) {
    // Raw bytes: a CR at offset len cannot be hex data (hex data has a digit there whenever len > 0).
    return { bytes: new Uint8Array(rest.subarray(0, len)), consumed: len + 2, encoding: 'binary' };
  }
  const hexEnd = Math.min(rest.length, 2 * len);
  for (let i = 0; i < hexEnd; i++) {
    if (!isHexDigit(rest[i]!)) return rest.length >= len + 2 ? 'bad' : 'need-more';
  }
  if (rest.length < 2 * len + 2) return 'need-more';
  if (rest[2 * len] !== CR || rest[2 * len + 1] !== LF) return 'bad';
  const bytes = new Uint8Array(Buffer.from(rest.toString('latin1', 0, 2 * len), 'hex'));
  return { bytes, consumed: 2 * len + 2, encoding: 'ascii' };
}

function garbageLine(buf: Buffer, lf: number): { item: ReaderItem; consumed: number } {
  const end = lf > 0 && buf[lf - 1] === CR ? lf - 1 : lf;
  return { item: { kind: 'garbage', line: printable(buf.subarray(0, Math.max(end, 0))) }, consumed: lf + 1 };
}

function nextLf(buf: Buffer, from: number): number {
  const lf = buf.indexOf(LF, from);
  return lf < 0 ? buf.length - 1 : lf;
}

function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix);
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

function isPrintable(raw: Buffer): boolean {
  for (const b of raw) if ((b < 0x20 && b !== 0x09) || b > 0x7e) return false;
  return true;
}

/** Noise shown in a log line: printable ASCII kept, anything else as \xNN. */
function printable(raw: Buffer): string {
  let s = '';
  for (const b of raw) s += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}
