/**
 * The whole installation inside one network namespace, driven over stdin/stdout by an e2e test: the
 * simulated home (ECHONET emulator + dongle simulator, as the demo starts them), Homebridge with this
 * plugin as a child process, and a HAP controller (hap-controller's HttpClient, no mDNS) that pairs and
 * talks to the bridge. The HAP client must run in here too: the bridge listens inside the namespace.
 * For the soak (test/soak) it can also run everything on compressed time, mirror to its own mosquitto,
 * keep the store on a small tmpfs, and inject faults into each part (ops kill, dongle, move, garbage,
 * broker, disk), then read the store back (ops stop, history).
 *
 * Started as: node --import tsx homebridge-rig.ts '<RigConfig as JSON>'
 * stdin:  {"id": 1, "op": "read", "args": {...}}           one request per line
 * stdout: {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": "..."}; {"ready": true, ...} once
 * Homebridge's and the simulators' logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, type PairingData } from 'hap-controller';
import mqtt from 'mqtt';
import { startHomebridge, startInstallation, writeHomebridgeConfig, type HomebridgeBinary, type HomebridgeRun } from '../../src/cli/demo-rig.js';
import { parseFaults } from '../../src/sim/emulator/faults.js';
import type { EvMode } from '../../src/sim/ev.js';
import { formatSimulatedTime, parseSimulatedTime, ScaledClock, SIMULATED_CLOCK_ENV } from '../../src/util/clock.js';
import { History, storeDirectory } from '../../src/store/history.js';
import { seedUsageHistory } from '../../src/sim/usage-history.js';
import { startMosquitto } from './mqtt.js';
import { consoleLogger } from '../../src/util/log.js';

export interface RigConfig {
  readonly storage: string;
  readonly hapPort: number;
  readonly pin: string;
  /** Simulated time at the start (the clock then runs at real speed). */
  readonly startAt: number;
  readonly homebridge?: HomebridgeBinary;
  /** The plugins Homebridge loads (see plugin-build.ts). */
  readonly pluginDir: string;
  /** Turns Matter on (Homebridge 2.x). */
  readonly matterPort?: number;
  /** The plugin's embedded MQTT broker listens here (inside the namespace). */
  readonly mqttPort?: number;
  /** AI solar charge on, its forecasts from the simulated sky on 127.0.0.1 (inside the namespace). */
  readonly scheduler?: boolean;
  /** Days of recorded sunny usage in the store before Homebridge starts (usage-history.ts). */
  readonly usageHistoryDays?: number;
  /** The EV charger's mode at the start (the simulated charger starts charging when the car is plugged in). */
  readonly evMode?: EvMode;
  /**
   * Compressed time: the home, the dongle and the plugin (through SIMULATED_CLOCK_ENV) share one clock
   * running `speed` times real time from startAt, across Homebridge restarts.
   */
  readonly speed?: number;
  /** The ECHONET devices' and the meter's poll intervals in the plugin's settings (5 s and 10 s by default). */
  readonly pollSeconds?: number;
  readonly meterPollSeconds?: number;
  /** The plugin mirrors to an external mosquitto broker the rig runs on this port (op 'broker' stops and starts it). */
  readonly mosquittoPort?: number;
  /** The store directory is a tmpfs of this size, mounted in the rig's own mount namespace (op 'disk' fills it). */
  readonly storeQuotaMb?: number;
  /** Homebridge's lines go to this file instead of memory and stderr (long runs; op 'log' then answers ''). */
  readonly logFile?: string;
  /** Homebridge's debug log (-D). */
  readonly debug?: boolean;
}

export type RigOp =
  | 'pair'
  | 'accessories'
  | 'read'
  | 'write'
  | 'state'
  | 'faults'
  | 'restart'
  | 'log'
  | 'matter'
  | 'mqtt'
  | 'warning'
  | 'shutdown'
  | 'kill'
  | 'dongle'
  | 'move'
  | 'garbage'
  | 'broker'
  | 'disk'
  | 'exits'
  | 'stop'
  | 'history';

