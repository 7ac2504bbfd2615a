/** The --storage option the store commands share: Homebridge's storage directory, as `homebridge -U` takes it. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { storeDirectory } from '../store/history.js';
import { CliError } from './errors.js';

export const STORAGE_OPTION = { storage: { type: 'string' } } as const;
export const STORAGE_HELP = '--storage <Homebridge storage dir, default ~/.homebridge>';

/** The store's directory; an error when it does not exist (a typo must not look like an empty history). */
export function storeDirFrom(storage: string | undefined): string {
  const dir = storeDirectory(storage ?? join(homedir(), '.homebridge'));
  if (!existsSync(dir)) throw new CliError(`no ECHONET HEMS data in ${dir} (is --storage the Homebridge storage directory?)`);
  return dir;
}
