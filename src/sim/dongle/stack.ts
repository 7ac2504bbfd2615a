/**
 * The simulated dongle's SKSTACK firmware and, behind its radio, the smart meter: commands in, answer
 * lines, events and ERXUDP datagrams out, with the delays of the real thing (or a fraction of them in
 * fast mode) and the faults tests ask for. Transport-free: index.ts connects it to a pty or to memory.
 */
import { ECHONET_PORT } from '../../echonet/transport.js';
import { ESV } from '../../echonet/frame.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Command } from './input.js';
import type { MeterObject } from './meter-object.js';
import type { DongleModel, ModelTraits } from './models.js';

export interface DongleFaults {
  /** Answer nothing at all (a hung dongle). */
  silent: boolean;
  /** The meter refuses PANA (EVENT 24) as with a wrong ID or password. */
  badCredentials: boolean;
  /** ARIB transmit-time limit: EVENT 32 when set, EVENT 33 when cleared; sends fail meanwhile. */
  transmitLimit: boolean;
  /** Before every Nth output message, a line of noise (0 = never). */
  garbageEvery: number;
  /** Before every Nth output message, the start of it cut off without CR LF (0 = never). */
  partialEvery: number;
  /** SKSCAN below this duration finds nothing (the meter is far away), so clients must escalate. */
  minScanDuration: number;
  /** Announce EA/EB with INFC (acknowledgement wanted) instead of INF. */
  infc: boolean;
}

export interface DongleCounters {
  scans: number;
  joins: number;
  woptWrites: number;
  sends: number;
  getsServed: number;
  announcements: number;
  infcAcks: number;
}

export interface StackOptions {
  model: DongleModel;
  traits: ModelTraits;
  timing: 'fast' | 'realistic';
  credentials: { id: string; password: string };
  meter: MeterObject;
  clock: Clock;
  panId: number;
  channel: number;
  meterMac: string;
  asciiMode: boolean;
  output: (bytes: Uint8Array) => void;
}

/** Fast mode divides every radio delay by this: a 69 s scan takes 0.35 s, a Get 6 ms. */
const FAST_DIVISOR = 200;
const FIRST_CHANNEL = 0x21;
const CHANNELS = 28;
const DONGLE_MAC = '001D129012345678';
const METER_LQI = 0xb4;
const PANA_PORT = 0x02cc;
const HALF_HOUR_MS = 1_800_000;
/** A J11 "command error" notification: what a J11 dongle sends back to text it does not understand. */
const J11_FRAME = Uint8Array.of(0xd0, 0xea, 0x83, 0xfc, 0x6f, 0xff, 0x00, 0x04, 0x04, 0x3d, 0x00, 0x00);

type Session = 'none' | 'joining' | 'up';

export class SimulatedStack {
  private readonly own = { scans: 0, joins: 0, woptWrites: 0, sends: 0, announcements: 0 };
  readonly faults: DongleFaults = {
    silent: false,
    badCredentials: false,
    transmitLimit: false,
    garbageEvery: 0,
    partialEvery: 0,
    minScanDuration: 5,
    infc: false,
  };
  private asciiMode: boolean;
  private echo = true;
  private pwd: string | undefined;
  private rbid: string | undefined;
  private regChannel = 0;
  private regPan = 0xffff;
  private session: Session = 'none';
  private messages = 0;
  private timers = new Set<TimerHandle>();
  private announceTimer: TimerHandle | undefined;
  readonly meterLla: string;
  readonly dongleLla: string;

  constructor(private readonly o: StackOptions) {
    this.asciiMode = o.asciiMode;
    this.meterLla = linkLocal(o.meterMac);
    this.dongleLla = linkLocal(DONGLE_MAC);
  }

  get counters(): DongleCounters {
    return { ...this.own, getsServed: this.o.meter.stats.getsServed, infcAcks: this.o.meter.stats.infcAcks };
  }

  get family(): ModelTraits['family'] {
    return this.o.traits.family;
  }

