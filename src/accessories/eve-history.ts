/**
 * Eve's history for a power reading, so the Eve app draws day, week and month graphs of it.
 *
 * The protocol (the Eve History service, E863F007; facts as documented by the Homebridge community):
 * - the accessory keeps numbered entries; entry times count seconds from a reference time, itself in
 *   seconds since 2001-01-01 UTC, and the reference travels in a special entry of type 0x81;
 * - History Status (F116) says where the history stands: the last entry's time, the reference time, the
 *   signature of what a data entry holds, how many entries are kept, the memory size and how many have
 *   rolled out of memory;
 * - the Eve app writes the number of the entry it wants next to History Request (F11C), then reads
 *   History Entries (F117) again and again, each read returning the next page of entries, until a read
 *   answers the single byte 00;
 * - all numbers are little-endian.
 *
 * Here entries are an "Eve Energy" log: the signature announces five elements (voltage, current, a third,
 * power in 0.1 W, on/off) and each entry carries the first four, with only the power filled in. An entry is
 * written every 10 minutes (Eve's own devices do the same) with the mean of the readings seen since the
 * previous one, and the log (4 weeks, as Eve devices keep about a month) is saved to a file beside the
 * store after each entry, so a restart keeps the graphs whole.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Characteristic, PlatformAccessory, Service } from 'homebridge';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage, guard } from '../util/guard.js';
import { isRecord } from '../util/json.js';
import type { Logger } from '../util/log.js';
import type { EveCharacteristics } from './eve.js';

/** 2001-01-01T00:00:00Z in Unix seconds: Eve's epoch. */
export const EVE_EPOCH_S = 978_307_200;
/** Eve devices write an entry every 10 minutes; the app expects no more than that between entries. */
export const SAMPLE_MS = 10 * 60_000;
/** Four weeks of 10-minute entries. */
export const MEMORY_SIZE = 6 * 24 * 7 * 4;
/** Entries per History Entries read: a page stays far below HAP's value size limits. */
const PAGE = 11;
/** The single byte 00 that ends a transfer, base64-encoded as HAP's data format wants. */
const END_OF_HISTORY = Buffer.from([0x00]).toString('base64');

/** Eve Energy's data elements: (type, bytes) for voltage, current, a third value, power (0.1 W) and on/off. */
const SIGNATURE = [0x0b, 0x02, 0x0c, 0x02, 0x0d, 0x02, 0x07, 0x02, 0x0e, 0x01];
/** Which elements an entry carries: the first five bits, as Eve Energy entries have them. */
const ENERGY_MASK = 0x1f;
const REFERENCE_TYPE = 0x81;
const REFERENCE_LENGTH = 21;
const ENERGY_LENGTH = 18;
/** 0.1 W in 16 bits: the protocol cannot say more than 6553.5 W, so larger powers show as that. */
const MAX_TENTHS = 0xffff;

/** The saved log: the reference time, the number of the reference entry, and the data entries after it. */
export interface EnergyLogState {
  /** Seconds since 2001-01-01 UTC. */
  readonly refTime: number;
  /** Number of the reference entry; data entries are numbered first + 1, first + 2, ... */
  first: number;
  /** [Unix seconds, power in 0.1 W], oldest first. */
  readonly entries: [number, number][];
}

/**
 * The log and its encoding, without HAP: what the unit tests check byte by byte. The reference entry
 * always comes first in memory; when memory is full the oldest data entry goes and the reference entry
 * takes its number, so entry numbers stay contiguous and the reference is always available.
 */
export class EnergyLog {
  private constructor(
    readonly state: EnergyLogState,
    private readonly size: number,
  ) {}

  static empty(nowMs: number, size = MEMORY_SIZE): EnergyLog {
    return new EnergyLog({ refTime: Math.floor(nowMs / 1000) - EVE_EPOCH_S, first: 1, entries: [] }, size);
  }

