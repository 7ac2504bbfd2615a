/**
 * A connected pair of pseudo terminals made by socat: the plugin side opens hostPath exactly as it would a
 * dongle's /dev/ttyUSB0 (real serialport code), the dongle simulator opens donglePath. Used by the demo,
 * the tests and the benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  hostPath: string;
  donglePath: string;
  /** Stops socat (the host side then sees its port vanish) and removes the links; safe to call twice. */
  close(): Promise<void>;
}

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

const READY_TIMEOUT_MS = 5_000;

export async function createPtyPair(dir?: string): Promise<PtyPair> {
  const ownDir = dir === undefined;
  const base = dir ?? mkdtempSync(join(tmpdir(), 'echonet-hems-pty-'));
  // Names unique per pair, so that a replug can create a second pair in the same directory.
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const hostPath = join(base, `ttyHOST-${tag}`);
  const donglePath = join(base, `ttyDONGLE-${tag}`);
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${donglePath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  socat.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  socat.once('error', () => undefined); // reported through the exit below

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stop(socat, exited);
    if (ownDir) rmSync(base, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(existsSync(hostPath) && existsSync(donglePath))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`socat did not create the pty pair: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { hostPath, donglePath, close };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}
