/** `backup` and `restore`: the store's backups by hand, thin over src/store/backup.ts. */
import { BackupError, createBackup, DEFAULT_KEEP, listBackups, restoreBackup, type BackupInfo } from '../store/backup.js';
import { numberOption, parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';
import { STORAGE_HELP, STORAGE_OPTION, storeDirFrom } from './store-options.js';

const BACKUP_USAGE = `echonet-hems backup [--list] [--keep <1-365>] ${STORAGE_HELP} [--json]`;
const RESTORE_USAGE = `echonet-hems restore [<backup name>] ${STORAGE_HELP} [--json]   (stop Homebridge first; newest backup by default)`;

const line = (b: BackupInfo) => `${b.name}  ${b.files} files  ${b.bytes} bytes`;

async function store<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message, EXIT.failure);
    throw err;
  }
}

export async function runBackup(args: string[], out: Output): Promise<void> {
  const { values, positionals } = parse(args, { ...STORAGE_OPTION, list: { type: 'boolean' }, keep: { type: 'string' } }, BACKUP_USAGE);
  if (positionals.length > 0) throw new CliError(`unexpected "${positionals.join(' ')}"\nusage: ${BACKUP_USAGE}`, EXIT.usage);
  const dir = storeDirFrom(values.storage);
  if (values.list) {
    const backups = await store(() => listBackups(dir));
    out.result({ backups }, () => (backups.length === 0 ? 'no backups yet' : backups.map(line).join('\n')));
    return;
  }
  const keep = numberOption(values.keep, 'keep', DEFAULT_KEEP, 1, 365);
  if (!Number.isInteger(keep)) throw new CliError('--keep must be a whole number', EXIT.usage);
  const backup = await store(() => createBackup(dir, Date.now(), keep));
  out.result({ backup }, () => `backup made: ${line(backup)}`);
}

export async function runRestore(args: string[], out: Output): Promise<void> {
  const { values, positionals } = parse(args, STORAGE_OPTION, RESTORE_USAGE);
  if (positionals.length > 1) throw new CliError(`name one backup at most\nusage: ${RESTORE_USAGE}`, EXIT.usage);
  const dir = storeDirFrom(values.storage);
  const restored = await store(() => restoreBackup(dir, positionals[0]));
  out.result({ restored }, () => `restored ${line(restored)}; the data it replaced is in quarantine/`);
}
