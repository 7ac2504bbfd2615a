/**
 * A storm of bad MQTT commands through a real broker (the embedded aedes, and mosquitto where installed)
 * against the real mirror: unknown and unicode device names, wrong and extra topic levels, JSON, binary,
 * huge and out-of-range payloads, commands for another device or an offline one, retained commands, and
 * topics with wildcards. Nothing may reach the home, every command the mirror sees is answered on
 * `<prefix>/errors` (without echoing the payload), and afterwards the mirror still mirrors and still
 * obeys a valid command. Seeded (FUZZ_SEED, FUZZ_SCALE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { MqttMirror } from '../../../src/mqtt/mirror.js';
import { systemClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { BROKERS, Recorder, ScriptedHome, batteryDevice, evDevice, freePort, meterDevice, waterHeaterDevice } from '../../helpers/mqtt.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0x3a77);
const PREFIX = 'echonet-hems';
const AT = Date.parse('2026-11-26T03:00:00Z');
const HEATER = 'fe00000b00000002_026b01';
const EV = 'fe00000b00000003_027e01';
const BATTERY = 'fe00000b00000004_027d01';
const SLEEPY = 'sleepy_026b02';
/** Put into payloads: an error message that contains it echoed the payload. */
const ECHO_MARK = 'ECHOMARK';

/** A topic and payload that must not become a device command, whatever the reason. */
function badCommand(f: Fuzz): { topic: string; payload: Buffer; why: string } {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  const junkPayload = (): Buffer =>
    f.pick([
      () => bytes(`{"state":"ON","${ECHO_MARK}":1}`),
      () => bytes(f.pick(['maybe', 'ＯＮ', 'on\u0000', 'O N', '2', '-1', '1e3', 'null', '[]', '{}', 'NaN', 'charge!', 'overcharge', 'true false'])),
      () => Buffer.concat([bytes(ECHO_MARK), Buffer.from(f.bytes(f.int(40)))]),
      () => Buffer.from([0xff, 0xfe, 0x4f, 0x4e]), // not UTF-8
      () => Buffer.alloc(f.pick([33, 4096, 256 * 1024]), ECHO_MARK), // far longer than any word
      () => bytes(`${ECHO_MARK}${f.text(20)}`),
      () => Buffer.alloc(0),
    ])();
  switch (f.int(6)) {
    case 0: {
      const device = f.pick(['nosuchdevice', 'ｴｺｷｭｰﾄ', '😀', 'dev ice', 'x'.repeat(2000), 'fe00000b00000002:026b01', HEATER.toUpperCase(), '']);
      return { topic: `${PREFIX}/${device}/${f.pick(['manual_heating', 'ev_charging', 'battery_mode'])}/set`, payload: bytes('ON'), why: 'unknown device' };
    }
    case 1: {
      const [device, command] = f.pick([
        [BATTERY, 'manual_heating'],
        [HEATER, 'battery_mode'],
        [EV, 'manual_heating'],
        ['b-route-meter', 'ev_charging'],
        [HEATER, 'daytime_reheating'],
        [HEATER, 'tank_temperature'],
        [HEATER, 'Manual_Heating'],
        [HEATER, 'manual_heating\u200b'],
      ]);
      return { topic: `${PREFIX}/${device}/${command}/set`, payload: bytes(f.pick(['ON', 'charge'])), why: 'not this device\'s command' };
    }
    case 2:
      return { topic: `${PREFIX}/${SLEEPY}/manual_heating/set`, payload: bytes('ON'), why: 'offline device' };
    case 3: {
      const [device, command] = f.pick([
        [HEATER, 'manual_heating'],
        [EV, 'ev_charging'],
        [BATTERY, 'battery_mode'],
      ]);
      return { topic: `${PREFIX}/${device}/${command}/set`, payload: junkPayload(), why: 'bad payload' };
    }
    case 4:
      // levels that are not a command: not even seen by the mirror (its filter is <prefix>/+/+/set)
      return {
        topic: f.pick([`${PREFIX}/${HEATER}/manual_heating`, `${PREFIX}/${HEATER}/manual_heating/set/x`, `${PREFIX}/${HEATER}/set`, `${PREFIX}//manual_heating/set`, `${PREFIX}/a/b/c/set`, `${PREFIX.toUpperCase()}/${HEATER}/manual_heating/set`, `/${PREFIX}/${HEATER}/manual_heating/set`]),
        payload: bytes('ON'),
        why: 'not a command topic',
      };
    default:
      return { topic: `${PREFIX}/scheduler/enabled/set`, payload: junkPayload(), why: 'bad scheduler payload' };
  }
}

/** What the mirror's subscription `<prefix>/+/+/set` delivers (+ matches an empty level too). */
const reachesMirror = (topic: string): boolean => {
  const levels = topic.split('/');
  return levels.length === 4 && levels[0] === PREFIX && levels[3] === 'set';
};

/**
 * A PUBLISH (QoS 0) of any topic, in bytes a client library would refuse to send: CONNECT, wait for
 * CONNACK, PUBLISH, then give the broker a moment (it may close the connection, as it should).
 */
async function rawPublish(url: string, topic: string, payload: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const packet = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, body.length]), body]); // bodies here are < 128 bytes
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  try {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const connack = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(packet(0x10, Buffer.concat([str('MQTT'), Buffer.from([4, 2, 0, 30]), str(`rogue-${Math.random().toString(36).slice(2)}`)])));
    await connack;
    socket.write(packet(0x30, Buffer.concat([str(topic), Buffer.from(payload, 'utf8')])));
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    socket.destroy();
  }
}

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

const STORM = fuzzCases(300);

