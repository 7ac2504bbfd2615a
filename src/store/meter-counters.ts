/**
 * The B-route meter's half-hour counters, kept in the store: the sink the meter client back-fills into,
 * so a restart remembers which half-hours it already has (and fetches only what the plugin missed), and
 * the source of exact grid energy: a half-hour's bought and sold are the differences of the counters
 * at its two ends, written into the energy history as they become known.
 *
 * The meter starts with the home, possibly before the store has opened (both start at launch), so this
 * sink is handed out at once and waits for attach(): the meter's first use of it comes only after a
 * join that takes seconds, and a wait is simpler and safer than buffering records. Without a store (it
 * could not open) the counters are kept in memory, as before there was one.
 */
import type { Clock } from '../util/clock.js';
import { jstDayStart } from '../util/jst.js';
import { MemoryHalfHourSink, SLOT_MS, type HalfHourRecord, type HalfHourSink } from '../wisun/history.js';
import { counterDeltaKwh } from '../wisun/meter.js';
import type { History } from './history.js';

type Backend = { readonly history: History } | { readonly memory: MemoryHalfHourSink };

export class MeterCounters implements HalfHourSink {
  private modulusKwh: number | undefined;
  private attached: ((backend: Backend) => void) | undefined;
  private readonly backend = new Promise<Backend>((resolve) => (this.attached = resolve));

  constructor(private readonly clock: Clock) {}

  /** Gives the store once open, or undefined when it could not open; only the first call counts. */
  attach(history: History | undefined): void {
    this.attached?.(history ? { history } : { memory: new MemoryHalfHourSink() });
    this.attached = undefined;
  }

  counterModulus(modulusKwh: number | undefined): void {
    this.modulusKwh = modulusKwh;
  }

  async lastSlot(): Promise<number | undefined> {
    const b = await this.backend;
    return 'history' in b ? b.history.lastMeterSlot(this.clock.now()) : b.memory.lastSlot();
  }

  async has(slotStart: number): Promise<boolean> {
    const b = await this.backend;
    return 'history' in b ? (await b.history.meterCounters(slotStart)) !== undefined : b.memory.has(slotStart);
  }

  async completeUpTo(): Promise<number | undefined> {
    const b = await this.backend;
    return 'history' in b ? b.history.meterCompleteUpTo() : undefined;
  }

  async markComplete(slotStart: number): Promise<void> {
    const b = await this.backend;
    if ('history' in b) await b.history.recordMeterCompleteUpTo(slotStart);
  }

  /** Keeps the counters, then fills the half-hours they close and open where the other end is known. */
  async put(record: HalfHourRecord): Promise<void> {
    const b = await this.backend;
    if (!('history' in b)) return b.memory.put(record);
    await b.history.recordMeterCounters(record);
    for (const start of [record.slotStart - SLOT_MS, record.slotStart]) await this.fill(b.history, start);
  }

  /** Today's counters (JST day), for the dashboard's completeness and its 'backfill' marks. */
  async today(): Promise<HalfHourRecord[]> {
    const b = await this.backend;
    const now = this.clock.now();
    const from = jstDayStart(now);
    if ('history' in b) return b.history.meterRecords(from, now + 1);
    return b.memory.records().filter((r) => r.slotStart >= from && r.slotStart <= now);
  }

  private async fill(history: History, start: number): Promise<void> {
    const [a, b] = [await history.meterCounters(start), await history.meterCounters(start + SLOT_MS)];
    if (!a || !b) return;
    const delta = (from: number | null, to: number | null): number | undefined => {
      if (from === null || to === null) return undefined;
      const kwh = counterDeltaKwh(from, to, this.modulusKwh);
      // still negative: the counter went back without a known wrap (meter replaced), nothing to say
      return kwh < 0 ? undefined : kwh;
    };
    const bought = delta(a.boughtKwh, b.boughtKwh);
    if (bought === undefined) return;
    const sold = delta(a.soldKwh, b.soldKwh);
    await history.fillGrid(start, { bought, ...(sold === undefined ? {} : { sold }) });
  }
}
