/**
 * A simulated Wi-SUN dongle with a smart meter behind it, for tests, the demo and development without
 * hardware. It sits on the device end of a pty pair (the plugin opens the other end with serialport,
 * exactly as a real /dev/ttyUSB0) or, without a path, on an in-memory port handed out as `hostPort`.
 */
import type { Clock } from '../../util/clock.js';
import type { DongleFamily } from '../../wisun/dialects.js';
import type { SerialLike } from '../../wisun/skstack.js';
import { CommandSplitter } from './input.js';
import { MeterObject, type MeterSource } from './meter-object.js';
import { DEFAULT_MODEL, MODELS, type DongleModel } from './models.js';
import { SimulatedStack, type DongleCounters, type DongleFaults } from './stack.js';
import { MemoryWire, PtyWire, type Wire } from './wire.js';

/** @public */
export type { DongleCounters, DongleFaults } from './stack.js';
/** @public */
export type { DongleModel } from './models.js';
/** @public */
export type { MeterSource } from './meter-object.js';

export interface DongleSimulatorOptions {
  /** The device end of a pty pair; without it the simulator serves an in-memory `hostPort`. */
  path?: string;
  family: DongleFamily;
  /** Defaults to BP35A1 (single-hop) or BP35C2 (dual-stack); must match the family. */
  model?: DongleModel;
  /** Whether WOPT 01 (ASCII ERXUDP data) is already stored in the dongle's flash. */
  asciiMode?: boolean;
  timing: 'fast' | 'realistic';
  /** What the meter expects; a client with other credentials is refused (EVENT 24). */
  credentials: { id: string; password: string };
  meter: MeterSource;
  clock: Clock;
  panId?: number;
  /** 0x21..0x3C. */
  channel?: number;
  /** The meter's MAC address, 16 hex digits. */
  macAddr?: string;
}

export interface DongleSimulator {
  readonly model: DongleModel;
  readonly counters: Readonly<DongleCounters>;
  /** The meter's link-local address, what SKLL64 gives for macAddr. */
  readonly meterAddress: string;
  /** The in-memory port to give openSkstack (only when started without `path`; renewed by replug). */
  readonly hostPort: SerialLike | undefined;
  setFaults(faults: Partial<DongleFaults>): void;
  /** 24/25 re-authentication result, 26-28 termination, 29 session lifetime expired. */
  injectSessionEvent(code: 0x24 | 0x25 | 0x26 | 0x27 | 0x28 | 0x29): void;
  /**
   * Pulls the dongle: closes its end and loses RAM state. On a pty pair the host sees its port vanish
   * once the pair itself is closed (socat keeps the host end open otherwise); in memory at once.
   */
  unplug(): Promise<void>;
  /** Plugs it back in, under a new pty path (or a new in-memory port). */
  replug(newPath?: string): Promise<void>;
  stop(): Promise<void>;
}

export function startDongleSimulator(opts: DongleSimulatorOptions): DongleSimulator {
  const model = opts.model ?? DEFAULT_MODEL[opts.family];
  const traits = MODELS[model];
  if (traits.family !== opts.family) throw new Error(`${model} is a ${traits.family} dongle, not ${opts.family}`);
  const meterMac = (opts.macAddr ?? 'C0F9450040123456').toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(meterMac)) throw new Error(`macAddr "${opts.macAddr}" is not 16 hex digits`);

  let wire: Wire | undefined;
  const meter = new MeterObject(opts.meter, opts.clock, routeBIdentification(meterMac));
  const stack = new SimulatedStack({
    model,
    traits,
    timing: opts.timing,
    credentials: opts.credentials,
    meter,
    clock: opts.clock,
    panId: opts.panId ?? 0x8888,
    channel: opts.channel ?? 0x21,
    meterMac,
    asciiMode: opts.asciiMode ?? false,
    output: (bytes) => wire?.write(bytes),
  });

  const plug = (path: string | undefined): void => {
    const splitter = new CommandSplitter(() => (stack.family === 'dual-stack' ? 6 : 5));
    const onData = (chunk: Uint8Array): void => {
      for (const cmd of splitter.push(chunk)) stack.handle(cmd);
    };
    wire = path === undefined ? new MemoryWire(onData) : new PtyWire(path, onData);
  };
  const unplug = async (): Promise<void> => {
    stack.powerCycle();
    const w = wire;
    wire = undefined;
    await w?.close();
  };
  plug(opts.path);

  return {
    model,
    meterAddress: stack.meterLla,
    get counters() {
      return stack.counters;
    },
    get hostPort() {
      return wire instanceof MemoryWire ? wire.hostPort : undefined;
    },
    setFaults: (f) => stack.setFaults(f),
    injectSessionEvent: (code) => stack.injectSessionEvent(code),
    unplug,
    async replug(newPath) {
      await unplug();
      plug(newPath);
    },
    async stop() {
      await unplug();
      stack.stop();
    },
  };
}

/**
 * C0, the B-route identification number. The catalogue has no codec for it, so these are raw bytes in
 * the 17-byte shape of the identification number 83: 0xFE, a maker code, zero padding, the meter's MAC.
 */
function routeBIdentification(meterMac: string): Uint8Array {
  return Uint8Array.from(Buffer.concat([Buffer.from('fe000016', 'hex'), Buffer.alloc(5), Buffer.from(meterMac, 'hex')]));
}
