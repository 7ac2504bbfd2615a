/**
 * Opens the dongle's serial port, and finds it again when it comes back under another path: a USB
 * serial device that resets or is replugged may reappear as /dev/ttyUSB1 instead of /dev/ttyUSB0. The
 * port is recognised by its USB vendor, product and serial number, remembered on the first open.
 */
import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/guard.js';
import type { SerialLike } from './skstack.js';

export type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];
export type PortLister = () => Promise<PortInfo[]>;

/** SKSTACK dongles all talk 115200 8N1. */
const BAUD_RATE = 115_200;

interface UsbIdentity {
  readonly vendorId: string;
  readonly productId: string;
  readonly serialNumber: string | undefined;
}

/**
 * SerialPort.list() with its failures turned into "nothing listed": it spawns `udevadm`, which minimal
 * containers lack (`spawn udevadm ENOENT`), and a missing helper must not stop the configured path from
 * being opened.
 */
export function systemPortLister(log: Logger): PortLister {
  let warned = false;
  return async () => {
    try {
      return await SerialPort.list();
    } catch (err) {
      if (!warned) log.warn(`cannot list serial ports (${errorMessage(err)}): a dongle that moves to another path will not be found`);
      warned = true;
      return [];
    }
  };
}

export class PortFinder {
  private identity: UsbIdentity | undefined;

  constructor(
    private readonly configuredPath: string,
    private readonly lister: PortLister,
    private readonly log: Logger,
  ) {}

  /** The path to open now: where the remembered USB device is, else the configured path. */
  async locate(): Promise<string> {
    const ports = await this.lister();
    if (!this.identity) {
      const real = await realpath(this.configuredPath).catch(() => this.configuredPath);
      const entry = ports.find((p) => p.path === this.configuredPath || p.path === real);
      this.identity = entry && identityOf(entry);
      if (this.identity) {
        this.log.debug(`dongle identified as USB ${this.identity.vendorId}:${this.identity.productId} serial ${this.identity.serialNumber ?? '(none)'}`);
      }
      return this.configuredPath;
    }
    const known = this.identity;
    const match = ports.find((p) => {
      const id = identityOf(p);
      return id !== undefined && id.vendorId === known.vendorId && id.productId === known.productId && id.serialNumber === known.serialNumber;
    });
    if (!match) return this.configuredPath;
    const real = await realpath(this.configuredPath).catch(() => undefined);
    if (match.path !== this.configuredPath && match.path !== real) this.log.warn(`the dongle is now at ${match.path} (configured: ${this.configuredPath})`);
    return match.path;
  }
}

function identityOf(p: PortInfo): UsbIdentity | undefined {
  if (!p.vendorId || !p.productId) return undefined;
  return { vendorId: p.vendorId.toLowerCase(), productId: p.productId.toLowerCase(), serialNumber: p.serialNumber };
}

/** An opener for BrouteSession: every call locates the dongle anew and opens it at 115200 8N1. */
export function serialPortOpener(opts: { path: string; log: Logger; lister?: PortLister }): () => Promise<SerialLike> {
  const finder = new PortFinder(opts.path, opts.lister ?? systemPortLister(opts.log), opts.log);
  return async () => {
    const path = await finder.locate();
    const port = new SerialPort({ path, baudRate: BAUD_RATE, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return port;
  };
}
