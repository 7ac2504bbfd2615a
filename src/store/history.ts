/**
 * The home's long-term memory, kept under the plugin's storage directory: half-hourly energy per source
 * (bought, sold, generated, and each device), device operation and error history, scheduler decisions,
 * and settings. Items are monthly (one node-persist key per kind and month), so a write rewrites at most
 * one month and retention drops whole months.
 *
 * Secrets never enter the store: settings are stripped of them on the way in, so backups cannot hold them.
 */
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import { isRecord } from '../util/json.js';
import type { HalfHourRecord } from '../wisun/history.js';
import { SafeStorage, type Recover } from './safe-storage.js';

export const HALF_HOUR_MS = 30 * 60_000;

/** The store lives in its own folder inside Homebridge's storage directory (api.user.storagePath()). */
export function storeDirectory(homebridgeStorage: string): string {
  return join(homebridgeStorage, 'echonet-hems');
}
/** A year and a month: this month can always be compared with the same month last year. */
const DEFAULT_RETENTION_MONTHS = 13;

/** Energy of one half-hour by source, kWh: 'bought', 'sold', 'generated', and `device/<identity>`. */
export interface EnergySlot {
  /** Start of the half-hour, ms since the epoch (a multiple of 30 minutes). */
  readonly start: number;
  readonly kwh: Readonly<Record<string, number>>;
  /**
   * Where 'bought' and 'sold' come from when not from the recorder's readings: 'meter', the meter's own
   * fixed half-hour counters (exact, so they replace the recorder's); 'backfill', the same when the
   * recorder had nothing for the half-hour (the plugin was down or the meter unreachable).
   */
  readonly grid?: GridSource;
}

type GridSource = 'meter' | 'backfill';

export type EventKind = 'operation' | 'error' | 'online' | 'offline' | 'command';

export interface DeviceEvent {
  readonly at: number;
  readonly device: string;
  readonly kind: EventKind;
  /** For people: "heating mode automatic -> manual_heating", "not answering". */
  readonly detail: string;
}

export interface Decision {
  readonly at: number;
  /** Whatever the scheduler explains a decision with (JSON). */
  readonly decision: unknown;
}

type Series = 'energy' | 'events' | 'decisions' | 'meter';
const SERIES: readonly Series[] = ['energy', 'events', 'decisions', 'meter'];

/** The grid's sources in an energy slot, the ones the meter's counters give. */
const GRID_SOURCES = ['bought', 'sold'] as const;
/** Not a month series: one small item, kept for ever (pruning goes by month keys). */
const METER_PROGRESS_KEY = 'meter-progress';
interface MeterProgress {
  completeUpTo?: number;
}

/** Month partitions are by UTC calendar month: a key names its month unambiguously. */
export function monthKey(series: Series, at: number): string {
  return `${series}/${new Date(at).toISOString().slice(0, 7)}`;
}

/** The first instant of each month touching [from, to). */
export function monthsBetween(from: number, to: number): number[] {
  const months: number[] = [];
  const d = new Date(from);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  while (t < to) {
    months.push(t);
    const m = new Date(t);
    t = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1);
  }
  return months;
}

/** Setting names that hold secrets (B-route ID and password, MQTT password, tokens); dropped on save. */
const SECRET_NAME = /pass(word)?|secret|token|credential|brouteid|api[-_]?key|private[-_]?key/i;

export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_NAME.test(k)).map(([k, v]) => [k, withoutSecrets(v)]));
}

export interface HistoryOptions {
  /** The store's directory (the plugin passes `<Homebridge storage>/echonet-hems`). */
  readonly dir: string;
  readonly log: Logger;
  readonly retentionMonths?: number;
  /** Where a damaged file's good copy comes from (backup.ts recoverFromBackups). */
  readonly recover?: Recover;
}

interface EnergyMonth {
  /** start (ms, as text) -> kWh by source */
  slots: Record<string, Record<string, number>>;
  /** start -> where the grid values came from, for slots whose grid values are the meter's. */
  grid?: Record<string, GridSource>;
}

/** slotStart (ms, as text) -> the meter's counters fixed at that boundary. */
type MeterMonth = Record<string, Omit<HalfHourRecord, 'slotStart'>>;

export class History {
  private readonly retention: number;
  /** Months read once and kept, so a half-hourly write does not re-read its month. */
  private readonly cache = new Map<string, unknown>();
  private updates: Promise<void> = Promise.resolve();

