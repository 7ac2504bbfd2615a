/**
 * The simulated installation behind the demo and the end-to-end tests: one SimulatedHome on one clock,
 * the ECHONET Lite emulator serving its solar inverter, EcoCute, EV charger and battery on 127.0.0.2
 * (multicast through 127.0.0.1, so nothing leaves the loopback interface), the smart meter behind a
 * simulated Wi-SUN dongle on a pty pair, and Homebridge as a child process with this plugin configured
 * on all of them; optionally AI solar charge with its forecasts from the simulated sky (forecast-server.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDongleSimulator, type DongleSimulator } from '../sim/dongle/index.js';
import { startEmulator, type EmulatorHandle } from '../sim/emulator/emulator.js';
import { startForecastServer, type ForecastServer } from '../sim/forecast-server.js';
import { SimulatedHome } from '../sim/home.js';
import { PERFORMANCE_RATIO } from '../sim/sun.js';
import { PLATFORM_NAME } from '../settings.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { createPtyPair, socatAvailable, type PtyPair } from '../sim/pty-pair.js';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EMULATOR_ADDRESS = '127.0.0.2';
const CONTROLLER_ADDRESS = '127.0.0.1';
/** A made-up B-route ID and password: the simulated meter accepts only these. */
const DEMO_BROUTE = { id: '0123456789ABCDEF0123456789ABCDEF', password: 'DemoPass1234' };
/** JMA's Tokyo office and its 23-wards area: the simulated home's sun is Tokyo's. */
const JMA_TOKYO = { office: '130000', area: '130010' } as const;

export interface Installation {
  readonly home: SimulatedHome;
  /** The emulator serving the LAN devices now (moveEmulator replaces it). */
  readonly emulator: EmulatorHandle;
  /** Undefined when socat is missing: the demo then runs without the smart meter. */
  readonly dongle: DongleSimulator | undefined;
  /**
   * A stable link to the dongle's pty, as /dev/serial/by-id names a USB dongle: it follows the dongle
   * when it is plugged back in under another pty.
   */
  readonly meterPort: string | undefined;
  /** JMA and Open-Meteo as the simulated sky would answer them, when asked for. */
  readonly forecast: ForecastServer | undefined;
  /** Pulls the dongle out: its pty pair goes, so the plugin sees its serial port vanish. */
  unplugDongle(): Promise<void>;
  /** Plugs it back in: a new pty pair, which meterPort then points to. */
  replugDongle(): Promise<void>;
  /** The LAN devices answer from a new address (a changed DHCP lease), keeping their identification numbers. */
  moveEmulator(address: string): Promise<void>;
  stop(): Promise<void>;
}

export interface InstallationOptions {
  readonly clock: Clock;
  readonly dir: string;
  readonly log: Logger;
  /**
   * Serve forecasts (for AI solar charge). The plugin plans on real time while the home runs on `clock`:
   * `simTimeOf` maps a real instant to the simulated one whose sky to forecast; a plugin on compressed
   * time instead gives its clock as `now` (see ForecastServerOptions).
   */
  readonly forecast?: { readonly simTimeOf?: (t: number) => number; readonly now?: () => number };
}

