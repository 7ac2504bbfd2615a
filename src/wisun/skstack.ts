/**
 * SKSTACK IP over a serial port: one command at a time, typed answers, asynchronous EVENT / ERXUDP
 * lines as events. Knows the dongle families (dialects.ts) but nothing of sessions, meters or
 * Homebridge: session.ts builds the join flow and the escalation ladder on top of this.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../util/clock.js';
import { redactingLogger, type Logger } from '../util/log.js';
import { dialectFor, familyFromEinfo, type Dialect, type DongleFamily } from './dialects.js';
import { SkstackError, UnsupportedDeviceError } from './errors.js';
import { SkstackReader, type PanDescriptor, type ReaderItem, type SkstackEvent, type UdpDatagram } from './skstack-reader.js';

// The link's public vocabulary, importable from this one module (@public: for session.ts and users).
/** @public */
export type { DongleFamily } from './dialects.js';
export type { PanDescriptor, SkstackEvent, UdpDatagram } from './skstack-reader.js';
export { SkstackError, UnsupportedDeviceError } from './errors.js';
/** @public */
export type { SkstackErrorCode, UnsupportedKind } from './errors.js';

/** EVENT numbers (read as hex, as printed) the layers above act on. */
export const SK_EVENT = {
  BEACON: 0x20,
  UDP_SENT: 0x21,
  SCAN_DONE: 0x22,
  PANA_FAILED: 0x24,
  PANA_OK: 0x25,
  SESSION_TERMINATE_REQUEST: 0x26,
  SESSION_TERMINATED: 0x27,
  SESSION_TERMINATE_TIMEOUT: 0x28,
  SESSION_EXPIRED: 0x29,
  TRANSMIT_LIMIT_ON: 0x32,
  TRANSMIT_LIMIT_OFF: 0x33,
} as const;

/** What of a serialport SerialPort (or any Duplex with close()) the link uses. */
export interface SerialLike {
  write(data: Uint8Array): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): unknown;
  close(callback?: (err?: Error | null) => void): unknown;
}

export interface SkstackLink extends EventEmitter {
  readonly family: DongleFamily;
  readonly version: string;
  setCredentials(id: string, password: string): Promise<void>;
  scan(duration: number): Promise<PanDescriptor[]>;
  linkLocal(mac: string): Promise<string>;
  setChannelAndPan(channel: number, panId: number): Promise<void>;
  join(ipv6: string): Promise<'joined' | 'rejected'>;
  sendUdp(ipv6: string, data: Uint8Array): Promise<void>;
  terminate(): Promise<void>;
  close(): Promise<void>;
}

export interface SkstackOptions {
  clock: Clock;
  log: Logger;
  /** How long a plain command may take to answer OK/FAIL. Real dongles answer within ~100 ms. */
  commandTimeoutMs?: number;
  /** How long SKJOIN may take to end in EVENT 25/24. Field logs show ~10 s; meters far away take longer. */
  joinTimeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_JOIN_TIMEOUT_MS = 90_000;
/** 920 MHz band channels 33..60 that SKSCAN mask FFFFFFFF covers. */
const SCAN_CHANNELS = 28;
const B_ROUTE_ID_LENGTH = 32;
const MAX_PASSWORD_LENGTH = 32;

/**
 * Opens the link: echo off, version, family, ERXUDP output format. Rejects with UnsupportedDeviceError
 * when the port holds a J11 binary-protocol dongle or something that is not a dongle at all; the caller
 * still owns (and closes) the stream then.
 */
export async function openSkstack(stream: SerialLike, opts: SkstackOptions): Promise<SkstackLink> {
  const link = new Link(stream, opts);
  try {
    await link.init();
    return link;
  } catch (err) {
    link.detach();
    throw err;
  }
}

/** Replaces the arguments of credential commands, wherever a command line is shown. */
function maskCommand(line: string): string {
  return line.replace(/\b(SKSETPWD|SKSETRBID)\b.*/g, '$1 ***');
}

interface Pending {
  display: string;
  /** Data lines that belong to the answer (EVER, EINFO, ...). */
  accept: (line: string) => boolean;
  /** The line that completes the answer; default "OK" / "OK <value>". */
  terminal: (line: string) => boolean;
  lines: string[];
  resolve: (lines: string[]) => void;
  reject: (err: Error) => void;
  timer: TimerHandle;
}

interface Waiter {
  match: (e: SkstackEvent) => boolean;
  resolve: (e: SkstackEvent) => void;
  reject: (err: Error) => void;
  /** False until the command it waits on has answered OK (see waitFor). */
  armed: boolean;
}

interface CommandOptions {
  payload?: Uint8Array;
  display?: string;
  accept?: (line: string) => boolean;
  terminal?: (line: string) => boolean;
}

const isOk = (line: string): boolean => /^OK( |$)/.test(line);
const isIpv6 = (line: string): boolean => /^[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{0,4}){2,7}$/.test(line.trim());
const isEcho = (line: string): boolean => /^(SK[A-Z0-9]+|ROPT|WOPT)\b/.test(line);

class Link extends EventEmitter implements SkstackLink {
  family: DongleFamily = 'single-hop';
  version = '';
  private dialect: Dialect = dialectFor('single-hop');
  private readonly reader = new SkstackReader();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly commandTimeoutMs: number;
  private readonly joinTimeoutMs: number;
  private secrets: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private readonly waiters = new Set<Waiter>();
  private scanResults: PanDescriptor[] | undefined;
  private transmitLimited = false;
  private closed = false;
  private sawGarbage = false;
  private sawBinaryProtocol = false;

