/**
 * Where the status document lives and how it crosses the process boundary: the platform replaces it
 * atomically (a reader never sees half a file), the Homebridge UI server reads it. Both sides derive
 * the path from the Homebridge storage directory, so nothing has to be configured.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { isRecord } from '../util/json.js';
import { STATUS_VERSION, type UiStatus } from './status.js';

/** `<storage>/echonet-hems/status.json`: the plugin's own folder inside Homebridge's storage. */
export function statusFilePath(storagePath: string): string {
  return join(storagePath, 'echonet-hems', 'status.json');
}

export async function writeStatus(file: string, status: UiStatus): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(status)}\n`);
}

export type StatusRead =
  | { readonly ok: true; readonly status: UiStatus }
  /** 'absent': the plugin has not written one (not running, or not configured); 'invalid': unreadable or another version. */
  | { readonly ok: false; readonly reason: 'absent' | 'invalid'; readonly detail: string };

export async function readStatus(file: string): Promise<StatusRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'absent', detail: file };
    return { ok: false, reason: 'invalid', detail: (err as Error).message };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed) || parsed.version !== STATUS_VERSION) {
      return { ok: false, reason: 'invalid', detail: `status version ${isRecord(parsed) ? String(parsed.version) : '?'}, expected ${STATUS_VERSION}` };
    }
    return { ok: true, status: parsed as unknown as UiStatus };
  } catch (err) {
    return { ok: false, reason: 'invalid', detail: (err as Error).message };
  }
}
