/**
 * The runtime the platform starts beside its accessories, on a scripted home: the embedded broker comes
 * up on loopback with the configured login and a real client sees the retained state; the store records
 * and backs up; stop() writes the half-hour so far before returning; and the MQTT password never reaches
 * a log line, even where a layer below tries to write it. The meter's half-hour counters reach the store
 * and the dashboard through the sink the runtime attaches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfig, secretsOf } from '../../src/config.js';
import type { Home } from '../../src/home/index.js';
import { Runtime } from '../../src/runtime.js';
import { listBackups } from '../../src/store/backup.js';
import { History, storeDirectory } from '../../src/store/history.js';
import { MeterCounters } from '../../src/store/meter-counters.js';
import { statusFilePath } from '../../src/ui-status/index.js';
import type { UiStatus } from '../../src/ui-status/status.js';
import { ManualClock } from '../../src/util/clock.js';
import { redactingLogger, silentLogger, type Logger } from '../../src/util/log.js';
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

test('the meter sink handed out before the store opens is attached by the runtime; back-filled half-hours reach the dashboard marked', async (t) => {
  const storage = mkdtempSync(join(tmpdir(), 'hems-runtime-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));
  const parsed = parseConfig({ echonet: {} });
  assert.ok(parsed.ok);
  const clock = new ManualClock(T0 + 5 * 60_000);
  const counters = new MeterCounters(clock);
  // the meter asks before the store is open: the answer waits for it
  const last = counters.lastSlot();
  const runtime = new Runtime({ home: new ScriptedHome() as unknown as Home, config: parsed.config, storagePath: storage, meterCounters: counters, clock, log: silentLogger, name: (d) => d.kind });
  await runtime.start();
  assert.equal(await last, undefined);
  // the meter client back-fills the hour before T0 from the meter's history
  for (const [i, bought] of [[-2, 100], [-1, 100.4], [0, 100.9]] as const) {
    await counters.put({ slotStart: T0 + i * 30 * 60_000, boughtKwh: bought, soldKwh: 5, source: 'backfill' });
  }
  clock.advance(60_000); // the dashboard's next write
  let status: UiStatus | undefined;
  for (let i = 0; i < 50 && status?.completeness.backfill !== 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    try {
      status = JSON.parse(readFileSync(statusFilePath(storage), 'utf8')) as UiStatus;
    } catch {
      // not written yet
    }
  }
  await runtime.stop();
  assert.equal(status?.completeness.backfill, 2);
  const marked = status!.today.slots.filter((s) => s.mark === 'backfill').map((s) => [s.start, s.boughtKwh, s.soldKwh]);
  assert.deepEqual(marked, [[T0 - 60 * 60_000, 0.4, 0], [T0 - 30 * 60_000, 0.5, 0]]);
  const history = await History.open({ dir: storeDirectory(storage), log: silentLogger });
  assert.deepEqual((await history.meterRecords(T0 - 60 * 60_000, T0 + 1)).length, 3, 'the counters are in the store');
});
