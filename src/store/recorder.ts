/**
 * Turns the home's readings into history: each half-hour's energy per source, closed at the half-hour
 * boundary, and a device event whenever a device changes how it operates or stops answering.
 *
 * Energy comes from a device's cumulative counter when it has one (meter bought/sold, solar generated:
 * the difference across the half-hour, exact whatever the poll rate) and otherwise from its power held
 * between readings (EV charger, battery: + charging, - discharging). The half-hour in progress lives in
 * memory and is written on stop: a crash loses at most it, a restart only the time the plugin was down.
 */
import type { HomeDevice, ReadingValues } from '../home/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { HALF_HOUR_MS, type EventKind, type History } from './history.js';

type DeviceEvent = 'device-added' | 'device-changed';

/** What the recorder reads: src/home's Home satisfies it. */
export interface ReadingsSource {
  devices(): readonly HomeDevice[];
  on(event: DeviceEvent, listener: (device: HomeDevice) => void): unknown;
  off(event: DeviceEvent, listener: (device: HomeDevice) => void): unknown;
}

/**
 * A power reading older than this is not stretched further: a device silent for longer contributes
 * nothing for the gap rather than an invented flat line.
 */
const MAX_HOLD_MS = 10 * 60_000;

/** Readings whose change is an operation event worth keeping. */
const OPERATION_KEYS = ['heatingMode', 'heating', 'daytimeReheating', 'operationMode', 'vehicle'] as const satisfies readonly (keyof ReadingValues)[];

type Counter = 'boughtKwh' | 'soldKwh' | 'generatedKwh';

interface Track {
  /** Counter values at the start of the half-hour (or when first seen in it). */
  base: Partial<Record<Counter, number>>;
  latest: Partial<Record<Counter, number>>;
  /** When a counter was last read (B-route meter only; see observe). */
  counterAt?: number;
  /** Energy from power in this half-hour, kWh. */
  integrated: number;
  /** The last power reading, and up to when it has been counted. */
  power?: { w: number; at: number; counted: number };
  last?: HomeDevice;
}

export interface RecorderOptions {
  readonly source: ReadingsSource;
  readonly history: History;
  readonly clock: Clock;
  readonly log: Logger;
}

export class EnergyRecorder {
  private readonly tracks = new Map<string, Track>();
  private slotStart = 0;
  /** What a previous run stored for the current half-hour. */
  private carried: Record<string, number> = {};
  private timer: TimerHandle | undefined;
  private readonly listener = (device: HomeDevice) => this.observe(device);

  constructor(private readonly options: RecorderOptions) {}

  /**
   * Follows the home from now on. A half-hour already stored for the current slot (written by stop() of
   * the previous run, a restart within the same half-hour) is carried into this run's total for it.
   */
  async start(): Promise<void> {
    const now = this.options.clock.now();
    this.slotStart = now - (now % HALF_HOUR_MS);
    for (const device of this.options.source.devices()) this.observe(device);
    this.options.source.on('device-added', this.listener);
    this.options.source.on('device-changed', this.listener);
    this.schedule();
    const slot = this.slotStart;
    const [stored] = await this.options.history.slots(slot, slot + 1);
    // the half-hour may have closed while the store was read: the carry belongs to that one only
    if (stored && this.slotStart === slot) this.carried = { ...stored.kwh };
  }

  /**
   * Stops following the home and writes the half-hour so far, so a restart loses at most the time the
   * plugin was down (start() adds to it when the next run begins within the same half-hour).
   */
  async stop(): Promise<void> {
    this.timer?.cancel();
    this.options.source.off('device-added', this.listener);
    this.options.source.off('device-changed', this.listener);
    const now = this.options.clock.now();
    if (now <= this.slotStart) return;
    const kwh = this.totals(now);
    if (Object.keys(kwh).length > 0) await this.options.history.recordSlot({ start: this.slotStart, kwh: round(kwh) });
  }

  private schedule(): void {
    const next = this.slotStart + HALF_HOUR_MS;
    this.timer = this.options.clock.setTimeout(() => this.close(), Math.max(0, next - this.options.clock.now()));
  }

  /** Closes the half-hour: writes its energy and starts the next from the latest counters. */
  private close(): void {
    const end = this.slotStart + HALF_HOUR_MS;
    const kwh = this.totals(end);
    for (const track of this.tracks.values()) {
      track.base = { ...track.latest };
      track.integrated = 0;
    }
    this.carried = {};
    const start = this.slotStart;
    this.slotStart = end;
    this.schedule();
    if (Object.keys(kwh).length > 0) guard(this.options.log, 'recording the half-hour', this.options.history.recordSlot({ start, kwh: round(kwh) }));
  }

