/**
 * Keeps the status file fresh: every minute (and on demand) it gathers what the platform knows, builds
 * the document and replaces the file. The platform owns the sources; this only reads them, so wiring
 * it in is one call: startStatusPublisher({ file: statusFilePath(api.user.storagePath()), ... }).
 */
import type { Clock, TimerHandle } from '../util/clock.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { writeStatus } from './file.js';
import { buildStatus, type StatusInput } from './status.js';
import { monthBounds } from './energy.js';
import type { HomeDevice } from '../home/index.js';
import type { EnergySlot } from '../store/history.js';

/** The UI polls more often than this; a minute matches the meter's and the devices' reading rates. */
const DEFAULT_INTERVAL_MS = 60_000;

export interface StatusSources extends Pick<StatusInput, 'purchaseMode' | 'tariff'> {
  /** src/home's Home satisfies it. */
  readonly home: { devices(): readonly HomeDevice[] };
  /** The history (src/store History satisfies it); without it the series holds only meter back-fill. */
  readonly history?: { slots(from: number, to: number): Promise<EnergySlot[]> };
  /** Each of these is asked at every write, so the file always has the latest. */
  /** The meter's counters of today (the runtime's come from the store, so they may take a read). */
  readonly meterRecords?: () => StatusInput['meterRecords'] | Promise<StatusInput['meterRecords']>;
  readonly scheduler?: () => StatusInput['scheduler'];
  readonly forecast?: () => StatusInput['forecast'];
  readonly warnings?: () => StatusInput['warnings'];
}

export interface StatusPublisherOptions {
  readonly file: string;
  readonly sources: StatusSources;
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs?: number;
}

export interface StatusPublisher {
  /** Writes now (e.g. right after a new plan); resolves when the file is replaced. Does nothing once stopped. */
  publish(): Promise<void>;
  /** Resolves when the write under way (if any) is done: nothing touches the file afterwards. */
  stop(): Promise<void>;
}

/** Writes at once, then every interval until stop(). A failed write is logged and retried next time. */
export function startStatusPublisher(options: StatusPublisherOptions): StatusPublisher {
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  let timer: TimerHandle | undefined;
  let stopped = false;
  // one write at a time, in order: two overlapping writes could rename an older status over a newer one
  let writing: Promise<void> = Promise.resolve();
  const publish = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    const write = writing.then(async () => {
      const input = await collectStatusInput(options.sources, options.clock.now());
      await writeStatus(options.file, buildStatus(input));
    });
    writing = write.catch(() => undefined);
    return write;
  };
  const tick = (): void => {
    if (stopped) return;
    guard(options.log, 'writing the dashboard status', publish());
    timer = options.clock.setTimeout(tick, interval);
  };
  tick();
  return {
    publish,
    async stop() {
      stopped = true;
      timer?.cancel();
      await writing;
    },
  };
}

/** The inputs of buildStatus at `now`: history from the start of last month (JST), the rest as the sources say. */
async function collectStatusInput(sources: StatusSources, now: number): Promise<StatusInput> {
  return {
    now,
    purchaseMode: sources.purchaseMode,
    devices: sources.home.devices(),
    slots: sources.history ? await sources.history.slots(monthBounds(now).lastMonth, now) : [],
    meterRecords: await sources.meterRecords?.(),
    tariff: sources.tariff,
    scheduler: sources.scheduler?.(),
    forecast: sources.forecast?.(),
    warnings: sources.warnings?.(),
  };
}
