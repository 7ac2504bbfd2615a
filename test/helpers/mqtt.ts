/**
 * MQTT test rig: a scripted home, a recording subscriber, free loopback ports, a mosquitto child (plain or
 * from a config file), a throwaway CA for TLS and a logger that keeps its lines.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { HomeDevice } from '../../src/home/index.js';
import type { TelemetrySource } from '../../src/mqtt/mirror.js';
import type { CommandTarget } from '../../src/mqtt/commands.js';
import type { BatteryMode } from '../../src/home/index.js';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import type { Logger } from '../../src/util/log.js';

/** A home whose devices the test sets directly. */
export class ScriptedHome extends EventEmitter implements TelemetrySource {
  private readonly map = new Map<string, HomeDevice>();
  readonly calls: string[] = [];
  /** When set, commands reject with this message. */
  refuse: string | undefined;

  devices(): HomeDevice[] {
    return [...this.map.values()];
  }

  put(device: HomeDevice): void {
    const known = this.map.has(device.identity);
    this.map.set(device.identity, device);
    this.emit(known ? 'device-changed' : 'device-added', device);
  }

  remove(identity: string): void {
    this.map.delete(identity);
  }

  readonly target: CommandTarget = {
    setManualHeating: (id: string, on: boolean) => this.call(`manual-heating ${id} ${on}`),
    setEvCharging: (id: string, on: boolean) => this.call(`ev-charging ${id} ${on}`),
    setBatteryMode: (id: string, mode: BatteryMode) => this.call(`battery-mode ${id} ${mode}`),
  };

  private call(what: string): Promise<void> {
    this.calls.push(what);
    return this.refuse ? Promise.reject(new Error(this.refuse)) : Promise.resolve();
  }
}

const reading = <T>(value: T, at: number) => ({ value, at });

export function meterDevice(at: number, powerW: number, boughtKwh: number, soldKwh: number, online = true): HomeDevice {
  return {
    identity: 'b-route-meter',
    kind: 'meter',
    source: 'broute',
    online,
    readings: { powerW: reading(powerW, at), boughtKwh: reading(boughtKwh, at), soldKwh: reading(soldKwh, at) },
    offers: new Set(['powerW', 'boughtKwh', 'soldKwh'] as const),
    commands: new Set(),
  };
}

export function solarDevice(at: number, powerW: number, generatedKwh: number): HomeDevice {
  return {
    identity: 'fe00000b00000001:027901',
    kind: 'solar',
    source: 'echonet',
    address: '192.0.2.10',
    classCode: 0x0279,
    maker: 0x00000b,
    online: true,
    readings: { powerW: reading(powerW, at), generatedKwh: reading(generatedKwh, at) },
    offers: new Set(['powerW', 'generatedKwh'] as const),
    commands: new Set(),
  };
}

export function waterHeaterDevice(at: number, online = true, commands: HomeDevice['commands'] = new Set(['manual-heating', 'daytime-reheating'])): HomeDevice {
  return {
    identity: 'fe00000b00000002:026b01',
    kind: 'water-heater',
    source: 'echonet',
    online,
    readings: { heatingMode: reading('automatic' as const, at), heating: reading(false, at), tankTempC: reading(62, at), remainingHotWaterL: reading(300, at) },
    offers: new Set(['heatingMode', 'heating', 'tankTempC', 'remainingHotWaterL'] as const),
    commands,
  };
}

export function evDevice(at: number): HomeDevice {
  return {
    identity: 'fe00000b00000003:027e01',
    kind: 'ev-charger',
    source: 'echonet',
    online: true,
    readings: { powerW: reading(0, at), operationMode: reading('standby', at), socPct: reading(40, at) },
    offers: new Set(['powerW', 'operationMode', 'socPct'] as const),
    commands: new Set(['ev-charging'] as const),
  };
}