  /** A saved log, or undefined when it is not one. */
  static restore(saved: unknown, size = MEMORY_SIZE): EnergyLog | undefined {
    if (!isRecord(saved) || !Number.isInteger(saved.refTime) || !Number.isInteger(saved.first) || !Array.isArray(saved.entries)) return undefined;
    const entries = saved.entries.filter((e): e is [number, number] => Array.isArray(e) && e.length === 2 && e.every(Number.isFinite));
    const kept = entries.slice(-(size - 1));
    return new EnergyLog({ refTime: saved.refTime as number, first: (saved.first as number) + entries.length - kept.length, entries: kept }, size);
  }

  /** Number of the newest entry. */
  get last(): number {
    return this.state.first + this.state.entries.length;
  }

  /** Seconds since 2001 of the newest data entry, or undefined before the first. */
  get lastTime(): number | undefined {
    const e = this.state.entries.at(-1);
    return e && e[0] - EVE_EPOCH_S;
  }

  append(atMs: number, watts: number): void {
    const tenths = Math.min(MAX_TENTHS, Math.max(0, Math.round(watts * 10)));
    this.state.entries.push([Math.floor(atMs / 1000), tenths]);
    // the reference entry occupies one slot of the memory
    while (this.state.entries.length > this.size - 1) {
      this.state.entries.shift();
      this.state.first++;
    }
  }

  /** History Status (F116). */
  status(): Buffer {
    const b = Buffer.alloc(12 + 1 + SIGNATURE.length + 2 + 2 + 4 + 4 + 2);
    let o = b.writeUInt32LE(this.lastTime === undefined ? 0 : this.lastTime - this.state.refTime, 0);
    o = b.writeUInt32LE(0, o); // negative offset of the reference time: none
    o = b.writeUInt32LE(this.state.refTime, o);
    o = b.writeUInt8(SIGNATURE.length / 2, o);
    o += Buffer.from(SIGNATURE).copy(b, o);
    o = b.writeUInt16LE(this.state.entries.length + 1, o); // entries kept, the reference one included
    o = b.writeUInt16LE(this.size, o);
    o = b.writeUInt32LE(this.state.first - 1, o); // entries rolled out of memory
    o = b.writeUInt32LE(0, o);
    b.writeUInt8(0x01, o);
    b.writeUInt8(0x01, o + 1);
    return b;
  }

  /** History Entries (F117) from entry `from`: a page of entries and the number to continue at. */
  page(from: number): { bytes: Buffer; next: number } {
    const start = Math.max(from, this.state.first);
    const parts: Buffer[] = [];
    let n = start;
    for (; n <= this.last && parts.length < PAGE; n++) parts.push(this.entry(n));
    return { bytes: parts.length === 0 ? Buffer.from([0x00]) : Buffer.concat(parts), next: n };
  }

  private entry(n: number): Buffer {
    if (n === this.state.first) {
      const b = Buffer.alloc(REFERENCE_LENGTH);
      b.writeUInt8(REFERENCE_LENGTH, 0);
      b.writeUInt32LE(n, 1);
      b.writeUInt32LE(1, 5); // its own time field: Eve devices write 1 here
      b.writeUInt8(REFERENCE_TYPE, 9);
      b.writeUInt32LE(this.state.refTime, 10);
      return b; // the rest stays zero
    }
    const [at, tenths] = this.state.entries[n - this.state.first - 1]!;
    const b = Buffer.alloc(ENERGY_LENGTH);
    b.writeUInt8(ENERGY_LENGTH, 0);
    b.writeUInt32LE(n, 1);
    b.writeUInt32LE(Math.max(0, at - EVE_EPOCH_S - this.state.refTime), 5);
    b.writeUInt8(ENERGY_MASK, 9);
    b.writeUInt16LE(tenths, 16); // voltage, current and the third value (bytes 10-15) stay zero
    return b;
  }
}

