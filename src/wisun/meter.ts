/**
 * The smart meter (class 0x0288) over a B-route session: periodic readings, the half-hourly fixed-time
 * values, and back-fill of every half-hour the link missed.
 *
 * One request is outstanding at a time (the meter handles one, and a Get takes 1 to 1.5 s over the
 * air), answers are matched by TID, and an unanswered request is reported to the session, whose ladder
 * decides between a plain retry and a recovery. Values are decoded by the ECHONET catalogue; this file
 * only knows which EPCs to ask for and what to do with the answers.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { errorMessage, guard } from '../util/guard.js';
import { decodeFrame, encodeFrame, ESV, isArbitrary, type Frame, type Property } from '../echonet/frame.js';
import { CONTROLLER_EOJ, classOf, makeEoj } from '../echonet/eoj.js';
import { u8 } from '../echonet/edt.js';
import { SMART_METER } from '../echonet/catalogue/smart-meter.js';
import { isRecord } from '../echonet/catalogue/codecs.js';
import type { PropertyValue } from '../echonet/catalogue/types.js';
import { BrouteError, stoppedError, type BrouteSession } from './session.js';
import {
  backfillRecords,
  findMissingSlots,
  formatJst,
  jstDayStart,
  parseJstLocal,
  planBackfill,
  slotAtOrBefore,
  SLOT_MS,
  type HalfHourRecord,
  type HalfHourSink,
  type HalfHourSource,
} from './history.js';

const METER_EOJ = makeEoj(SMART_METER.classCode, 1);
const DAY_MS = 86_400_000;

const EPC = {
  coefficient: 0xd3,
  digits: 0xd7,
  bought: 0xe0,
  unit: 0xe1,
  historyBought: 0xe2,
  sold: 0xe3,
  historySold: 0xe4,
  historyDay: 0xe5,
  power: 0xe7,
  currents: 0xe8,
  fixedBought: 0xea,
  fixedSold: 0xeb,
} as const;

/** The floor of the polling interval: no operator publishes a limit, so stay polite. */
const MIN_POLL_INTERVAL_MS = 10_000;
const DEFAULT_POLL_INTERVAL_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The meter fixes a half-hour's values and pushes them within minutes; look for gaps after that. */
const DEFAULT_CATCH_UP_DELAY_MS = 5 * 60_000;
/** A slot the meter still reports as missing this long after its time will never come. */
const GIVE_UP_AFTER_MS = 60 * 60_000;

/** One reading; null where the meter has no data (sentinels) or does not offer the value. */
export interface MeterReading {
  readonly at: number;
  readonly powerW: number | null;
  readonly currentRA: number | null;
  readonly currentTA: number | null;
  readonly boughtKwh: number | null;
  readonly soldKwh: number | null;
}

/** How the meter counts: kWh per step (E1 x D3) and where its counters wrap (10^D7 steps). */
export interface MeterScale {
  readonly kwhPerStep: number;
  readonly coefficient: number;
  /** Undefined when the meter does not tell its digits (D7). */
  readonly modulusKwh: number | undefined;
}

/** One day of the meter's history (E2/E4): 48 cumulative values from 00:00 JST, null where missing. */
export interface HistoryDay {
  readonly dayOffset: number;
  readonly dayStart: number;
  readonly bought: readonly (number | null)[];
  /** Undefined when the meter keeps no reverse-direction history. */
  readonly sold: readonly (number | null)[] | undefined;
}

export interface MeterEvents {
  reading: [MeterReading];
  'half-hour': [HalfHourRecord];
}

export interface SmartMeterClientOptions {
  readonly session: BrouteSession;
  readonly clock: Clock;
  readonly log: Logger;
  /** Where half-hour records go; without one, no history is kept or back-filled. */
  readonly sink?: HalfHourSink;
  /** Raised to MIN_POLL_INTERVAL_MS when lower. */
  readonly pollIntervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly catchUpDelayMs?: number;
}

/** Counters wrap at 10^digits steps; this is that in kWh. */
export function counterModulusKwh(digits: number, scale: Pick<MeterScale, 'kwhPerStep'>): number {
  return roundKwh(10 ** digits * scale.kwhPerStep);
}

/**
 * Energy between two cumulative readings. A counter that went down wrapped at the modulus (an
 * eight-digit 0.01 kWh counter wraps after a million kWh; small digit counts wrap within years).
 */
