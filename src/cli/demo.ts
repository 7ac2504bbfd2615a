/**
 * `echonet-hems demo [--storage <dir>] [--hap-port <n>] [--pin <xxx-xx-xxx>] [--mqtt <url>]`: Homebridge
 * with this plugin on a simulated home (a sunny day at 30x speed from 06:00 JST), ready to pair from the
 * Home app, mirrored to MQTT (the plugin's embedded broker on 127.0.0.1:1883 unless a broker URL is
 * given). Homebridge's own log lines stay on the output; Ctrl-C stops everything.
 *
 * AI solar charge runs on the EcoCute, the battery and the EV with forecasts from a local server that
 * answers as JMA and Open-Meteo would for the simulated sky (no internet). The plugin plans on real time
 * while the home runs at 30x, so no real half-hour matches one simulated instant: the forecast is the
 * simulated sunny day of the same dates and hours as the plugin's clock (its plan reads as a normal day's
 * plan), and the live meter that the regulator follows plays the compressed day.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jst, jstMidnight } from '../sim/jst.js';
import { ScaledClock } from '../util/clock.js';
import { DEFAULT_EMBEDDED_BROKER_PORT } from '../settings.js';
import { guard } from '../util/guard.js';
import { consoleLogger } from '../util/log.js';
import { numberOption, parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import { buildIfStale, startHomebridge, startInstallation, writeHomebridgeConfig } from './demo-rig.js';

const USAGE = 'echonet-hems demo [--storage <dir>] [--hap-port <n>] [--pin <xxx-xx-xxx>] [--mqtt <mqtt://host:port>]';
/** 30 simulated seconds per real second: the day's solar curve passes in under an hour. */
const DEMO_SPEED = 30;
const DEMO_START_HOUR_JST = 6;
const DEFAULT_PIN = '031-45-154';

export async function runDemo(args: string[]): Promise<void> {
  const { values } = parse(args, { storage: { type: 'string' }, 'hap-port': { type: 'string' }, pin: { type: 'string' }, mqtt: { type: 'string' } }, USAGE);
  const pin = values.pin ?? DEFAULT_PIN;
  if (!/^\d{3}-\d{2}-\d{3}$/.test(pin)) throw new CliError(`--pin must look like 031-45-154, not "${pin}"`, EXIT.usage);
  const hapPort = values['hap-port'] === undefined ? undefined : numberOption(values['hap-port'], 'hap-port', 0, 1024, 65535);
  const storage = resolve(values.storage ?? join(process.cwd(), '.demo'));
  if (values.mqtt !== undefined && !/^(mqtts?|wss?):\/\/\S+$/.test(values.mqtt)) throw new CliError('--mqtt must be a broker URL such as mqtt://127.0.0.1:1883', EXIT.usage);
  const mqtt = values.mqtt === undefined ? { embeddedPort: DEFAULT_EMBEDDED_BROKER_PORT } : { url: values.mqtt };
  const log = consoleLogger('demo');

  buildIfStale(log);
  const clock = new ScaledClock(jstMidnight(jst(Date.now()).day) + DEMO_START_HOUR_JST * 3_600_000, DEMO_SPEED);
  const ptyDir = mkdtempSync(join(tmpdir(), 'echonet-hems-demo-'));
  const installation = await startInstallation({ clock, dir: ptyDir, log, forecast: {} });
  writeHomebridgeConfig(storage, installation, { hapPort, pin, mqtt, scheduler: true });
  log.info(`simulated home: ECHONET devices on 127.0.0.2, smart meter ${installation.meterPort ? `on ${installation.meterPort}` : 'off'}, forecasts at ${installation.forecast?.url}; storage ${storage}`);
  const homebridge = startHomebridge({ storage, onLine: (line) => console.log(line) });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await homebridge.stop();
    await installation.stop();
    rmSync(ptyDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => guard(log, 'stopping the demo', stop()));
  process.once('SIGTERM', () => guard(log, 'stopping the demo', stop()));
  try {
    const port = await homebridge.running;
    log.info(`ready to pair: open the Home app, add an accessory, and enter the setup code ${pin} (HAP port ${port})`);
    const broker = 'url' in mqtt ? mqtt.url : `the embedded broker, mqtt://127.0.0.1:${mqtt.embeddedPort}`;
    log.info(`MQTT: every reading under echonet-hems/ (Home Assistant discovery under homeassistant/) on ${broker}`);
  } catch (err) {
    await stop();
    throw err;
  }
  await new Promise<void>((res) => homebridge.child.once('exit', () => res()));
  await stop();
}
