import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand, MAX_COMMAND_BYTES, parseOnOff } from '../../../src/mqtt/commands.js';
import { Topics } from '../../../src/mqtt/topics.js';
import { batteryDevice, evDevice, meterDevice, waterHeaterDevice } from '../../helpers/mqtt.js';

const topics = new Topics('echonet-hems');
const AT = 1_800_000_000_000;
const devices = [meterDevice(AT, 0, 1, 1), waterHeaterDevice(AT), evDevice(AT), batteryDevice(AT), { ...waterHeaterDevice(AT, false), identity: 'sleepy:026b02' }];
const scheduler = { enabled: () => true, setEnabled: () => undefined };
const bytes = (s: string) => new TextEncoder().encode(s);

test('the accepted commands, and only these', () => {
  const ok = (topic: string, payload: string) => {
    const r = checkCommand(topics, `echonet-hems/${topic}`, bytes(payload), devices, scheduler);
    assert.ok(r.ok, `${topic} ${payload}: ${r.ok ? '' : r.error}`);
    return r.action;
  };
  assert.deepEqual(ok('fe00000b00000002_026b01/manual_heating/set', 'ON'), { kind: 'device', identity: 'fe00000b00000002:026b01', command: 'manual-heating', value: true });
  assert.deepEqual(ok('fe00000b00000002_026b01/manual_heating/set', ' off '), { kind: 'device', identity: 'fe00000b00000002:026b01', command: 'manual-heating', value: false });
  assert.deepEqual(ok('fe00000b00000003_027e01/ev_charging/set', 'true'), { kind: 'device', identity: 'fe00000b00000003:027e01', command: 'ev-charging', value: true });
  assert.deepEqual(ok('fe00000b00000004_027d01/battery_mode/set', 'rapid_charge'), { kind: 'device', identity: 'fe00000b00000004:027d01', command: 'battery-mode', value: 'rapid_charge' });
  assert.deepEqual(ok('scheduler/enabled/set', '0'), { kind: 'scheduler', on: false });
  const code = (topic: string, payload: string | Uint8Array, withScheduler = true) => {
    const r = checkCommand(topics, topic, typeof payload === 'string' ? bytes(payload) : payload, devices, withScheduler ? scheduler : undefined);
    assert.ok(!r.ok);
    return r.code;
  };
  assert.equal(code('echonet-hems/sleepy_026b02/manual_heating/set', 'ON'), 'offline');
  assert.equal(code('echonet-hems/scheduler/enabled/set', 'ON', false), 'not-allowed');
  assert.equal(code('echonet-hems/scheduler/enabled/set', 'yes'), 'bad-payload');
  assert.equal(code('echonet-hems/fe00000b00000004_027d01/battery_mode/set', 'Charge'), 'bad-payload');
  assert.equal(code('echonet-hems/fe00000b00000004_027d01/battery_mode/set', ''), 'bad-payload');
  assert.equal(code('echonet-hems/b-route-meter/manual_heating/set', 'ON'), 'not-allowed');
  assert.equal(code('other/fe00000b00000002_026b01/manual_heating/set', 'ON'), 'not-a-command');
  assert.equal(code('echonet-hems/a/b/c/set', 'ON'), 'not-a-command');
  assert.equal(code('echonet-hems/fe00000b00000002_026b01/manual_heating', 'ON'), 'not-a-command');
  assert.equal(code('echonet-hems/fe00000b00000002_026b01/manual_heating/set', new Uint8Array([0xc3, 0x28])), 'bad-payload');
  assert.equal(code('echonet-hems/fe00000b00000002_026b01/manual_heating/set', 'O'.repeat(MAX_COMMAND_BYTES + 1)), 'bad-payload');
  assert.equal(parseOnOff('On'), true);
  assert.equal(parseOnOff('onn'), undefined);
});

/** A small deterministic generator: the same fuzz cases on every run, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: 20,000 random topics and payloads; nothing throws and only exact accepted words pass', () => {
  const random = rng(6);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const levels = ['echonet-hems', 'fe00000b00000002_026b01', 'fe00000b00000003_027e01', 'fe00000b00000004_027d01', 'b-route-meter', 'scheduler', 'sleepy_026b02', 'manual_heating', 'ev_charging', 'battery_mode', 'enabled', 'set', '+', '#', '', 'x'];
  const words = ['ON', 'OFF', 'on', 'true', 'false', '1', '0', 'charge', 'discharge', 'standby', 'automatic', 'rapid_charge', 'null', '{"on":true}', '', ' ', 'ＯＮ', 'on\u0000'];
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    // half well-formed command topics (to reach the payload checks), half any shape at all
    const topic =
      random() < 0.5
        ? `echonet-hems/${pick(levels.slice(1, 7))}/${pick(levels.slice(7, 12))}/set`
        : Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(levels)).join('/');
    let payload: Uint8Array;
    const mode = random();
    if (mode < 0.4) payload = bytes(pick(words));
    else if (mode < 0.8) payload = Uint8Array.from({ length: Math.floor(random() * 48) }, () => Math.floor(random() * 256));
    else payload = bytes(pick(words) + pick(words));
    const r = checkCommand(topics, topic, payload, devices, scheduler);
    if (!r.ok) {
      assert.ok(r.error.length > 0);
      continue;
    }
    accepted++;
    const text = new TextDecoder().decode(payload).trim();
    const parsed = topics.parseCommand(topic)!;
    assert.ok(parsed, 'an accepted command came on a command topic');
    if (r.action.kind === 'device' && r.action.command === 'battery-mode') {
      assert.ok(['charge', 'rapid_charge', 'discharge', 'standby', 'automatic'].includes(text));
      assert.equal(parsed.device, 'fe00000b00000004_027d01');
    } else {
      assert.ok(['on', 'off', 'true', 'false', '1', '0'].includes(text.toLowerCase()), `accepted "${text}"`);
    }
    const action = r.action;
    if (action.kind === 'device') {
      const device = devices.find((d) => d.identity === action.identity)!;
      assert.ok(device.online && device.commands.has(action.command));
    }
  }
  assert.ok(accepted > 50, `the fuzz reached the accepting paths (${accepted})`);
});