export function counterDeltaKwh(previousKwh: number, nextKwh: number, modulusKwh: number | undefined): number {
  const delta = nextKwh - previousKwh;
  return roundKwh(delta < 0 && modulusKwh !== undefined ? delta + modulusKwh : delta);
}

/** Meter units are at least 0.0001 kWh, so four decimals remove float noise and lose nothing. */
function roundKwh(kwh: number): number {
  return Math.round(kwh * 10_000) / 10_000;
}

interface PendingRequest {
  readonly tid: number;
  readonly resolve: (frame: Frame) => void;
}

export class SmartMeterClient extends EventEmitter<MeterEvents> {
  private readonly session: BrouteSession;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sink: HalfHourSink | undefined;
  private readonly pollIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly catchUpDelayMs: number;
  /** D3 and E1 as the meter sent them: the catalogue scales energy EPCs with them. */
  private readonly context = new Map<number, Uint8Array>();
  private currentScale: MeterScale | undefined;
  private scaleLoading: Promise<MeterScale> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingRequest | undefined;
  private tid = 0;
  private stopped = false;
  private busy = { poll: false, catchUp: false };
  private pollTimer: TimerHandle | undefined;
  private catchUpTimer: TimerHandle | undefined;
  /** Every slot up to this one is in the sink or given up; gaps are looked for after it. */
  private complete: number | undefined;
  /** The fixed-time value of a slot while its other half (EA or EB) is still to come. */
  private partialFixed: { slot: number; bought?: number | null; sold?: number | null } | undefined;
  private readonly onReady = (): void => this.background('resuming the meter readings', () => this.resume());
  private readonly onDatagram = (data: Uint8Array): void => this.receive(data);

  constructor(opts: SmartMeterClientOptions) {
    super();
    this.session = opts.session;
    this.clock = opts.clock;
    this.log = opts.log;
    this.sink = opts.sink;
    const interval = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (interval < MIN_POLL_INTERVAL_MS) {
      this.log.warn(`meter poll interval ${interval / 1000} s is below the ${MIN_POLL_INTERVAL_MS / 1000} s floor: using the floor`);
    }
    this.pollIntervalMs = Math.max(interval, MIN_POLL_INTERVAL_MS);
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.catchUpDelayMs = opts.catchUpDelayMs ?? DEFAULT_CATCH_UP_DELAY_MS;
    // Datagrams are handled even without start(): the one-shot CLI reads need answers too.
    this.session.on('datagram', this.onDatagram);
  }

  get scale(): MeterScale | undefined {
    return this.currentScale;
  }

  /** Polls on the interval and catches up on every (re)join and after every half-hour. */
  start(): void {
    this.session.on('ready', this.onReady);
    this.schedulePoll();
    this.scheduleCatchUp();
    if (this.session.ready) this.onReady();
  }

  stop(): void {
    this.stopped = true;
    this.session.off('ready', this.onReady);
    this.session.off('datagram', this.onDatagram);
    this.pollTimer?.cancel();
    this.catchUpTimer?.cancel();
  }

  /** Reads E7, E8, E0 and E3 in one Get; emits and returns the reading. */
  async read(): Promise<MeterReading> {
    await this.ensureScale();
    const got = await this.get([EPC.power, EPC.currents, EPC.bought, EPC.sold], 'the instantaneous values (E7, E8, E0, E3)');
    const currents = this.decode(EPC.currents, got);
    const phase = (key: 'r' | 't'): number | null => (currents !== undefined && isRecord(currents) ? asNumber(currents[key]) : null);
    const reading: MeterReading = {
      at: this.clock.now(),
      powerW: asNumber(this.decode(EPC.power, got)),
      currentRA: phase('r'),
      currentTA: phase('t'),
      boughtKwh: asNumber(this.decode(EPC.bought, got)),
      soldKwh: asNumber(this.decode(EPC.sold, got)),
    };
    this.emit('reading', reading);
    return reading;
  }

