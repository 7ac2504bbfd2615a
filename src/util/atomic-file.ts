/**
 * Replacing a file so that a crash (SIGKILL, power cut) at any moment leaves either the old content or the
 * new one, never a torn mix: write a temporary file beside it, flush it to the disk, rename it over the
 * old one (atomic on POSIX file systems), then flush the directory so the rename itself is durable.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files carry this suffix; a crash can leave one behind, and openers remove them. */
export const TEMP_SUFFIX = '.tmp-write';

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(file));
}

/** Makes renames and unlinks in a directory durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
