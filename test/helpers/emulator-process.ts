/**
 * The ECHONET device emulator (src/sim/emulator/main.ts) as a process inside a namespace, with its
 * JSON-line control channel: switch faults, read the model's true values, stop.
 */
import { fileURLToPath } from 'node:url';
import { spawnIn, type InNamespace } from './netns.js';

const MAIN = fileURLToPath(new URL('../../src/sim/emulator/main.ts', import.meta.url));

export class EmulatorProcess {
  private nextId = 1;

  private constructor(
    private readonly process: InNamespace,
    /** The ready line: {ok, ready, address, objects: ["0ef001", ...]}. */
    readonly ready: { address: string; objects: string[] },
  ) {}

  /** Starts `main.ts <args>` in ns and waits for its ready line. */
  static async start(ns: string, args: readonly string[]): Promise<EmulatorProcess> {
    const proc = spawnIn(ns, process.execPath, ['--import', 'tsx', MAIN, ...args]);
    const line = await proc.nextLine((l) => l.includes('"ready":true'), 20_000);
    return new EmulatorProcess(proc, JSON.parse(line) as { address: string; objects: string[] });
  }

  /** Sends a control command and resolves with its answer; rejects when the answer is not ok. */
  async command<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    const answer = this.process.nextLine((l) => {
      try {
        return (JSON.parse(l) as { id?: unknown }).id === id;
      } catch {
        return false;
      }
    });
    this.process.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    const parsed = JSON.parse(await answer) as { ok: boolean; error?: string } & T;
    if (!parsed.ok) throw new Error(`emulator refused ${JSON.stringify(command)}: ${parsed.error}`);
    return parsed;
  }

  output(): string {
    return this.process.output();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
