/**
 * The B-route session: joins the meter (cached PAN first, scan only when needed), keeps the send gate in
 * step with the dongle's EVENTs, and climbs an escalation ladder when the meter goes quiet:
 *
 *   retry the request -> rejoin with the cached PAN -> rescan -> close and reopen the serial port ->
 *   keep reopening with a capped exponential backoff.
 *
 * The ladder resets only when a request is answered again (reportSuccess), not when a join succeeds:
 * a dongle that joins but then delivers nothing must still reach the reopen step. Nothing here throws
 * into the host: `start()` supervises in the background and reports each step as a 'state' event.
 * `connect()` is the one-attempt variant for the CLI, which wants a typed error instead of patience.
 */
import { ECHONET_PORT } from '../echonet/transport.js';
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../util/clock.js';
import { redactingLogger, type Logger } from '../util/log.js';
import { errorMessage, guard } from '../util/guard.js';
import { SkstackError } from './errors.js';
import { checkCredentials, openSkstack, SK_EVENT, type PanDescriptor, type SerialLike, type SkstackEvent, type SkstackLink, type UdpDatagram } from './skstack.js';
import type { Pan, PanCache } from './pan-cache.js';

export type BrouteErrorCode =
  /** The meter refused the B-route ID / password (EVENT 24 after a fresh scan). */
  | 'bad-credentials'
  /** No meter answered even the longest scan. */
  | 'no-meter'
  /** A send while the gate is closed (not joined, session ending, transmit-time limit). */
  | 'not-ready'
  /** The meter did not answer a request, even after the ladder's retry. */
  | 'timeout'
  /** The meter answered a request with a refusal (SNA) or without the property asked for. */
  | 'refused'
  /** The session was stopped while the operation waited. */
  | 'stopped';

