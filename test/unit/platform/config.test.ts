import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overrideFor, parseConfig, secretsOf } from '../../../src/config.js';

const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'Secret123456';

test('a config with neither meter nor ECHONET leaves the plugin idle, not failed', () => {
  const r = parseConfig({ platform: 'EchonetHems' });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.unconfigured, true);
  const off = parseConfig({ echonet: { enabled: false } });
  assert.equal(!off.ok && off.unconfigured, true);
});

test('defaults fill what is not set', () => {
  const r = parseConfig({ echonet: {} });
  assert.ok(r.ok);
  assert.deepEqual(r.config.echonet, { hosts: [], pollSeconds: 15 });
  assert.equal(r.config.language, 'en');
  assert.equal(r.config.purchaseMode, 'surplus');
  assert.equal(r.config.surplusThresholdW, 100);
  assert.equal(r.config.meter, undefined);
});

test('the meter needs the B-route ID and password; messages never contain them', () => {
  const r = parseConfig({ meter: { serialPort: '/dev/ttyUSB0', brouteId: 'abc', broutePassword: `${PASSWORD}!` } });
  assert.ok(!r.ok && !r.unconfigured);
  assert.equal(r.errors.length, 2);
  assert.match(r.errors.join('\n'), /B-route ID must be the 32/);
  assert.ok(!r.errors.join('\n').includes(PASSWORD), 'the password is not echoed');

  const good = parseConfig({ meter: { serialPort: '/dev/ttyUSB0', brouteId: ID.toLowerCase(), broutePassword: PASSWORD } });
  assert.ok(good.ok);
  assert.deepEqual(good.config.meter, { serialPort: '/dev/ttyUSB0', brouteId: ID, broutePassword: PASSWORD, pollSeconds: 30 });
});

test('wrong values are reported in words a homeowner understands', () => {
  const r = parseConfig({ echonet: { interface: 'eth0', hosts: ['192.168.1.300'], pollSeconds: 1 }, language: 'fr', purchaseMode: 'all' });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, [
    'the language must be one of "en", "ja"',
    'the purchase mode must be one of "surplus", "full"',
    'the ECHONET interface "eth0" is not an IPv4 address such as 192.168.1.10',
    'the device address "192.168.1.300" is not an IPv4 address such as 192.168.1.20',
    'the device reading interval (seconds) must be a whole number from 5 to 300',
  ]);
});

test('per-device overrides match the device id first, then its kind', () => {
  const r = parseConfig({ echonet: {}, devices: [{ id: 'solar', hide: true }, { id: 'fe01/027901', name: 'Roof' }, { name: 'no id' }] });
  assert.ok(r.ok);
  assert.equal(r.warnings.length, 1);
  assert.deepEqual(overrideFor(r.config, 'fe01/027901', 'solar'), { id: 'fe01/027901', name: 'Roof', hide: false });
  assert.equal(overrideFor(r.config, 'fe02/027902', 'solar')?.hide, true);
  assert.equal(overrideFor(r.config, 'x', 'battery'), undefined);
});

test('MQTT is off unless turned on; on, it defaults to the embedded broker on loopback with discovery', () => {
  const off = parseConfig({ echonet: {}, mqtt: { broker: 'url' } });
  assert.ok(off.ok);
  assert.equal(off.config.mqtt, undefined);
  const on = parseConfig({ echonet: {}, mqtt: { enabled: true } });
  assert.ok(on.ok);
  assert.deepEqual(on.config.mqtt, { broker: { kind: 'embedded', host: '127.0.0.1', port: 1883 }, prefix: 'echonet-hems', discovery: true });
  const lan = parseConfig({ echonet: {}, mqtt: { enabled: true, embeddedLan: true, embeddedPort: 11883, discovery: false, prefix: 'home/energy' } });
  assert.ok(lan.ok);
  assert.deepEqual(lan.config.mqtt, { broker: { kind: 'embedded', host: '0.0.0.0', port: 11883 }, prefix: 'home/energy', discovery: false });
  assert.deepEqual(on.config.store, {}, 'the store keeps its own defaults (13 months, 14 backups)');
});

test('MQTT and store settings are checked with messages that name the field, never the secret', () => {
  const r = parseConfig({
    echonet: {},
    mqtt: { enabled: true, broker: 'url', url: 'http://user:Hunter2Secret@broker', password: 'Hunter2Secret', certFile: '/nonexistent/cert.pem', prefix: 'a/#' },
    store: { retentionMonths: 0, backups: 1000 },
  });
  assert.ok(!r.ok && !r.unconfigured);
  const text = r.errors.join('\n');
  assert.match(text, /broker address must look like mqtt:\/\//);
  assert.match(text, /password needs a user name/);
  assert.match(text, /client certificate file "\/nonexistent\/cert.pem" does not exist/);
  assert.match(text, /certificate and its key file go together/);
  assert.match(text, /prefix "a\/#" must not contain/);
  assert.match(text, /history kept \(months\) must be a whole number from 1 to 120/);
  assert.match(text, /daily backups kept must be a whole number from 1 to 365/);
  assert.doesNotMatch(text, /Hunter2Secret/);

  const url = parseConfig({ echonet: {}, mqtt: { enabled: true, broker: 'url', url: 'mqtts://broker.lan:8883', username: 'hems', password: 'pw-123456' }, store: { retentionMonths: 24, backups: 7 } });
  assert.ok(url.ok);
  assert.deepEqual(url.config.mqtt, { broker: { kind: 'url', url: 'mqtts://broker.lan:8883' }, username: 'hems', password: 'pw-123456', prefix: 'echonet-hems', discovery: true });
  assert.deepEqual(url.config.store, { retentionMonths: 24, backups: 7 });
});

test('secretsOf lists what the logger must redact, even from invalid settings', () => {
  assert.deepEqual(
    secretsOf({ meter: { brouteId: ID, broutePassword: PASSWORD }, mqtt: { password: 'mqtt-pass', url: 'mqtt://u:url%20pass@host:1883' } }).sort(),
    [ID, PASSWORD, 'mqtt-pass', 'url%20pass', 'url pass'].sort(),
  );
  assert.deepEqual(secretsOf({ meter: 'nonsense', mqtt: { url: 'not a url' } }), []);
});
