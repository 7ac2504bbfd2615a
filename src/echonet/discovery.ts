/**
 * Finding ECHONET Lite devices and keeping track of them.
 *
 * A search round multicasts a Get of D6 (instance list) to the node profile and collects answers for a
 * window; INF of D5 (the instance list a node announces when it boots) is handled the same way whenever it
 * is heard. Each object not seen before is probed once for its property maps (9D/9E/9F), maker (8A),
 * identification number (83), operation status (80) and fault status (88).
 *
 * Identity: the object's 83, or else its node's 83, plus the EOJ, so a device that gets a new IP address
 * from DHCP is recognised as the same device. A device with no 83 anywhere falls back to maker + address +
 * EOJ, and then a new address necessarily looks like a new device.
 *
 * Online/offline: every round (and any INF) marks what it hears as seen; a device missing from
 * `offlineAfterMissedPolls` rounds in a row goes offline, and comes back online when heard again.
 */
import { EventEmitter } from 'node:events';
import { describeObject, type EchonetController, type Notification } from './controller.js';
import type { Eoj, Property } from './frame.js';
import { NODE_PROFILE_EOJ, classOf, eojToHex } from './eoj.js';
import { EchonetError } from './errors.js';
import { decodePropertyMap } from './property-map.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { guard } from '../util/guard.js';
import { silentLogger, type Logger } from '../util/log.js';
import { toHex } from '../util/hex.js';

const EPC = {
  operationStatus: 0x80,
  identification: 0x83,
  faultStatus: 0x88,
  maker: 0x8a,
  infMap: 0x9d,
  setMap: 0x9e,
  getMap: 0x9f,
  instanceListAnnounce: 0xd5,
  instanceList: 0xd6,
} as const;

const OBJECT_PROBE = [EPC.infMap, EPC.setMap, EPC.getMap, EPC.maker, EPC.identification, EPC.operationStatus, EPC.faultStatus];
const NODE_PROBE = [EPC.identification, EPC.maker];

export interface DeviceInfo {
  /** Stable across IP address changes when the device has an identification number (83). */
  readonly identity: string;
  readonly address: string;
  readonly eoj: Eoj;
  readonly classCode: number;
  /** Maker code (8A) of the object, or of its node when the object has none. */
  readonly maker: number | undefined;
  /** The identification number (83) the identity rests on, as hex. */
  readonly idNumber: string | undefined;
  readonly infMap: readonly number[] | undefined;
  readonly setMap: readonly number[] | undefined;
  readonly getMap: readonly number[] | undefined;
  /** 80: true when operating (0x30), false when off (0x31), undefined when not reported. */
  readonly operating: boolean | undefined;
  /** 88: true when the device reports a fault (0x41). */
  readonly fault: boolean | undefined;
  readonly online: boolean;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface DiscoveryOptions {
  readonly controller: EchonetController;
  readonly clock: Clock;
  readonly log?: Logger;
  /** How long a search round collects answers to its multicast. */
  readonly searchWindowMs?: number;
  /** Time between search rounds once started. */
  readonly intervalMs?: number;
  /** Rounds a device may miss before it is reported offline. */
  readonly offlineAfterMissedPolls?: number;
  /** Retries for each probe request; probes of objects that never answer should not hold a node long. */
  readonly probeRetries?: number;
}

const DISCOVERY_DEFAULTS = {
  searchWindowMs: 3000,
  intervalMs: 60_000,
  offlineAfterMissedPolls: 3,
  probeRetries: 1,
} as const;

interface DiscoveryEvents {
  'device-added': [DeviceInfo];
  'device-online': [DeviceInfo];
  'device-offline': [DeviceInfo];
  /** The device and the address it had before. */
  'device-address-changed': [DeviceInfo, string];
}

interface Entry {
  info: DeviceInfo;
  missedPolls: number;
}

interface NodeFacts {
  readonly idNumber: string | undefined;
  readonly maker: number | undefined;
}

export class DeviceDiscovery extends EventEmitter<DiscoveryEvents> {
  private readonly controller: EchonetController;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly settings: Required<Omit<DiscoveryOptions, 'controller' | 'clock' | 'log'>>;
  private readonly byIdentity = new Map<string, Entry>();
  /** "address/eoj" -> identity, for objects whose identity is already known. */
  private readonly byLocation = new Map<string, string>();
  /** Probes in flight per location, so a round and an INF do not probe the same object twice at once. */
  private readonly probes = new Map<string, Promise<void>>();
  /** Identities heard since the last round ended; the missed-polls rule counts the rest. */
  private seen = new Set<string>();
  private round: Promise<readonly DeviceInfo[]> | undefined;
  private timer: TimerHandle | undefined;
  private readonly onNotification = (n: Notification): void => this.heard(n);

