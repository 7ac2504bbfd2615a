/**
 * The platform settings under bad input: a hand-edited config.json can hold any JSON at all. parseConfig
 * (with the scheduler's validator inside) must never throw, must name every field it refuses in words that
 * say what to do, must never put a secret in a message, and whatever it accepts must be safe for the layers
 * below (no line break or space in a credential that goes to the dongle, a topic prefix the MQTT mirror
 * takes). What it promises for the rest: one bad field refuses the whole settings (the plugin stays idle
 * and logs every problem at once), so nothing half-checked is ever run.
 *
 * Seeded (FUZZ_SEED), case counts scale with FUZZ_SCALE; see test/helpers/fuzz.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import { parseConfig, secretsOf, type ConfigResult } from '../../../src/config.js';
import { Topics } from '../../../src/mqtt/topics.js';
import { redactingLogger } from '../../../src/util/log.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0xc0f1e5);
const ID = '00112233445566778899AABBCCDDEEFF';
const PASSWORD = 'Pw7sEcReTxYz';
const MQTT_PASSWORD = 'mqttS3cretPass';
const URL_PASSWORD = 'urlS3cretPass';
/** Every secret a fuzzed secret field gets starts with this, so a leak is found whatever the rest is. */
const MARK = 'S3CRETMARK';

function base(): Record<string, unknown> {
  return {
    platform: 'EchonetHems',
    name: 'Home',
    language: 'ja',
    purchaseMode: 'surplus',
    meter: { serialPort: '/dev/ttyUSB0', brouteId: ID, broutePassword: PASSWORD, pollSeconds: 60 },
    echonet: { enabled: true, interface: '192.168.1.10', hosts: ['192.168.1.20'], pollSeconds: 30 },
    solarLightSensor: true,
    surplusThresholdW: 200,
    devices: [{ id: 'solar', name: 'Roof', hide: false }],
    mqtt: { enabled: true, broker: 'url', url: `mqtt://hems:${URL_PASSWORD}@192.168.1.5:1883`, username: 'hems', password: MQTT_PASSWORD, prefix: 'home/hems', discovery: true },
    store: { retentionMonths: 24, backups: 7 },
    tariff: { preset: 'tepco-smartlife-s' },
    scheduler: {
      enabled: true,
      devices: { ev: true, battery: true },
      forecast: { jma: { office: '130000', area: '130010' }, latitude: 35.68, longitude: 139.77, arrays: [{ kwp: 5.5 }] },
      battery: { capacityKwh: 7, chargeKw: 3 },
    },
  };
}

const clone = <T>(v: T): T => structuredClone(v);

function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = root;
  for (const key of path.slice(0, -1)) {
    if (typeof o[key] !== 'object' || o[key] === null) o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  if (value === undefined) delete o[path.at(-1)!];
  else o[path.at(-1)!] = value;
}

/** Checks that hold for every result, valid or not. */
function checkResult(r: ConfigResult, secrets: readonly string[], where: string): void {
  if (!r.ok) {
    assert.ok(r.errors.length > 0, `refused without a reason: ${where}`);
    for (const e of r.errors) {
      assert.equal(typeof e, 'string', where);
      assert.ok(e.length > 10 && e.length < 400, `message too short or long (${e.length}): ${where}`);
      // a line break or NUL from a typed value would split or cut the Homebridge log line
      assert.doesNotMatch(e, /[\u0000-\u001f]/, `control character in "${JSON.stringify(e)}": ${where}`);
      for (const s of secrets) assert.ok(!e.includes(s), `a secret is in "${e}": ${where}`);
      assert.ok(!e.includes(MARK), `a fuzzed secret is in "${e}": ${where}`);
    }
    return;
  }
  const c = r.config;
  if (c.meter) {
    // what goes to the dongle: never a space, line break or anything but the letter's characters
    assert.match(c.meter.brouteId, /^[0-9A-F]{32}$/, where);
    assert.match(c.meter.broutePassword, /^[0-9A-Za-z]{12}$/, where);
    assert.ok(Number.isInteger(c.meter.pollSeconds), where);
  }
  if (c.echonet) {
    for (const h of c.echonet.hosts) assert.ok(isIPv4(h), `host ${JSON.stringify(h)}: ${where}`);
    if (c.echonet.interface !== undefined) assert.ok(isIPv4(c.echonet.interface), where);
  }
  // an accepted prefix must be one the mirror's topics take (the mirror would throw at start otherwise)
  if (c.mqtt) assert.doesNotThrow(() => new Topics(c.mqtt!.prefix), `prefix ${JSON.stringify(c.mqtt.prefix)}: ${where}`);
  assert.equal(typeof c.solarLightSensor, 'boolean', where);
  for (const w of r.warnings) for (const s of secrets) assert.ok(!w.includes(s), `a secret in warning "${w}": ${where}`);
}