for (const [name, start] of Object.entries(BROKERS)) {
  test(`${name}: ${STORM} bad commands (seed 0x${SEED.toString(16)}) and retained ones reach nothing; the mirror keeps working`, { timeout: 60_000 }, async (t) => {
    if (!start) return t.skip('mosquitto is not installed');
    const broker = await start();
    // one hook, in order: clients and mirror first, the broker last (a mirror stopping after its broker
    // waits for acknowledgements that never come)
    const cleanup: (() => Promise<unknown>)[] = [];
    t.after(async () => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
      await broker.close();
    });
    const home = new ScriptedHome();
    home.put(meterDevice(AT, 1200, 12000.5, 3000.25));
    home.put(waterHeaterDevice(AT));
    home.put({ ...waterHeaterDevice(AT, false), identity: 'sleepy:026b02' });
    home.put(evDevice(AT));
    home.put(batteryDevice(AT));
    let schedulerOn = true;
    let schedulerCalls = 0;
    const scheduler = { enabled: () => schedulerOn, setEnabled: (on: boolean) => void ((schedulerOn = on), schedulerCalls++) };

    // retained commands left on the broker before the mirror starts: they would run at every restart
    const cli = await Recorder.connect(broker.url, []);
    cleanup.push(() => cli.close());
    await cli.client.publishAsync(`${PREFIX}/${HEATER}/manual_heating/set`, 'ON', { qos: 1, retain: true });
    await cli.client.publishAsync(`${PREFIX}/scheduler/enabled/set`, 'OFF', { qos: 1, retain: true });
    const sub = await Recorder.connect(broker.url, [`${PREFIX}/errors`, `${PREFIX}/#`]);
    cleanup.push(() => sub.close());

    const log = captureLog();
    const mirror = new MqttMirror({ source: home, commands: home.target, scheduler, broker: { url: broker.url }, clock: systemClock, log, version: '0.1.0-test', minBackoffMs: 50 });
    cleanup.push(() => mirror.stop());
    await mirror.start();
    const errorsOf = () => sub.messages.filter((m) => m.topic === `${PREFIX}/errors`).map((m) => JSON.parse(m.payload) as { at: string; topic: string; code: string; error: string });
    await sub.waitFor(() => errorsOf().filter((e) => e.code === 'retained').length >= 2, 5_000, 'the retained commands refused');
    assert.deepEqual(home.calls, [], 'a retained command ran');
    assert.equal(schedulerCalls, 0);
    assert.match(errorsOf()[0]!.error, /without the retain flag/);
    // clear them (an empty retained message), as the error asks; the deletion itself is a bad payload
    await cli.client.publishAsync(`${PREFIX}/${HEATER}/manual_heating/set`, '', { qos: 1, retain: true });
    await cli.client.publishAsync(`${PREFIX}/scheduler/enabled/set`, '', { qos: 1, retain: true });
    let expected = 4;
    await sub.waitFor(() => errorsOf().length >= expected, 5_000, 'the deletions answered');

    // the storm; live messages with the retain flag set are delivered as ordinary ones (MQTT 3.1.1)
    const f = new Fuzz(SEED);
    for (let i = 0; i < STORM; i++) {
      const c = badCommand(f);
      if (reachesMirror(c.topic)) expected++;
      await cli.client.publishAsync(c.topic, c.payload, { qos: f.pick([0, 1] as const), retain: false });
    }
    // wildcards cannot be published to; mqtt.js will not even send it, so the bytes go out by hand
    for (const topic of [`${PREFIX}/+/manual_heating/set`, `${PREFIX}/#`, `${PREFIX}/${HEATER}/manual_heating/#`]) await rawPublish(broker.url, topic, 'ON');
    await sub.waitFor(() => errorsOf().length >= expected, 15_000, `${expected} errors`);
    await new Promise((r) => setTimeout(r, 200));
    const errors = errorsOf();
    assert.equal(errors.length, expected, 'one error per command the mirror saw, and no more');
    assert.equal(mirror.stats().rejectedCommands, expected);
    assert.deepEqual(home.calls, [], `no device command: ${home.calls.join(', ')}`);
    assert.equal(schedulerCalls, 0);
    for (const e of errors) {
      assert.ok(['retained', 'bad-payload', 'unknown-device', 'not-allowed', 'not-a-command', 'offline'].includes(e.code), e.code);
      assert.ok(e.error.length > 5 && !e.error.includes(ECHO_MARK), `a clear error without the payload: ${e.error.slice(0, 200)}`);
      assert.ok(!Number.isNaN(Date.parse(e.at)));
    }
    assert.ok(!log.lines.some((l) => l.includes(ECHO_MARK)), 'payloads are not logged either');
    assert.equal(log.lines.filter((l) => /^MQTT: command on .+ rejected: /.test(l)).length, expected, 'each rejection is logged once too');
    assert.ok(sub.messages.filter((m) => m.topic === `${PREFIX}/errors`).every((m) => !m.retain), 'errors are not retained');

    // still working: a valid command is obeyed, a new reading is mirrored
    await cli.client.publishAsync(`${PREFIX}/${EV}/ev_charging/set`, 'ON', { qos: 1 });
    await cli.client.publishAsync(`${PREFIX}/scheduler/enabled/set`, 'OFF', { qos: 1 });
    home.put(meterDevice(AT + 60_000, 777, 12001, 3000.25));
    await sub.waitFor((m) => m.some((x) => x.topic === `${PREFIX}/b-route-meter/power` && x.payload === '777'), 5_000, 'the new reading');
    const end = Date.now() + 5_000;
    while ((home.calls.length === 0 || schedulerCalls === 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(home.calls, [`ev-charging fe00000b00000003:027e01 true`]);
    assert.equal(schedulerOn, false);
    assert.equal(mirror.stats().connected, true);
  });
}