  /** One day of history: SET E5 = dayOffset (0 = today .. 99), then E2 and E4 in one Get. */
  async readHistoryDay(dayOffset: number): Promise<HistoryDay> {
    await this.ensureScale();
    const set = await this.request(ESV.SetC, [{ epc: EPC.historyDay, edt: u8(dayOffset) }], `the history day (E5 = ${dayOffset})`);
    if (set.esv !== ESV.Set_Res) throw new BrouteError('refused', `the meter refused to select history day ${dayOffset} (E5)`);
    const got = await this.get([EPC.historyBought, EPC.historySold], 'the half-hour history (E2, E4)');
    const bought = historyValues(this.decode(EPC.historyBought, got), dayOffset);
    // Another controller may have moved E5 in between; the day inside E2 says which day we really got.
    if (!bought) throw new BrouteError('refused', `the meter did not return history day ${dayOffset} (E2)`);
    return {
      dayOffset,
      dayStart: jstDayStart(this.clock.now()) - dayOffset * DAY_MS,
      bought,
      sold: historyValues(this.decode(EPC.historySold, got), dayOffset),
    };
  }

  /** A fresh reading first (the gap in the live values is what a user notices), then the history. */
  private async resume(): Promise<void> {
    if (this.stopped) return;
    await this.pollOnce();
    await this.catchUpOnce();
  }

  /** Runs a task from a timer or an event: request failures are logged here, anything else by guard. */
  private background(what: string, task: () => Promise<void>): void {
    guard(this.log, what, task().catch((err: unknown) => this.logRequestError(err)));
  }

