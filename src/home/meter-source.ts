/**
 * The smart meter read over the B-route (Wi-SUN dongle). The wisun layer keeps the session alive and
 * emits readings; here they become the meter device, which goes offline when readings stop coming for
 * `staleAfterMs` (the session is then recovering, and old values must not be shown as current).
 */
import type { MeterReading } from '../wisun/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { ReadingUpdate, ReadingValues } from './readings.js';
import type { DeviceStore } from './store.js';

/** One B-route meter per installation (one dongle, one contract), so a fixed identity is stable. */
export const BROUTE_METER_IDENTITY = 'b-route-meter';

/** What this needs of the wisun SmartMeterClient: its reading events. */
const METER_READINGS: ReadonlySet<keyof ReadingValues> = new Set(['powerW', 'boughtKwh', 'soldKwh']);

interface MeterFeed {
  on(event: 'reading', listener: (reading: MeterReading) => void): unknown;
  off(event: 'reading', listener: (reading: MeterReading) => void): unknown;
}

export interface MeterSourceOptions {
  readonly feed: MeterFeed;
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly staleAfterMs: number;
}

export class MeterSource {
  private watchdog: TimerHandle | undefined;
  private lastReadingAt: number | undefined;
  private readonly onReading = (r: MeterReading): void => this.reading(r);

  constructor(private readonly options: MeterSourceOptions) {}

  start(): void {
    this.options.feed.on('reading', this.onReading);
  }

  stop(): void {
    this.options.feed.off('reading', this.onReading);
    this.watchdog?.cancel();
  }

  private reading(r: MeterReading): void {
    const { store, clock } = this.options;
    if (!store.get(BROUTE_METER_IDENTITY)) {
      store.put({ identity: BROUTE_METER_IDENTITY, kind: 'meter', source: 'broute', online: true, offers: METER_READINGS, commands: new Set() });
    }
    const update: ReadingUpdate = {};
    if (r.powerW !== null) update.powerW = r.powerW;
    if (r.boughtKwh !== null) update.boughtKwh = r.boughtKwh;
    if (r.soldKwh !== null) update.soldKwh = r.soldKwh;
    if (store.get(BROUTE_METER_IDENTITY)?.online === false) this.options.log.info('the smart meter answers again');
    this.lastReadingAt = clock.now();
    store.record(BROUTE_METER_IDENTITY, update, r.at);
    this.armWatchdog();
  }

  private armWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = this.options.clock.setTimeout(() => {
      const silentFor = this.options.clock.now() - (this.lastReadingAt ?? 0);
      if (this.options.store.setOnline(BROUTE_METER_IDENTITY, false)) {
        this.options.log.warn(`no reading from the smart meter for ${Math.round(silentFor / 1000)} s: shown as "No Response" until the B-route session recovers`);
      }
    }, this.options.staleAfterMs);
  }
}