export async function startInstallation(options: InstallationOptions): Promise<Installation> {
  const { clock, dir, log } = options;
  // clouds off: a sunny day, so the solar curve and the surplus are easy to follow
  const home = new SimulatedHome({ clock, seed: 3, solar: { clouds: false }, historyDays: 2 });
  const emulatorAt = (address: string): Promise<EmulatorHandle> =>
    startEmulator({
      address,
      identityAddress: EMULATOR_ADDRESS,
      multicastInterface: CONTROLLER_ADDRESS,
      devices: ['solar', 'water-heater', 'ev-charger', 'battery'],
      clock,
      home,
      log,
    });
  let emulator = await emulatorAt(EMULATOR_ADDRESS);
  let pty: PtyPair | undefined;
  let dongle: DongleSimulator | undefined;
  const meterLink = join(dir, 'ttyWISUN');
  /** Points meterLink at the pair's host end; a rename, so the plugin never sees the link half-made. */
  const link = (pair: PtyPair): void => {
    const tmp = `${meterLink}.new`;
    symlinkSync(pair.hostPath, tmp);
    renameSync(tmp, meterLink);
  };
  if (socatAvailable()) {
    pty = await createPtyPair(dir);
    link(pty);
    dongle = startDongleSimulator({ path: pty.donglePath, family: 'single-hop', timing: 'fast', credentials: DEMO_BROUTE, meter: home, clock });
  } else {
    log.warn('socat is not installed (apt-get install -y socat): running without the smart meter');
  }
  const forecast = options.forecast
    ? await startForecastServer({
        irradianceAt: (t) => home.irradianceAt(t),
        area: JMA_TOKYO.area,
        ...(options.forecast.simTimeOf ? { simTimeOf: options.forecast.simTimeOf } : {}),
        ...(options.forecast.now ? { now: options.forecast.now } : {}),
      })
    : undefined;
  return {
    home,
    get emulator() {
      return emulator;
    },
    dongle,
    meterPort: pty && meterLink,
    forecast,
    async unplugDongle() {
      await dongle?.unplug();
      await pty?.close();
    },
    async replugDongle() {
      if (!dongle) return;
      pty = await createPtyPair(dir);
      await dongle.replug(pty.donglePath);
      link(pty);
    },
    async moveEmulator(address) {
      await emulator.stop();
      emulator = await emulatorAt(address);
    },
    async stop() {
      await forecast?.close();
      await dongle?.stop();
      await pty?.close();
      await emulator.stop();
    },
  };
}

export interface BridgeOptions {
  readonly hapPort: number | undefined;
  readonly pin: string;
  /** Interfaces ciao advertises on; all by default (so a phone can pair). */
  readonly bind?: readonly string[];
  /** Poll the devices often, so changes show quickly in a demo or test. */
  readonly pollSeconds?: number;
  /** The smart meter's poll interval; 10 s by default. */
  readonly meterPollSeconds?: number;
  /** Turns on Homebridge 2.x's Matter bridge on this port (Homebridge 1.x ignores it). */
  readonly matterPort?: number;
  /** MQTT: the homeowner's broker by URL, or the plugin's embedded broker on this loopback port. */
  readonly mqtt?: { readonly url: string } | { readonly embeddedPort: number };
  /** Turns AI solar charge on for every simulated device, with the installation's forecast server. */
  readonly scheduler?: boolean;
}

/**
 * AI solar charge as a TEPCO スマートライフS household in Tokyo would set it up, on all three devices. The
 * panels are the simulated array (5 kW, 25 degrees, south) with its losses, so the forecast PV is the
 * simulated PV; the forecasts come from `baseUrl`.
 */
function schedulerSettings(baseUrl: string): object {
  return {
    purchaseMode: 'surplus',
    tariff: { preset: 'tepco-smartlife-s' },
    scheduler: {
      enabled: true,
      devices: { ecocute: true, battery: true, ev: true },
      forecast: {
        jma: JMA_TOKYO,
        solar: 'open-meteo',
        latitude: 35.68,
        longitude: 139.77,
        arrays: [{ kwp: 5, tiltDeg: 25, bearingDeg: 180, lossesPercent: Math.round((1 - PERFORMANCE_RATIO) * 100) }],
        baseUrl,
      },
    },
  };
}

/** Writes config.json for Homebridge: the bridge and this plugin on the installation. */
/** The demo's bridge: a config.json with another name is the homeowner's and must not be replaced. */
export const DEMO_BRIDGE_NAME = 'ECHONET HEMS Demo';

