/**
 * Single operations that open the network, do one thing and close it again: what the CLI's `discover`,
 * `get` and `set` commands (and quick scripts) need, one call each.
 */
import { EchonetController, type ControllerOptions, type ReadResult, type VerifiedSetResult } from './controller.js';
import { DeviceDiscovery } from './discovery.js';
import { UdpTransport } from './transport.js';
import type { Eoj } from './frame.js';
import { eojToHex } from './eoj.js';
import { lookupClass } from './catalogue/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/log.js';

export interface OneShotOptions {
  /** Local IPv4 address facing the devices; omitted: all interfaces. */
  readonly interface?: string;
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Timeouts and retries of the requests (see ControllerOptions). */
  readonly controller?: Omit<ControllerOptions, 'transport' | 'clock' | 'log'>;
}

/** A discovered device in the form the CLI prints. */
export interface DeviceSummary {
  readonly address: string;
  /** Six hex digits, e.g. "026b01". */
  readonly eoj: string;
  /** The class name when catalogued ("Electric water heater"), else four hex digits. */
  readonly class: string;
  readonly identity: string;
  /** Six hex digits, or undefined when the device did not say. */
  readonly maker: string | undefined;
  readonly online: boolean;
}

/** Opens the transport and a controller, runs `work`, and always closes both. */
async function withController<T>(options: OneShotOptions, work: (controller: EchonetController, clock: Clock) => Promise<T>): Promise<T> {
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const transport = await UdpTransport.open({ address: options.interface, log });
  const controller = new EchonetController({ ...options.controller, transport, clock, log });
  try {
    return await work(controller, clock);
  } finally {
    controller.close();
    await transport.close();
  }
}

/** One search: devices that answered within `timeoutMs` (default 3 s), with their probe results. */
export function discoverDevices(options: OneShotOptions & { readonly timeoutMs?: number } = {}): Promise<DeviceSummary[]> {
  return withController(options, async (controller, clock) => {
    const discovery = new DeviceDiscovery({ controller, clock, log: options.log, searchWindowMs: options.timeoutMs });
    const devices = await discovery.poll();
    return devices.map((d) => ({
      address: d.address,
      eoj: eojToHex(d.eoj),
      class: lookupClass(d.classCode)?.name ?? d.classCode.toString(16).padStart(4, '0'),
      identity: d.identity,
      maker: d.maker?.toString(16).padStart(6, '0'),
      online: d.online,
    }));
  });
}

/** Reads properties of one object. Rejects with EchonetError 'timeout' when the device does not answer. */
export function readProperties(host: string, eoj: Eoj, epcs: readonly number[], options: OneShotOptions = {}): Promise<ReadResult> {
  return withController(options, (controller) => controller.get(host, eoj, epcs));
}

/** Writes one property and confirms it (see EchonetController.setVerified). */
export function writeProperty(host: string, eoj: Eoj, epc: number, edt: Uint8Array, options: OneShotOptions = {}): Promise<VerifiedSetResult> {
  return withController(options, (controller) => controller.setVerified(host, eoj, epc, edt));
}