  constructor(options: DiscoveryOptions) {
    super();
    this.controller = options.controller;
    this.clock = options.clock;
    this.log = options.log ?? silentLogger;
    this.settings = {
      searchWindowMs: options.searchWindowMs ?? DISCOVERY_DEFAULTS.searchWindowMs,
      intervalMs: options.intervalMs ?? DISCOVERY_DEFAULTS.intervalMs,
      offlineAfterMissedPolls: options.offlineAfterMissedPolls ?? DISCOVERY_DEFAULTS.offlineAfterMissedPolls,
      probeRetries: options.probeRetries ?? DISCOVERY_DEFAULTS.probeRetries,
    };
  }

  /** Listens for announcements and searches now and every `intervalMs`. */
  start(): void {
    if (this.timer) return;
    this.controller.on('notification', this.onNotification);
    const loop = (): void => {
      guard(
        this.log,
        'ECHONET device search',
        this.poll().finally(() => {
          if (this.timer) this.timer = this.clock.setTimeout(loop, this.settings.intervalMs);
        }),
      );
    };
    this.timer = this.clock.setTimeout(loop, 0);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.controller.off('notification', this.onNotification);
  }

  /**
   * One search round: multicast, probe what is new, then apply the missed-polls rule. Resolves with every
   * known device. A round already running is shared rather than started twice.
   */
  poll(): Promise<readonly DeviceInfo[]> {
    this.round ??= this.runRound().finally(() => (this.round = undefined));
    return this.round;
  }

  devices(): readonly DeviceInfo[] {
    return [...this.byIdentity.values()].map((e) => e.info);
  }

  device(identity: string): DeviceInfo | undefined {
    return this.byIdentity.get(identity)?.info;
  }

  private async runRound(): Promise<readonly DeviceInfo[]> {
    const answers = await this.controller.multicastGet(NODE_PROFILE_EOJ, [EPC.instanceList], this.settings.searchWindowMs);
    await Promise.all(
      answers.map(({ address, frame }) => {
        const list = frame.properties.find((p) => p.epc === EPC.instanceList);
        return this.objectsListed(address, list ? parseInstanceList(list.edt) : []);
      }),
    );
    for (const entry of this.byIdentity.values()) {
      if (this.seen.has(entry.info.identity)) continue;
      entry.missedPolls++;
      if (entry.info.online && entry.missedPolls >= this.settings.offlineAfterMissedPolls) {
        entry.info = { ...entry.info, online: false };
        this.log.info(`${label(entry.info)} is offline (no answer to ${entry.missedPolls} searches)`);
        this.emit('device-offline', entry.info);
      }
    }
    this.seen = new Set();
    return this.devices();
  }

  private heard(n: Notification): void {
    if (classOf(n.seoj) === classOf(NODE_PROFILE_EOJ)) {
      const list = n.properties.find((p) => p.epc === EPC.instanceListAnnounce || p.epc === EPC.instanceList);
      if (list) guard(this.log, `probing the objects ${n.address} announced`, this.objectsListed(n.address, parseInstanceList(list.edt)));
      return;
    }
    guard(this.log, `handling an announcement from ${n.address}`, this.objectsListed(n.address, [n.seoj]));
  }

  private async objectsListed(address: string, eojs: readonly Eoj[]): Promise<void> {
    // The node profile is read at most once per listing, and only if an object lacks 83 or 8A.
    let facts: Promise<NodeFacts> | undefined;
    const nodeFacts = (): Promise<NodeFacts> => (facts ??= this.readNodeFacts(address));
    await Promise.all(eojs.map((eoj) => this.objectSeen(address, eoj, nodeFacts)));
  }

  /** Known and online here: just seen. Unknown, or known but offline (its address may be reused): probe. */
  private objectSeen(address: string, eoj: Eoj, nodeFacts: () => Promise<NodeFacts>): Promise<void> {
    const key = locationKey(address, eoj);
    const identity = this.byLocation.get(key);
    const entry = identity === undefined ? undefined : this.byIdentity.get(identity);
    if (entry && entry.info.online && entry.info.address === address) {
      this.markSeen(entry, address);
      return Promise.resolve();
    }
    let probe = this.probes.get(key);
    if (!probe) {
      probe = this.probe(address, eoj, nodeFacts).finally(() => this.probes.delete(key));
      this.probes.set(key, probe);
    }
    return probe;
  }