/** The entry number a History Request (F11C) asks for: bytes 2-5. */
export function requestedEntry(request: Buffer): number | undefined {
  return request.length >= 6 ? request.readUInt32LE(2) : undefined;
}

export interface EveHistoryOptions {
  readonly accessory: PlatformAccessory;
  readonly eve: EveCharacteristics;
  /** The file the log is kept in. */
  readonly file: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** The power now, or undefined while it is unknown (offline): no entry is invented then. */
  readonly read: () => number | undefined;
}

/** The History service of one accessory, fed by observe() and a 10-minute timer. */
export class EveHistory {
  readonly service: Service;
  private readonly log: EnergyLog;
  private readonly status: Characteristic;
  private cursor: number | undefined;
  private sum = 0;
  private count = 0;
  private timer: TimerHandle | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: EveHistoryOptions) {
    const { accessory, eve } = options;
    this.log = load(options.file, options.log) ?? EnergyLog.empty(options.clock.now());
    this.service = accessory.getService(eve.History) ?? accessory.addService(eve.History, 'History', 'history');
    for (const type of [eve.HistoryStatus, eve.HistoryEntries, eve.HistoryRequest, eve.SetTime]) {
      if (!this.service.characteristics.some((c) => c.UUID === type.UUID)) this.service.addCharacteristic(type);
    }
    this.status = this.service.getCharacteristic(eve.HistoryStatus);
    this.status.onGet(() => this.log.status().toString('base64'));
    this.service.getCharacteristic(eve.HistoryEntries).onGet(() => this.nextPage());
    this.service.getCharacteristic(eve.HistoryRequest).onSet((value) => {
      const wanted = requestedEntry(Buffer.from(String(value), 'base64'));
      // 0 (or nothing readable) means "from the beginning"
      this.cursor = wanted ? wanted : this.log.state.first;
    });
    // the bridge's clock is the one entries are stamped with; the phone's is not needed
    this.service.getCharacteristic(eve.SetTime).onSet(() => undefined);
    this.schedule();
  }

  /** A reading arrived: it counts towards the next entry (and makes the first one at once). */
  observe(): void {
    const w = this.options.read();
    if (w === undefined || this.stopped) return;
    this.sum += w;
    this.count++;
    const last = this.log.lastTime;
    const nowS = Math.floor(this.options.clock.now() / 1000) - EVE_EPOCH_S;
    if (last === undefined || nowS - last >= SAMPLE_MS / 1000) this.record();
  }

  /** Stops the timer and waits until the log is saved. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.saving;
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (this.count === 0) this.observe();
      else this.record();
      if (!this.stopped) this.schedule();
    }, SAMPLE_MS);
  }

  private record(): void {
    if (this.count === 0) return;
    this.log.append(this.options.clock.now(), this.sum / this.count);
    this.sum = 0;
    this.count = 0;
    this.status.updateValue(this.log.status().toString('base64'));
    const text = JSON.stringify(this.log.state);
    const { file } = this.options;
    // one save at a time, in order: an older log never replaces a newer one
    const save = this.saving.then(() => writeFileAtomic(file, text));
    guard(this.options.log, 'saving the Eve history', save);
    this.saving = save.catch(() => undefined);
  }

  private nextPage(): string {
    if (this.cursor === undefined) return END_OF_HISTORY;
    const { bytes, next } = this.log.page(this.cursor);
    this.cursor = next > this.log.last ? undefined : next;
    return bytes.toString('base64');
  }
}

function load(file: string, log: Logger): EnergyLog | undefined {
  mkdirSync(dirname(file), { recursive: true });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // none yet
  }
  try {
    const restored = EnergyLog.restore(JSON.parse(text));
    if (restored) return restored;
  } catch (err) {
    log.warn(`the Eve history in ${file} is unreadable (${errorMessage(err)}); it starts again`);
    return undefined;
  }
  log.warn(`the Eve history in ${file} is not one; it starts again`);
  return undefined;
}
