/**
 * `echonet-hems demo [--storage <dir>] [--hap-port <n>] [--pin <xxx-xx-xxx>] [--mqtt <url>] [--start <time>]
 * [--speed <n>] [--plugin-dir <dir>]`: Homebridge with this plugin on a simulated home (a sunny day at 30x
 * speed from 06:00 JST on the latest Sunday), ready to pair from the Home app, mirrored to MQTT (the
 * plugin's embedded broker on 127.0.0.1:1883 unless a broker URL is given). Homebridge's own log lines
 * stay on the output; Ctrl-C stops everything. --plugin-dir loads an already built plugin (package.json
 * and dist/) instead of building this checkout (the tests use a private build).
 *
 * AI solar charge runs on the EcoCute, the battery and the EV with forecasts from a local server that
 * answers as JMA and Open-Meteo would for the simulated sky (no internet). The plugin runs on the home's
 * compressed clock (SIMULATED_CLOCK_ENV, as the soak does), so its plan is the simulated day's and acts on
 * the simulated midday surplus as it passes. Its store gets four weeks of the simulated home's own past
 * when it has no history (sim/usage-history.ts): a fresh store would keep AI solar charge waiting for
 * weeks of sunny days (the replaced product's data condition), so a newcomer would see it do nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DAY_MS, HOUR_MS, jst, jstMidnight, jstText } from '../sim/jst.js';
import { hasUsageHistory, pastOf, seedUsageHistory } from '../sim/usage-history.js';
import { statusFilePath } from '../ui-status/file.js';
import { formatSimulatedTime, parseSimulatedTime, SIMULATED_CLOCK_ENV, type ScaledClock } from '../util/clock.js';
import { jstDayStart, parseJstLocal } from '../util/jst.js';
import { DEFAULT_EMBEDDED_BROKER_PORT, MAX_DEVICE_POLL_SECONDS, MAX_METER_POLL_SECONDS, MIN_DEVICE_POLL_SECONDS, MIN_METER_POLL_SECONDS } from '../settings.js';
import { guard } from '../util/guard.js';
import { consoleLogger, type Logger } from '../util/log.js';
import { numberOption, parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import { buildIfStale, DEMO_BRIDGE_NAME, startHomebridge, startInstallation, writeHomebridgeConfig, type Installation } from './demo-rig.js';

const USAGE =
  'echonet-hems demo [--storage <dir>] [--hap-port <n>] [--pin <xxx-xx-xxx>] [--mqtt <mqtt://host:port>] [--start <YYYY-MM-DDTHH:MM | HH:MM> (JST)] [--speed <n>] [--plugin-dir <dir>]';
/** 30 simulated seconds per real second: the day's solar curve passes in under an hour. */
const DEFAULT_SPEED = 30;
const MAX_SPEED = 1000;
const DEFAULT_START_HOUR_JST = 6;
const DEFAULT_PIN = '031-45-154';
/** Four weeks: 20 weekdays and 8 weekend days, past the data condition's 5 sunny days of either type. */
const HISTORY_DAYS = 28;
/** Which MQTT topics carry AI solar charge (scheduler/wiring.ts SCHEDULER_TOPICS under the default prefix). */
const PLAN_TOPICS = 'echonet-hems/scheduler/status and echonet-hems/scheduler/decision';

