/**
 * The MQTT mirror's cost: how many messages a second it delivers to a real broker (acknowledged, QoS 1,
 * through the outbox), and how many bytes a day the simulated home sends at the plugin's default poll
 * rates, compared with the ~500 MB a month the replaced product (AiSEG2) uses for its cloud service.
 *
 * The day is played on a ManualClock through the real home model (src/home Home, fed from SimulatedHome
 * the way the ECHONET and B-route sources feed it), so every change event, change filter and refresh is
 * the production path; the bytes are counted on the broker's side of the TCP connection.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { Home } from '../src/home/index.js';
import { MqttMirror, type TelemetrySource } from '../src/mqtt/mirror.js';
import type { CommandTarget } from '../src/mqtt/commands.js';
import { SimulatedHome } from '../src/sim/home.js';
import { ManualClock, systemClock, type Clock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/log.js';
import { DEFAULT_DEVICE_POLL_SECONDS, DEFAULT_METER_POLL_SECONDS } from '../src/settings.js';
import { table, type BenchSection } from './report.js';

const REPLACED_PRODUCT_MB_PER_MONTH = 500;
const DAYS_PER_MONTH = 30.4;

/** aedes on loopback, counting what clients send it. */
async function countingBroker(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesRead;
      sockets.delete(socket);
    });
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesRead, 0),
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const noCommands: CommandTarget = {
  setManualHeating: () => Promise.reject(new Error('benchmark')),
  setEvCharging: () => Promise.reject(new Error('benchmark')),
  setBatteryMode: () => Promise.reject(new Error('benchmark')),
};

const emptySource: TelemetrySource = { devices: () => [], on: () => undefined, off: () => undefined };

function mirrorOn(url: string, source: TelemetrySource, clock: Clock, home?: Home): MqttMirror {
  return new MqttMirror({ source, commands: home ?? noCommands, broker: { url }, clock, log: silentLogger, version: 'bench' });
}

/** The median of three runs: other work on the machine moves single runs a lot. */
async function throughput(url: string, count: number): Promise<number> {
  const rates = [await once(url, count), await once(url, count), await once(url, count)].sort((a, b) => a - b);
  return rates[1]!;
}

/** Messages a second, publish to broker acknowledgement, over `count` messages. */
async function once(url: string, count: number): Promise<number> {
  const mirror = mirrorOn(url, emptySource, systemClock);
  await mirror.start();
  await mirror.drained();
  const payload = { powerW: 1234, at: '2026-11-26T03:00:00.000Z' };
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) mirror.publish(`bench/${i % 16}`, payload, false);
  await mirror.drained();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await mirror.stop();
  return count / seconds;
}

type Store = Parameters<ConstructorParameters<typeof Home>[0]>[0];

const round = (x: number, step: number) => Math.round(x / step) * step;

/** What the ECHONET and B-route sources would put into the home for the simulated devices. */
function poll(store: Store, sim: SimulatedHome, at: number, meterToo: boolean): void {
  if (meterToo) {
    const m = sim.meter();
    // E7 is whole watts; E0/E3 here in 0.01 kWh, a common meter resolution
    store.record('meter', { powerW: Math.round(m.powerW), boughtKwh: round(m.boughtKwh, 0.01), soldKwh: round(m.soldKwh, 0.01) }, at);
  }
  const s = sim.solar();
  if (s) store.record('solar', { powerW: Math.round(s.powerW), generatedKwh: round(s.cumulativeKwh, 0.001) }, at);
  const w = sim.tank();
  if (w) {
    store.record('ecocute', { heatingMode: w.mode, heating: w.heating, daytimeReheating: w.daytimeReheatingPermitted, tankTempC: Math.round(w.tankTempC), remainingHotWaterL: Math.round(w.remainingL), tankCapacityL: w.capacityL }, at);
  }
  const e = sim.ev();
  if (e) {
    const vehicle = !e.connected ? 'not_connected' : e.canDischarge ? 'chargeable_dischargeable' : 'chargeable';
    store.record('ev', { vehicle, powerW: Math.round(e.powerW), operationMode: e.mode, remainingWh: Math.round(e.remainingWh), socPct: Math.round(e.socPct) }, at);
  }
  const b = sim.battery();
  if (b) store.record('battery', { powerW: Math.round(b.powerW), operationMode: b.mode, remainingWh: Math.round(b.remainingWh), socPct: Math.round(b.socPct) }, at);
}