test('the base settings are valid (the single-field cases below start from them)', () => {
  const r = parseConfig(base());
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  assert.equal(r.config.scheduler?.devices.ev, true);
});

/**
 * One field made bad at a time: the settings are refused, and every message is about that field (named as
 * the homeowner sees it) and says what to do. `bad` draws a value that is certainly wrong for the field.
 */
const FIELDS: { path: string[]; names: RegExp; bad: (f: Fuzz) => unknown }[] = [
  { path: ['language'], names: /language/, bad: (f) => f.pick(['fr', 'EN', 5, true, {}, ['en'], f.spoil('en')]) },
  { path: ['purchaseMode'], names: /purchase mode/, bad: (f) => f.pick(['all', 'Surplus', 1, false, f.spoil('full')]) },
  {
    path: ['meter', 'brouteId'],
    names: /B-route ID/,
    // inside the ID (the ends are trimmed, which is fine): line breaks, spaces, NUL, wide digits, one too many or few
    bad: (f) => f.pick([spoilInside(f, ID), ID.slice(1), `${ID}0`, ID.replace('A', 'Ｇ'), 1234, true, { id: ID }, 'x'.repeat(4096)]),
  },
  {
    path: ['meter', 'broutePassword'],
    names: /B-route password/,
    bad: (f) => f.pick([spoilInside(f, PASSWORD), PASSWORD.slice(1), `${PASSWORD}X`, 'Pw7s-cReTxYz', 123456789012, [PASSWORD]]),
  },
  { path: ['meter', 'pollSeconds'], names: /meter reading interval/, bad: (f) => f.pick([9, 301, 30.5, '30', -1, Number.NaN, Number.POSITIVE_INFINITY, true]) },
  { path: ['echonet', 'enabled'], names: /ECHONET Lite "enabled"/, bad: (f) => f.pick(['true', 'false', 1, 0, {}]) },
  { path: ['echonet', 'interface'], names: /ECHONET interface/, bad: (f) => f.pick(['eth0', '192.168.1.300', spoilInside(f, '192.168.1.10'), {}, true, ['192.168.1.10']]) },
  { path: ['echonet', 'hosts'], names: /device address/, bad: (f) => f.pick(['192.168.1.20', ['192.168.1'], [true], [['192.168.1.20']], [{}], [spoilInside(f, '192.168.1.20')]]) },
  { path: ['echonet', 'pollSeconds'], names: /device reading interval/, bad: (f) => f.pick([4, 301, 15.5, '15', Number.NaN]) },
  { path: ['solarLightSensor'], names: /solar light sensor/, bad: (f) => f.pick(['true', 'yes', 1, {}]) },
  { path: ['surplusThresholdW'], names: /selling-surplus threshold/, bad: (f) => f.pick([-1, 10_001, 0.5, '100', Number.NaN]) },
  { path: ['devices'], names: /"devices" must be a list/, bad: (f) => f.pick(['solar', 5, { id: 'solar' }]) },
  { path: ['devices', '0', 'hide'], names: /"hide" setting of device entry 1/, bad: (f) => f.pick(['true', 'yes', 1]) },
  { path: ['mqtt', 'enabled'], names: /MQTT "enabled"/, bad: (f) => f.pick(['true', 1, 'on']) },
  { path: ['mqtt', 'broker'], names: /MQTT broker must be/, bad: (f) => f.pick(['cloud', 1, true]) },
  { path: ['mqtt', 'url'], names: /MQTT broker address/, bad: (f) => f.pick(['http://broker', '', 'mqtt://', `tcp://u:${URL_PASSWORD}@h`, 1883, 'mqtt:// broker']) },
  { path: ['mqtt', 'password'], names: /MQTT password must be text/, bad: (f) => f.pick([123456, true, { p: 1 }]) },
  { path: ['mqtt', 'prefix'], names: /MQTT topic prefix/, bad: (f) => f.pick(['a/#', '+', '/a', 'a/', 'a//b', 'a b', 'a\u0000b', spoilInside(f, 'home/hems', ['\r', '\n', ' ', '#', '+', '\0'])]) },
  { path: ['mqtt', 'discovery'], names: /discovery setting/, bad: (f) => f.pick(['false', 0, {}]) },
  { path: ['store', 'retentionMonths'], names: /history kept/, bad: (f) => f.pick([0, 121, '12', 1.5]) },
  { path: ['store', 'backups'], names: /daily backups/, bad: (f) => f.pick([0, 366, '7', Number.NaN]) },
  { path: ['meter'], names: /"meter" settings must be a group/, bad: (f) => f.pick(['/dev/ttyUSB0', 5, ['x']]) },
  { path: ['scheduler', 'battery', 'capacityKwh'], names: /battery size/, bad: (f) => f.pick([0, 51, '7', Number.NaN]) },
  { path: ['scheduler', 'forecast', 'latitude'], names: /latitude/, bad: (f) => f.pick([91, -91, '35.6', Number.NaN]) },
  { path: ['scheduler', 'forecast', 'jma', 'office'], names: /JMA forecast office/, bad: (f) => f.pick(['13000', 'tokyo', spoilInside(f, '130000')]) },
];