  setFaults(f: Partial<DongleFaults>): void {
    const wasLimited = this.faults.transmitLimit;
    Object.assign(this.faults, f);
    if (f.transmitLimit !== undefined && f.transmitLimit !== wasLimited) {
      this.send([this.event(f.transmitLimit ? 0x32 : 0x33, this.dongleLla)]);
    }
  }

  /** Session events the meter or the radio cause: 24/25 (re-authentication), 26-28 (termination), 29 (expiry). */
  injectSessionEvent(code: 0x24 | 0x25 | 0x26 | 0x27 | 0x28 | 0x29): void {
    const lines = [this.event(code, this.meterLla)];
    if (code === 0x26) lines.push(this.event(0x27, this.meterLla)); // the dongle agrees to terminate
    this.send(lines);
    this.setSession(code === 0x25 ? 'up' : 'none');
  }

  /** A power cycle: RAM (echo, credentials, registers, session) is lost, flash (WOPT) kept. */
  powerCycle(): void {
    this.stop();
    this.echo = true;
    this.pwd = undefined;
    this.rbid = undefined;
    this.regChannel = 0;
    this.regPan = 0xffff;
  }

  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.setSession('none');
  }

  handle(cmd: Command): void {
    if (this.o.traits.j11) {
      this.o.output(J11_FRAME);
      return;
    }
    if (this.faults.silent) return;
    const echoed = this.echo ? [cmd.line] : [];
    const answer = this.execute(cmd);
    this.send([...echoed, ...answer]);
  }

  /** Runs one command; returns its immediate answer lines (later events are scheduled). */
  private execute(cmd: Command): string[] {
    const [name = '', ...args] = cmd.line.trim().split(/\s+/);
    switch (name) {
      case 'SKSREG':
        return this.sreg(args);
      case 'SKVER':
        return [`EVER ${this.o.traits.version}`, 'OK'];
      case 'SKAPPVER':
        return [`EAPPVER ${this.o.model}`, 'OK'];
      case 'SKINFO': {
        // Single-hop stacks print the short address (FFFE: none); dual-stack ones the side there.
        const last = this.family === 'dual-stack' ? '0' : 'FFFE';
        return [`EINFO ${this.dongleLla} ${DONGLE_MAC} ${hex(this.regChannel, 2)} ${hex(this.regPan, 4)} ${last}`, 'OK'];
      }
      case 'ROPT':
        return this.o.traits.asciiOnly ? ['FAIL ER04'] : [`OK ${this.asciiMode ? '01' : '00'}`];
      case 'WOPT':
        return this.wopt(args);
      case 'SKSETPWD':
        if (args.length !== 2) return ['FAIL ER05'];
        if (Number.parseInt(args[0]!, 16) !== args[1]!.length) return ['FAIL ER06'];
        this.pwd = args[1];
        return ['OK'];
      case 'SKSETRBID':
        if (args.length !== 1) return ['FAIL ER05'];
        if (args[0]!.length !== 32) return ['FAIL ER06'];
        this.rbid = args[0];
        return ['OK'];
      case 'SKSCAN':
        return this.scan(args);
      case 'SKLL64':
        return args.length === 1 && /^[0-9A-Fa-f]{16}$/.test(args[0]!) ? [linkLocal(args[0]!)] : ['FAIL ER06'];
      case 'SKJOIN':
        return args.length === 1 ? this.join(args[0]!) : ['FAIL ER05'];
      case 'SKSENDTO':
        return this.sendto(args, cmd.payload);
      case 'SKTERM':
        return this.term();
      case 'SKRESET':
        this.powerCycle();
        return ['OK'];
      default:
        return ['FAIL ER04'];
    }
  }

  private sreg(args: string[]): string[] {
    const [reg = '', value] = args;
    const n = value === undefined ? undefined : Number.parseInt(value, 16);
    if (value !== undefined && (!/^[0-9A-Fa-f]+$/.test(value) || n === undefined)) return ['FAIL ER06'];
    switch (reg.toUpperCase()) {
      case 'SFE':
        if (n === undefined) return [`ESREG ${this.echo ? 1 : 0}`, 'OK'];
        this.echo = n === 1;
        return ['OK'];
      case 'S2':
        if (n === undefined) return [`ESREG ${hex(this.regChannel, 2)}`, 'OK'];
        if (n < FIRST_CHANNEL || n >= FIRST_CHANNEL + CHANNELS) return ['FAIL ER06'];
        this.regChannel = n;
        return ['OK'];
      case 'S3':
        if (n === undefined) return [`ESREG ${hex(this.regPan, 4)}`, 'OK'];
        this.regPan = n;
        return ['OK'];
      default:
        return ['OK'];
    }
  }

  private wopt(args: string[]): string[] {
    if (this.o.traits.asciiOnly) return ['FAIL ER04'];
    if (args.length !== 1 || !/^[0-9A-Fa-f]{2}$/.test(args[0]!)) return ['FAIL ER06'];
    this.asciiMode = (Number.parseInt(args[0]!, 16) & 1) === 1;
    this.own.woptWrites++;
    return ['OK'];
  }

  private scan(args: string[]): string[] {
    if (args.length !== (this.family === 'dual-stack' ? 4 : 3)) return ['FAIL ER05'];
    const [mode, , durationText] = args as [string, string, string];
    const duration = Number.parseInt(durationText, 16);
    if ((mode !== '2' && mode !== '3') || !(duration >= 0 && duration <= 14)) return ['FAIL ER06'];
    this.own.scans++;
    const perChannel = 10 * (2 ** duration + 1);
    if (duration >= this.faults.minScanDuration) {
      const channelIndex = this.o.channel - FIRST_CHANNEL;
      this.later(perChannel * (channelIndex + 0.5), () => {
        const block = [
          this.event(0x20, this.meterLla),
          'EPANDESC',
          `  Channel:${hex(this.o.channel, 2)}`,
          '  Channel Page:09',
          `  Pan ID:${hex(this.o.panId, 4)}`,
          `  Addr:${this.o.meterMac}`,
          `  LQI:${hex(METER_LQI, 2)}`,
        ];
        // Mode 2 asks for the information element that carries the pairing ID (last 8 of the B-route ID).
        if (mode === '2') block.push(`  PairID:${this.o.credentials.id.slice(-8)}`);
        this.send(block);
      });
    }
    this.later(perChannel * CHANNELS, () => this.send([this.event(0x22, this.dongleLla)]));
    return ['OK'];
  }

  private join(ip: string): string[] {
    this.own.joins++;
    this.setSession('joining');
    const accepted =
      !this.faults.badCredentials &&
      ip.toUpperCase() === this.meterLla &&
      this.regChannel === this.o.channel &&
      this.regPan === this.o.panId &&
      this.pwd === this.o.credentials.password &&
      this.rbid === this.o.credentials.id;
    // 2..10 s, varying from join to join like the field logs.
    const total = accepted ? 2_000 + ((this.own.joins * 2_713) % 8_000) : 4_000;
    // The PANA exchange shows up as datagrams on port 02CC; their bytes include CR LF on purpose.
    this.later(total * 0.3, () => this.send([this.event(0x21, this.meterLla, 0x00)]));
    this.later(total * 0.5, () => this.sendDatagram(PANA_PORT, Uint8Array.of(0x00, 0x00, 0x00, 0x10, 0x0d, 0x0a, 0x80, 0x00), false));
    this.later(total, () => {
      if (this.session !== 'joining') return;
      this.send([this.event(accepted ? 0x25 : 0x24, this.meterLla)]);
      this.setSession(accepted ? 'up' : 'none');
    });
    return ['OK'];
  }

  private sendto(args: string[], payload: Uint8Array | undefined): string[] {
    const dual = this.family === 'dual-stack';
    if (!payload || args.length !== (dual ? 6 : 5)) return ['FAIL ER05'];
    const [, ip = '', port = ''] = args;
    this.own.sends++;
    if (this.faults.transmitLimit) return [this.event(0x21, ip, 0x01), 'OK'];
    // Without a PANA session the meter drops what it cannot decrypt: the send "works" but nothing answers.
    const answered = this.session === 'up' && ip.toUpperCase() === this.meterLla && Number.parseInt(port, 16) === ECHONET_PORT;
    if (answered) {
      this.later(1_200, () => {
        for (const frame of this.o.meter.handle(payload)) this.sendDatagram(ECHONET_PORT, frame, true);
      });
    }
    return [this.event(0x21, ip, 0x00), 'OK'];
  }

  private term(): string[] {
    if (this.session === 'none') return ['FAIL ER10'];
    this.setSession('none');
    this.later(1_000, () => this.send([this.event(0x27, this.meterLla)]));
    return ['OK'];
  }

  private setSession(s: Session): void {
    this.session = s;
    this.announceTimer?.cancel();
    this.announceTimer = undefined;
    if (s === 'up') this.scheduleAnnouncement();
  }

  /** EA/EB at every half hour of clock time (not shortened in fast mode: use a fast clock for that). */
  private scheduleAnnouncement(): void {
    const now = this.o.clock.now();
    const next = (Math.floor(now / HALF_HOUR_MS) + 1) * HALF_HOUR_MS;
    this.announceTimer = this.o.clock.setTimeout(() => {
      if (this.session !== 'up') return;
      this.own.announcements++;
      this.sendDatagram(ECHONET_PORT, this.o.meter.announcement(this.faults.infc ? ESV.INFC : ESV.INF), true);
      this.scheduleAnnouncement();
    }, next - now);
  }

  /** Runs fn after a radio delay (divided in fast mode), unless stopped or unplugged first. */
  private later(realisticMs: number, fn: () => void): void {
    const ms = this.o.timing === 'fast' ? realisticMs / FAST_DIVISOR : realisticMs;
    const timer = this.o.clock.setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private event(code: number, addr: string, param?: number): string {
    const side = this.family === 'dual-stack' ? ' 0' : '';
    return `EVENT ${hex(code, 2)} ${addr}${side}${param === undefined ? '' : ` ${hex(param, 2)}`}`;
  }

  private sendDatagram(port: number, data: Uint8Array, secured: boolean): void {
    const fields = this.o.traits.erxudpFields;
    const lqi = fields >= 10 ? ` ${hex(METER_LQI, 2)}` : '';
    const side = fields === 11 ? ' 0' : '';
    const head = `ERXUDP ${this.meterLla} ${this.dongleLla} ${hex(port, 4)} ${hex(port, 4)} ${this.o.meterMac}${lqi} ${secured ? 1 : 0}${side} ${hex(data.length, 4)} `;
    const ascii = this.asciiMode || this.o.traits.asciiOnly;
    const body = ascii ? Buffer.from(Buffer.from(data).toString('hex').toUpperCase(), 'latin1') : Buffer.from(data);
    this.sendRaw(Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\r\n')]));
  }

  private send(lines: string[]): void {
    if (lines.length === 0) return;
    this.sendRaw(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
  }

  /** Every output message passes here, where the noise faults are injected between messages. */
  private sendRaw(message: Buffer): void {
    if (this.faults.silent) return;
    this.messages++;
    const { garbageEvery, partialEvery } = this.faults;
    if (garbageEvery > 0 && this.messages % garbageEvery === 0) {
      this.o.output(Buffer.from([0x15, 0xfe, 0x40, 0x23, 0x00, 0x7f, 0x21, 0x0d, 0x0a]));
    }
    if (partialEvery > 0 && this.messages % partialEvery === 0) {
      this.o.output(message.subarray(0, Math.max(1, Math.floor(message.indexOf(0x20) + 6))));
    }
    this.o.output(message);
  }
}

/** SKLL64: FE80::/64 with the MAC as interface identifier, universal/local bit flipped (RFC 4291). */
function linkLocal(mac: string): string {
  const bytes = Buffer.from(mac, 'hex');
  bytes[0] = bytes[0]! ^ 0x02;
  const groups = bytes.toString('hex').toUpperCase().match(/.{4}/g)!;
  return `FE80:0000:0000:0000:${groups.join(':')}`;
}

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}