  private readonly onData = (chunk: Buffer): void => {
    for (const item of this.reader.push(chunk)) this.handle(item);
  };
  private readonly onClose = (): void => this.shutDown();
  private readonly onError = (err: Error): void => this.log.warn(`serial port error: ${err.message}`);

  constructor(
    private readonly stream: SerialLike,
    opts: SkstackOptions,
  ) {
    super();
    this.clock = opts.clock;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.joinTimeoutMs = opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
    // Redaction at the logger catches a secret wherever it shows up (an echo, a FAIL line, a bug).
    this.log = redactingLogger(opts.log, () => this.secrets);
    stream.on('data', this.onData);
    stream.on('close', this.onClose);
    stream.on('error', this.onError);
  }

  async init(): Promise<void> {
    await this.serial(async () => {
      await this.disableEcho();
      const ever = await this.run('SKVER', { accept: (l) => l.startsWith('EVER ') });
      this.version = ever.find((l) => l.startsWith('EVER '))?.slice(5).trim() ?? '';
      const einfo = (await this.run('SKINFO', { accept: (l) => l.startsWith('EINFO ') })).find((l) => l.startsWith('EINFO '));
      const family = einfo ? familyFromEinfo(einfo) : undefined;
      if (!family) throw new UnsupportedDeviceError('not-skstack');
      this.family = family;
      this.dialect = dialectFor(family);
      await this.ensureAsciiOutput();
      this.log.info(`Wi-SUN dongle ready: SKSTACK ${this.version || '(unknown version)'}, ${family}`);
    });
  }

