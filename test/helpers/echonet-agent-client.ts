/**
 * The test side of echonet-agent.ts: starts our controller stack in a LAN host and calls it.
 */
import { fileURLToPath } from 'node:url';
import type { DeviceInfo } from '../../src/echonet/discovery.js';
import { spawnIn, type InNamespace } from './netns.js';
import type { AgentConfig } from './echonet-agent.js';

const AGENT = fileURLToPath(new URL('./echonet-agent.ts', import.meta.url));

export interface AgentEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface AgentDeviceEvent extends AgentEvent {
  readonly data: DeviceInfo;
}

export class AgentClient {
  readonly events: AgentEvent[] = [];
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly eventWaiters = new Set<() => void>();

  private constructor(private readonly process: InNamespace) {}

  /** Starts the agent in namespace ns, bound to address (an address of that namespace). */
  static async start(ns: string, config: AgentConfig): Promise<AgentClient> {
    const spawned = spawnIn(ns, process.execPath, ['--import', 'tsx', AGENT, JSON.stringify(config)]);
    const client = new AgentClient(spawned);
    spawned.child.stdout!.setEncoding('utf8');
    const ready = spawned.nextLine((l) => l.includes('"ready":true'), 20_000);
    let buffer = '';
    spawned.child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) client.receive(line);
    });
    spawned.child.once('exit', () => {
      for (const c of client.calls.values()) c.reject(new Error(`the agent exited; output:\n${spawned.output()}`));
      client.calls.clear();
    });
    await ready;
    return client;
  }

  /** Calls an op of the agent; rejects with the agent's error (its `code` is kept on the Error). */
  call<T = unknown>(op: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(new Error(`agent op ${op} took longer than ${timeoutMs} ms; output:\n${this.process.output()}`));
      }, timeoutMs);
      this.calls.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.process.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** Resolves with the first event (already received or future) the predicate accepts. */
  waitForEvent(predicate: (e: AgentEvent) => boolean, timeoutMs = 30_000): Promise<AgentEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(predicate);
        if (!found) return false;
        clearTimeout(timer);
        this.eventWaiters.delete(waiter);
        resolve(found);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.eventWaiters.delete(waiter);
        reject(new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(this.events.map((e) => e.event))}`));
      }, timeoutMs);
      if (!check()) this.eventWaiters.add(waiter);
    });
  }

  output(): string {
    return this.process.output();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private receive(line: string): void {
    if (!line.startsWith('{')) return;
    const message = JSON.parse(line) as { id?: number; ok?: boolean; result?: unknown; error?: { code: string; message: string }; event?: string; data?: unknown };
    if (message.event !== undefined) {
      this.events.push({ event: message.event, data: message.data });
      for (const w of [...this.eventWaiters]) w();
      return;
    }
    if (message.id === undefined) return;
    const call = this.calls.get(message.id);
    this.calls.delete(message.id);
    if (!call) return;
    if (message.ok) call.resolve(message.result);
    else call.reject(Object.assign(new Error(message.error?.message), { code: message.error?.code }));
  }
}
