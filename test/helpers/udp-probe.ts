/**
 * The test side of udp-probe-main.ts: a raw UDP peer in a namespace that sends frames and collects
 * what comes back, so a test can check the exact bytes a device answers with.
 */
import { fileURLToPath } from 'node:url';
import { spawnIn, type InNamespace } from './netns.js';

const MAIN = fileURLToPath(new URL('./udp-probe-main.ts', import.meta.url));

export interface Datagram {
  readonly via: 'unicast' | 'multicast';
  readonly from: string;
  readonly port: number;
  readonly hex: string;
}

export class UdpProbe {
  private readonly inbox: Datagram[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly process: InNamespace) {
    process.child.stdout!.setEncoding('utf8');
  }

  /** Starts a probe bound to address:3610 and the multicast group inside namespace ns. */
  static async start(ns: string, address: string): Promise<UdpProbe> {
    const proc = spawnIn(ns, process.execPath, ['--import', 'tsx', MAIN, address]);
    const probe = new UdpProbe(proc);
    const ready = proc.nextLine((l) => l.includes('"ready":true'), 20_000);
    let partial = '';
    proc.child.stdout!.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const message = JSON.parse(line) as Partial<Datagram>;
        if (message.hex === undefined) continue;
        probe.inbox.push(message as Datagram);
        for (const w of [...probe.waiters]) w();
      }
    });
    await ready;
    return probe;
  }

  send(to: string, hex: string, port = 3610): void {
    this.process.child.stdin!.write(`${JSON.stringify({ to, port, hex })}\n`);
  }

  /** Takes the first datagram received (or arriving within timeoutMs) that `match` accepts. */
  receive(match: (d: Datagram) => boolean, timeoutMs = 5_000): Promise<Datagram> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = this.inbox.findIndex(match);
        if (i < 0) return false;
        const [found] = this.inbox.splice(i, 1);
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found!);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no matching datagram within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Everything received in the next `ms` that `match` accepts (for "nothing came" checks). */
  async collect(ms: number, match: (d: Datagram) => boolean = () => true): Promise<Datagram[]> {
    await new Promise((r) => setTimeout(r, ms));
    const found = this.inbox.filter(match);
    for (const d of found) this.inbox.splice(this.inbox.indexOf(d), 1);
    return found;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