export class BrouteError extends Error {
  override readonly name = 'BrouteError';
  constructor(
    readonly code: BrouteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const BAD_CREDENTIALS_MESSAGE =
  "the B-route ID or password was rejected by the meter: check them in the utility's letter; if you just " +
  'applied, registration can take days; PLC meters are not supported';

const NO_METER_MESSAGE =
  'no smart meter answered the scan: check that the dongle is within radio range of the meter (a few metres ' +
  'of walls at most, away from metal), that the B-route service is active, and that the meter is a Wi-SUN ' +
  '(not PLC) meter';

/** The escalation ladder, in order. 'retry' is done by the requester; the others by the session. */
const LADDER = ['retry', 'rejoin', 'rescan', 'reopen', 'backoff'] as const;
type LadderStep = (typeof LADDER)[number];

type SessionState =
  | 'opening'
  | 'scanning'
  | 'joining'
  /** Joined and the gate is open: requests may be sent. */
  | 'ready'
  /** Joined but the gate is closed for a while (session ending, transmit-time limit). */
  | 'paused'
  | 'recovering'
  | 'bad-credentials'
  | 'stopped';

export interface SessionStateEvent {
  readonly state: SessionState;
  /** The ladder step this state belongs to, when it is part of a recovery. */
  readonly step?: LadderStep;
  readonly reason: string;
}

export interface SessionEvents {
  state: [SessionStateEvent];
  /** The gate opened (after a join, a rejoin, a reopen, or the end of a pause). */
  ready: [];
  /** An ECHONET Lite datagram from the meter (UDP port 3610). */
  datagram: [Uint8Array];
}

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface BrouteSessionOptions {
  readonly id: string;
  readonly password: string;
  /** Opens the dongle's serial port; called again for every reopen, so it may look the port up anew. */
  readonly openPort: () => Promise<SerialLike>;
  /** Speaks SKSTACK over an open port; tests inject a fake link here. */
  readonly openLink?: (stream: SerialLike, opts: { clock: Clock; log: Logger }) => Promise<SkstackLink>;
  readonly panCache: PanCache;
  readonly clock: Clock;
  readonly log: Logger;
  /** SKSCAN durations tried in turn until a meter answers. */
  readonly scanDurations?: readonly number[];
  /** Waits between reopen attempts once the ladder is at its top. */
  readonly backoff?: Backoff;
  /** Waits between join attempts after the meter rejected the credentials: never hammer the meter. */
  readonly credentialsBackoff?: Backoff;
  /** How long a session the meter ended (EVENT 26/27) may stay without a new EVENT 25 before we rejoin. */
  readonly sessionGraceMs?: number;
  /** How long the transmit-time limit (EVENT 32) may last without EVENT 33 before we reopen the dongle. */
  readonly transmitLimitMaxMs?: number;
}

const DEFAULTS = {
  backoff: { initialMs: 5_000, maxMs: 5 * 60_000 },
  credentialsBackoff: { initialMs: 60_000, maxMs: 60 * 60_000 },
  sessionGraceMs: 10_000,
  // ARIB STD-T108 counts transmit time per hour, so the limit must lift within one
  transmitLimitMaxMs: 60 * 60_000,
};

/** What the supervisor does next. 'start' is the first connection; 'credentials' waits out a rejection. */
type Action = { readonly step: 'start' | 'credentials' | Exclude<LadderStep, 'retry'>; readonly reason: string };

export class BrouteSession extends EventEmitter<SessionEvents> {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly scanDurations: readonly number[];
  private readonly backoff: Backoff;
  private readonly credentialsBackoff: Backoff;
  private link: SkstackLink | undefined;
  /** The port while the link on it is being opened: stop() closes it so the opening ends at once. */
  private opening: SerialLike | undefined;
  private currentPan: Pan | undefined;
  /** A join, scan or reopen is in progress: the EVENTs it causes are its own business. */
  private busy = false;
  private stopped = false;
  private sessionUp = false;
  private transmitLimited = false;
  private gateOpen = false;
  /** Index into LADDER of the step the next reported failure takes. */
  private level = 0;
  private backoffMs: number;
  private credentialsDelayMs: number;
  private wake: ((action: Action) => void) | undefined;
  private graceTimer: TimerHandle | undefined;
  private limitTimer: TimerHandle | undefined;
  private readonly sleeps = new Set<() => void>();
  private supervisor: Promise<void> | undefined;
  private lastWarning: string | undefined;

  constructor(private readonly opts: BrouteSessionOptions) {
    super();
    // Secrets are removed at the logger, so that no message (ours or a wrapped error's) can leak them.
    this.log = redactingLogger(opts.log, () => [opts.id, opts.password]);
    this.clock = opts.clock;
    this.scanDurations = opts.scanDurations ?? SCAN_DURATIONS;
    this.backoff = opts.backoff ?? DEFAULTS.backoff;
    this.credentialsBackoff = opts.credentialsBackoff ?? DEFAULTS.credentialsBackoff;
    this.backoffMs = this.backoff.initialMs;
    this.credentialsDelayMs = this.credentialsBackoff.initialMs;
  }

  /** True while requests may be sent. */
  get ready(): boolean {
    return this.gateOpen;
  }

  get pan(): Pan | undefined {
    return this.currentPan;
  }

  /** Connects and keeps the session alive in the background until stop(); never rejects. */
  start(): void {
    if (this.supervisor) return;
    this.supervisor = this.supervise();
    guard(this.log, 'B-route session', this.supervisor);
  }

  /** One attempt to open the port and join, for the CLI: rejects with a BrouteError or SkstackError. */
  async connect(): Promise<void> {
    await this.perform({ step: 'start', reason: 'connecting' });
    this.setGate();
  }

  /** Sends one ECHONET Lite frame to the meter. Rejects with BrouteError 'not-ready' while the gate is closed. */
  async send(data: Uint8Array): Promise<void> {
    const link = this.link;
    const pan = this.currentPan;
    if (!this.gateOpen || !link || !pan) throw new BrouteError('not-ready', 'the B-route session is not ready');
    try {
      await link.sendUdp(pan.ipv6, data);
    } catch (err) {
      // The dongle can tell us about the limit before EVENT 32 reaches us.
      if (err instanceof SkstackError && err.code === 'transmit-limit') this.onTransmitLimit(true);
      throw err;
    }
  }

  /**
   * A request went unanswered (or failed). Returns 'retry' when the requester should simply try again,
   * 'recovering' when the session has taken over (the requester waits for the next 'ready').
   */
  reportFailure(reason: string): 'retry' | 'recovering' {
    if (!this.gateOpen || this.busy) return 'recovering';
    const step = LADDER[this.level]!;
    this.level = Math.min(this.level + 1, LADDER.length - 1);
    if (step === 'retry') {
      this.report({ state: 'ready', step, reason: `retrying the request (${reason})` }, 'warn');
      return 'retry';
    }
    this.trouble({ step, reason });
    return 'recovering';
  }

  /** A request was answered: the link works, so the ladder starts from the bottom again. */
  reportSuccess(): void {
    this.level = 0;
    this.backoffMs = this.backoff.initialMs;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimers();
    for (const wake of this.sleeps) wake();
    this.wake?.({ step: 'rejoin', reason: 'stopping' });
    // a link still being opened would otherwise wait for its command timeouts before it notices
    if (this.opening) this.closeStream(this.opening);
    // Ending the PANA session is polite, but not worth waiting behind a scan or join in progress.
    await this.closeLink(this.sessionUp && !this.busy);
    await this.supervisor;
    this.gateOpen = false;
    this.report({ state: 'stopped', reason: 'stopped' }, 'info');
  }

  private async supervise(): Promise<void> {
    let action: Action = { step: 'start', reason: 'starting' };
    while (!this.stopped) {
      try {
        await this.perform(action);
        if (this.stopped) break;
        this.credentialsDelayMs = this.credentialsBackoff.initialMs;
        this.setGate();
        action = await new Promise<Action>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      } catch (err) {
        if (this.stopped) break;
        action = this.afterFailure(action, err);
      }
    }
  }

  /** Closes the gate and hands a recovery step to the supervisor (ignored while one is in progress). */
  private trouble(action: Action): void {
    if (this.busy || !this.wake) return;
    this.cancelTimers();
    this.sessionUp = false;
    this.setGate();
    this.wake(action);
    this.wake = undefined;
  }

  /** The step after a failed one: one rung up the ladder, and never below reopening when the port is gone. */
  private afterFailure(failed: Action, err: unknown): Action {
    const why = errorMessage(err);
    // Credentials the meter refused, or that cannot even be sent: only the user can fix them, so wait long.
    const credentials = err instanceof BrouteError ? err.code === 'bad-credentials' : err instanceof SkstackError && err.code === 'bad-credentials-format';
    if (credentials) return { step: 'credentials', reason: why };
    const reopen = LADDER.indexOf('reopen');
    const failedIndex = failed.step === 'start' || failed.step === 'credentials' ? reopen : LADDER.indexOf(failed.step);
    const portGone = err instanceof SkstackError && err.code === 'closed';
    const index = Math.min(Math.max(failedIndex + 1, portGone ? reopen : 0), LADDER.length - 1);
    this.level = Math.min(index + 1, LADDER.length - 1);
    return { step: LADDER[index] as Action['step'], reason: `${failed.step} failed: ${why}` };
  }

  private async perform(action: Action): Promise<void> {
    this.busy = true;
    try {
      switch (action.step) {
        case 'start':
          await this.openFresh();
          await this.joinMeter(true);
          return;
        case 'rejoin':
          this.report({ state: 'recovering', step: 'rejoin', reason: `rejoining the meter with the cached PAN: ${action.reason}` }, 'warn');
          if (!this.link) await this.openFresh();
          await this.joinMeter(true);
          return;
        case 'rescan':
          this.report({ state: 'recovering', step: 'rescan', reason: `scanning for the meter again: ${action.reason}` }, 'warn');
          if (!this.link) await this.openFresh();
          await this.joinMeter(false);
          return;
        case 'reopen':
          this.report({ state: 'recovering', step: 'reopen', reason: `reopening the serial port: ${action.reason}` }, 'warn');
          await this.closeLink(false);
          await this.openFresh();
          await this.joinMeter(true);
          return;
        case 'backoff': {
          const wait = this.backoffMs;
          this.backoffMs = Math.min(this.backoffMs * 2, this.backoff.maxMs);
          this.report(
            { state: 'recovering', step: 'backoff', reason: `waiting ${Math.round(wait / 1000)} s, then reopening the serial port: ${action.reason}` },
            'warn',
          );
          await this.closeLink(false);
          await this.sleep(wait);
          await this.openFresh();
          await this.joinMeter(true);
          return;
        }
        case 'credentials': {
          const wait = this.credentialsDelayMs;
          this.credentialsDelayMs = Math.min(this.credentialsDelayMs * 2, this.credentialsBackoff.maxMs);
          this.report({ state: 'bad-credentials', reason: `${action.reason}; trying again in ${Math.round(wait / 1000)} s` }, 'error');
          await this.sleep(wait);
          if (!this.link) await this.openFresh();
          await this.joinMeter(true);
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async openFresh(): Promise<void> {
    // credentials that cannot be sent fail here, before a byte goes to the dongle (and before every retry)
    checkCredentials(this.opts.id, this.opts.password);
    this.report({ state: 'opening', reason: 'opening the Wi-SUN dongle' }, 'info');
    const stream = await this.opts.openPort();
    let link: SkstackLink;
    try {
      this.checkNotStopped();
      this.opening = stream;
      link = await (this.opts.openLink ?? openSkstack)(stream, { clock: this.clock, log: this.log });
    } catch (err) {
      this.closeStream(stream); // a failed open leaves the stream to us
      throw err;
    } finally {
      this.opening = undefined;
    }
    if (this.stopped) {
      await link.close();
      throw stoppedError();
    }
    link.on('event', (e: SkstackEvent) => this.onEvent(e));
    link.on('udp', (d: UdpDatagram) => {
      if (d.lport === ECHONET_PORT && this.link === link) this.emit('datagram', d.data);
    });
    link.on('close', () => {
      if (this.link !== link) return;
      this.link = undefined;
      this.trouble({ step: 'reopen', reason: 'the serial port closed (was the dongle unplugged?)' });
    });
    this.link = link;
    await link.setCredentials(this.opts.id, this.opts.password);
  }

  /**
   * Closes a port the link does not own. Always with a callback: without one, serialport reports closing
   * an already closed port (stop() closed it, or the dongle vanished) as an 'error' event nobody listens
   * to, which Homebridge logs as an uncaught "Port is not open".
   */
  private closeStream(stream: SerialLike): void {
    stream.close((err) => {
      if (err) this.log.debug(`closing the dongle's port: ${errorMessage(err)}`);
    });
  }

  private async closeLink(terminate: boolean): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.sessionUp = false;
    this.setGate();
    if (!link) return;
    if (terminate) await link.terminate().catch(() => undefined); // polite, not required
    await link.close().catch((err: unknown) => this.log.debug(`closing the dongle: ${errorMessage(err)}`));
  }

  /**
   * Joins with the cached PAN when there is one (no scan). A rejection there may only mean the cache is
   * stale (meter replaced, channel changed), so the cache is dropped and one fresh scan decides; a
   * rejection after a fresh scan means the credentials.
   */
  private async joinMeter(useCache: boolean): Promise<void> {
    const cached = useCache ? (this.currentPan ?? (await this.opts.panCache.load())) : undefined;
    if (cached) {
      if (await this.tryJoin(cached, 'the cached PAN')) return;
      this.log.warn('the meter rejected the join with the cached PAN: dropping the cache and scanning again');
      this.currentPan = undefined;
      await this.opts.panCache.clear().catch((err: unknown) => this.log.warn(`cannot clear the PAN cache: ${errorMessage(err)}`));
    }
    const found = await this.scanForMeter();
    const ipv6 = await this.requireLink().linkLocal(found.addr);
    const pan: Pan = { channel: found.channel, channelPage: found.channelPage, panId: found.panId, addr: found.addr, ipv6 };
    if (!(await this.tryJoin(pan, 'the scanned PAN'))) throw new BrouteError('bad-credentials', BAD_CREDENTIALS_MESSAGE);
    await this.opts.panCache.save(pan).catch((err: unknown) => this.log.warn(`cannot save the PAN cache: ${errorMessage(err)}`));
  }

  private async tryJoin(pan: Pan, which: string): Promise<boolean> {
    const link = this.requireLink();
    this.report({ state: 'joining', reason: `joining the meter on channel ${pan.channel}, PAN ${hex4(pan.panId)} (${which})` }, 'info');
    await link.setChannelAndPan(pan.channel, pan.panId);
    const outcome = await link.join(pan.ipv6);
    if (outcome !== 'joined') return false;
    this.currentPan = pan;
    this.sessionUp = true;
    return true;
  }

  private async scanForMeter(): Promise<PanDescriptor> {
    const found = await scanUntil(
      this.requireLink(),
      this.scanDurations,
      (pans) => choosePan(pans, this.opts.id),
      (duration) => this.report({ state: 'scanning', reason: `scanning for the meter (SKSCAN duration ${duration})` }, 'info'),
    );
    if (!found) throw new BrouteError('no-meter', NO_METER_MESSAGE);
    return found;
  }

  private checkNotStopped(): void {
    if (this.stopped) throw stoppedError();
  }

  private requireLink(): SkstackLink {
    this.checkNotStopped();
    if (!this.link) throw new SkstackError('closed', 'the dongle is not open');
    return this.link;
  }

  private onEvent(e: SkstackEvent): void {
    // The transmit-time limit is the dongle's, whatever the session is doing.
    if (e.code === SK_EVENT.TRANSMIT_LIMIT_ON || e.code === SK_EVENT.TRANSMIT_LIMIT_OFF) {
      return this.onTransmitLimit(e.code === SK_EVENT.TRANSMIT_LIMIT_ON);
    }
    if (this.busy || !this.sessionUp) return;
    switch (e.code) {
      case SK_EVENT.PANA_OK:
        this.graceTimer?.cancel();
        this.graceTimer = undefined;
        this.setGate();
        return;
      case SK_EVENT.SESSION_TERMINATE_REQUEST:
      case SK_EVENT.SESSION_TERMINATED:
        // The meter is ending the session: stop sending, and rejoin if it does not renew it by itself.
        this.report({ state: 'paused', reason: `the meter is ending the session (EVENT ${e.code.toString(16)})` }, 'info');
        this.graceTimer ??= this.clock.setTimeout(() => {
          this.graceTimer = undefined;
          this.trouble({ step: 'rejoin', reason: `the meter ended the session (EVENT ${e.code.toString(16)}) and did not renew it` });
        }, this.opts.sessionGraceMs ?? DEFAULTS.sessionGraceMs);
        this.setGate();
        return;
      case SK_EVENT.PANA_FAILED:
        return this.trouble({ step: 'rejoin', reason: 're-authentication with the meter failed (EVENT 24)' });
      case SK_EVENT.SESSION_TERMINATE_TIMEOUT:
        return this.trouble({ step: 'rejoin', reason: 'the session termination timed out (EVENT 28)' });
      case SK_EVENT.SESSION_EXPIRED:
        return this.trouble({ step: 'rejoin', reason: 'the session lifetime expired (EVENT 29)' });
    }
  }

  private onTransmitLimit(engaged: boolean): void {
    if (this.transmitLimited === engaged) return;
    this.transmitLimited = engaged;
    this.limitTimer?.cancel();
    this.limitTimer = undefined;
    if (engaged) {
      this.report({ state: 'paused', reason: 'the radio transmit-time limit is engaged (EVENT 32): not sending until it lifts' }, 'warn');
      this.limitTimer = this.clock.setTimeout(() => {
        this.limitTimer = undefined;
        this.transmitLimited = false;
        this.trouble({ step: 'reopen', reason: 'the transmit-time limit (EVENT 32) did not lift' });
      }, this.opts.transmitLimitMaxMs ?? DEFAULTS.transmitLimitMaxMs);
    }
    this.setGate();
  }

  /** The gate is open when joined, not being ended and not transmit-limited; 'ready' fires when it opens. */
  private setGate(): void {
    const open = !this.stopped && !this.busy && this.sessionUp && !this.transmitLimited && !this.graceTimer && !!this.link;
    if (open === this.gateOpen) return;
    this.gateOpen = open;
    if (open) {
      this.report({ state: 'ready', reason: 'the B-route session is ready' }, 'info');
      this.emit('ready');
    }
  }

  private cancelTimers(): void {
    this.graceTimer?.cancel();
    this.graceTimer = undefined;
    this.limitTimer?.cancel();
    this.limitTimer = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.sleeps.delete(done);
        timer.cancel();
        if (this.stopped) reject(stoppedError());
        else resolve();
      };
      const timer = this.clock.setTimeout(done, ms);
      this.sleeps.add(done);
    });
  }

  /** Logs and emits a state. A warning identical to the previous one (a long outage) goes to debug. */
  private report(event: SessionStateEvent, level: 'info' | 'warn' | 'error'): void {
    const repeated = level !== 'info' && event.reason === this.lastWarning;
    if (level !== 'info') this.lastWarning = event.reason;
    if (event.state === 'ready' && !event.step) this.lastWarning = undefined; // a new outage logs afresh
    this.log[repeated ? 'debug' : level](event.reason);
    this.emit('state', event);
  }
}

/** SKSCAN durations tried in turn: short scans find a near meter quickly, long ones a far one. */
export const SCAN_DURATIONS: readonly number[] = [4, 5, 6, 7, 8];

/** Scans with each duration in turn until `pick` accepts what one scan found. */
export async function scanUntil<T>(
  link: SkstackLink,
  durations: readonly number[],
  pick: (found: PanDescriptor[]) => T | undefined,
  onScan: (duration: number) => void,
): Promise<T | undefined> {
  for (const duration of durations) {
    onScan(duration);
    const picked = pick(await link.scan(duration));
    if (picked !== undefined) return picked;
  }
  return undefined;
}

/**
 * Picks our meter among the scan answers: the dongle puts the pairing ID (the last 8 characters of the
 * B-route ID) into the scan, and meters that echo it back are ours; otherwise the strongest signal wins.
 */
export function choosePan(found: readonly PanDescriptor[], id: string): PanDescriptor | undefined {
  const pairId = id.slice(-8).toUpperCase();
  const ours = found.filter((p) => p.pairId === undefined || p.pairId.toUpperCase() === pairId);
  return [...ours].sort((a, b) => b.lqi - a.lqi)[0];
}

export function stoppedError(): BrouteError {
  return new BrouteError('stopped', 'the B-route session was stopped');
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