/** A nasty character strictly inside `s` (the ends are trimmed away by design, which is harmless). */
function spoilInside(f: Fuzz, s: string, chars = ['\r', '\n', '\r\n', ' ', '\t', '\0', '\u3000', 'é', '😀', '\u200b']): string {
  const at = 1 + f.int(s.length - 1);
  return `${s.slice(0, at)}${f.pick(chars)}${s.slice(at)}`;
}

const SINGLE_CASES = fuzzCases(2_000);

test(`one bad field at a time (${SINGLE_CASES} cases, seed 0x${SEED.toString(16)}): refused, and every message names that field and says what to do`, () => {
  const f = new Fuzz(SEED);
  const secrets = [ID, PASSWORD, MQTT_PASSWORD, URL_PASSWORD];
  const seen = new Set<string>();
  for (let i = 0; i < SINGLE_CASES; i++) {
    const field = f.pick(FIELDS);
    const value = field.bad(f);
    const raw = base();
    setPath(raw, field.path, value);
    const where = `seed 0x${SEED.toString(16)} case ${i}: ${field.path.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}`;
    let r!: ConfigResult;
    assert.doesNotThrow(() => (r = parseConfig(raw)), where);
    checkResult(r, secrets, where);
    assert.ok(!r.ok && !r.unconfigured, `accepted: ${where}`);
    for (const e of r.errors) {
      assert.match(e, field.names, `"${e}" does not name the field: ${where}`);
      assert.match(e, /must|should|needs?|is needed|such as|choose|set |turn on|describe|enter|use |leave/i, `"${e}" does not say what to do: ${where}`);
    }
    seen.add(field.path.join('.'));
  }
  assert.equal(seen.size, FIELDS.length, 'every field was tried');
});

