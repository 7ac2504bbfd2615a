/**
 * MQTT over websockets, as Home Assistant's Mosquitto add-on offers it (ws:// on 1884, wss:// on 8884): a
 * real mosquitto on loopback with a websockets listener and a TLS websockets listener (a throwaway CA made
 * by openssl), and the real mirror connecting to each with the settings a homeowner would type, read by
 * parseConfig. Retained state arrives, a command comes back, the goodbye is sent, and the password is in
 * no log line, not even when it is written into the URL or refused. Skipped, with the reason, when this
 * machine's mosquitto was built without websockets.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, secretsOf } from '../../../src/config.js';
import type { BrokerSettings } from '../../../src/mqtt/broker.js';
import { MqttMirror } from '../../../src/mqtt/mirror.js';
import { systemClock } from '../../../src/util/clock.js';
import { redactingLogger } from '../../../src/util/log.js';
import {
  Recorder,
  ScriptedHome,
  capturingLogger,
  certificates,
  freePort,
  meterDevice,
  mosquittoAvailable,
  opensslAvailable,
  startConfiguredMosquitto,
  stopProcess,
  waterHeaterDevice,
} from '../../helpers/mqtt.js';

const PASSWORD = 'Ws-Pa55word-Here';
const WRONG = 'not-the-ws-password-7';
const AUTH = { username: 'hems', password: PASSWORD };
const HEATER_TOPIC = 'fe00000b00000002_026b01';

/** The mirror's MQTT settings, as config.json would hold them (the "mqtt" section). */
type MqttSection = Record<string, unknown>;

test('websockets: ws:// and wss:// brokers carry the mirror both ways', { timeout: 60_000 }, async (t) => {
  if (!mosquittoAvailable() || !opensslAvailable()) return t.skip('mosquitto or openssl is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hems-ws-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = certificates(dir);
  const pw = spawnSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), AUTH.username, PASSWORD]);
  if (pw.status !== 0) return t.skip('mosquitto_passwd is not available');
  const [plainPort, wsPort, wssPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      'user root',
      'allow_anonymous false',
      `password_file ${join(dir, 'passwd')}`,
      // a plain listener too: mosquitto 2.0.11 (Debian 12) will not start with websockets listeners alone
      `listener ${plainPort} 127.0.0.1`,
      // socket_domain ipv4: without it, 2.0.11's websockets listeners ignore 127.0.0.1 and take every address
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      'socket_domain ipv4',
      `listener ${wssPort} 127.0.0.1`,
      'protocol websockets',
      'socket_domain ipv4',
      `cafile ${certs.ca}`,
      `certfile ${certs.serverCert}`,
      `keyfile ${certs.serverKey}`,
      '',
    ].join('\n'),
  );
  // plain MQTT, for the start-up probe and the observing subscriber
  const plainUrl = `mqtt://127.0.0.1:${plainPort}`;
  let broker: ChildProcess;
  try {
    broker = await startConfiguredMosquitto(config, { url: plainUrl, options: AUTH });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/websockets support not available/i.test(message)) return t.skip('this mosquitto was built without websockets support (WITH_WEBSOCKETS=no)');
    throw err;
  }
  t.after(() => stopProcess(broker));

  await t.test('ws:// with the user name and password written into the URL', async (t) => {
    await roundTrip(t, plainUrl, { url: `ws://${AUTH.username}:${PASSWORD}@127.0.0.1:${wsPort}` }, 'hems-ws');
  });

  await t.test('ws:// with a wrong password in the URL: refused, retried, the password never logged', async () => {
    await refused({ url: `ws://${AUTH.username}:${WRONG}@127.0.0.1:${wsPort}` }, WRONG, /cannot reach the broker \(.*not authori[sz]ed.*check the MQTT user name and password/i);
  });

  await t.test('wss:// with the CA file and the user name and password fields', async (t) => {
    await roundTrip(t, plainUrl, { url: `wss://127.0.0.1:${wssPort}`, ...AUTH, caFile: certs.ca }, 'hems-wss');
  });

  await t.test('wss:// without the CA file: the self-made certificate is not trusted', async () => {
    await refused({ url: `wss://127.0.0.1:${wssPort}`, ...AUTH }, PASSWORD, /self[- ]signed certificate/i);
  });
});

