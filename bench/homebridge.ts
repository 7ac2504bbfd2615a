/**
 * What the plugin costs a Homebridge host: resident memory (VmRSS from /proc/<pid>/status) and CPU
 * (utime + stime from /proc/<pid>/stat) of the Homebridge process running the simulated home, measured
 * beside an idle Homebridge with no plugin configured (the peer) over the same minutes, each in its own
 * network namespace with only `lo` (the e2e rig: ECHONET emulator on 127.0.0.2, smart meter behind the
 * dongle simulator on a pty, MQTT to the plugin's embedded broker, as the demo runs it).
 *
 * 10 minutes by default (HEMS_BENCH_MINUTES shortens it); the first 30 s (start-up, discovery, the first
 * joins) are not counted, so the numbers are the steady state a home lives with.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { homebridgeScript } from '../src/cli/demo-rig.js';
import { RigClient } from '../test/helpers/homebridge-rig-client.js';
import { createLoopbackNamespace, NETNS_SKIP_REASON, spawnIn, type LoopbackNamespace } from '../test/helpers/netns.js';
import { buildPluginCopy } from '../test/helpers/plugin-build.js';
import { table, type BenchSection } from './report.js';

const WARM_UP_MS = 30_000;
const SAMPLE_MS = 5_000;
const AIM_RSS_MB = 100;
const AIM_CPU_PCT = 2;

interface Usage {
  readonly rssKb: number;
  /** CPU time so far, in clock ticks. */
  readonly ticks: number;
}

function usage(pid: number): Usage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  // the command name in parentheses may hold spaces: fields are counted after its closing parenthesis
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return { rssKb, ticks: Number(fields[11]) + Number(fields[12]) };
}

function clockTicksPerSecond(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 100;
}

/** Samples a process every SAMPLE_MS: RSS each time, CPU as the difference between the first and the last. */
type Result = ReturnType<Sampler['result']>;

class Sampler {
  private readonly rss: number[] = [];
  private first: { at: number; usage: Usage } | undefined;
  private last: { at: number; usage: Usage } | undefined;

  constructor(readonly pid: number) {}

  sample(): void {
    const now = { at: Date.now(), usage: usage(this.pid) };
    this.first ??= now;
    this.last = now;
    this.rss.push(now.usage.rssKb);
  }

  result(ticksPerSecond: number): { meanMb: number; maxMb: number; lastMb: number; cpuPct: number } {
    const mb = (kb: number) => kb / 1024;
    const seconds = (this.last!.at - this.first!.at) / 1000;
    const cpuSeconds = (this.last!.usage.ticks - this.first!.usage.ticks) / ticksPerSecond;
    return {
      meanMb: mb(this.rss.reduce((a, b) => a + b, 0) / this.rss.length),
      maxMb: mb(Math.max(...this.rss)),
      lastMb: mb(this.rss.at(-1)!),
      cpuPct: (cpuSeconds / seconds) * 100,
    };
  }
}

/** Homebridge with an empty platform list, in its own namespace. */
async function startPeer(ns: string, dir: string): Promise<{ pid: number; stop(): Promise<void> }> {
  const storage = join(dir, 'storage');
  const plugins = join(dir, 'no-plugins');
  mkdirSync(storage, { recursive: true });
  mkdirSync(plugins, { recursive: true });
  const bridge = { name: 'Idle peer', username: '0E:00:00:00:00:01', pin: '031-45-154', port: 51827, advertiser: 'ciao', bind: ['lo'] };
  writeFileSync(join(storage, 'config.json'), JSON.stringify({ bridge, platforms: [] }, null, 2));
  const peer = spawnIn(ns, process.execPath, [homebridgeScript(), '-I', '-U', storage, '-P', plugins]);
  await peer.nextLine((l) => /is running on port/.test(l), 60_000);
  return { pid: peer.child.pid!, stop: () => peer.stop() };
}

