/**
 * Network namespaces for tests that put real UDP (unicast and multicast) on the wire without touching
 * the machine's own interfaces. Two shapes:
 *
 *   createLink()               two namespaces joined by a veth pair: ctl 198.18.10.1, dev 198.18.10.2
 *                              (/24), 224.0.0.0/4 routed over the link on both sides;
 *   createLoopbackNamespace()  one namespace with only `lo` up and 224.0.0.0/4 routed over it: every
 *                              127.x.y.z address works, so a controller on 127.0.0.1 and an emulator
 *                              on 127.0.0.2 can each own port 3610.
 *
 * spawnIn() starts a process inside a namespace; cleanup() stops those processes and deletes the
 * namespaces (the veth pair goes with them). Call it from t.after()/after() so it runs when a test
 * fails; an exit hook also removes whatever is left if the test process dies. Names carry the process
 * id and a counter, so parallel test files never collide. Needs root: use NETNS_SKIP_REASON as `skip`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Why namespace tests cannot run here (not root, no `ip`), or undefined when they can. */
export const NETNS_SKIP_REASON: string | undefined = (() => {
  if (process.getuid?.() !== 0) return 'not root: network namespace tests need root (they create namespaces and veth pairs)';
  const ip = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ip.error || ip.status !== 0) return `the "ip" command is not usable (apt-get install -y iproute2): ${ip.error?.message ?? ip.stderr}`;
  return undefined;
})();

interface NsEnd {
  /** Namespace name, for `ip netns exec` / spawnIn. */
  readonly ns: string;
  readonly address: string;
}

export interface Link {
  readonly ctl: NsEnd;
  readonly dev: NsEnd;
  /** Stops processes spawned in either namespace, deletes both. Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface LoopbackNamespace {
  readonly ns: string;
  cleanup(): Promise<void>;
}

export interface InNamespace {
  readonly child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** The next stdout line (from now on) that the predicate accepts; rejects after timeoutMs. */
  nextLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM, SIGKILL after 2 s; resolves once it has exited. */
  stop(): Promise<void>;
}

let counter = 0;
const namespaces = new Set<string>();
const processes = new Map<string, Set<InNamespace>>();

process.on('exit', () => {
  for (const set of processes.values()) for (const p of set) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
});

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

function newNamespace(): string {
  const ns = `elt${process.pid}n${++counter}`;
  ip('netns', 'add', ns);
  namespaces.add(ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  return ns;
}

async function removeNamespaces(...names: string[]): Promise<void> {
  for (const ns of names) {
    await Promise.all([...(processes.get(ns) ?? [])].map((p) => p.stop()));
    processes.delete(ns);
    if (namespaces.delete(ns)) spawnSync('ip', ['netns', 'del', ns]);
  }
}

export async function createLink(): Promise<Link> {
  const ctl = newNamespace();
  let dev: string | undefined;
  try {
    dev = newNamespace();
    const n = counter;
    // interface names have at most 15 characters: "v" + pid (<= 7 digits) + c|d + counter
    const [vctl, vdev] = [`v${process.pid}c${n}`, `v${process.pid}d${n}`];
    ip('link', 'add', vctl, 'netns', ctl, 'type', 'veth', 'peer', 'name', vdev, 'netns', dev);
    for (const [ns, device, address] of [
      [ctl, vctl, '198.18.10.1'],
      [dev, vdev, '198.18.10.2'],
    ] as const) {
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', device);
      ip('-n', ns, 'link', 'set', device, 'up');
      ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', device);
    }
    const devNs = dev;
    return {
      ctl: { ns: ctl, address: '198.18.10.1' },
      dev: { ns: devNs, address: '198.18.10.2' },
      cleanup: () => removeNamespaces(ctl, devNs),
    };
  } catch (err) {
    await removeNamespaces(ctl, ...(dev ? [dev] : []));
    throw err;
  }
}

export async function createLoopbackNamespace(): Promise<LoopbackNamespace> {
  const ns = newNamespace();
  try {
    ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo', 'src', '127.0.0.1');
  } catch (err) {
    await removeNamespaces(ns);
    throw err;
  }
  return { ns, cleanup: () => removeNamespaces(ns) };
}

/** Runs a command to completion inside a namespace. */
export function execIn(ns: string, cmd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: stderr + err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running process inside a namespace; the namespace's cleanup stops it. */
export function spawnIn(ns: string, cmd: string, args: readonly string[]): InNamespace {
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let partial = '';
  const waiters = new Set<(line: string) => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) for (const w of [...waiters]) w(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: InNamespace = {
    child,
    output: () => output,
    nextLine: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching line from ${cmd} within ${timeoutMs} ms; output so far:\n${output}`));
        }, timeoutMs);
        const waiter = (line: string): void => {
          if (!predicate(line)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        };
        waiters.add(waiter);
      }),
    stop: async () => {
      processes.get(ns)?.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    },
  };
  if (!processes.has(ns)) processes.set(ns, new Set());
  processes.get(ns)!.add(proc);
  return proc;
}