/** One simulated day through Home -> mirror -> broker; bytes and messages the broker received. */
async function day(url: string, received: () => number): Promise<{ bytes: number; messages: number }> {
  const start = Date.parse('2026-06-15T15:00:00Z'); // a June day, 00:00 JST: long solar hours
  const clock = new ManualClock(start);
  const sim = new SimulatedHome({ clock, seed: 7, historyDays: 0 });
  let store: Store | undefined;
  const home = new Home(async (s) => {
    store = s;
    const device = (identity: string, kind: 'meter' | 'solar' | 'water-heater' | 'ev-charger' | 'battery', offers: string[], commands: string[] = []) =>
      s.put({ identity, kind, source: kind === 'meter' ? 'broute' : 'echonet', online: true, offers: new Set(offers) as never, commands: new Set(commands) as never });
    device('meter', 'meter', ['powerW', 'boughtKwh', 'soldKwh']);
    device('solar', 'solar', ['powerW', 'generatedKwh']);
    device('ecocute', 'water-heater', ['heatingMode', 'heating', 'daytimeReheating', 'tankTempC', 'remainingHotWaterL', 'tankCapacityL'], ['manual-heating']);
    device('ev', 'ev-charger', ['vehicle', 'powerW', 'operationMode', 'remainingWh', 'socPct'], ['ev-charging']);
    device('battery', 'battery', ['powerW', 'operationMode', 'remainingWh', 'socPct'], ['battery-mode']);
    return { close: async () => undefined };
  });
  await home.start();
  const before = received();
  const mirror = mirrorOn(url, home, clock, home);
  await mirror.start();
  const stepMs = DEFAULT_DEVICE_POLL_SECONDS * 1000;
  const meterEvery = Math.round(DEFAULT_METER_POLL_SECONDS / DEFAULT_DEVICE_POLL_SECONDS);
  for (let i = 1; i <= 86_400_000 / stepMs; i++) {
    clock.advance(stepMs);
    poll(store!, sim, clock.now(), i % meterEvery === 0);
    if (i % 200 === 0) await mirror.drained();
  }
  await mirror.drained();
  const messages = mirror.stats().delivered;
  await mirror.stop();
  await home.close();
  await new Promise((r) => setTimeout(r, 50)); // the goodbye's bytes
  return { bytes: received() - before, messages };
}

function mosquittoAvailable(): boolean {
  return spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error === undefined;
}

async function startMosquitto(): Promise<{ url: string; child: ChildProcess }> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const child = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await (await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 })).endAsync();
      return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('mosquitto did not start');
}

export async function run(): Promise<BenchSection> {
  const COUNT = 50_000;
  const aedes = await countingBroker();
  const aedesRate = await throughput(aedes.url, COUNT);
  const { bytes, messages } = await day(aedes.url, aedes.received);
  await aedes.close();
  const rows: (string | number)[][] = [['aedes 1.2 (in process)', Math.round(aedesRate).toLocaleString('en-US')]];
  if (mosquittoAvailable()) {
    const m = await startMosquitto();
    try {
      rows.push(['mosquitto 2 (loopback)', Math.round(await throughput(m.url, COUNT)).toLocaleString('en-US')]);
    } finally {
      m.child.kill('SIGTERM');
    }
  } else {
    rows.push(['mosquitto', 'not installed']);
  }
  const mbDay = bytes / 1e6;
  const mbMonth = mbDay * DAYS_PER_MONTH;
  return {
    id: 'mqtt',
    title: 'MQTT mirror: throughput and bytes per day',
    command: 'npm run bench -- mqtt',
    body: [
      `Throughput: ${COUNT.toLocaleString('en-US')} JSON messages through the mirror's outbox to the broker, QoS 1, each counted when the broker acknowledged it (one TCP connection, 64 in flight); median of three runs.`,
      '',
      table(['broker', 'messages/s'], rows),
      '',
      `One-minute load average when measured: ${loadavg()[0]!.toFixed(1)} (the machine is shared; throughput scales with idle CPU).`,
      '',
      `Traffic: one simulated June day (SimulatedHome, seed 7: meter, solar, EcoCute, EV, battery) through the real home model at the default poll rates (devices every ${DEFAULT_DEVICE_POLL_SECONDS} s, meter every ${DEFAULT_METER_POLL_SECONDS} s), with Home Assistant discovery on; bytes counted as the broker received them (MQTT framing and TCP payload, not IP headers).`,
      '',
      table(
        ['', 'messages', 'bytes/day', 'MB/month', 'vs AiSEG2 (~500 MB/month)'],
        [['this mirror', messages.toLocaleString('en-US'), bytes.toLocaleString('en-US'), mbMonth.toFixed(1), `${((mbMonth / REPLACED_PRODUCT_MB_PER_MONTH) * 100).toFixed(1)}%`]],
      ),
      '',
      'The mirror sends a per-value topic only when its value changed and a device\'s JSON state when anything in it changed (or every 5 minutes to refresh its timestamps). Its traffic stays on the LAN (or loopback); AiSEG2\'s goes to the internet.',
    ].join('\n'),
  };
}