  private constructor(
    readonly storage: SafeStorage,
    options: HistoryOptions,
  ) {
    this.retention = options.retentionMonths ?? DEFAULT_RETENTION_MONTHS;
    if (!(Number.isInteger(this.retention) && this.retention >= 1)) throw new RangeError('retention must be a whole number of months, at least 1');
  }

  static async open(options: HistoryOptions): Promise<History> {
    return new History(await SafeStorage.open(options.dir, options.log, options.recover), options);
  }

  get dir(): string {
    return this.storage.dir;
  }

  /**
   * Stores a closed half-hour; a later write for the same half-hour replaces it, except for grid values
   * taken from the meter's counters (fillGrid), which are exact and stay.
   */
  async recordSlot(slot: EnergySlot): Promise<void> {
    checkSlot(slot.start, slot.kwh);
    const key = monthKey('energy', slot.start);
    await this.update<EnergyMonth>(key, { slots: {} }, (month) => {
      const at = String(slot.start);
      const kept = month.grid?.[at] ? pick(month.slots[at] ?? {}, GRID_SOURCES) : {};
      month.slots[at] = { ...slot.kwh, ...kept };
    });
    await this.prune(slot.start);
  }

  /**
   * Sets a half-hour's grid energy from the meter's counters, replacing what the recorder had (so a
   * half-hour is never counted twice) and marking it 'backfill' when the recorder had nothing.
   */
  async fillGrid(start: number, kwh: Readonly<Partial<Record<(typeof GRID_SOURCES)[number], number>>>): Promise<void> {
    checkSlot(start, kwh);
    await this.update<EnergyMonth>(monthKey('energy', start), { slots: {} }, (month) => {
      const at = String(start);
      const before = month.slots[at];
      const mark = month.grid?.[at] ?? (before?.bought === undefined ? 'backfill' : 'meter');
      month.slots[at] = { ...before, ...kwh };
      month.grid = { ...month.grid, [at]: mark };
    });
    await this.prune(start);
  }

  /** Keeps the meter's counters of a half-hour boundary; the first record of a boundary stays. */
  async recordMeterCounters(record: HalfHourRecord): Promise<void> {
    if (record.slotStart % HALF_HOUR_MS !== 0) throw new RangeError(`${new Date(record.slotStart).toISOString()} is not a half-hour boundary`);
    const { slotStart, ...counters } = record;
    await this.update<MeterMonth>(monthKey('meter', slotStart), {}, (month) => {
      month[String(slotStart)] ??= counters;
    });
    await this.prune(slotStart);
  }

  /** The meter's counters at a boundary, if kept. */
  async meterCounters(slotStart: number): Promise<HalfHourRecord | undefined> {
    const counters = (await this.read<MeterMonth>(monthKey('meter', slotStart)))?.[String(slotStart)];
    return counters && { slotStart, ...counters };
  }

  /** The meter's counters kept for boundaries in [from, to), oldest first. */
  async meterRecords(from: number, to: number): Promise<HalfHourRecord[]> {
    const out: HalfHourRecord[] = [];
    for (const month of monthsBetween(from, to)) {
      for (const [at, counters] of Object.entries((await this.read<MeterMonth>(monthKey('meter', month))) ?? {})) {
        const slotStart = Number(at);
        if (slotStart >= from && slotStart < to) out.push({ slotStart, ...counters });
      }
    }
    return out.sort((a, b) => a.slotStart - b.slotStart);
  }