test('credentials with spaces or line breaks at the ends are trimmed: nothing but the letter\'s characters goes on', () => {
  const f = new Fuzz(SEED ^ 0x1);
  for (let i = 0; i < fuzzCases(500); i++) {
    const raw = base();
    const pad = () => f.stringOf(' \t\r\n\u3000\ufeff', f.int(4));
    setPath(raw, ['meter', 'brouteId'], `${pad()}${f.chance(0.5) ? ID.toLowerCase() : ID}${pad()}`);
    setPath(raw, ['meter', 'broutePassword'], `${pad()}${PASSWORD}${pad()}`);
    const r = parseConfig(raw);
    assert.ok(r.ok, `case ${i}: ${r.ok ? '' : r.errors.join('; ')}`);
    assert.equal(r.config.meter?.brouteId, ID);
    assert.equal(r.config.meter?.broutePassword, PASSWORD);
  }
});

const RANDOM_CASES = fuzzCases(4_000);

test(`random garbage anywhere (${RANDOM_CASES} cases, seed 0x${SEED.toString(16)}): never throws, no secret in any message, what passes is safe`, () => {
  const f = new Fuzz(SEED ^ 0x2);
  const paths = [...FIELDS.map((x) => x.path), ['name'], ['meter', 'serialPort'], ['echonet'], ['mqtt'], ['mqtt', 'username'], ['mqtt', 'embeddedPort'], ['mqtt', 'caFile'], ['store'], ['scheduler'], ['tariff'], ['scheduler', 'devices'], ['scheduler', 'forecast'], ['scheduler', 'ev', 'departureTime'], ['devices', '0']];
  const secretFields = [['meter', 'brouteId'], ['meter', 'broutePassword'], ['mqtt', 'password']];
  let refused = 0;
  for (let i = 0; i < RANDOM_CASES; i++) {
    const raw: Record<string, unknown> = f.chance(0.05) ? {} : base();
    for (let k = 1 + f.int(4); k > 0; k--) setPath(raw, f.pick(paths), f.value());
    // secrets of any shape, all marked, so a leak is found whatever they contain
    for (const path of secretFields) if (f.chance(0.3)) setPath(raw, path, `${MARK}${f.text()}`);
    if (f.chance(0.2)) setPath(raw, ['mqtt', 'url'], `mqtt://u:${MARK}${f.pick(['%zz', '%', '%E0%A4%A', 'x%20y', f.text(8)])}@host:1883`);
    const where = `seed 0x${SEED.toString(16)} case ${i}`;
    let r!: ConfigResult;
    assert.doesNotThrow(() => (r = parseConfig(clone(raw))), where);
    assert.doesNotThrow(() => secretsOf(raw), `secretsOf: ${where}`);
    checkResult(r, [ID, PASSWORD, MQTT_PASSWORD, URL_PASSWORD], where);
    if (!r.ok) refused++;
  }
  assert.ok(refused > RANDOM_CASES / 4 && refused < RANDOM_CASES, `both paths reached (${refused} refused)`);
});

test('a password in the broker URL with a malformed %-escape is still a secret to redact, and does not throw', () => {
  const raw = { echonet: {}, mqtt: { enabled: true, broker: 'url', url: 'mqtt://u:pa%zzss@host:1883' } };
  assert.doesNotThrow(() => secretsOf(raw));
  assert.ok(secretsOf(raw).includes('pa%zzss'));
  assert.ok(secretsOf({ mqtt: { url: ' mqtt://u:p%41ss@host ' } }).includes('pAss'), 'decoded form too, and the URL is trimmed as the parser does');
});

test('a secret too long for a regular expression is still redacted, and the logger does not throw', () => {
  // a 70,000-character "password" pasted into the settings once made every log line throw
  const secret = `${'x'.repeat(70_000)}Tail`;
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  const log = redactingLogger({ debug: push, info: push, warn: push, error: push }, () => [secret, 'Short1']);
  assert.doesNotThrow(() => log.error(`before ${secret} after, short1 and SHORT1`));
  assert.deepEqual(lines, ['before *** after, *** and ***']);
});
