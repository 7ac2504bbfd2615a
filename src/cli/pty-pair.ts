/**
 * A connected pair of pseudo terminals made by socat: Homebridge (another process) opens the host end as
 * if it were the Wi-SUN dongle's /dev/ttyUSB0, the dongle simulator opens the other end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PtyPair {
  readonly hostPath: string;
  readonly donglePath: string;
  close(): Promise<void>;
}

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

const READY_TIMEOUT_MS = 5_000;

export async function createPtyPair(dir: string): Promise<PtyPair> {
  const hostPath = join(dir, 'ttyWISUN');
  const donglePath = join(dir, 'ttyDONGLE');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${donglePath}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  socat.once('error', () => undefined); // seen as the exit below
  const close = async (): Promise<void> => {
    if (socat.exitCode !== null || socat.signalCode !== null) return;
    socat.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(existsSync(hostPath) && existsSync(donglePath))) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error('socat did not create the pseudo terminal pair');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { hostPath, donglePath, close };
}
