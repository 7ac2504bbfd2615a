/**
 * The runtime the platform starts beside its accessories, on a scripted home: the embedded broker comes
 * up on loopback with the configured login and a real client sees the retained state; the store records
 * and backs up; stop() writes the half-hour so far before returning; and the MQTT password never reaches
 * a log line, even where a layer below tries to write it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfig, secretsOf } from '../../src/config.js';
import type { Home } from '../../src/home/index.js';
import { Runtime } from '../../src/runtime.js';
import { listBackups } from '../../src/store/backup.js';
import { History, storeDirectory } from '../../src/store/history.js';
import { ManualClock } from '../../src/util/clock.js';
import { redactingLogger, type Logger } from '../../src/util/log.js';
import { freePort, meterDevice, ScriptedHome, solarDevice } from '../helpers/mqtt.js';

const T0 = Date.UTC(2026, 10, 26, 3, 0);
const PASSWORD = 'broker-Pa55word';

test('the runtime mirrors to the embedded broker, records the store and stops without losing the half-hour', async (t) => {
  const storage = mkdtempSync(join(tmpdir(), 'hems-runtime-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));
  const port = await freePort();
  const raw = { echonet: {}, mqtt: { enabled: true, embeddedPort: port, username: 'hems', password: PASSWORD } };
  const parsed = parseConfig(raw);
  assert.ok(parsed.ok);
  const lines: string[] = [];
  const capture: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const log = redactingLogger(capture, () => secretsOf(raw));
  const clock = new ManualClock(T0 + 5 * 60_000);
  const home = new ScriptedHome();
  home.put(meterDevice(clock.now(), 800, 1000, 200));
  home.put(solarDevice(clock.now(), 2500, 5000));
  const runtime = new Runtime({ home: home as unknown as Home, config: parsed.config, storagePath: storage, clock, log, name: (d) => `My ${d.kind}` });
  await runtime.start();
  log.info(`a careless line with the password ${PASSWORD} in it`);

  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'hems', password: PASSWORD, reconnectPeriod: 0 });
  const seen: Record<string, string> = {};
  client.on('message', (topic, payload) => (seen[topic] = payload.toString('utf8')));
  await client.subscribeAsync(['echonet-hems/#', 'homeassistant/#'], { qos: 1 });
  for (let i = 0; i < 50 && !seen['echonet-hems/b-route-meter/state']; i++) await new Promise((r) => setTimeout(r, 100));
  await client.endAsync();
  assert.equal(seen['echonet-hems/status'], 'online');
  assert.equal(JSON.parse(seen['echonet-hems/b-route-meter/state']!).kind, 'meter');
  const power = Object.entries(seen).find(([topic]) => topic.endsWith('_b-route-meter/power/config'));
  assert.equal((JSON.parse(power![1]) as { device: { name: string } }).device.name, 'My meter', 'Home Assistant gets the HomeKit name');
  await assert.rejects(mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'hems', password: 'wrong', reconnectPeriod: 0 }), 'the embedded broker wants the login');

  // ten minutes on: the meter counted 0.4 kWh bought, the inverter 0.3 kWh
  clock.advance(10 * 60_000);
  home.put(meterDevice(clock.now(), 800, 1000.4, 200));
  home.put(solarDevice(clock.now(), 2500, 5000.3));
  await runtime.stop();

  const history = await History.open({ dir: storeDirectory(storage), log });
  const slots = await history.slots(T0, T0 + 30 * 60_000);
  assert.deepEqual(slots.map((s) => [s.start, s.kwh.bought, s.kwh.generated]), [[T0, 0.4, 0.3]], 'the half-hour so far is on disk once stop() returns');
  assert.equal((await listBackups(storeDirectory(storage))).length, 1, 'the first daily backup is made at start');
  assert.ok(lines.some((l) => l.includes('mirroring to the built-in broker')), lines.join('\n'));
  assert.ok(!lines.join('\n').includes(PASSWORD), 'the MQTT password is never logged');
});
