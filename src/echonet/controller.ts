/**
 * The ECHONET Lite controller: sends requests and matches the answers.
 *
 * - One outstanding request per node (IP address), others wait in a FIFO queue: most devices handle one
 *   request at a time and drop or garble the second.
 * - A request is retransmitted with the same TID when no answer comes, so a late answer to the first
 *   try still completes it.
 * - An answer is trusted only when its TID is one we are waiting for, it comes from the address we asked
 *   and its SEOJ is the object we asked. Anything else is counted in stats() and dropped.
 * - An answer may come in several frames with the same TID (a Get_Res and then a separate Get_SNA); we
 *   collect frames until every EPC asked for is accounted for, or `partialWaitMs` after the last one.
 * - Reads adapt to devices that cannot take big requests (see readAdaptive) and remember the size that
 *   works per object.
 * - INF and INFC become 'notification' events; INFC is acknowledged with INFC_Res.
 */
import { EventEmitter } from 'node:events';
import { ESV, type Eoj, type Frame, type Property } from './frame.js';
import { CONTROLLER_EOJ, NODE_PROFILE_EOJ, classOf, eojToHex, instanceOf } from './eoj.js';
import { EchonetError } from './errors.js';
import { decodePropertyMap } from './property-map.js';
import type { FrameTransport, ReceivedFrame } from './transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/log.js';
import { toHex } from '../util/hex.js';

export interface ControllerOptions {
  readonly transport: FrameTransport;
  readonly clock: Clock;
  readonly log?: Logger;
  /** How long to wait for an answer before retransmitting. */
  readonly timeoutMs?: number;
  /** Retransmissions after the first try. */
  readonly retries?: number;
  /** The most EPCs put in one Get until a device shows it takes fewer. */
  readonly maxBatch?: number;
  /** How long to wait for the rest of an answer that came back incomplete. */
  readonly partialWaitMs?: number;
  /** Pause between read-backs when setVerified finds the old value (devices apply some settings slowly). */
  readonly verifyDelayMs?: number;
  /** Read-backs setVerified makes before it reports 'not-applied'. */
  readonly verifyReads?: number;
}

/** Per-request overrides, e.g. fewer retries for probes during discovery. */
export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly retries?: number;
}

const DEFAULTS = {
  timeoutMs: 3000,
  retries: 2,
  maxBatch: 24,
  partialWaitMs: 1000,
  verifyDelayMs: 1000,
  verifyReads: 3,
} as const;

export interface ReadResult {
  readonly address: string;
  readonly eoj: Eoj;
  /** Get_Res when every EPC came back with a value, otherwise Get_SNA. */
  readonly esv: number;
  /** The values received, in the order asked. */
  readonly properties: readonly Property[];
  /** EPCs the device refused or did not answer. */
  readonly failed: readonly number[];
}

export interface WriteResult {
  readonly address: string;
  readonly eoj: Eoj;
  /** Set_Res (or SetGet_Res) when every property was accepted, otherwise the matching _SNA. */
  readonly esv: number;
  readonly accepted: readonly number[];
  readonly refused: readonly number[];
}

export interface SetGetResult extends WriteResult {
  readonly properties: readonly Property[];
  readonly failed: readonly number[];
}

type SetFailureReason = 'refused' | 'timeout' | 'not-applied' | 'not-settable';

export type VerifiedSetResult =
  /** `confirmed` is false only when the property cannot be read back (write-only on this device). */
  | { readonly ok: true; readonly confirmed: boolean }
  | { readonly ok: false; readonly reason: SetFailureReason; readonly message: string };

/** An INF or INFC a device sent on its own (or in answer to INF_REQ). */
export interface Notification {
  readonly address: string;
  readonly seoj: Eoj;
  readonly deoj: Eoj;
  readonly esv: typeof ESV.INF | typeof ESV.INFC;
  readonly tid: number;
  readonly properties: readonly Property[];
}

/** Answers to a multicast request, one entry per answering node. */
export interface MulticastAnswer {
  readonly address: string;
  readonly frame: Frame;
}

