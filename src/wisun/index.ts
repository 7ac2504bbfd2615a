/**
 * What the rest of the project uses of the B-route: a running meter for the platform, and one call per
 * CLI command (scan, read, history) that opens the dongle, does one thing and closes it again.
 * Everything is built from a serial port path and the B-route credentials; the CLI and the platform
 * handle where those come from (config, flags, files, HEMS_BROUTE_ID / HEMS_BROUTE_PASSWORD).
 */
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, redactingLogger, type Logger } from '../util/log.js';
import { formatJst, MAX_DAY_OFFSET, SLOT_MS, type HalfHourSink } from './history.js';
import { SmartMeterClient } from './meter.js';
import { FilePanCache, MemoryPanCache } from './pan-cache.js';
import { serialPortOpener, type PortLister } from './port-finder.js';
import { BrouteSession, SCAN_DURATIONS, scanUntil, type BrouteSessionOptions } from './session.js';
import { checkCredentials, openSkstack, type PanDescriptor } from './skstack.js';

export { BrouteError, type SessionStateEvent } from './session.js';
export type { MeterReading } from './meter.js';
export type { HalfHourSink } from './history.js';

export interface BrouteConfig {
  /** The dongle's serial port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/... */
  readonly port: string;
  readonly id: string;
  readonly password: string;
  /** Where the PAN cache lives; without it the PAN is remembered only while the process runs. */
  readonly cacheDir?: string;
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Lists serial ports to find a dongle that moved; SerialPort.list() by default. */
  readonly lister?: PortLister;
  /** Tuning for tests and odd hardware; see BrouteSessionOptions. */
  readonly session?: Partial<Pick<BrouteSessionOptions, 'openLink' | 'scanDurations' | 'backoff' | 'credentialsBackoff'>>;
}

function createSession(config: BrouteConfig): { session: BrouteSession; clock: Clock; log: Logger } {
  const clock = config.clock ?? systemClock;
  const log = redactingLogger(config.log ?? silentLogger, () => [config.id, config.password]);
  const session = new BrouteSession({
    ...config.session,
    id: config.id,
    password: config.password,
    openPort: serialPortOpener({ path: config.port, log, lister: config.lister }),
    panCache: config.cacheDir ? new FilePanCache(config.cacheDir, log) : new MemoryPanCache(),
    clock,
    log,
  });
  return { session, clock, log };
}

export interface BrouteMeter {
  readonly session: BrouteSession;
  readonly meter: SmartMeterClient;
  stop(): Promise<void>;
}

export interface BrouteMeterConfig extends BrouteConfig {
  readonly sink?: HalfHourSink;
  readonly pollIntervalMs?: number;
  readonly requestTimeoutMs?: number;
}

/** Starts the session and the meter client; they keep going (and recovering) until stop(). Never throws. */
export function startBrouteMeter(config: BrouteMeterConfig): BrouteMeter {
  const { session, clock, log } = createSession(config);
  const meter = new SmartMeterClient({ session, clock, log, sink: config.sink, pollIntervalMs: config.pollIntervalMs, requestTimeoutMs: config.requestTimeoutMs });
  session.start();
  meter.start();
  return {
    session,
    meter,
    async stop() {
      meter.stop();
      await session.stop();
    },
  };
}

/** Joins (cached PAN first), runs fn with a meter client, and always leaves the port closed. */
async function withMeter<T>(config: BrouteConfig, fn: (meter: SmartMeterClient) => Promise<T>): Promise<T> {
  const { session, clock, log } = createSession(config);
  const meter = new SmartMeterClient({ session, clock, log });
  try {
    await session.connect();
    return await fn(meter);
  } finally {
    meter.stop();
    await session.stop();
  }
}

/** `echonet-hems meter scan`: the PANs the first successful scan found (escalating durations), or none. */
export async function meterScan(config: BrouteConfig & { readonly durations?: readonly number[] }): Promise<PanDescriptor[]> {
  const clock = config.clock ?? systemClock;
  const log = redactingLogger(config.log ?? silentLogger, () => [config.id, config.password]);
  checkCredentials(config.id, config.password); // before the port is opened: nothing is written
  const stream = await serialPortOpener({ path: config.port, log, lister: config.lister })();
  let link;
  try {
    link = await (config.session?.openLink ?? openSkstack)(stream, { clock, log });
  } catch (err) {
    stream.close();
    throw err;
  }
  try {
    await link.setCredentials(config.id, config.password);
    const found = await scanUntil(
      link,
      config.durations ?? SCAN_DURATIONS,
      (pans) => (pans.length > 0 ? pans : undefined),
      (d) => log.info(`scanning (SKSCAN duration ${d})`),
    );
    return found ?? [];
  } finally {
    await link.close();
  }
}

export interface MeterReadResult {
  readonly power_w: number | null;
  readonly current_r_a: number | null;
  readonly current_t_a: number | null;
  readonly bought_kwh: number | null;
  readonly sold_kwh: number | null;
}

/** `echonet-hems meter read`: one reading (null = no data). Scans only when no PAN is cached. */
export function meterRead(config: BrouteConfig): Promise<MeterReadResult> {
  return withMeter(config, async (meter) => {
    const r = await meter.read();
    return { power_w: r.powerW, current_r_a: r.currentRA, current_t_a: r.currentTA, bought_kwh: r.boughtKwh, sold_kwh: r.soldKwh };
  });
}

export interface HistorySlot {
  /** The half-hour boundary, Japan local time: "2026-11-26T00:30:00+09:00". */
  readonly start: string;
  readonly bought_kwh: number | null;
  readonly sold_kwh: number | null;
}

/** `echonet-hems meter history --day N`: the 48 half-hour cumulative values of day N (0 = today .. 99). */
export function meterHistory(config: BrouteConfig & { readonly day: number }): Promise<HistorySlot[]> {
  if (!Number.isInteger(config.day) || config.day < 0 || config.day > MAX_DAY_OFFSET) {
    return Promise.reject(new RangeError(`day ${config.day} is outside 0 (today) .. ${MAX_DAY_OFFSET}`));
  }
  return withMeter(config, async (meter) => {
    const day = await meter.readHistoryDay(config.day);
    return day.bought.map((bought, i) => ({ start: formatJst(day.dayStart + i * SLOT_MS), bought_kwh: bought, sold_kwh: day.sold?.[i] ?? null }));
  });
}
