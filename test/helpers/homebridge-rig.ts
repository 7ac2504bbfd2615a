/**
 * The whole installation inside one network namespace, driven over stdin/stdout by an e2e test: the
 * simulated home (ECHONET emulator + dongle simulator, as the demo starts them), Homebridge with this
 * plugin as a child process, and a HAP controller (hap-controller's HttpClient, no mDNS) that pairs and
 * talks to the bridge. The HAP client must run in here too: the bridge listens inside the namespace.
 *
 * Started as: node --import tsx homebridge-rig.ts '<RigConfig as JSON>'
 * stdin:  {"id": 1, "op": "read", "args": {...}}           one request per line
 * stdout: {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": "..."}; {"ready": true, ...} once
 * Homebridge's and the simulators' logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, type PairingData } from 'hap-controller';
import mqtt from 'mqtt';
import { startHomebridge, startInstallation, writeHomebridgeConfig, type HomebridgeBinary, type HomebridgeRun } from '../../src/cli/demo-rig.js';
import { parseFaults } from '../../src/sim/emulator/faults.js';
import type { EvMode } from '../../src/sim/ev.js';
import { ScaledClock } from '../../src/util/clock.js';
import { seedUsageHistory } from './usage-history.js';
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
}

export type RigOp = 'pair' | 'accessories' | 'read' | 'write' | 'state' | 'faults' | 'restart' | 'log' | 'matter' | 'mqtt' | 'warning' | 'shutdown';

/** Configures the test-only MatterProbe platform (test/helpers/matter-probe) beside ours. */
function addMatterProbe(storage: string): void {
  const file = join(storage, 'config.json');
  const homebridgeConfig = JSON.parse(readFileSync(file, 'utf8')) as { platforms: object[] };
  homebridgeConfig.platforms.push({ platform: 'MatterProbe' });
  writeFileSync(file, JSON.stringify(homebridgeConfig, null, 2));
}

const config = JSON.parse(process.argv[2]!) as RigConfig;
const log = consoleLogger('rig');
const clock = new ScaledClock(config.startAt, 1);
// the plugin plans on real time, the home runs at real speed from startAt: forecast the home's instant
const simOffset = config.startAt - Date.now();
const installation = await startInstallation({
  clock,
  dir: mkdtempSync(join(tmpdir(), 'hems-rig-')),
  log,
  ...(config.scheduler ? { forecast: { simTimeOf: (t: number) => t + simOffset } } : {}),
});
const { username } = writeHomebridgeConfig(config.storage, installation, {
  hapPort: config.hapPort,
  pin: config.pin,
  bind: ['lo'],
  pollSeconds: 5,
  matterPort: config.matterPort,
  ...(config.mqttPort === undefined ? {} : { mqtt: { embeddedPort: config.mqttPort } }),
  ...(config.scheduler ? { scheduler: true } : {}),
});
if (config.matterPort !== undefined) addMatterProbe(config.storage);
if (config.evMode !== undefined) installation.home.setEvMode(config.evMode);
if (config.usageHistoryDays !== undefined) await seedUsageHistory(config.storage, config.usageHistoryDays);
const homebridgeLog: string[] = [];
let homebridge!: HomebridgeRun;
let pairing: PairingData | undefined;

async function startBridge(): Promise<number> {
  homebridge = startHomebridge({
    storage: config.storage,
    pluginDir: config.pluginDir,
    binary: config.homebridge,
    onLine: (line) => {
      homebridgeLog.push(line);
      process.stderr.write(`${line}\n`);
    },
  });
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
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${config.mqttPort}`, { clientId: `e2e-${process.pid}`, reconnectPeriod: 0 });
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
  /** Stops Homebridge and the simulators, then exits: a killed rig would leave Homebridge running. */
  shutdown: async () => {
    await homebridge.stop();
    await installation.stop();
    setImmediate(() => process.exit(0));
    return { stopped: true };
  },
};

const port = await startBridge();
process.stdout.write(`${JSON.stringify({ ready: true, port, username, pid: homebridge.child.pid })}\n`);

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