export interface ControllerStats {
  readonly requests: number;
  readonly retransmissions: number;
  readonly timeouts: number;
  /** Answers whose TID we were not waiting for (late, duplicate or forged). */
  readonly unknownTid: number;
  /** Answers with a pending TID but from another address than the one asked: never trusted. */
  readonly wrongSource: number;
  /** Answers with a pending TID from the right address but another object than the one asked. */
  readonly wrongSeoj: number;
  /** Answers with a pending TID whose ESV does not answer the request (a Set_Res to a Get). */
  readonly wrongEsv: number;
  /** Requests other nodes sent us; a controller does not serve them. */
  readonly requestsIgnored: number;
  readonly notifications: number;
  /** Times a device's remembered batch size went down. */
  readonly batchShrinks: number;
}

interface ControllerEvents {
  notification: [Notification];
}

/** Which ESVs answer which request. */
const ANSWERS: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [ESV.Get, new Set<number>([ESV.Get_Res, ESV.Get_SNA])],
  [ESV.SetC, new Set<number>([ESV.Set_Res, ESV.SetC_SNA])],
  [ESV.SetI, new Set<number>([ESV.SetI_SNA])],
  [ESV.SetGet, new Set<number>([ESV.SetGet_Res, ESV.SetGet_SNA])],
]);

const EMPTY = new Uint8Array(0);
const EPC_SET_MAP = 0x9e;

interface Pending {
  readonly request: Frame;
  /** Undefined for multicast requests: answers from any node count. */
  readonly address: string | undefined;
  accept(frame: Frame, address: string): void;
}

/** Collects the frames that answer one unicast request until every EPC is accounted for. */
class AnswerCollector {
  readonly frames: Frame[] = [];
  private readonly missing: Set<number>;
  constructor(request: Frame) {
    this.missing = new Set([...request.properties, ...(request.getProperties ?? [])].map((p) => p.epc));
  }
  add(frame: Frame): boolean {
    this.frames.push(frame);
    for (const p of [...frame.properties, ...(frame.getProperties ?? [])]) this.missing.delete(p.epc);
    return this.missing.size === 0;
  }
}

export class EchonetController extends EventEmitter<ControllerEvents> {
  private readonly transport: FrameTransport;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly settings: Required<Omit<ControllerOptions, 'transport' | 'clock' | 'log'>>;
  private readonly pending = new Map<number, Pending>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Largest Get that worked, per object ("address/eoj"). */
  private readonly batchSizes = new Map<string, number>();
  /** Set maps (9E) seen in any answer, per object, so setVerified can check them without asking again. */
  private readonly setMaps = new Map<string, readonly number[]>();
  private readonly unsubscribe: () => void;
  /** One per unicast request in flight; close() calls them to reject the waiting promises. */
  private readonly cancellers = new Set<() => void>();
  private nextTid = 1 + Math.floor(Math.random() * 0xfffe);
  private closed = false;
  private counters = {
    requests: 0,
    retransmissions: 0,
    timeouts: 0,
    unknownTid: 0,
    wrongSource: 0,
    wrongSeoj: 0,
    wrongEsv: 0,
    requestsIgnored: 0,
    notifications: 0,
    batchShrinks: 0,
  };

