/**
 * SECURITY.md says the B-route ID and password and the MQTT password stay in config.json: they are not
 * logged, not published on MQTT, not written to the store, its backups, the MQTT outbox or the dashboard's
 * status file. This runs the runtime the platform starts (store, daily backup, MQTT mirror, status file)
 * with settings full of secrets, on a home with one device of every kind, and then reads every file it
 * wrote under the storage directory and every line it logged.
 *
 * Every such file is readable by the Homebridge user only (mode 0600).
 *
 * The broker is one that refuses the connection (nothing listens on 127.0.0.1:1), so every message the
 * mirror would publish stays in its outbox file: the test reads the MQTT payloads there, without a
 * network or a broker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseConfig, secretsOf } from '../../../src/config.js';
import type { Home } from '../../../src/home/index.js';
import { Runtime } from '../../../src/runtime.js';
import { listBackups } from '../../../src/store/backup.js';
import { storeDirectory } from '../../../src/store/history.js';
import { statusFilePath } from '../../../src/ui-status/index.js';
import { ManualClock } from '../../../src/util/clock.js';
import { redactingLogger, type Logger } from '../../../src/util/log.js';
import { batteryDevice, evDevice, meterDevice, ScriptedHome, solarDevice, waterHeaterDevice } from '../../helpers/mqtt.js';

const T0 = Date.UTC(2026, 10, 26, 3, 0);
const BROUTE_ID = '00112233445566778899AABBCCDDEEFF';
const BROUTE_PASSWORD = 'S3cretPass12';
const MQTT_PASSWORD = 'mqtt-Pa55word-7';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('no secret of the settings reaches a log line, an MQTT payload, the store, a backup or the status file, and those are private', async (t) => {
  const storage = mkdtempSync(join(tmpdir(), 'hems-secrets-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));
  const raw = {
    platform: 'EchonetHems',
    meter: { serialPort: '/dev/ttyUSB0', brouteId: BROUTE_ID, broutePassword: BROUTE_PASSWORD },
    echonet: {},
    mqtt: { enabled: true, broker: 'url', url: 'mqtt://127.0.0.1:1', username: 'hems', password: MQTT_PASSWORD },
  };
  const parsed = parseConfig(raw);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  // the runtime is handed the whole parsed settings, secrets included: nothing upstream filters them out
  assert.equal(parsed.config.meter?.broutePassword, BROUTE_PASSWORD);

  const lines: string[] = [];
  const capture: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const log = redactingLogger(capture, () => secretsOf(raw));
  const clock = new ManualClock(T0 + 5 * 60_000);
  const home = new ScriptedHome();
  const at = clock.now();
  for (const device of [meterDevice(at, 800, 1000, 200), solarDevice(at, 2500, 5000), waterHeaterDevice(at), evDevice(at), batteryDevice(at)]) home.put(device);
  const runtime = new Runtime({ home: home as unknown as Home, config: parsed.config, storagePath: storage, clock, log, name: (d) => `My ${d.kind}` });
  await runtime.start();

  // the first backup and the dashboard's first write are due at once; then a half-hour boundary passes
  clock.advance(60_000);
  const dir = storeDirectory(storage);
  await until('the first backup', async () => (await listBackups(dir)).length > 0);
  clock.advance(30 * 60_000);
  home.put(meterDevice(clock.now(), 900, 1000.5, 200));
  home.put(solarDevice(clock.now(), 2400, 5001.2));
  await until('the status file', () => filesUnder(storage).includes(statusFilePath(storage)));
  await runtime.stop();

  const files = filesUnder(storage);
  const names = files.map((f) => relative(storage, f));
  // the test only means something if each kind of output was written
  assert.ok(names.some((n) => n.startsWith(join('echonet-hems', 'data'))), `no store files: ${names.join(', ')}`);
  assert.ok(names.some((n) => n.startsWith(join('echonet-hems', 'backups'))), `no backup: ${names.join(', ')}`);
  const outbox = files.find((f) => f.endsWith('mqtt-outbox.json'));
  assert.ok(outbox, `no MQTT outbox: ${names.join(', ')}`);
  const payloads = readFileSync(outbox, 'utf8');
  for (const topic of ['echonet-hems/b-route-meter/state', 'homeassistant/', 'echonet-hems/outbox']) assert.ok(payloads.includes(topic), `the outbox lacks ${topic}`);
  assert.ok(lines.length > 0);

  // a home's consumption tells when it is empty: only the Homebridge user may read what the plugin keeps
  const readable = files.filter((f) => (statSync(f).mode & 0o077) !== 0).map((f) => `${relative(storage, f)} ${(statSync(f).mode & 0o777).toString(8)}`);
  assert.deepEqual(readable, [], 'files other users can read');

  const secrets = [BROUTE_ID, BROUTE_PASSWORD, MQTT_PASSWORD];
  for (const file of files) {
    const text = readFileSync(file, 'utf8').toLowerCase();
    for (const s of secrets) assert.ok(!text.includes(s.toLowerCase()), `${relative(storage, file)} holds ${s}`);
  }
  const logged = lines.join('\n').toLowerCase();
  for (const s of secrets) assert.ok(!logged.includes(s.toLowerCase()), `the log holds ${s}`);
});

test('the redacting logger hides every secret on every level, in any case, read afresh for each line', () => {
  const lines: string[] = [];
  const sink: Logger = { debug: (m) => lines.push(`D ${m}`), info: (m) => lines.push(`I ${m}`), warn: (m) => lines.push(`W ${m}`), error: (m) => lines.push(`E ${m}`) };
  let secrets = ['Pa55.w*rd(1)', 'abcdef0123456789abcdef0123456789'];
  const log = redactingLogger(sink, () => secrets);
  log.debug('echo SKSETPWD C Pa55.w*rd(1)');
  log.info('id ABCDEF0123456789ABCDEF0123456789 joined');
  log.warn('twice: pa55.W*RD(1) and Pa55.w*rd(1)');
  log.error('Pa55xw*rd(1) is not the password: regular-expression characters are taken literally');
  secrets = ['changed-secret'];
  log.info('now changed-secret, and the old Pa55.w*rd(1) is no longer known');
  assert.deepEqual(lines, [
    'D echo SKSETPWD C ***',
    'I id *** joined',
    'W twice: *** and ***',
    'E Pa55xw*rd(1) is not the password: regular-expression characters are taken literally',
    'I now ***, and the old Pa55.w*rd(1) is no longer known',
  ]);
});