export async function runDemo(args: string[]): Promise<void> {
  const options = {
    storage: { type: 'string' },
    'hap-port': { type: 'string' },
    pin: { type: 'string' },
    mqtt: { type: 'string' },
    start: { type: 'string' },
    speed: { type: 'string' },
    'plugin-dir': { type: 'string' },
  } as const;
  const { values } = parse(args, options, USAGE);
  const pin = values.pin ?? DEFAULT_PIN;
  if (!/^\d{3}-\d{2}-\d{3}$/.test(pin)) throw new CliError(`--pin must look like 031-45-154, not "${pin}"`, EXIT.usage);
  const hapPort = values['hap-port'] === undefined ? undefined : numberOption(values['hap-port'], 'hap-port', 0, 1024, 65535);
  const storage = resolve(values.storage ?? join(process.cwd(), '.demo'));
  refuseForeignConfig(storage);
  if (values.mqtt !== undefined && !/^(mqtts?|wss?):\/\/\S+$/.test(values.mqtt)) throw new CliError('--mqtt must be a broker URL such as mqtt://127.0.0.1:1883', EXIT.usage);
  const mqtt = values.mqtt === undefined ? { embeddedPort: DEFAULT_EMBEDDED_BROKER_PORT } : { url: values.mqtt };
  const speed = numberOption(values.speed, 'speed', DEFAULT_SPEED, 1, MAX_SPEED);
  const start = startTime(values.start, Date.now());
  const pluginDir = values['plugin-dir'] === undefined ? undefined : resolve(values['plugin-dir']);
  const log = consoleLogger('demo');

  if (pluginDir === undefined) buildIfStale(log);
  // one clock for the home, the dongle and (through the environment) the plugin in Homebridge
  const simulated = formatSimulatedTime({ start, speed, realStart: Date.now() });
  const clock = (parseSimulatedTime(simulated) as { clock: ScaledClock }).clock;
  const ptyDir = mkdtempSync(join(tmpdir(), 'echonet-hems-demo-'));
  const installation = await startInstallation({ clock, dir: ptyDir, log, forecast: { now: () => clock.now() } });
  // the charger waits for AI solar charge, as a HEMS-controlled one is set up to (the simulated charger
  // would start charging itself whenever the car is plugged in, leaving the scheduler nothing to do)
  installation.home.setEvMode('standby');
  const stopInstallation = async (): Promise<void> => {
    await installation.stop();
    rmSync(ptyDir, { recursive: true, force: true });
  };
  try {
    writeHomebridgeConfig(storage, installation, { hapPort, pin, mqtt, scheduler: true, ...pollFor(speed) });
    await ensureUsageHistory(storage, installation, clock.now(), log);
  } catch (err) {
    await stopInstallation();
    throw err;
  }
  log.info(`simulated home: ECHONET devices on 127.0.0.2, smart meter ${installation.meterPort ? `on ${installation.meterPort}` : 'off'}, forecasts at ${installation.forecast?.url}; storage ${storage}`);
  log.info(`simulated time: ${jstClock(start)} JST on ${WEEKDAYS[jst(start).weekday]} ${jstDate(start)}, ${speed}x (an hour every ${formatSeconds(3600 / speed)}); Homebridge runs the plugin on this clock too`);
  const homebridge = startHomebridge({
    storage,
    onLine: (line) => console.log(line),
    env: { [SIMULATED_CLOCK_ENV]: simulated },
    ...(pluginDir === undefined ? {} : { pluginDir }),
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await homebridge.stop();
    await stopInstallation();
  };
  process.once('SIGINT', () => guard(log, 'stopping the demo', stop()));
  process.once('SIGTERM', () => guard(log, 'stopping the demo', stop()));
  try {
    const port = await homebridge.running;
    log.info(`ready to pair: open the Home app, add an accessory, and enter the setup code ${pin} (HAP port ${port})`);
    const broker = 'url' in mqtt ? mqtt.url : `the embedded broker, mqtt://127.0.0.1:${mqtt.embeddedPort}`;
    log.info(`MQTT: every reading under echonet-hems/ (Home Assistant discovery under homeassistant/) on ${broker}`);
    const noon = untilNoon(start, speed);
    log.info(`AI solar charge: its plan and each decision's reason appear here as "[AI solar charge]" lines and on MQTT (${PLAN_TOPICS})${noon === undefined ? '' : `; simulated noon, the middle of the solar surplus, is ${noon} away`}`);
    log.info(`dashboard: the Energy tab of the plugin's settings in the Homebridge UI, which this demo does not start; its data is in ${statusFilePath(storage)}`);
  } catch (err) {
    await stop();
    throw err;
  }
  await new Promise<void>((res) => homebridge.child.once('exit', () => res()));
  await stop();
}

/**
 * Seeds the store with the simulated home's own past, unless it has recorded any half-hour in those weeks
 * or since: --storage may name a store that has run before (the demo's or a real one), and what it holds
 * is never overwritten.
 */
async function ensureUsageHistory(storage: string, installation: Installation, now: number, log: Logger): Promise<void> {
  if (await hasUsageHistory(storage, jstDayStart(now) - HISTORY_DAYS * DAY_MS, now + DAY_MS)) {
    log.info(`usage history: ${storage} has recorded half-hours in the ${HISTORY_DAYS} days before the start already, so no simulated history is added`);
    return;
  }
  await seedUsageHistory(storage, HISTORY_DAYS, now, pastOf(installation.home));
  log.info(`usage history: the store had none, so it now holds ${HISTORY_DAYS} days of SIMULATED history (the simulated home's household load and sunny solar) for AI solar charge to plan with`);
}

/** The demo writes its own config.json into --storage: never over a real Homebridge's. */
function refuseForeignConfig(storage: string): void {
  const file = join(storage, 'config.json');
  if (!existsSync(file)) return;
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(file, 'utf8')) as { bridge?: { name?: unknown } }).bridge?.name;
  } catch {
    name = undefined;
  }
  if (name !== DEMO_BRIDGE_NAME) {
    throw new CliError(`${file} is not the demo's (its bridge is not "${DEMO_BRIDGE_NAME}"): the demo would replace it. Give --storage an empty folder, or the demo's own (default ./.demo)`, EXIT.usage);
  }
}