export function writeHomebridgeConfig(storage: string, installation: Installation, bridge: BridgeOptions): { username: string } {
  mkdirSync(storage, { recursive: true });
  if (bridge.scheduler && !installation.forecast) throw new Error('AI solar charge needs the installation started with its forecast server');
  const username = macFor(storage);
  const config = {
    bridge: {
      name: DEMO_BRIDGE_NAME,
      username,
      pin: bridge.pin,
      ...(bridge.hapPort === undefined ? {} : { port: bridge.hapPort }),
      advertiser: 'ciao',
      ...(bridge.bind ? { bind: bridge.bind } : {}),
      ...(bridge.matterPort === undefined ? {} : { matter: { port: bridge.matterPort } }),
    },
    platforms: [
      {
        platform: PLATFORM_NAME,
        name: 'ECHONET HEMS',
        echonet: { interface: CONTROLLER_ADDRESS, hosts: [EMULATOR_ADDRESS], pollSeconds: bridge.pollSeconds ?? 5 },
        ...(installation.meterPort
          ? { meter: { serialPort: installation.meterPort, brouteId: DEMO_BROUTE.id, broutePassword: DEMO_BROUTE.password, pollSeconds: bridge.meterPollSeconds ?? 10 } }
          : {}),
        solarLightSensor: true,
        ...(bridge.mqtt
          ? { mqtt: 'url' in bridge.mqtt ? { enabled: true, broker: 'url', url: bridge.mqtt.url } : { enabled: true, broker: 'embedded', embeddedPort: bridge.mqtt.embeddedPort } }
          : {}),
        ...(bridge.scheduler && installation.forecast ? schedulerSettings(installation.forecast.url) : {}),
      },
    ],
  };
  writeFileSync(join(storage, 'config.json'), JSON.stringify(config, null, 2));
  return { username };
}

/** The same bridge identity for the same storage directory, so a restart keeps its pairings. */
function macFor(storage: string): string {
  const hash = createHash('sha256').update(resolve(storage)).digest();
  // locally administered unicast: bit 1 of the first byte set, bit 0 clear
  const bytes = [(hash[0]! | 0x02) & 0xfe, ...hash.subarray(1, 6)];
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export interface HomebridgeRun {
  readonly child: ChildProcess;
  /** Resolves with the HAP port once Homebridge logs "is running on port". */
  readonly running: Promise<number>;
  stop(): Promise<void>;
}

export interface HomebridgeBinary {
  /** The node executable; this process's by default. */
  readonly node?: string;
  /** homebridge's bin script; the dev dependency by default. */
  readonly script?: string;
}

export interface HomebridgeOptions {
  readonly storage: string;
  /** Each line Homebridge writes (stdout and stderr). */
  readonly onLine: (line: string) => void;
  readonly binary?: HomebridgeBinary;
  /** The plugin's directory (package.json + dist/); the repository by default. */
  readonly pluginDir?: string;
  /** Homebridge's debug log (-D), the plugin's debug lines included. */
  readonly debug?: boolean;
  /** Added to Homebridge's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The dev dependency's `homebridge` bin script. */
export function homebridgeScript(): string {
  return join(dirname(createRequire(import.meta.url).resolve('homebridge/package.json')), 'bin', 'homebridge');
}

/** Starts `homebridge -I -U storage -P pluginDir`. */
export function startHomebridge(options: HomebridgeOptions): HomebridgeRun {
  const { binary = {}, onLine } = options;
  const script = binary.script ?? homebridgeScript();
  const args = [script, '-I', ...(options.debug ? ['-D'] : []), '-U', options.storage, '-P', options.pluginDir ?? REPO_DIR];
  const child = spawn(binary.node ?? process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
  });
  let resolveRunning: (port: number) => void = () => undefined;
  let rejectRunning: (err: Error) => void = () => undefined;
  const running = new Promise<number>((res, rej) => {
    resolveRunning = res;
    rejectRunning = rej;
  });
  running.catch(() => undefined); // a caller that never awaits it must not get an unhandled rejection
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        onLine(line);
        // the HAP bridge's line, not the Matter server's ("(Matter.js v…) … is running on port")
        const port = /\(HAP v.* is running on port (\d+)/.exec(line);
        if (port) resolveRunning(Number(port[1]));
      }
    });
  }
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('exit', (code, signal) => rejectRunning(new Error(`homebridge exited (${signal ?? `code ${code}`}) before it was running`)));
  return {
    child,
    running,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * Compiles the plugin when dist/ is missing or older than a source file: Homebridge loads dist/index.js.
 * An installed package ships dist/ without src/: nothing to compile there.
 */
export function buildIfStale(log: Logger): void {
  if (!existsSync(join(REPO_DIR, 'src'))) return;
  const built = join(REPO_DIR, 'dist', 'index.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt >= newestMtime(join(REPO_DIR, 'src'))) return;
  log.info('building the plugin (npm run build)');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed; see the compiler output above');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