export function batteryDevice(at: number): HomeDevice {
  return {
    identity: 'fe00000b00000004:027d01',
    kind: 'battery',
    source: 'echonet',
    online: true,
    readings: { powerW: reading(-500, at), operationMode: reading('discharge', at), socPct: reading(70, at), remainingWh: reading(7000, at) },
    offers: new Set(['powerW', 'operationMode', 'socPct', 'remainingWh'] as const),
    commands: new Set(['battery-mode'] as const),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A real mqtt.js client that records everything under the filters it subscribed to. */
export class Recorder {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  }

  static async connect(url: string, filters: string[], options: mqtt.IClientOptions = {}): Promise<Recorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
    const recorder = new Recorder(client);
    if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
    return recorder;
  }

  /** The last payload seen on a topic. */
  last(topic: string): string | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i]!.topic === topic) return this.messages[i]!.payload;
    return undefined;
  }

  async waitFor(predicate: (messages: Received[]) => boolean, timeoutMs = 5_000, what = 'messages'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${this.messages.length}: ${this.messages.slice(-5).map((m) => m.topic).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until nothing new arrived for `ms` (the retained messages have all come in). */
  async quiet(ms = 200): Promise<void> {
    for (let count = -1; count !== this.messages.length; ) {
      count = this.messages.length;
      await new Promise((r) => setTimeout(r, ms));
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export function mosquittoAvailable(): boolean {
  return spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error === undefined;
}

/** Starts mosquitto on a loopback port and waits until it accepts plain connections. */
export function startMosquitto(port: number, args: string[] = ['-p', String(port)]): Promise<ChildProcess> {
  return launchMosquitto(args, { url: `mqtt://127.0.0.1:${port}` }, `on port ${port}`);
}

/** Where and how to make a test connection to a starting broker (TLS files, a user name and password). */
interface BrokerProbe {
  readonly url: string;
  readonly options?: mqtt.IClientOptions;
}

/**
 * Starts mosquitto with a config file and waits until `probe` connects. When mosquitto exits first, the
 * error carries its own last lines (such as "Error: Websockets support not available.").
 */
export function startConfiguredMosquitto(configFile: string, probe: BrokerProbe): Promise<ChildProcess> {
  return launchMosquitto(['-c', configFile], probe, `with ${configFile}`);
}

async function launchMosquitto(args: string[], probe: BrokerProbe, what: string): Promise<ChildProcess> {
  const child = spawn('mosquitto', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // read, so a chatty broker never blocks on a full pipe; the tail explains an early exit
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (output = (output + chunk).slice(-4_000)));
  const end = Date.now() + 5_000;
  for (;;) {
    try {
      const c = await mqtt.connectAsync(probe.url, { reconnectPeriod: 0, connectTimeout: 500, ...probe.options });
      await c.endAsync();
      return child;
    } catch {
      if (Date.now() > end || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`mosquitto did not start ${what}${output.trim() === '' ? '' : `: ${output.trim()}`}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).error === undefined;
}

/** PEM files made by certificates(). */
interface TestCertificates {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A throwaway CA in `dir`, a server certificate for 127.0.0.1 and a client certificate, all P-256 (fast to make). */
export function certificates(dir: string): TestCertificates {
  const openssl = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=hems-test-ca']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    openssl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'hems'}`]);
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', ...(who === 'server' ? ['-extfile', 'san.ext'] : [])]);
  }
  const file = (name: string) => join(dir, name);
  return { ca: file('ca.crt'), serverCert: file('server.crt'), serverKey: file('server.key'), clientCert: file('client.crt'), clientKey: file('client.key') };
}

/** A logger that keeps every line, debug included, for "the password is in no log line" checks. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/**
 * An aedes broker with two listeners: one that can be taken away and given back on the same port (every
 * client on it loses its connection and cannot reconnect meanwhile, as when the broker drops off the LAN),
 * and one for observers that stays up, so what they see is the broker's order, not their own reconnection.
 */
export class OutageAedes {
  private sockets = new Set<import('node:net').Socket>();
  private server: import('node:net').Server | undefined;
  private constructor(
    private readonly broker: import('aedes').Aedes,
    private readonly observers: import('node:net').Server,
    readonly port: number,
  ) {}

  static async start(port: number): Promise<OutageAedes> {
    const { Aedes } = await import('aedes');
    const broker = await Aedes.createBroker();
    const observers = createServer(broker.handle);
    await new Promise<void>((resolve) => observers.listen(0, '127.0.0.1', resolve));
    const outage = new OutageAedes(broker, observers, port);
    await outage.listen();
    return outage;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get observerUrl(): string {
    return `mqtt://127.0.0.1:${(this.observers.address() as AddressInfo).port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  async close(): Promise<void> {
    await this.cut();
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.observers.close(() => resolve()));
  }
}

export interface Broker {
  readonly url: string;
  close(): Promise<void>;
}

/** The brokers the mirror is tried against: the embedded aedes always, mosquitto when it is installed. */
export const BROKERS: Record<string, (() => Promise<Broker>) | undefined> = {
  aedes: async () => startEmbeddedBroker({ port: await freePort() }),
  mosquitto: mosquittoAvailable()
    ? async () => {
        const port = await freePort();
        const child = await startMosquitto(port);
        return { url: `mqtt://127.0.0.1:${port}`, close: () => stopProcess(child) };
      }
    : undefined,
};