export async function run(): Promise<BenchSection> {
  if (NETNS_SKIP_REASON) throw new Error(`the Homebridge benchmark runs in network namespaces: ${NETNS_SKIP_REASON}`);
  const minutes = Number(process.env.HEMS_BENCH_MINUTES ?? 10);
  if (!(minutes > 0)) throw new Error('HEMS_BENCH_MINUTES must be a positive number of minutes');
  const plugin = buildPluginCopy('bench');
  const dir = mkdtempSync(join(tmpdir(), 'hems-bench-hb-'));
  const namespaces: LoopbackNamespace[] = [];
  const rigs: RigClient[] = [];
  let peer: { pid: number; stop(): Promise<void> } | undefined;
  try {
    for (let i = 0; i < 3; i++) namespaces.push(await createLoopbackNamespace());
    const startRig = async (ns: string, name: string, mqttPort?: number): Promise<RigClient> => {
      const rig = await RigClient.start(ns, {
        storage: join(dir, name),
        pluginDir: plugin.dir,
        hapPort: 51826,
        pin: '031-45-154',
        startAt: Date.now(),
        ...(mqttPort === undefined ? {} : { mqttPort }),
      });
      rigs.push(rig);
      return rig;
    };
    const plain = await startRig(namespaces[0]!.ns, 'plain');
    const mirrored = await startRig(namespaces[1]!.ns, 'mqtt', 1883);
    peer = await startPeer(namespaces[2]!.ns, dir);
    const samplers = [new Sampler(plain.ready!.pid), new Sampler(mirrored.ready!.pid), new Sampler(peer.pid)];
    await new Promise((r) => setTimeout(r, WARM_UP_MS));
    const end = Date.now() + minutes * 60_000;
    while (Date.now() < end) {
      for (const s of samplers) s.sample();
      await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, Math.max(0, end - Date.now()))));
    }
    for (const s of samplers) s.sample();
    const hz = clockTicksPerSecond();
    const [ours, withMqtt, idle] = samplers.map((s) => s.result(hz)) as [Result, Result, Result];
    const row = (what: string, r: Result) => [what, r.meanMb.toFixed(1), r.maxMb.toFixed(1), r.lastMb.toFixed(1), r.cpuPct.toFixed(2)];
    const verdict = (r: Result) => `${r.maxMb < AIM_RSS_MB ? 'met' : 'missed'} / ${r.cpuPct < AIM_CPU_PCT ? 'met' : 'missed'}`;
    const body = [
      `Homebridge ${homebridgeVersion()} on Node ${process.version}, three processes side by side for ${minutes} minute(s) after a ${WARM_UP_MS / 1000} s warm-up, sampled every ${SAMPLE_MS / 1000} s. ` +
        'The plugin runs the simulated home as the e2e rig does (ECHONET solar, EcoCute, EV charger and battery polled every 5 s, the smart meter every 10 s over the dongle simulator, the energy store and the Eve histories), once with MQTT off (the default) and once with the embedded MQTT broker and Home Assistant discovery (as the demo runs it); the peer is Homebridge with no plugin configured. No HomeKit controller is connected.',
      '',
      table(
        ['process', 'RSS mean (MB)', 'RSS max (MB)', 'RSS at end (MB)', 'CPU (% of one core)'],
        [row('Homebridge + this plugin', ours), row('Homebridge + this plugin + embedded MQTT', withMqtt), row('Homebridge, no plugin (peer)', idle)],
      ),
      '',
      `The plugin's share: ${(ours.meanMb - idle.meanMb).toFixed(1)} MB and ${(ours.cpuPct - idle.cpuPct).toFixed(2)} % of one core; with the embedded broker and the mirror ${(withMqtt.meanMb - idle.meanMb).toFixed(1)} MB and ${(withMqtt.cpuPct - idle.cpuPct).toFixed(2)} %. ` +
        `Aim for the whole process: under ${AIM_RSS_MB} MB RSS and under ${AIM_CPU_PCT} % of one core: ${verdict(ours)} (MQTT off), ${verdict(withMqtt)} (embedded MQTT).`,
    ].join('\n');
    return { id: 'homebridge', title: 'Homebridge process: memory and CPU with the simulated home', command: 'npm run bench -- homebridge', body };
  } finally {
    await Promise.all(rigs.map((rig) => rig.call('shutdown', {}, 30_000).catch(() => undefined)));
    await peer?.stop();
    for (const ns of namespaces) await ns.cleanup();
    rmSync(dir, { recursive: true, force: true });
    plugin.remove();
  }
}

function homebridgeVersion(): string {
  return (JSON.parse(readFileSync(join(homebridgeScript(), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
