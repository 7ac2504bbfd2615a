/**
 * node-persist under the plugin's storage directory, made safe against a kill at any moment and against
 * damaged files:
 * - every item file is replaced atomically (temporary file, fsync, rename; util/atomic-file.ts) instead
 *   of node-persist's truncate-and-write, which a kill can leave half written;
 * - every file carries a SHA-256 of its content, so damage from elsewhere (a bad SD card, an editor) is
 *   noticed when it is read, not passed on as data;
 * - a damaged file is moved to `quarantine/` and recovered from the newest backup that has a good copy,
 *   with a log line that says what happened and what was lost.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import storage from 'node-persist';
import { TEMP_SUFFIX, writeFileAtomic } from '../util/atomic-file.js';
import { errorMessage } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { isRecord } from '../util/json.js';

/** Sub-directories of the store's directory. */
export const DATA_DIR = 'data';
export const QUARANTINE_DIR = 'quarantine';

/** Finds a good copy of a damaged file in the backups (backup.ts provides it; absent in tests). */
export type Recover = (fileName: string, check: (text: string) => boolean) => Promise<{ text: string; from: string } | undefined>;

/** The node-persist members used here beyond its typings: the file an item lives in, and its writer. */
interface PersistInternals {
  getDatumPath(key: string): string;
  writeFile(file: string, content: unknown): Promise<unknown>;
  stringify(value: unknown): string;
  stopWriteQueueInterval(): void;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The file format: node-persist's datum with its checksum beside it. */
function seal(value: unknown): string {
  const body = JSON.stringify(value);
  return JSON.stringify({ sha256: sha256(body), body });
}

function unseal(text: string): unknown {
  const outer: unknown = JSON.parse(text);
  if (!isRecord(outer) || typeof outer.body !== 'string' || outer.sha256 !== sha256(outer.body)) throw new Error('checksum mismatch');
  return JSON.parse(outer.body);
}

/** True when a file's text is an intact item file. */
function isIntact(text: string): boolean {
  try {
    const datum = unseal(text);
    return isRecord(datum) && typeof datum.key === 'string';
  } catch {
    return false;
  }
}

export class SafeStorage {
  private readonly store: storage.LocalStorage;
  /** Writes one at a time, in order: a later write of a key never lands before an earlier one. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly recover: Recover | undefined,
  ) {
    this.store = storage.create({
      dir: join(dir, DATA_DIR),
      stringify: seal,
      parse: unseal,
      writeQueue: false,
      // no expiry timers: retention is ours, and timers go through the Clock
      expiredInterval: 0,
      forgiveParseErrors: false,
    });
  }

  /** Opens (creating) the store; temporary files left by a killed writer are removed. */
  static async open(dir: string, log: Logger, recover?: Recover): Promise<SafeStorage> {
    const safe = new SafeStorage(dir, log, recover);
    await safe.store.init();
    const internals = safe.internals;
    internals.stopWriteQueueInterval();
    internals.writeFile = async (file: string, content: unknown) => {
      await writeFileAtomic(file, internals.stringify(content));
      return { file, content };
    };
    const data = join(dir, DATA_DIR);
    for (const name of await readdir(data)) {
      if (name.endsWith(TEMP_SUFFIX)) await rm(join(data, name), { force: true });
    }
    return safe;
  }

  private get internals(): PersistInternals {
    return this.store as unknown as PersistInternals;
  }

  /** The value of a key; a damaged file is quarantined and recovered (or dropped) first. */
  async get<T>(key: string): Promise<T | undefined> {
    try {
      return (await this.store.getItem(key)) as T | undefined;
    } catch (err) {
      return (await this.repair(key, errorMessage(err))) as T | undefined;
    }
  }

  set(key: string, value: unknown): Promise<void> {
    return this.serial(async () => {
      await this.store.setItem(key, value);
    });
  }

  remove(key: string): Promise<void> {
    return this.serial(async () => {
      await this.store.removeItem(key);
    });
  }

  /** Resolves when every write asked for so far is on disk. */
  settled(): Promise<void> {
    return this.queue;
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async repair(key: string, problem: string): Promise<unknown> {
    const file = this.internals.getDatumPath(key);
    const quarantine = join(this.dir, QUARANTINE_DIR);
    await mkdir(quarantine, { recursive: true });
    const parked = join(quarantine, `${basename(file)}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await rename(file, parked);
    const copy = await this.recover?.(basename(file), isIntact);
    if (!copy) {
      this.log.error(`store: "${key}" was damaged (${problem}); moved to ${parked}; no backup has a good copy, so it starts empty`);
      return undefined;
    }
    await writeFileAtomic(file, copy.text);
    this.log.error(`store: "${key}" was damaged (${problem}); moved to ${parked} and recovered from backup ${copy.from} (changes since that backup are lost)`);
    return this.store.getItem(key);
  }
}