  private async probe(address: string, eoj: Eoj, nodeFacts: () => Promise<NodeFacts>): Promise<void> {
    const retries = this.settings.probeRetries;
    let props: readonly Property[];
    try {
      props = (await this.controller.get(address, eoj, OBJECT_PROBE, { retries })).properties;
    } catch (err) {
      if (!(err instanceof EchonetError)) throw err;
      // Some nodes list objects in D6 that never answer; try again next round.
      this.log.debug(`${eojToHex(eoj)} at ${address} is listed but did not answer: ${err.message}`);
      return;
    }
    const value = (epc: number): Uint8Array | undefined => props.find((p) => p.epc === epc)?.edt;
    let idNumber = validIdNumber(value(EPC.identification));
    let maker = readMaker(value(EPC.maker));
    if (idNumber === undefined || maker === undefined) {
      const node = await nodeFacts();
      idNumber ??= node.idNumber;
      maker ??= node.maker;
    }
    const identity = idNumber
      ? `${idNumber}/${eojToHex(eoj)}`
      : `${maker === undefined ? 'unknown-maker' : maker.toString(16).padStart(6, '0')}@${address}/${eojToHex(eoj)}`;
    const status = value(EPC.operationStatus)?.[0];
    const fault = value(EPC.faultStatus)?.[0];
    const now = this.clock.now();
    const existing = this.byIdentity.get(identity);
    const info: DeviceInfo = {
      identity,
      address,
      eoj,
      classCode: classOf(eoj),
      maker,
      idNumber,
      infMap: mapOf(value(EPC.infMap)),
      setMap: mapOf(value(EPC.setMap)),
      getMap: mapOf(value(EPC.getMap)),
      operating: status === 0x30 ? true : status === 0x31 ? false : undefined,
      fault: fault === 0x41 ? true : fault === 0x42 ? false : undefined,
      online: existing?.info.online ?? true,
      firstSeen: existing?.info.firstSeen ?? now,
      lastSeen: existing?.info.lastSeen ?? now,
    };
    this.byLocation.set(locationKey(address, eoj), identity);
    if (existing) {
      existing.info = { ...info, address: existing.info.address };
      this.markSeen(existing, address);
      return;
    }
    const entry: Entry = { info, missedPolls: 0 };
    this.byIdentity.set(identity, entry);
    this.seen.add(identity);
    this.log.info(`found ${label(info)}${idNumber ? '' : ' (no identification number: it will look new if its address changes)'}`);
    this.emit('device-added', info);
  }

  private markSeen(entry: Entry, address: string): void {
    const previous = entry.info;
    entry.missedPolls = 0;
    this.seen.add(previous.identity);
    entry.info = { ...previous, address, online: true, lastSeen: this.clock.now() };
    if (previous.address !== address) {
      // The old address may already belong to another device; only drop the mapping if it is still ours.
      const oldKey = locationKey(previous.address, previous.eoj);
      if (this.byLocation.get(oldKey) === previous.identity) this.byLocation.delete(oldKey);
      this.byLocation.set(locationKey(address, previous.eoj), previous.identity);
      this.log.info(`${label(entry.info)} moved from ${previous.address}`);
      this.emit('device-address-changed', entry.info, previous.address);
    }
    if (!previous.online) {
      this.log.info(`${label(entry.info)} is back online`);
      this.emit('device-online', entry.info);
    }
  }

  private async readNodeFacts(address: string): Promise<NodeFacts> {
    try {
      const r = await this.controller.get(address, NODE_PROFILE_EOJ, NODE_PROBE, { retries: this.settings.probeRetries });
      const value = (epc: number): Uint8Array | undefined => r.properties.find((p) => p.epc === epc)?.edt;
      return { idNumber: validIdNumber(value(EPC.identification)), maker: readMaker(value(EPC.maker)) };
    } catch (err) {
      if (!(err instanceof EchonetError)) throw err;
      return { idNumber: undefined, maker: undefined };
    }
  }
}

/**
 * D5/D6: a count then 3-byte EOJs. The count is not trusted (see property-map.ts): every whole EOJ present
 * is taken. The node profile never belongs in the list but is dropped if a device puts it there.
 */
export function parseInstanceList(edt: Uint8Array): Eoj[] {
  const eojs: Eoj[] = [];
  for (let i = 1; i + 3 <= edt.length; i += 3) {
    const eoj = (edt[i]! << 16) | (edt[i + 1]! << 8) | edt[i + 2]!;
    if (classOf(eoj) !== classOf(NODE_PROFILE_EOJ) && !eojs.includes(eoj)) eojs.push(eoj);
  }
  return eojs;
}

/** 83 as hex, or undefined when absent or a placeholder (every byte after the format byte 00 or FF). */
function validIdNumber(edt: Uint8Array | undefined): string | undefined {
  if (!edt || edt.length < 2) return undefined;
  const body = edt.subarray(1);
  if (body.every((b) => b === 0) || body.every((b) => b === 0xff)) return undefined;
  return toHex(edt);
}

function readMaker(edt: Uint8Array | undefined): number | undefined {
  return edt && edt.length === 3 ? (edt[0]! << 16) | (edt[1]! << 8) | edt[2]! : undefined;
}

function mapOf(edt: Uint8Array | undefined): readonly number[] | undefined {
  return edt ? decodePropertyMap(edt)?.epcs : undefined;
}

function locationKey(address: string, eoj: Eoj): string {
  return `${address}/${eojToHex(eoj)}`;
}

function label(info: DeviceInfo): string {
  return describeObject(info.address, info.eoj);
}