/** Configures the test-only MatterProbe platform (test/helpers/matter-probe) beside ours. */
function addMatterProbe(storage: string): void {
  const file = join(storage, 'config.json');
  const homebridgeConfig = JSON.parse(readFileSync(file, 'utf8')) as { platforms: object[] };
  homebridgeConfig.platforms.push({ platform: 'MatterProbe' });
  writeFileSync(file, JSON.stringify(homebridgeConfig, null, 2));
}

const config = JSON.parse(process.argv[2]!) as RigConfig;
const log = consoleLogger('rig');
const simulated = config.speed === undefined ? undefined : formatSimulatedTime({ start: config.startAt, speed: config.speed, realStart: Date.now() });
const clock = simulated === undefined ? new ScaledClock(config.startAt, 1) : (parseSimulatedTime(simulated) as { clock: ScaledClock }).clock;
// on real time the plugin plans for now while the home runs from startAt: forecast the home's instant;
// on compressed time the plugin and the home share the clock
const simOffset = config.startAt - Date.now();
const forecast = simulated === undefined ? { simTimeOf: (t: number) => t + simOffset } : { now: () => clock.now() };
const installation = await startInstallation({
  clock,
  dir: mkdtempSync(join(tmpdir(), 'hems-rig-')),
  log,
  ...(config.scheduler ? { forecast } : {}),
});
// without persistence: a restart forgets the retained topics, which the plugin must then send again
let mosquitto: ChildProcess | undefined = config.mosquittoPort === undefined ? undefined : await startMosquitto(config.mosquittoPort);
const storeDir = storeDirectory(config.storage);
if (config.storeQuotaMb !== undefined) mountQuota(storeDir, config.storeQuotaMb);
const { username } = writeHomebridgeConfig(config.storage, installation, {
  hapPort: config.hapPort,
  pin: config.pin,
  bind: ['lo'],
  pollSeconds: config.pollSeconds ?? 5,
  ...(config.meterPollSeconds === undefined ? {} : { meterPollSeconds: config.meterPollSeconds }),
  matterPort: config.matterPort,
  ...(config.mqttPort === undefined ? {} : { mqtt: { embeddedPort: config.mqttPort } }),
  ...(config.mosquittoPort === undefined ? {} : { mqtt: { url: `mqtt://127.0.0.1:${config.mosquittoPort}` } }),
  ...(config.scheduler ? { scheduler: true } : {}),
});
if (config.matterPort !== undefined) addMatterProbe(config.storage);
if (config.evMode !== undefined) installation.home.setEvMode(config.evMode);
if (config.usageHistoryDays !== undefined) await seedUsageHistory(config.storage, config.usageHistoryDays, simulated === undefined ? Date.now() : clock.now());
const homebridgeLog: string[] = [];
/** Every exit of a Homebridge process, in order (the SIGKILLs of op 'kill' included). */
const exits: { pid: number | undefined; code: number | null; signal: string | null }[] = [];
let homebridge!: HomebridgeRun;
let pairing: PairingData | undefined;

