/** The test side of homebridge-rig.ts: starts it in a namespace and calls its ops. */
import { fileURLToPath } from 'node:url';
import { spawnIn, type InNamespace } from './netns.js';
import type { RigConfig, RigOp } from './homebridge-rig.js';

const RIG = fileURLToPath(new URL('./homebridge-rig.ts', import.meta.url));

export class RigClient {
  private nextId = 1;
  private readonly calls = new Map<number, (answer: { ok: boolean; result?: unknown; error?: string }) => void>();

  /**
   * What the rig said when it was ready: the HAP port, the bridge's id, Homebridge's process id and, on
   * compressed time, the shared clock (a SIMULATED_CLOCK_ENV value).
   */
  ready: { port: number; username: string; pid: number; simulated?: string } | undefined;

  private constructor(readonly process: InNamespace) {}

  static async start(ns: string, config: RigConfig): Promise<RigClient> {
    const spawned = spawnIn(ns, process.execPath, ['--import', 'tsx', RIG, JSON.stringify(config)]);
    const rig = new RigClient(spawned);
    const ready = spawned.nextLine((l) => l.includes('"ready":true'), 60_000);
    let buffer = '';
    spawned.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{"id"')) continue;
        const answer = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: string };
        rig.calls.get(answer.id)?.(answer);
        rig.calls.delete(answer.id);
      }
    });
    rig.ready = JSON.parse(await ready) as RigClient['ready'];
    return rig;
  }

  call<T = unknown>(op: RigOp, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(new Error(`rig op ${op} took longer than ${timeoutMs} ms; output:\n${this.process.output().slice(-5000)}`));
      }, timeoutMs);
      this.calls.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer.result as T);
        else reject(new Error(`rig op ${op} failed: ${answer.error}`));
      });
      this.process.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** The rig's output so far (Homebridge's log included), for assertion messages. */
  output(): string {
    return this.process.output();
  }
}