  private schedulePoll(): void {
    this.pollTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.session.ready) this.background('polling the meter', () => this.pollOnce());
      this.schedulePoll();
    }, this.pollIntervalMs);
  }

  private scheduleCatchUp(): void {
    const now = this.clock.now();
    const due = slotAtOrBefore(now - this.catchUpDelayMs) + SLOT_MS + this.catchUpDelayMs;
    this.catchUpTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.session.ready) this.background('catching up the half-hour history', () => this.catchUpOnce());
      this.scheduleCatchUp();
    }, due - now);
  }

  /** A poll still waiting for its answer makes the next tick a no-op rather than a queue. */
  private async pollOnce(): Promise<void> {
    if (this.busy.poll) return;
    this.busy.poll = true;
    try {
      await this.read();
    } finally {
      this.busy.poll = false;
    }
  }

  private async catchUpOnce(): Promise<void> {
    if (this.busy.catchUp || !this.sink) return;
    this.busy.catchUp = true;
    try {
      await this.catchUp(this.sink);
    } finally {
      this.busy.catchUp = false;
    }
  }

  /**
   * Fills every half-hour missing since the last complete one. The first catch-up of a run looks from
   * the sink's last slot, at least from today's midnight, and from where the sink says an earlier run got
   * to: a first run gets a whole day, a gap that a crash left behind a later slot is mended, and so is an
   * older one that a run could not fill before it stopped. Only the newest slot missing (its INF was lost) is
   * read from EA/EB; anything more from the day history.
   */
  private async catchUp(sink: HalfHourSink): Promise<void> {
    await this.ensureScale();
    const now = this.clock.now();
    const upTo = slotAtOrBefore(now);
    this.complete ??= Math.min((await sink.lastSlot()) ?? Infinity, jstDayStart(now) - SLOT_MS, (await sink.completeUpTo?.()) ?? Infinity);
    const missing = await findMissingSlots(sink, this.complete, upTo);
    /** Slots the meter cannot give: older than it keeps, or still missing in its history long after. */
    const lost = new Set<number>();
    if (missing.length === 1 && missing[0] === upTo) {
      await this.readFixedTime();
    } else if (missing.length > 0) {
      this.log.info(`back-filling ${missing.length} missing half-hour(s) from the meter's history`);
      const plan = planBackfill(missing, now);
      for (const slot of plan.tooOld) lost.add(slot);
      for (const day of plan.days) {
        const history = await this.readHistoryDay(day.dayOffset);
        // Day offsets count from the meter's today: if midnight passed meanwhile, the plan is stale.
        if (history.dayStart !== day.dayStart) return;
        for (const record of backfillRecords(day, history.bought, history.sold)) await this.store(record);
        for (const slot of day.slots) if (slot <= now - GIVE_UP_AFTER_MS) lost.add(slot);
      }
    }
    const stillMissing = await findMissingSlots(sink, this.complete, upTo);
    const given = stillMissing.filter((slot) => lost.has(slot));
    if (given.length > 0) {
      this.log.warn(`the meter has no data for ${given.length} half-hour(s) from ${formatJst(given[0]!)} on: they stay empty`);
    }
    const retry = stillMissing.filter((slot) => !lost.has(slot));
    this.complete = retry.length > 0 ? retry[0]! - SLOT_MS : upTo;
    await sink.markComplete?.(this.complete);
  }

  /** EA and EB by Get: the newest fixed-time values when their INF did not arrive. */
  private async readFixedTime(): Promise<void> {
    const got = await this.get([EPC.fixedBought, EPC.fixedSold], 'the fixed-time values (EA, EB)');
    await this.onFixedTime(got, 'poll', true);
  }

  /**
   * EA and EB may come in one frame or in two. A record is stored once the bought value is known and
   * the sold one too, or when no more is to come (`final`: a Get answer, where absence means unsupported).
   */
  private async onFixedTime(got: ReadonlyMap<number, Uint8Array>, source: HalfHourSource, final: boolean): Promise<void> {
    for (const [epc, key] of [
      [EPC.fixedBought, 'bought'],
      [EPC.fixedSold, 'sold'],
    ] as const) {
      const value = this.decode(epc, got);
      if (value === undefined || !isRecord(value)) continue;
      const slot = typeof value.time === 'string' ? parseJstLocal(value.time) : undefined;
      if (slot === undefined || slot % SLOT_MS !== 0) continue;
      if (this.partialFixed?.slot !== slot) this.partialFixed = { slot };
      this.partialFixed[key] = asNumber(value.value ?? null);
    }
    const p = this.partialFixed;
    if (!p || typeof p.bought !== 'number' || (p.sold === undefined && !final)) return;
    this.partialFixed = undefined;
    await this.store({ slotStart: p.slot, boughtKwh: p.bought, soldKwh: p.sold ?? null, source });
  }

  /** The first source to deliver a slot wins; later ones are ignored. */
  private async store(record: HalfHourRecord): Promise<void> {
    if (!this.sink || (await this.sink.has(record.slotStart))) return;
    await this.sink.put(record);
    this.emit('half-hour', record);
  }

  /** D3 (optional), D7 and E1, read once: every energy value depends on them. */
  private ensureScale(): Promise<MeterScale> {
    if (this.currentScale) return Promise.resolve(this.currentScale);
    this.scaleLoading ??= this.loadScale().finally(() => (this.scaleLoading = undefined));
    return this.scaleLoading;
  }

  private async loadScale(): Promise<MeterScale> {
    const got = await this.get([EPC.coefficient, EPC.digits, EPC.unit], 'the meter settings (D3, D7, E1)');
    const unitEdt = got.get(EPC.unit);
    const kwhPerUnitStep = asNumber(this.decode(EPC.unit, got));
    if (!unitEdt || kwhPerUnitStep === null) throw new BrouteError('refused', 'the meter did not tell the unit of its energy counters (E1)');
    this.context.set(EPC.unit, unitEdt);
    // D3 is optional (1 when absent); a value the catalogue rejects (0) would zero every reading.
    const coefficient = asNumber(this.decode(EPC.coefficient, got)) ?? 1;
    if (coefficient !== 1) this.context.set(EPC.coefficient, got.get(EPC.coefficient)!);
    const digits = asNumber(this.decode(EPC.digits, got));
    const kwhPerStep = kwhPerUnitStep * coefficient;
    const scale: MeterScale = {
      kwhPerStep,
      coefficient,
      modulusKwh: digits === null ? undefined : counterModulusKwh(digits, { kwhPerStep }),
    };
    this.log.info(`meter counts in steps of ${kwhPerUnitStep} kWh x ${coefficient}${digits === null ? '' : `, ${digits} digits`}`);
    this.currentScale = scale;
    this.sink?.counterModulus?.(scale.modulusKwh);
    return scale;
  }

  /** Decodes one EPC of an answer with the catalogue; undefined when absent, undecodable or not yet in kWh. */
  private decode(epc: number, got: ReadonlyMap<number, Uint8Array>): PropertyValue | undefined {
    const edt = got.get(epc);
    const def = SMART_METER.properties.get(epc);
    if (!edt || !def) return undefined;
    const outcome = def.decode(edt, this.context);
    if (!outcome.ok) {
      this.log.debug(`meter property 0x${epc.toString(16)}: ${outcome.reason}`);
      return undefined;
    }
    // A raw count before the unit (E1) is known is not a kWh figure: never pass it on as one.
    return outcome.unit === 'count' ? undefined : outcome.value;
  }

  private async get(epcs: readonly number[], what: string): Promise<Map<number, Uint8Array>> {
    const answer = await this.request(
      ESV.Get,
      epcs.map((epc) => ({ epc, edt: new Uint8Array(0) })),
      what,
    );
    // Get_SNA still carries the properties the meter could give (PDC 0 for the others).
    return new Map(answer.properties.filter((p) => p.edt.length > 0).map((p) => [p.epc, p.edt]));
  }

  private request(esv: number, properties: readonly Property[], what: string): Promise<Frame> {
    const run = (): Promise<Frame> => this.exchange(esv, properties, what);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Sends until answered; each silence goes to the session's ladder, which says whether to retry. */
  private async exchange(esv: number, properties: readonly Property[], what: string): Promise<Frame> {
    this.tid = (this.tid + 1) & 0xffff;
    const tid = this.tid;
    const data = encodeFrame({ tid, seoj: CONTROLLER_EOJ, deoj: METER_EOJ, esv, properties });
    for (;;) {
      if (this.stopped) throw stoppedError();
      let reason: string;
      try {
        const answer = await this.sendAndWait(tid, data);
        if (answer) {
          this.session.reportSuccess();
          return answer;
        }
        reason = `no answer to ${what} within ${this.requestTimeoutMs / 1000} s`;
      } catch (err) {
        if (err instanceof BrouteError) throw err; // not ready, stopped: the session already knows
        reason = `sending the request for ${what} failed: ${errorMessage(err)}`;
      }
      if (this.session.reportFailure(reason) !== 'retry') throw new BrouteError('timeout', `the meter did not answer: ${reason}`);
    }
  }

  /** The answer with this TID, or undefined after the timeout. */
  private sendAndWait(tid: number, data: Uint8Array): Promise<Frame | undefined> {
    return new Promise<Frame | undefined>((resolve, reject) => {
      const finish = (frame: Frame | undefined): void => {
        if (this.pending?.tid === tid) this.pending = undefined;
        timer.cancel();
        resolve(frame);
      };
      const timer = this.clock.setTimeout(() => finish(undefined), this.requestTimeoutMs);
      this.pending = { tid, resolve: finish };
      this.session.send(data).catch((err: unknown) => {
        if (this.pending?.tid === tid) this.pending = undefined;
        timer.cancel();
        reject(err);
      });
    });
  }

  private receive(data: Uint8Array): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.log.debug(`ignoring a malformed frame from the meter: ${decoded.error.message}`);
      return;
    }
    if (isArbitrary(decoded.frame)) return;
    const frame = decoded.frame;
    if (classOf(frame.seoj) !== SMART_METER.classCode) return;
    if (frame.esv === ESV.INF || frame.esv === ESV.INFC) {
      if (frame.esv === ESV.INFC) this.acknowledge(frame);
      const got = new Map(frame.properties.filter((p) => p.edt.length > 0).map((p) => [p.epc, p.edt]));
      if (got.has(EPC.fixedBought) || got.has(EPC.fixedSold)) {
        guard(this.log, 'storing the half-hour value', this.onFixedTime(got, 'inf', false));
      }
      return;
    }
    if (this.pending?.tid === frame.tid) this.pending.resolve(frame);
  }

  /** INFC must be answered with INFC_Res: the same TID and EPCs, no data. */
  private acknowledge(frame: Frame): void {
    const reply = encodeFrame({
      tid: frame.tid,
      seoj: frame.deoj,
      deoj: frame.seoj,
      esv: ESV.INFC_Res,
      properties: frame.properties.map((p) => ({ epc: p.epc, edt: new Uint8Array(0) })),
    });
    guard(this.log, 'answering the meter INFC', this.session.send(reply));
  }

  private logRequestError(err: unknown): void {
    // Not ready / stopped are states the session reports itself; anything else is worth a line.
    if (err instanceof BrouteError && (err.code === 'not-ready' || err.code === 'stopped')) return;
    this.log.warn(errorMessage(err));
  }
}

function asNumber(value: PropertyValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

/** The 48 values of a decoded E2/E4, or undefined when absent or for another day than asked. */
function historyValues(value: PropertyValue | undefined, dayOffset: number): (number | null)[] | undefined {
  if (value === undefined || !isRecord(value)) return undefined;
  if (value.day !== dayOffset || !Array.isArray(value.values)) return undefined;
  return value.values.map(asNumber);
}