async function killBroker(): Promise<void> {
  const child = mosquitto;
  mosquitto = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function startBridge(): Promise<number> {
  homebridge = startHomebridge({
    storage: config.storage,
    pluginDir: config.pluginDir,
    binary: config.homebridge,
    ...(config.debug ? { debug: true } : {}),
    ...(simulated === undefined ? {} : { env: { [SIMULATED_CLOCK_ENV]: simulated } }),
    onLine: (line) => {
      if (config.logFile !== undefined) return appendFileSync(config.logFile, `${line}\n`);
      homebridgeLog.push(line);
      process.stderr.write(`${line}\n`);
    },
  });
  const { child } = homebridge;
  child.once('exit', (code, signal) => exits.push({ pid: child.pid, code, signal }));
  return homebridge.running;
}

function client(): HttpClient {
  return new HttpClient(username, '127.0.0.1', config.hapPort, pairing);
}

async function withClient<T>(fn: (c: HttpClient) => Promise<T>): Promise<T> {
  const c = client();
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

const ops: Record<RigOp, (args: Record<string, unknown>) => Promise<unknown>> = {
  pair: async () => {
    const c = client();
    await c.pairSetup(config.pin);
    pairing = c.getLongTermData() ?? undefined;
    await c.close();
    return { paired: pairing !== undefined };
  },
  accessories: () => withClient((c) => c.getAccessories()),
  read: (args) => withClient((c) => c.getCharacteristics(args.ids as string[])),
  write: (args) => withClient((c) => c.setCharacteristics(args.values as Record<string, unknown>)),
  state: async () => {
    const h = installation.home;
    return { meter: h.meter(), solar: h.solar(), tank: h.tank(), ev: h.ev(), battery: h.battery() };
  },
  faults: async (args) => {
    const parsed = parseFaults(args.faults);
    if (!parsed.ok) throw new Error(parsed.reason);
    installation.emulator.setFaults(parsed.faults);
    return parsed.faults;
  },
  restart: async () => {
    await homebridge.stop();
    homebridgeLog.length = 0;
    return { port: await startBridge(), pid: homebridge.child.pid };
  },
  log: async () => homebridgeLog.join('\n'),
  /** The Matter state the probe read last, by accessory name (undefined before its first line). */
  matter: async () => {
    const line = homebridgeLog.findLast((l) => l.includes('MATTER-PROBE {'));
    return line === undefined ? undefined : JSON.parse(line.slice(line.indexOf('MATTER-PROBE ') + 'MATTER-PROBE '.length));
  },
  /** What a fresh MQTT client subscribed to `args.filters` receives within `args.ms` (the retained messages). */
  mqtt: async (args) => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${config.mqttPort ?? config.mosquittoPort}`, { clientId: `e2e-${process.pid}`, reconnectPeriod: 0 });
    const seen: Record<string, string> = {};
    client.on('message', (topic, payload) => (seen[topic] = payload.toString('utf8')));
    await client.subscribeAsync(args.filters as string[], { qos: 1 });
    await new Promise((r) => setTimeout(r, (args.ms as number | undefined) ?? 2000));
    await client.endAsync();
    return seen;
  },
  /** The simulated JMA issues warning `args.code` (or lifts every warning when it is null). */
  warning: async (args) => {
    if (!installation.forecast) throw new Error('the rig was started without the scheduler');
    if (typeof args.code === 'string') installation.forecast.issueWarning(args.code);
    else installation.forecast.clearWarnings();
    return { url: installation.forecast.url };
  },
  /** SIGKILLs Homebridge (a crash or power cut as the plugin sees it) and starts it again. */
  kill: async () => {
    const exited = new Promise((r) => homebridge.child.once('exit', r));
    homebridge.child.kill('SIGKILL');
    await exited;
    return { port: await startBridge(), pid: homebridge.child.pid };
  },
  /** The Wi-SUN dongle: 'unplug' / 'replug' (a new pty), 'expire' (EVENT 29), 'silent' / 'speak' (a hung dongle). */
  dongle: async (args) => {
    const dongle = installation.dongle;
    if (!dongle) throw new Error('the rig runs without the dongle (socat missing)');
    const action = args.action as string;
    if (action === 'unplug') await installation.unplugDongle();
    else if (action === 'replug') await installation.replugDongle();
    else if (action === 'expire') dongle.injectSessionEvent(0x29);
    else if (action === 'silent' || action === 'speak') dongle.setFaults({ silent: action === 'silent' });
    else throw new Error(`unknown dongle action ${action}`);
    return { action };
  },
  /** The LAN devices move to `args.address` (127.x.y.z). */
  move: async (args) => {
    await installation.moveEmulator(args.address as string);
    return { address: installation.emulator.address };
  },
  /** `args.count` datagrams of random bytes (not ECHONET frames) to the plugin's port 3610. */
  garbage: async (args) => {
    const socket = dgram.createSocket('udp4');
    for (let i = 0; i < ((args.count as number | undefined) ?? 1); i++) {
      const bytes = randomBytes(1 + Math.floor(Math.random() * 64));
      await new Promise<void>((resolve, reject) => socket.send(bytes, 3610, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    }
    socket.close();
    return { sent: args.count };
  },
  /**
   * The external broker goes away (SIGKILL, nothing saved) or comes back. Coming back with `args.watchMs`,
   * an observer subscribed to `args.filter` from the start answers with what arrived meanwhile (topic and
   * the payload's `at`): what the plugin had queued while the broker was away.
   */
  broker: async (args) => {
    const port = config.mosquittoPort;
    if (port === undefined) throw new Error('the rig was started without mosquittoPort');
    await killBroker();
    if (!args.up) return { up: false };
    if (typeof args.watchMs !== 'number') {
      mosquitto = await startMosquitto(port);
      return { up: true };
    }
    // connecting (and subscribing, queued until then) every 20 ms from before the broker starts: the
    // plugin retries far less often, so the observer is there before the plugin's backlog arrives
    const observer = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: `soak-observer-${process.pid}`, reconnectPeriod: 20, connectTimeout: 1000 });
    observer.on('error', () => undefined);
    const seen: { topic: string; at: string | undefined }[] = [];
    observer.on('message', (topic, payload) => seen.push({ topic, at: jsonAt(payload.toString('utf8')) }));
    observer.subscribe(String(args.filter ?? '#'), { qos: 1 });
    mosquitto = await startMosquitto(port);
    await new Promise((r) => setTimeout(r, args.watchMs as number));
    await observer.endAsync();
    return { up: true, seen };
  },
  /** Fills the store's tmpfs to the last byte, or frees it again. */
  disk: async (args) => {
    if (config.storeQuotaMb === undefined) throw new Error('the rig was started without storeQuotaMb');
    const filler = join(storeDir, 'soak-filler');
    if (!args.full) {
      rmSync(filler, { force: true });
      return { full: false };
    }
    // dd stops at ENOSPC with a non-zero status: that is the point
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    return { full: true };
  },
  exits: async () => exits,
  /** Stops Homebridge (SIGTERM, as a service stop): the store can then be read with op 'history'. */
  stop: async () => {
    await homebridge.stop();
    return { stopped: true };
  },
  /**
   * The store over [args.from, args.to) (the store may sit on the rig's private tmpfs, out of the test's
   * sight), and the simulated meter's counters at each half-hour boundary in it, as the meter reports them.
   */
  history: async (args) => {
    const [from, to] = [args.from as number, args.to as number];
    const history = await History.open({ dir: storeDir, log });
    const meter: Record<number, { boughtKwh: number; soldKwh: number } | undefined> = {};
    for (let t = from; t <= to; t += 1_800_000) meter[t] = installation.home.cumulativeAt(t);
    return {
      slots: await history.slots(from, to),
      meterRecords: await history.meterRecords(from, to + 1),
      events: await history.events(from, to),
      decisions: await history.decisions(from, to),
      meter,
    };
  },
  /** Stops Homebridge and the simulators, then exits: a killed rig would leave Homebridge running. */
  shutdown: async () => {
    await homebridge.stop();
    await killBroker();
    await installation.stop();
    setImmediate(() => process.exit(0));
    return { stopped: true };
  },
};

const port = await startBridge();
process.stdout.write(`${JSON.stringify({ ready: true, port, username, pid: homebridge.child.pid, simulated })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as { id: number; op: RigOp; args?: Record<string, unknown> };
  const op = ops[request.op];
  const answer = (body: object): boolean => process.stdout.write(`${JSON.stringify({ id: request.id, ...body })}\n`);
  if (!op) {
    answer({ ok: false, error: `unknown op ${request.op}` });
    return;
  }
  op(request.args ?? {}).then(
    (result) => answer({ ok: true, result }),
    (err: unknown) => answer({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

/**
 * A small tmpfs on `dir`. `ip netns exec` gave this process its own mount namespace (a slave of the
 * host's), so the mount is invisible outside and goes away with the rig.
 */
function mountQuota(dir: string, mb: number): void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot mount a ${mb} MB tmpfs on ${dir}: ${r.stderr || r.error?.message}`);
}

/** The `at` field of a JSON payload, if it has one. */
function jsonAt(payload: string): string | undefined {
  try {
    const at = (JSON.parse(payload) as { at?: unknown }).at;
    return typeof at === 'string' ? at : undefined;
  } catch {
    return undefined;
  }
}