/**
 * --start as epoch ms: a JST date-time, a JST time of today, or by default 06:00 JST on the latest Sunday
 * (today on a Sunday). On a weekday the simulated car is out from 07:30 to the evening, so the midday
 * surplus has only the home battery (which uses it on its own) and the EcoCute; on a Sunday AI solar
 * charge also charges the car from it.
 */
function startTime(text: string | undefined, now: number): number {
  const today = jstMidnight(jst(now).day);
  if (text === undefined) return today - jst(now).weekday * DAY_MS + DEFAULT_START_HOUR_JST * HOUR_MS;
  const time = /^(\d{2}):(\d{2})$/.exec(text);
  if (time && Number(time[1]) < 24 && Number(time[2]) < 60) return today + Number(time[1]) * HOUR_MS + Number(time[2]) * 60_000;
  const at = parseJstLocal(text);
  if (at === undefined) throw new CliError(`--start must be a JST time such as 10:30 or 2026-05-17T10:30, not "${text}"`, EXIT.usage);
  return at;
}

/**
 * Poll intervals in simulated seconds that come to about one real second for the devices and two for the
 * meter: the defaults (15 s and 30 s) would poll every half second at 30x, work that shows nothing more.
 */
function pollFor(speed: number): { pollSeconds: number; meterPollSeconds: number } {
  const within = (s: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.round(s)));
  return { pollSeconds: within(speed, MIN_DEVICE_POLL_SECONDS, MAX_DEVICE_POLL_SECONDS), meterPollSeconds: within(2 * speed, MIN_METER_POLL_SECONDS, MAX_METER_POLL_SECONDS) };
}

/** Real time until the simulated noon, from the start; undefined when the start is past it. */
function untilNoon(start: number, speed: number): string | undefined {
  const simMs = jstMidnight(jst(start).day) + 12 * HOUR_MS - start;
  return simMs <= 0 ? undefined : formatSeconds(simMs / 1000 / speed);
}

function formatSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const jstClock = (t: number): string => jstText(t).slice(11, 16);
const jstDate = (t: number): string => jstText(t).slice(0, 10);
