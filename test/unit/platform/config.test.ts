import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overrideFor, parseConfig } from '../../../src/config.js';

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