  /** Energy per source of the current half-hour up to `until` (plus what an earlier run stored for it). */
  private totals(until: number): Record<string, number> {
    const kwh: Record<string, number> = { ...this.carried };
    const add = (source: string, value: number) => (kwh[source] = (kwh[source] ?? 0) + value);
    for (const [identity, track] of this.tracks) {
      this.integrate(track, until);
      const kind = track.last?.kind;
      const delta = (counter: Counter): number | undefined => {
        const a = track.base[counter];
        const b = track.latest[counter];
        // a counter that went back (meter replaced, wrap-around) says nothing about this half-hour, nor
        // a B-route counter not read in it (the meter unreachable): the meter's own record fills that
        if (a === undefined || b === undefined || b < a || (track.counterAt ?? Infinity) < this.slotStart) return undefined;
        return b - a;
      };
      if (kind === 'meter') {
        const bought = delta('boughtKwh');
        const sold = delta('soldKwh');
        if (bought !== undefined) add('bought', bought);
        if (sold !== undefined) add('sold', sold);
        continue;
      }
      const generated = delta('generatedKwh');
      if (generated !== undefined) {
        add('generated', generated);
        add(`device/${identity}`, generated);
      } else if (track.power) {
        add(`device/${identity}`, track.integrated);
      }
    }
    return kwh;
  }

  private observe(device: HomeDevice): void {
    let track = this.tracks.get(device.identity);
    if (!track) {
      track = { base: {}, latest: {}, integrated: 0 };
      this.tracks.set(device.identity, track);
    }
    // The B-route meter's own half-hour records fill the half-hours it was not read in (store/
    // meter-counters.ts), so after a whole half-hour without a reading its energy is not piled onto this
    // one: count from here. Other counters have no such record: they keep their energy in the next reading.
    const fillable = device.source === 'broute';
    const missed = fillable && track.counterAt !== undefined && track.counterAt < this.slotStart - HALF_HOUR_MS;
    for (const counter of ['boughtKwh', 'soldKwh', 'generatedKwh'] as const) {
      const reading = device.readings[counter];
      if (reading === undefined) continue;
      track.latest[counter] = reading.value;
      if (missed && reading.at >= this.slotStart) track.base[counter] = reading.value;
      else track.base[counter] ??= reading.value;
      if (fillable) track.counterAt = Math.max(track.counterAt ?? -Infinity, reading.at);
    }
    const power = device.readings.powerW;
    if (power && (!track.power || power.at > track.power.at)) {
      this.integrate(track, power.at);
      track.power = { w: power.value, at: power.at, counted: power.at };
    }
    this.events(track.last, device);
    track.last = device;
  }

  /** Adds the held power up to `until` (within this half-hour, and no further than MAX_HOLD_MS). */
  private integrate(track: Track, until: number): void {
    const p = track.power;
    if (!p) return;
    const from = Math.max(p.counted, this.slotStart);
    const to = Math.min(until, p.at + MAX_HOLD_MS, this.slotStart + HALF_HOUR_MS);
    if (to > from) {
      track.integrated += (p.w * (to - from)) / 3.6e9;
      p.counted = to;
    }
  }

  private events(before: HomeDevice | undefined, after: HomeDevice): void {
    const record = (kind: EventKind, detail: string) =>
      guard(this.options.log, 'recording a device event', this.options.history.recordEvent({ at: this.options.clock.now(), device: after.identity, kind, detail }));
    if (before && before.online !== after.online) record(after.online ? 'online' : 'offline', after.online ? 'answering again' : 'not answering');
    for (const key of OPERATION_KEYS) {
      const was = before?.readings[key]?.value;
      const now = after.readings[key]?.value;
      if (now !== undefined && was !== undefined && was !== now) record('operation', `${key} ${String(was)} -> ${String(now)}`);
    }
    const fault = faultChange(before, after);
    if (fault) record('error', fault);
  }
}

/**
 * The error event a reading change makes, if any: a fault that appears (also one already there when the
 * device is first seen, as the plugin may have been down when it began), a new code for a standing
 * fault, and the fault clearing.
 */
function faultChange(before: HomeDevice | undefined, after: HomeDevice): string | undefined {
  const was = before?.readings.fault?.value;
  const now = after.readings.fault?.value;
  const code = after.readings.faultCode?.value;
  if (now === false) return was === true ? 'fault cleared' : undefined;
  if (now !== true) return undefined;
  const detail = code === undefined ? 'fault' : `fault, code ${code}`;
  if (was !== true) return detail;
  return code !== before?.readings.faultCode?.value ? detail : undefined;
}

/** To the milliwatt-hour: what is below is floating-point noise, not measurement. */
function round(kwh: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(kwh).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]));
}
