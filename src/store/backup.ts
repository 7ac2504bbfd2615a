/**
 * Backups of the store: a copy of every data file with a manifest of checksums, in
 * `<store>/backups/<UTC time>/`, made daily and rotated (the newest 14 kept by default). A backup is built
 * in a temporary directory and renamed into place, so a half-made backup never looks like a good one.
 * The store holds no secrets (history.ts strips them), so neither do its backups.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../util/clock.js';
import { syncDirectory, TEMP_SUFFIX, writeFileAtomic } from '../util/atomic-file.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { isRecord } from '../util/json.js';
import { DATA_DIR, QUARANTINE_DIR, type Recover } from './safe-storage.js';

const BACKUP_DIR = 'backups';
export const DEFAULT_KEEP = 14;
const MANIFEST = 'manifest.json';
const DAY_MS = 86_400_000;

export interface BackupInfo {
  /** Directory name under backups/, also the creation time (UTC, sortable). */
  readonly name: string;
  readonly created: string;
  readonly files: number;
  readonly bytes: number;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

interface Manifest {
  readonly created: string;
  readonly files: Record<string, string>;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function backupName(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

/** Copies the store's data files into a new backup, then deletes the oldest beyond `keep`. */
export async function createBackup(dir: string, at: number, keep = DEFAULT_KEEP): Promise<BackupInfo> {
  if (!(Number.isInteger(keep) && keep >= 1)) throw new BackupError('the number of backups to keep must be at least 1');
  const root = join(dir, BACKUP_DIR);
  await mkdir(root, { recursive: true });
  const name = backupName(at);
  const temp = join(root, `.${name}${TEMP_SUFFIX}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  const data = join(dir, DATA_DIR);
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const file of await dataFiles(data)) {
    const content = await readFile(join(data, file));
    files[file] = sha256(content);
    bytes += content.length;
    await writeFileAtomic(join(temp, file), content);
  }
  const manifest: Manifest = { created: new Date(at).toISOString(), files };
  await writeFileAtomic(join(temp, MANIFEST), JSON.stringify(manifest, null, 1));
  await rm(join(root, name), { recursive: true, force: true });
  await rename(temp, join(root, name));
  await syncDirectory(root);
  await rotate(root, keep);
  return { name, created: manifest.created, files: Object.keys(files).length, bytes };
}

async function dataFiles(data: string): Promise<string[]> {
  try {
    return (await readdir(data)).filter((f) => !f.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function rotate(root: string, keep: number): Promise<void> {
  const names = (await readdir(root)).filter((n) => !n.startsWith('.')).sort();
  for (const old of names.slice(0, Math.max(0, names.length - keep))) await rm(join(root, old), { recursive: true, force: true });
  // temporary directories of backups interrupted by a crash
  for (const t of (await readdir(root)).filter((n) => n.endsWith(TEMP_SUFFIX))) await rm(join(root, t), { recursive: true, force: true });
}

async function readManifest(backup: string): Promise<Manifest | undefined> {
  try {
    const m: unknown = JSON.parse(await readFile(join(backup, MANIFEST), 'utf8'));
    if (!isRecord(m) || typeof m.created !== 'string' || !isRecord(m.files)) return undefined;
    return { created: m.created, files: m.files as Record<string, string> };
  } catch {
    return undefined;
  }
}

/** Backups, newest first; a directory without a readable manifest is not a backup. */
export async function listBackups(dir: string): Promise<BackupInfo[]> {
  const root = join(dir, BACKUP_DIR);
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => !n.startsWith('.')).sort().reverse();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    const manifest = await readManifest(join(root, name));
    if (!manifest) continue;
    let bytes = 0;
    for (const file of Object.keys(manifest.files)) bytes += (await stat(join(root, name, file)).catch(() => ({ size: 0 }))).size;
    out.push({ name, created: manifest.created, files: Object.keys(manifest.files).length, bytes });
  }
  return out;
}

/** Checks every file of a backup against its manifest; returns the problems (none: intact). */
async function verify(backup: string, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, hash] of Object.entries(manifest.files)) {
    const content = await readFile(join(backup, file)).catch(() => undefined);
    if (!content) problems.push(`${file} is missing`);
    else if (sha256(content) !== hash) problems.push(`${file} does not match its checksum`);
  }
  return problems;
}

/**
 * Replaces the store's data with a backup (the newest when no name is given). The data it replaces is
 * kept in quarantine/, never deleted. Run it with the plugin stopped.
 */
export async function restoreBackup(dir: string, name?: string): Promise<BackupInfo> {
  const backups = await listBackups(dir);
  const chosen = name === undefined ? backups[0] : backups.find((b) => b.name === name);
  if (!chosen) throw new BackupError(name === undefined ? `there is no backup in ${join(dir, BACKUP_DIR)}` : `there is no backup "${name}" (have: ${backups.map((b) => b.name).join(', ') || 'none'})`);
  const source = join(dir, BACKUP_DIR, chosen.name);
  const manifest = (await readManifest(source))!;
  const problems = await verify(source, manifest);
  if (problems.length > 0) throw new BackupError(`backup ${chosen.name} is damaged (${problems.slice(0, 3).join('; ')}); choose another one`);
  const temp = join(dir, `.restore${TEMP_SUFFIX}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  for (const file of Object.keys(manifest.files)) await cp(join(source, file), join(temp, file));
  await syncDirectory(temp);
  const data = join(dir, DATA_DIR);
  const quarantine = join(dir, QUARANTINE_DIR);
  await mkdir(quarantine, { recursive: true });
  await rename(data, join(quarantine, `before-restore-${backupName(Date.now())}`)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(temp, data);
  await syncDirectory(dir);
  return chosen;
}

/** For safe-storage.ts: the newest intact copy of one data file in the backups. */
export function recoverFromBackups(dir: string): Recover {
  return async (fileName, check) => {
    for (const backup of await listBackups(dir)) {
      const path = join(dir, BACKUP_DIR, backup.name);
      const manifest = await readManifest(path);
      const hash = manifest?.files[fileName];
      if (!hash) continue;
      const content = await readFile(join(path, fileName)).catch(() => undefined);
      if (content && sha256(content) === hash && check(content.toString('utf8'))) return { text: content.toString('utf8'), from: backup.name };
    }
    return undefined;
  };
}

export interface DailyBackupOptions {
  readonly dir: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly keep?: number;
  /** Waits for pending writes, so the backup has everything recorded so far. */
  readonly settled?: () => Promise<void>;
}

/** A backup now if the newest is a day old (or none exists), then every 24 hours. */
export class DailyBackup {
  private timer: TimerHandle | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: DailyBackupOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    const newest = (await listBackups(this.options.dir))[0];
    const age = newest ? this.options.clock.now() - Date.parse(newest.created) : Infinity;
    this.schedule(Math.max(0, DAY_MS - age));
  }

  /** Resolves when a backup under way is complete, so the store folder can be left (or removed) whole. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      const run = this.run();
      this.running = run.catch(() => undefined);
      guard(this.options.log, 'the daily backup', run);
    }, ms);
  }

  private async run(): Promise<void> {
    try {
      await this.options.settled?.();
      const info = await createBackup(this.options.dir, this.options.clock.now(), this.options.keep ?? DEFAULT_KEEP);
      this.options.log.info(`store: backup ${info.name} made (${info.files} files, ${info.bytes} bytes)`);
    } finally {
      this.schedule(DAY_MS);
    }
  }
}