/** Through parseConfig as the plugin reads config.json: accepted, and the broker settings the runtime builds. */
function settingsFrom(section: MqttSection, prefix?: string): { settings: BrokerSettings; prefix: string; secrets: () => string[] } {
  const raw = { echonet: {}, mqtt: { enabled: true, broker: 'url', ...(prefix === undefined ? {} : { prefix }), ...section } };
  const parsed = parseConfig(raw);
  if (!parsed.ok) assert.fail(`the settings are refused: ${parsed.errors.join('; ')}`);
  const mqtt = parsed.config.mqtt;
  assert.ok(mqtt && mqtt.broker.kind === 'url', 'MQTT to a broker by URL');
  const settings: BrokerSettings = {
    url: mqtt.broker.url,
    ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
    ...(mqtt.password === undefined ? {} : { password: mqtt.password }),
    ...(mqtt.caFile === undefined ? {} : { caFile: mqtt.caFile }),
  };
  return { settings, prefix: mqtt.prefix, secrets: () => secretsOf(raw) };
}

async function roundTrip(t: TestContext, plainUrl: string, section: MqttSection, prefix: string): Promise<void> {
  const config = settingsFrom(section, prefix);
  assert.ok(config.secrets().includes(PASSWORD), 'the password is known to the redacting logger');
  const home = new ScriptedHome();
  home.put(meterDevice(Date.now(), 321, 10, 2));
  home.put(waterHeaterDevice(Date.now()));
  const sink = capturingLogger();
  const mirror = new MqttMirror({
    source: home,
    commands: home.target,
    broker: config.settings,
    prefix: config.prefix,
    clock: systemClock,
    log: redactingLogger(sink, config.secrets),
    version: 'test',
    minBackoffMs: 100,
  });
  let sub: Recorder | undefined;
  t.after(async () => {
    await sub?.close();
    await mirror.stop();
  });
  await mirror.start();
  await until(() => mirror.stats().connected, 10_000, `the mirror to connect (log: ${sink.lines.join(' | ')})`);
  await mirror.drained();

  // retained: a subscriber arriving afterwards, on the plain listener, still gets the whole state
  sub = await Recorder.connect(plainUrl, [`${prefix}/#`], AUTH);
  await sub.waitFor((m) => m.some((x) => x.topic === `${prefix}/b-route-meter/state`) && m.some((x) => x.topic === `${prefix}/status`), 5_000, 'the retained state');
  await sub.quiet();
  assert.ok(sub.messages.every((m) => m.retain), 'everything sent before subscribing is retained');
  assert.equal(sub.last(`${prefix}/status`), 'online');
  assert.equal(JSON.parse(sub.last(`${prefix}/b-route-meter/state`)!).online, true);
  assert.equal(sub.last(`${prefix}/b-route-meter/power`), '321');

  // a command comes back to the mirror over the websocket
  await sub.client.publishAsync(`${prefix}/${HEATER_TOPIC}/manual_heating/set`, 'ON', { qos: 1 });
  await until(() => home.calls.includes('manual-heating fe00000b00000002:026b01 true'), 5_000, 'the command to reach the home');

  // the goodbye goes out over the websocket before it closes
  await mirror.stop();
  await sub.waitFor(() => sub!.last(`${prefix}/status`) === 'offline', 5_000, 'the offline status');

  for (const m of sub.messages) assert.ok(!m.payload.includes(PASSWORD), `${m.topic} carries the password`);
  const text = sink.lines.join('\n');
  assert.match(text, /connected to the broker/);
  assert.ok(!text.includes(PASSWORD), `a log line carries the password:\n${text}`);
}

/** A mirror that must not get in: it logs why, keeps retrying, and never writes `secret`. */
async function refused(section: MqttSection, secret: string, reason: RegExp): Promise<void> {
  const config = settingsFrom(section);
  assert.ok(config.secrets().includes(secret), 'the password is known to the redacting logger');
  const home = new ScriptedHome();
  home.put(meterDevice(Date.now(), 321, 10, 2));
  const sink = capturingLogger();
  const mirror = new MqttMirror({ source: home, commands: home.target, broker: config.settings, clock: systemClock, log: redactingLogger(sink, config.secrets), version: 'test', minBackoffMs: 50 });
  try {
    await mirror.start();
    // the first failure is a warning, the retries after it debug lines: two of them mean it kept trying
    await until(() => sink.lines.filter((l) => /cannot reach the broker/.test(l)).length >= 2, 5_000, `two failed attempts (log: ${sink.lines.join(' | ')})`);
    assert.equal(mirror.stats().connected, false);
  } finally {
    await mirror.stop();
  }
  const text = sink.lines.join('\n');
  assert.match(text, reason);
  assert.ok(!text.includes(secret), `a log line carries the password:\n${text}`);
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const end = Date.now() + timeoutMs; !predicate(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