  /** Dongles start with echo on; a first FAIL is usually bytes left in its input buffer, so one retry. */
  private async disableEcho(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run('SKSREG SFE 0');
        return;
      } catch (err) {
        if (err instanceof SkstackError && err.code === 'fail' && attempt < 2) continue;
        if (err instanceof SkstackError && err.code === 'timeout') {
          throw new UnsupportedDeviceError(this.sawBinaryProtocol ? 'j11-binary' : this.sawGarbage ? 'not-skstack' : 'no-answer');
        }
        throw err;
      }
    }
  }

  /**
   * ASCII ERXUDP output is easier to read in a debug log, and the reader handles both anyway, so WOPT is
   * written only when ROPT says it is off: WOPT writes flash, which wears out after ~10,000 writes.
   */
  private async ensureAsciiOutput(): Promise<void> {
    let ropt: string[];
    try {
      ropt = await this.run('ROPT');
    } catch (err) {
      // FAIL ER04 (unknown command): an ASCII-only dongle such as the RL7023 Stick-D/DSS.
      if (err instanceof SkstackError && err.code === 'fail') {
        this.log.debug('ROPT not supported: the dongle always prints ASCII');
        return;
      }
      throw err;
    }
    const value = Number.parseInt(ropt.at(-1)?.split(/\s+/)[1] ?? '', 16);
    if (Number.isNaN(value)) {
      // Without a readable state, writing would risk a flash write on every start: leave it.
      this.log.debug(`ROPT answer "${ropt.at(-1)}" not understood; leaving the output mode as it is`);
      return;
    }
    if ((value & 1) === 1) return;
    this.log.info('Switching the dongle to ASCII output (WOPT 01, stored in its flash once)');
    await this.run('WOPT 01');
  }

  setCredentials(id: string, password: string): Promise<void> {
    try {
      checkCredentials(id, password);
    } catch (err) {
      return Promise.reject(err); // a rejection like every other failure of the link, not a throw
    }
    this.secrets = [id, password];
    return this.serial(async () => {
      await this.run(`SKSETPWD ${password.length.toString(16).toUpperCase()} ${password}`);
      await this.run(`SKSETRBID ${id}`);
    });
  }

  scan(duration: number): Promise<PanDescriptor[]> {
    if (!Number.isInteger(duration) || duration < 0 || duration > 14) {
      return Promise.reject(new RangeError(`scan duration ${duration} is outside 0..14`));
    }
    // Every channel takes 0.01 s x (2^d + 1); half as much again plus 10 s before giving up.
    const expectedMs = SCAN_CHANNELS * 10 * (2 ** duration + 1);
    return this.serial(async () => {
      const done = this.waitFor((e) => e.code === SK_EVENT.SCAN_DONE, 'after-ok');
      this.scanResults = [];
      try {
        await this.run(this.dialect.scanCommand(duration));
        await this.deadline(done, expectedMs * 1.5 + 10_000, 'The active scan for the smart meter did not finish');
        return bestPerAddress(this.scanResults);
      } finally {
        done.cancel();
        this.scanResults = undefined;
      }
    });
  }

  linkLocal(mac: string): Promise<string> {
    if (!/^[0-9A-Fa-f]{16}$/.test(mac)) return Promise.reject(new RangeError(`"${mac}" is not a 64-bit MAC address`));
    return this.serial(async () => {
      const lines = await this.run(`SKLL64 ${mac.toUpperCase()}`, { terminal: isIpv6 });
      return lines.at(-1)!.trim();
    });
  }

  setChannelAndPan(channel: number, panId: number): Promise<void> {
    return this.serial(async () => {
      await this.run(`SKSREG S2 ${hex(channel, 2)}`);
      await this.run(`SKSREG S3 ${hex(panId, 4)}`);
    });
  }

  join(ipv6: string): Promise<'joined' | 'rejected'> {
    return this.serial(async () => {
      const outcome = this.waitFor((e) => e.code === SK_EVENT.PANA_OK || e.code === SK_EVENT.PANA_FAILED, 'after-ok');
      try {
        await this.run(`SKJOIN ${ipv6}`);
        const e = await this.deadline(
          outcome,
          this.joinTimeoutMs,
          'The smart meter did not answer the join (PANA authentication). It may be out of radio range or busy',
        );
        return e.code === SK_EVENT.PANA_OK ? 'joined' : 'rejected';
      } finally {
        outcome.cancel();
      }
    });
  }

  sendUdp(ipv6: string, data: Uint8Array): Promise<void> {
    return this.serial(async () => {
      if (this.transmitLimited) throw transmitLimitError();
      // EVENT 21 usually comes before OK, so listen before writing.
      const sent = this.waitFor((e) => e.code === SK_EVENT.UDP_SENT || e.code === SK_EVENT.TRANSMIT_LIMIT_ON);
      try {
        const header = this.dialect.sendToHeader(ipv6, data.length);
        await this.run(`${header} `, { payload: data, display: `${header} <${data.length} bytes>` });
        const e = await this.deadline(sent, this.commandTimeoutMs, 'The dongle did not report the end of a send');
        if (e.code === SK_EVENT.TRANSMIT_LIMIT_ON) throw transmitLimitError();
        if (e.param === 1) throw new SkstackError('send-failed', 'The smart meter did not acknowledge a request (radio link weak or busy).');
        if (e.param === 2) {
          throw new SkstackError('send-failed', 'The dongle is still resolving the smart meter address (neighbour solicitation); retry shortly.');
        }
      } finally {
        sent.cancel();
      }
    });
  }

  terminate(): Promise<void> {
    return this.serial(async () => {
      try {
        await this.run('SKTERM');
      } catch (err) {
        // FAIL ER10: there was no session to terminate, which is what the caller wants anyway.
        if (!(err instanceof SkstackError && err.code === 'fail' && err.message.includes('ER10'))) throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
    await new Promise<void>((resolve) => this.stream.close(() => resolve()));
    // Not every stream emits 'close' after close(); make sure waiters and listeners are released.
    this.shutDown();
    await closed;
  }

  detach(): void {
    this.stream.removeListener('data', this.onData);
    this.stream.removeListener('close', this.onClose);
    this.stream.removeListener('error', this.onError);
    this.failAll(new SkstackError('closed', 'The Wi-SUN link was closed.'));
  }

  private shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.emit('close');
  }

  private failAll(err: SkstackError): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      p.timer.cancel();
      p.reject(err);
    }
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }

  /** Runs fn when every earlier public call has finished: the dongle handles one command at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Writes one command and collects its answer. Only called inside serial(). */
  private run(command: string, opts: CommandOptions = {}): Promise<string[]> {
    const display = opts.display ?? maskCommand(command.trimEnd());
    if (this.closed) return Promise.reject(new SkstackError('closed', `The Wi-SUN dongle is disconnected (${display}).`));
    return new Promise<string[]>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        reject(new SkstackError('timeout', `The Wi-SUN dongle did not answer "${display}" within ${this.commandTimeoutMs / 1000} s.`));
      }, this.commandTimeoutMs);
      this.pending = {
        display,
        accept: opts.accept ?? (() => false),
        terminal: opts.terminal ?? isOk,
        lines: [],
        resolve,
        reject,
        timer,
      };
      this.log.debug(`> ${display}`);
      const text = Buffer.from(opts.payload ? command : `${command}\r\n`, 'latin1');
      this.stream.write(opts.payload ? Buffer.concat([text, opts.payload]) : text);
    });
  }

  /**
   * Listens for an event from before the command is written (it can come in the same read as the OK).
   * 'after-ok' ignores it until the command's OK: SKSCAN and SKJOIN answer OK first and end with their
   * event later, so an EVENT 22/24/25 before that OK is a late one from a scan or join that timed out
   * earlier, and must not end this one.
   */
  private waitFor(match: (e: SkstackEvent) => boolean, from: 'now' | 'after-ok' = 'now'): { promise: Promise<SkstackEvent>; cancel(): void } {
    let waiter!: Waiter;
    const promise = new Promise<SkstackEvent>((resolve, reject) => {
      waiter = { match, resolve, reject, armed: from === 'now' };
    });
    promise.catch(() => undefined); // rejected by close() even when nobody awaits it any more
    this.waiters.add(waiter);
    return { promise, cancel: () => this.waiters.delete(waiter) };
  }

  private deadline<T>(w: { promise: Promise<T> }, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new SkstackError('timeout', `${what} within ${Math.round(ms / 1000)} s.`)), ms);
      w.promise.then(
        (v) => {
          timer.cancel();
          resolve(v);
        },
        (err: unknown) => {
          timer.cancel();
          reject(err);
        },
      );
    });
  }

  private handle(item: ReaderItem): void {
    switch (item.kind) {
      case 'line':
        return this.onLine(item.line);
      case 'event':
        return this.onEvent(item.event);
      case 'udp':
        this.log.debug(`< ERXUDP from ${item.datagram.sender} port ${hex(item.datagram.rport, 4)}, ${item.datagram.data.length} bytes (${item.encoding})`);
        this.emit('udp', item.datagram);
        return;
      case 'pan':
        this.log.debug(`< EPANDESC channel ${hex(item.pan.channel, 2)} PAN ${hex(item.pan.panId, 4)} addr ${item.pan.addr} LQI ${item.pan.lqi}`);
        this.scanResults?.push(item.pan);
        return;
      case 'garbage':
        return this.onGarbage(item.line);
      case 'binary-protocol':
        this.sawBinaryProtocol = true;
        this.onGarbage('(J11 binary protocol frame)');
        if (this.pending) this.finishPending(new UnsupportedDeviceError('j11-binary'));
        return;
    }
  }

  private onLine(line: string): void {
    const p = this.pending;
    if (isEcho(line)) {
      this.log.debug(`< (echo) ${maskCommand(line)}`);
      return;
    }
    this.log.debug(`< ${line}`);
    if (!p) return this.onGarbage(line);
    if (line.startsWith('FAIL')) {
      const code = line.split(/\s+/)[1] ?? '';
      this.finishPending(new SkstackError('fail', `The Wi-SUN dongle refused "${p.display}" (${code}${errorHint(code)}).`));
    } else if (p.terminal(line)) {
      p.lines.push(line);
      this.finishPending(undefined);
    } else if (p.accept(line)) {
      p.lines.push(line);
    } else {
      this.onGarbage(line);
    }
  }

  private finishPending(err: Error | undefined): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.timer.cancel();
    if (err) return p.reject(err);
    // commands run one at a time, so the waiters not yet armed are this command's
    for (const w of this.waiters) w.armed = true;
    p.resolve(p.lines);
  }

  private onEvent(e: SkstackEvent): void {
    this.log.debug(`< EVENT ${hex(e.code, 2)}${e.sender ? ` ${e.sender}` : ''}${e.side !== undefined ? ` side ${e.side}` : ''}${e.param !== undefined ? ` param ${hex(e.param, 2)}` : ''}`);
    if (e.code === SK_EVENT.TRANSMIT_LIMIT_ON) this.transmitLimited = true;
    if (e.code === SK_EVENT.TRANSMIT_LIMIT_OFF) this.transmitLimited = false;
    for (const w of this.waiters) {
      if (w.armed && w.match(e)) {
        this.waiters.delete(w);
        w.resolve(e);
      }
    }
    this.emit('event', e);
  }

  private onGarbage(line: string): void {
    this.sawGarbage = true;
    this.log.debug(`< (ignored) ${line}`);
    this.emit('garbage', line);
  }
}

