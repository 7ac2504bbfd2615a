/**
 * Remembers the meter's PAN (channel, PAN ID, MAC and link-local address) so that a restart or a rejoin
 * skips the scan, which takes from 20 s to over a minute on real hardware.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import { errorMessage } from '../util/guard.js';

export interface Pan {
  readonly channel: number;
  readonly channelPage: number;
  readonly panId: number;
  /** The meter's 64-bit MAC address, 16 hex digits. */
  readonly addr: string;
  /** The meter's IPv6 link-local address (derived from addr by SKLL64). */
  readonly ipv6: string;
}

export interface PanCache {
  load(): Promise<Pan | undefined>;
  save(pan: Pan): Promise<void>;
  clear(): Promise<void>;
}

export class MemoryPanCache implements PanCache {
  constructor(private pan?: Pan) {}
  async load(): Promise<Pan | undefined> {
    return this.pan;
  }
  async save(pan: Pan): Promise<void> {
    this.pan = pan;
  }
  async clear(): Promise<void> {
    this.pan = undefined;
  }
}

export const PAN_CACHE_FILE = 'broute-pan.json';

/** JSON in a file of `dir`. Written atomically (temp file + rename) so a crash mid-write leaves the old file. */
export class FilePanCache implements PanCache {
  private readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {
    this.path = join(dir, PAN_CACHE_FILE);
  }

  async load(): Promise<Pan | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.log.warn(`cannot read the PAN cache ${this.path} (${errorMessage(err)}): the meter will be scanned for`);
      return undefined;
    }
    const pan = parsePan(text);
    if (!pan) this.log.warn(`the PAN cache ${this.path} is corrupt: ignoring it, the meter will be scanned for`);
    return pan;
  }

  async save(pan: Pan): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(pan, null, 2)}\n`, 'utf8');
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function parsePan(text: string): Pan | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const isInt = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (!isInt(r.channel, 0xff) || !isInt(r.channelPage, 0xff) || !isInt(r.panId, 0xffff)) return undefined;
  if (typeof r.addr !== 'string' || !/^[0-9A-Fa-f]{16}$/.test(r.addr)) return undefined;
  if (typeof r.ipv6 !== 'string' || !/^[0-9A-Fa-f:]+$/.test(r.ipv6)) return undefined;
  return { channel: r.channel, channelPage: r.channelPage, panId: r.panId, addr: r.addr, ipv6: r.ipv6 };
}