  /** The newest boundary with the meter's counters, looking back over the retention from `now`. */
  async lastMeterSlot(now: number): Promise<number | undefined> {
    const d = new Date(now);
    for (let back = 0; back < this.retention; back++) {
      const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1);
      const slots = Object.keys((await this.read<MeterMonth>(monthKey('meter', month))) ?? {}).map(Number);
      if (slots.length > 0) return Math.max(...slots);
    }
    return undefined;
  }

  /**
   * The boundary up to which the meter's catch-up had every half-hour, as the last run left it: a gap
   * older than today that a run could not fill (the dongle stayed away) is still looked for after a restart.
   */
  async meterCompleteUpTo(): Promise<number | undefined> {
    const upTo = (await this.read<MeterProgress>(METER_PROGRESS_KEY))?.completeUpTo;
    return typeof upTo === 'number' && Number.isFinite(upTo) ? upTo : undefined;
  }

  async recordMeterCompleteUpTo(slotStart: number): Promise<void> {
    if ((await this.meterCompleteUpTo()) === slotStart) return;
    await this.update<MeterProgress>(METER_PROGRESS_KEY, {}, (progress) => void (progress.completeUpTo = slotStart));
  }

  async recordEvent(event: DeviceEvent): Promise<void> {
    await this.update<DeviceEvent[]>(monthKey('events', event.at), [], (events) => void events.push({ ...event }));
  }

  async recordDecision(decision: Decision): Promise<void> {
    await this.update<Decision[]>(monthKey('decisions', decision.at), [], (list) => void list.push({ at: decision.at, decision: decision.decision }));
  }

  async slots(from: number, to: number): Promise<EnergySlot[]> {
    const out: EnergySlot[] = [];
    for (const month of monthsBetween(from, to)) {
      const data = await this.read<EnergyMonth>(monthKey('energy', month));
      for (const [start, kwh] of Object.entries(data?.slots ?? {})) {
        const t = Number(start);
        const grid = data?.grid?.[start];
        if (t >= from && t < to) out.push({ start: t, kwh, ...(grid ? { grid } : {}) });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  async events(from: number, to: number): Promise<DeviceEvent[]> {
    return this.range<DeviceEvent>('events', from, to);
  }

  async decisions(from: number, to: number): Promise<Decision[]> {
    return this.range<Decision>('decisions', from, to);
  }

  async settings(): Promise<Record<string, unknown>> {
    const s = await this.read<Record<string, unknown>>('settings');
    return s ?? {};
  }

  /** Saves settings (names, tariff, unit prices, CO2 coefficient...) with every secret-looking field removed. */
  async saveSettings(settings: Record<string, unknown>): Promise<void> {
    const clean = withoutSecrets(settings);
    this.cache.set('settings', clean);
    await this.storage.set('settings', clean);
  }

  /** Resolves when everything recorded so far is on disk. */
  async settled(): Promise<void> {
    await this.updates;
    await this.storage.settled();
  }

  private async range<T extends { at: number }>(series: 'events' | 'decisions', from: number, to: number): Promise<T[]> {
    const out: T[] = [];
    for (const month of monthsBetween(from, to)) {
      for (const item of (await this.read<T[]>(monthKey(series, month))) ?? []) if (item.at >= from && item.at < to) out.push(item);
    }
    return out.sort((a, b) => a.at - b.at);
  }

  private async read<T>(key: string): Promise<T | undefined> {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = await this.storage.get<T>(key);
    if (value !== undefined) this.cache.set(key, value);
    return value;
  }

  /**
   * Read-modify-write of one item, one at a time (two records of the same month must not both start from
   * the same copy); the cached copy changes only once the write is on disk.
   */
  private update<T>(key: string, empty: T, change: (value: T) => void): Promise<void> {
    const run = this.updates.then(async () => {
      const next = structuredClone((await this.read<T>(key)) ?? empty);
      change(next);
      await this.storage.set(key, next);
      this.cache.set(key, next);
    });
    this.updates = run.catch(() => undefined);
    return run;
  }

  /** Drops months older than the retention (checked when a month starts, so once a month in practice). */
  private async prune(now: number): Promise<void> {
    const d = new Date(now);
    const oldestKept = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - this.retention + 1, 1);
    const marker = `pruned-before/${oldestKept}`;
    if (this.cache.has(marker)) return;
    // three years below the limit is far more than any gap in which the plugin could have been off
    for (const month of monthsBetween(Date.UTC(d.getUTCFullYear() - 3, d.getUTCMonth(), 1), oldestKept)) {
      for (const series of SERIES) {
        const key = monthKey(series, month);
        this.cache.delete(key);
        await this.storage.remove(key);
      }
    }
    this.cache.set(marker, true);
  }
}

function checkSlot(start: number, kwh: Readonly<Record<string, number | undefined>>): void {
  if (start % HALF_HOUR_MS !== 0) throw new RangeError(`${new Date(start).toISOString()} is not the start of a half-hour`);
  for (const [source, value] of Object.entries(kwh)) {
    if (!Number.isFinite(value)) throw new RangeError(`the energy of ${source} is not a number`);
  }
}

function pick(kwh: Readonly<Record<string, number>>, sources: readonly string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(kwh).filter(([source]) => sources.includes(source)));
}