/**
 * Throws SkstackError 'bad-credentials-format' when the ID or password cannot be sent as they are. Callers
 * check before they open the port, so that a credential with a line break in it never reaches the dongle.
 */
export function checkCredentials(id: string, password: string): void {
  checkCredential(id, 'B-route ID', B_ROUTE_ID_LENGTH, B_ROUTE_ID_LENGTH);
  checkCredential(password, 'B-route password', 1, MAX_PASSWORD_LENGTH);
}

function checkCredential(value: string, what: string, min: number, max: number): void {
  // Printable ASCII without spaces: a space would split the command, CR/LF would end it early.
  if (!/^[\x21-\x7e]*$/.test(value)) {
    throw new SkstackError('bad-credentials-format', `The ${what} contains spaces, line breaks or non-ASCII characters; copy it again from the utility's letter.`);
  }
  if (value.length < min || value.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new SkstackError('bad-credentials-format', `The ${what} has ${value.length} characters; it should have ${expected}.`);
  }
}

function transmitLimitError(): SkstackError {
  return new SkstackError(
    'transmit-limit',
    'The dongle has used up its radio transmit time allowed by law (ARIB STD-T108) for now; requests resume when it is released.',
  );
}

/** One descriptor per meter (a meter seen on several beacons), the strongest first. */
function bestPerAddress(pans: readonly PanDescriptor[]): PanDescriptor[] {
  const best = new Map<string, PanDescriptor>();
  for (const p of pans) {
    const seen = best.get(p.addr);
    if (!seen || p.lqi > seen.lqi) best.set(p.addr, p);
  }
  return [...best.values()].sort((a, b) => b.lqi - a.lqi);
}

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

function errorHint(code: string): string {
  switch (code) {
    case 'ER04':
      return ': command not supported';
    case 'ER05':
      return ': wrong number of arguments';
    case 'ER06':
      return ': argument out of range';
    case 'ER09':
      return ': serial input error';
    case 'ER10':
      return ': execution failed';
    default:
      return '';
  }
}
