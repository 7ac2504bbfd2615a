/**
 * A recording tap on a simulated serial line: two socat pty pairs joined by a relay in this process.
 *
 *   plugin (serialport) -> hostPath | pty pair A | relay (records) | pty pair B | donglePath <- dongle simulator
 *
 * Every byte the plugin writes crosses real ptys and the relay on its way to the simulator, so a test can
 * assert what did (or did not) reach the dongle, byte for byte. Answers flow back unchanged.
 */
import { createPtyPair, type PtyPair } from './pty.js';
import { PtyWire } from '../../src/sim/dongle/wire.js';

export interface SerialTap {
  /** Open this with serialport, as the plugin opens /dev/ttyUSB0. */
  readonly hostPath: string;
  /** Give this to the dongle simulator. */
  readonly donglePath: string;
  /** Every byte written on the host end so far. */
  toDongle(): Buffer;
  /** The same, split into the lines the dongle received (without CR LF). */
  lines(): string[];
  close(): Promise<void>;
}

export async function createSerialTap(): Promise<SerialTap> {
  const pairs: PtyPair[] = [];
  const wires: PtyWire[] = [];
  const close = async (): Promise<void> => {
    for (const w of wires.splice(0)) await w.close();
    for (const p of pairs.splice(0)) await p.close();
  };
  try {
    const host = await createPtyPair();
    pairs.push(host);
    const dongle = await createPtyPair();
    pairs.push(dongle);
    const seen: Buffer[] = [];
    // the dongle side first, so that the relay has somewhere to write the moment the host writes
    const toSimulator = new PtyWire(dongle.hostPath, (chunk) => fromSimulator.write(chunk));
    wires.push(toSimulator);
    const fromSimulator: PtyWire = new PtyWire(host.donglePath, (chunk) => {
      seen.push(Buffer.from(chunk));
      toSimulator.write(chunk);
    });
    wires.push(fromSimulator);
    const toDongle = (): Buffer => Buffer.concat(seen);
    return {
      hostPath: host.hostPath,
      donglePath: dongle.donglePath,
      toDongle,
      lines: () => toDongle().toString('latin1').split('\r\n').filter((l) => l !== ''),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
