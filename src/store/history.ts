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
}

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

type Series = 'energy' | 'events' | 'decisions';

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
}

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

  /** Stores a closed half-hour; a later write for the same half-hour replaces it. */
  async recordSlot(slot: EnergySlot): Promise<void> {
    if (slot.start % HALF_HOUR_MS !== 0) throw new RangeError(`${new Date(slot.start).toISOString()} is not the start of a half-hour`);
    for (const [source, kwh] of Object.entries(slot.kwh)) {
      if (!Number.isFinite(kwh)) throw new RangeError(`the energy of ${source} is not a number`);
    }
    const key = monthKey('energy', slot.start);
    await this.update<EnergyMonth>(key, { slots: {} }, (month) => {
      month.slots[String(slot.start)] = { ...slot.kwh };
    });
    await this.prune(slot.start);
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
        if (t >= from && t < to) out.push({ start: t, kwh });
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
      for (const series of ['energy', 'events', 'decisions'] as const) {
        const key = monthKey(series, month);
        this.cache.delete(key);
        await this.storage.remove(key);
      }
    }
    this.cache.set(marker, true);
  }
}