  constructor(options: ControllerOptions) {
    super();
    this.transport = options.transport;
    this.clock = options.clock;
    this.log = options.log ?? silentLogger;
    this.settings = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      maxBatch: options.maxBatch ?? DEFAULTS.maxBatch,
      partialWaitMs: options.partialWaitMs ?? DEFAULTS.partialWaitMs,
      verifyDelayMs: options.verifyDelayMs ?? DEFAULTS.verifyDelayMs,
      verifyReads: options.verifyReads ?? DEFAULTS.verifyReads,
    };
    this.unsubscribe = this.transport.onFrame((received) => this.receive(received));
  }

  /**
   * Reads properties. EPCs the device refuses come back in `failed`, not as an error; the promise rejects
   * (EchonetError 'timeout') only when the device does not answer at all.
   */
  async get(address: string, eoj: Eoj, epcs: readonly number[], options: RequestOptions = {}): Promise<ReadResult> {
    const wanted = [...new Set(epcs)];
    const values = new Map<number, Uint8Array>();
    await this.readInBatches(address, eoj, wanted, values, options);
    const properties = wanted.filter((e) => values.has(e)).map((epc) => ({ epc, edt: values.get(epc)! }));
    const failed = wanted.filter((e) => !values.has(e));
    this.rememberSetMap(address, eoj, properties);
    return { address, eoj, esv: failed.length === 0 ? ESV.Get_Res : ESV.Get_SNA, properties, failed };
  }

  /** SetC: writes and waits for the device to say which properties it accepted. */
  async setC(address: string, eoj: Eoj, properties: readonly Property[], options: RequestOptions = {}): Promise<WriteResult> {
    const frames = await this.exchange(address, eoj, ESV.SetC, properties, undefined, options);
    return { address, eoj, ...writeOutcome(frames, properties, ESV.Set_Res, ESV.SetC_SNA) };
  }

  /**
   * SetI: writes without asking for confirmation. Devices answer only a refusal (SetI_SNA), so this
   * waits `partialWaitMs` for one and otherwise reports every property as accepted (unconfirmed).
   */
  async setI(address: string, eoj: Eoj, properties: readonly Property[]): Promise<WriteResult> {
    const frames = await this.exchange(address, eoj, ESV.SetI, properties, undefined, {
      timeoutMs: this.settings.partialWaitMs,
      retries: 0,
      silenceIsSuccess: true,
    });
    return { address, eoj, ...writeOutcome(frames, properties, ESV.Set_Res, ESV.SetI_SNA) };
  }

  /** SetGet: writes, then reads, in one exchange. */
  async setGet(
    address: string,
    eoj: Eoj,
    properties: readonly Property[],
    getEpcs: readonly number[],
    options: RequestOptions = {},
  ): Promise<SetGetResult> {
    const getBlock = getEpcs.map((epc) => ({ epc, edt: EMPTY }));
    const frames = await this.exchange(address, eoj, ESV.SetGet, properties, getBlock, options);
    const values = new Map<number, Uint8Array>();
    for (const f of frames) for (const p of f.getProperties ?? []) if (p.edt.length > 0) values.set(p.epc, p.edt);
    const written = writeOutcome(frames, properties, ESV.SetGet_Res, ESV.SetGet_SNA);
    const failed = getEpcs.filter((e) => !values.has(e));
    return {
      address,
      eoj,
      ...written,
      esv: written.refused.length === 0 && failed.length === 0 ? ESV.SetGet_Res : ESV.SetGet_SNA,
      properties: getEpcs.filter((e) => values.has(e)).map((epc) => ({ epc, edt: values.get(epc)! })),
      failed,
    };
  }

  /**
   * INF_REQ: asks a device (or, with address undefined, every node) to announce properties. The values
   * arrive as 'notification' events; this resolves once the request is sent.
   */
  async infReq(address: string | undefined, eoj: Eoj, epcs: readonly number[]): Promise<void> {
    const frame = this.frame(eoj, ESV.INF_REQ, epcs.map((epc) => ({ epc, edt: EMPTY })));
    this.counters.requests++;
    await (address === undefined ? this.transport.sendMulticast(frame) : this.transport.send(address, frame));
  }

  /**
   * Sends a Get to the multicast group and collects the answers that arrive within `windowMs`, one per
   * node (the first). Used by discovery to find every node on the network.
   */
  async multicastGet(eoj: Eoj, epcs: readonly number[], windowMs: number): Promise<MulticastAnswer[]> {
    this.assertOpen();
    const request = this.frame(eoj, ESV.Get, epcs.map((epc) => ({ epc, edt: EMPTY })));
    const answers = new Map<string, Frame>();
    this.pending.set(request.tid, {
      request,
      address: undefined,
      accept: (frame, address) => {
        if (!answers.has(address)) answers.set(address, frame);
      },
    });
    this.counters.requests++;
    try {
      await this.transport.sendMulticast(request);
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, windowMs));
    } finally {
      this.pending.delete(request.tid);
    }
    return [...answers].map(([address, frame]) => ({ address, frame }));
  }

  /**
   * Writes one property and confirms it took effect: checks the Set map (9E; from `options`, from an
   * earlier read, or read now and remembered), then SetC, then reads the property back (a few times,
   * `verifyDelayMs` apart, as some devices apply settings slowly).
   * Never rejects for device behaviour: every failure is a reason with a message for the homeowner.
   */
  async setVerified(
    address: string,
    eoj: Eoj,
    epc: number,
    edt: Uint8Array,
    options: { readonly setMap?: readonly number[] } = {},
  ): Promise<VerifiedSetResult> {
    const what = `property 0x${hex2(epc)} of ${describeObject(address, eoj)}`;
    const unanswered = `${what} was not changed: the device did not answer (is it switched on and connected?)`;
    let setMap = options.setMap ?? this.setMaps.get(objectKey(address, eoj));
    if (!setMap) {
      try {
        await this.get(address, eoj, [EPC_SET_MAP]);
      } catch (err) {
        return timeoutOutcome(err, unanswered);
      }
      // A device that will not tell its Set map is given the benefit of the doubt: the SetC answer decides.
      setMap = this.setMaps.get(objectKey(address, eoj));
    }
    if (setMap && !setMap.includes(epc)) {
      return {
        ok: false,
        reason: 'not-settable',
        message: `${what} cannot be changed over the network on this model (it is not in the device's list of settable properties)`,
      };
    }
    let written: WriteResult;
    try {
      written = await this.setC(address, eoj, [{ epc, edt }]);
    } catch (err) {
      return timeoutOutcome(err, unanswered);
    }
    if (written.refused.includes(epc)) {
      return {
        ok: false,
        reason: 'refused',
        message: `the device refused to set ${what} to ${toHex(edt)}; the value may be out of range or not allowed in its current mode`,
      };
    }
    for (let read = 1; ; read++) {
      let readBack: ReadResult;
      try {
        readBack = await this.get(address, eoj, [epc]);
      } catch (err) {
        return timeoutOutcome(err, `${what} was accepted, but the device stopped answering before the change could be confirmed`);
      }
      const reported = readBack.properties[0]?.edt;
      if (reported === undefined) return { ok: true, confirmed: false };
      if (equalBytes(reported, edt)) return { ok: true, confirmed: true };
      if (read >= this.settings.verifyReads) {
        return {
          ok: false,
          reason: 'not-applied',
          message:
            `the device accepted ${toHex(edt)} for ${what} but still reports ${toHex(reported)}; ` +
            'it may be locked by its own control panel, a schedule or its current mode',
        };
      }
      await this.sleep(this.settings.verifyDelayMs);
    }
  }

  /** The batch size currently used for an object (for diagnostics and tests). */
  batchSize(address: string, eoj: Eoj): number {
    return this.batchSizes.get(objectKey(address, eoj)) ?? this.settings.maxBatch;
  }

  stats(): ControllerStats {
    return { ...this.counters };
  }

  /** Rejects every waiting request with EchonetError 'closed'. Does not close the transport. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const cancel of [...this.cancellers]) cancel();
    this.pending.clear();
  }

  /**
   * Reads `epcs` in batches of the size remembered for this object. Two signs show that a request was
   * too big for the device: it answers fewer EPCs than asked, or it refuses all of them (Get_SNA with no
   * value). The first tells the size it can take; for the second, the batch is split in halves, and the
   * smaller size is remembered only if a half then returns a value (otherwise the EPCs are simply not
   * supported and nothing is learned).
   */
  private async readInBatches(
    address: string,
    eoj: Eoj,
    epcs: readonly number[],
    values: Map<number, Uint8Array>,
    options: RequestOptions,
  ): Promise<void> {
    for (let start = 0; start < epcs.length; ) {
      const size = this.batchSize(address, eoj);
      const batch = epcs.slice(start, start + size);
      start += batch.length;
      await this.readAdaptive(address, eoj, batch, values, options);
    }
  }

  private async readAdaptive(
    address: string,
    eoj: Eoj,
    batch: readonly number[],
    values: Map<number, Uint8Array>,
    options: RequestOptions,
  ): Promise<void> {
    const frames = await this.exchange(address, eoj, ESV.Get, batch.map((epc) => ({ epc, edt: EMPTY })), undefined, options);
    const answered = new Set<number>();
    let gotValue = false;
    for (const f of frames) {
      for (const p of f.properties) {
        if (!batch.includes(p.epc)) continue;
        answered.add(p.epc);
        if (p.edt.length > 0) {
          values.set(p.epc, p.edt);
          gotValue = true;
        }
      }
    }
    if (batch.length === 1) return;
    const unanswered = batch.filter((e) => !answered.has(e));
    if (unanswered.length > 0) {
      this.shrinkBatch(address, eoj, answered.size || Math.ceil(batch.length / 2), `answered ${answered.size} of ${batch.length} properties`);
      await this.readInBatches(address, eoj, unanswered, values, options);
      return;
    }
    if (!gotValue) {
      const half = Math.ceil(batch.length / 2);
      const before = values.size;
      await this.readAdaptive(address, eoj, batch.slice(0, half), values, options);
      await this.readAdaptive(address, eoj, batch.slice(half), values, options);
      if (values.size > before) this.shrinkBatch(address, eoj, half, `refused ${batch.length} properties at once but answers fewer`);
    }
  }

  private shrinkBatch(address: string, eoj: Eoj, size: number, why: string): void {
    if (size >= this.batchSize(address, eoj)) return;
    this.batchSizes.set(objectKey(address, eoj), size);
    this.counters.batchShrinks++;
    this.log.debug(`${describeObject(address, eoj)} ${why}; asking for at most ${size} at a time from now on`);
  }

  private rememberSetMap(address: string, eoj: Eoj, properties: readonly Property[]): void {
    const edt = properties.find((p) => p.epc === EPC_SET_MAP)?.edt;
    const map = edt && decodePropertyMap(edt);
    if (map) this.setMaps.set(objectKey(address, eoj), map.epcs);
  }

  /** Queues a unicast request behind the node's earlier ones and resolves with the answer frames. */
  private exchange(
    address: string,
    eoj: Eoj,
    esv: number,
    properties: readonly Property[],
    getProperties: readonly Property[] | undefined,
    options: RequestOptions & { silenceIsSuccess?: boolean },
  ): Promise<Frame[]> {
    return this.enqueue(address, () => this.transact(address, this.frame(eoj, esv, properties, getProperties), options));
  }

  private enqueue<T>(address: string, job: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(address) ?? Promise.resolve();
    const run = previous.then(job);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(address, tail);
    void tail.then(() => {
      if (this.queues.get(address) === tail) this.queues.delete(address);
    });
    return run;
  }

  private transact(address: string, request: Frame, options: RequestOptions & { silenceIsSuccess?: boolean }): Promise<Frame[]> {
    this.assertOpen();
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    const retries = options.retries ?? this.settings.retries;
    return new Promise<Frame[]>((resolve, reject) => {
      const collector = new AnswerCollector(request);
      let timer: TimerHandle | undefined;
      let attempt = 0;
      const finish = (outcome: () => void): void => {
        timer?.cancel();
        this.pending.delete(request.tid);
        this.cancellers.delete(onClose);
        outcome();
      };
      const onClose = (): void =>
        finish(() => reject(new EchonetError('closed', `the request to ${describeObject(address, request.deoj)} was cancelled because the controller closed`)));
      const send = (): void => {
        attempt++;
        this.transport.send(address, request).catch((err: unknown) => finish(() => reject(err)));
        timer = this.clock.setTimeout(onTimeout, timeoutMs);
      };
      const onTimeout = (): void => {
        if (collector.frames.length > 0 || options.silenceIsSuccess) return finish(() => resolve(collector.frames));
        if (attempt <= retries) {
          this.counters.retransmissions++;
          return send();
        }
        this.counters.timeouts++;
        finish(() =>
          reject(
            new EchonetError(
              'timeout',
              `${describeObject(address, request.deoj)} did not answer ${attempt === 1 ? 'in time' : `after ${attempt} tries`}; ` +
                'check that it is switched on and on the same network as this controller',
            ),
          ),
        );
      };
      this.pending.set(request.tid, {
        request,
        address,
        accept: (frame) => {
          if (collector.add(frame)) return finish(() => resolve(collector.frames));
          // Part of the answer: wait a little for the rest (a separate Get_SNA), but stop retransmitting.
          timer?.cancel();
          timer = this.clock.setTimeout(onTimeout, this.settings.partialWaitMs);
        },
      });
      this.cancellers.add(onClose);
      this.counters.requests++;
      send();
    });
  }

  private receive({ frame, address }: ReceivedFrame): void {
    if (frame.esv === ESV.INF || frame.esv === ESV.INFC) return this.notify(frame, address);
    if (frame.esv >= ESV.SetI && frame.esv <= ESV.SetGet) {
      this.counters.requestsIgnored++;
      return;
    }
    const pending = this.pending.get(frame.tid);
    if (!pending) {
      this.counters.unknownTid++;
      this.log.debug(`ignored an answer from ${address} with unknown TID ${frame.tid}`);
      return;
    }
    if (pending.address !== undefined && pending.address !== address) {
      this.counters.wrongSource++;
      this.log.debug(`ignored an answer for TID ${frame.tid} from ${address}; the request went to ${pending.address}`);
      return;
    }
    if (!answersObject(pending.request.deoj, frame.seoj)) {
      this.counters.wrongSeoj++;
      this.log.debug(`ignored an answer for TID ${frame.tid} from object ${eojToHex(frame.seoj)}; asked ${eojToHex(pending.request.deoj)}`);
      return;
    }
    if (!ANSWERS.get(pending.request.esv)?.has(frame.esv)) {
      this.counters.wrongEsv++;
      return;
    }
    pending.accept(frame, address);
  }

  private notify(frame: Frame, address: string): void {
    this.counters.notifications++;
    if (frame.esv === ESV.INFC) {
      // The device repeats an INFC until it is acknowledged; the ack names the EPCs with no data.
      const ack: Frame = {
        tid: frame.tid,
        seoj: frame.deoj,
        deoj: frame.seoj,
        esv: ESV.INFC_Res,
        properties: frame.properties.map((p) => ({ epc: p.epc, edt: EMPTY })),
      };
      this.transport.send(address, ack).catch((err: unknown) => this.log.debug(`could not acknowledge INFC from ${address}: ${(err as Error).message}`));
    }
    this.emit('notification', {
      address,
      seoj: frame.seoj,
      deoj: frame.deoj,
      esv: frame.esv as Notification['esv'],
      tid: frame.tid,
      properties: frame.properties,
    });
  }

  private frame(deoj: Eoj, esv: number, properties: readonly Property[], getProperties?: readonly Property[]): Frame {
    const tid = this.allocateTid();
    return getProperties ? { tid, seoj: CONTROLLER_EOJ, deoj, esv, properties, getProperties } : { tid, seoj: CONTROLLER_EOJ, deoj, esv, properties };
  }

  /** TIDs count up from a random start (so a restart does not reuse the last run's) and skip those in use. */
  private allocateTid(): number {
    for (;;) {
      const tid = this.nextTid;
      this.nextTid = tid >= 0xffff ? 1 : tid + 1;
      if (!this.pending.has(tid)) return tid;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  private assertOpen(): void {
    if (this.closed) throw new EchonetError('closed', 'the ECHONET controller is closed');
  }
}

/**
 * True when an answer from object `seoj` can answer a request to `deoj`: the same object, any instance
 * of the class when the request named instance 0 (all instances), and any node profile instance (a node
 * may answer as 0EF002, the transmission-only profile).
 */
function answersObject(deoj: Eoj, seoj: Eoj): boolean {
  if (seoj === deoj) return true;
  if (classOf(seoj) !== classOf(deoj)) return false;
  return instanceOf(deoj) === 0 || classOf(deoj) === classOf(NODE_PROFILE_EOJ);
}

function writeOutcome(
  frames: readonly Frame[],
  properties: readonly Property[],
  okEsv: number,
  snaEsv: number,
): { esv: number; accepted: number[]; refused: number[] } {
  // A _SNA echoes each refused EPC with the value it was sent and lists accepted ones with no data.
  const refused = new Set<number>();
  for (const f of frames) {
    if (f.esv !== snaEsv) continue;
    const echoed = f.properties.filter((p) => p.edt.length > 0);
    // A _SNA that does not say which EPC it refused is taken as refusing them all.
    for (const p of echoed.length > 0 ? echoed : properties) refused.add(p.epc);
  }
  const epcs = properties.map((p) => p.epc);
  return {
    esv: refused.size === 0 ? okEsv : snaEsv,
    accepted: epcs.filter((e) => !refused.has(e)),
    refused: epcs.filter((e) => refused.has(e)),
  };
}

function timeoutOutcome(err: unknown, message: string): VerifiedSetResult {
  if (err instanceof EchonetError && err.code === 'timeout') return { ok: false, reason: 'timeout', message };
  throw err;
}

function objectKey(address: string, eoj: Eoj): string {
  return `${address}/${eojToHex(eoj)}`;
}

/** "object 026b01 at 192.168.1.20", the way devices are named in messages. */
export function describeObject(address: string, eoj: Eoj): string {
  return `object ${eojToHex(eoj)} at ${address}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
