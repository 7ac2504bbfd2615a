/**
 * The LAN commands end to end: the real CLI process against the emulator process, both inside a
 * network namespace of their own (controller on 127.0.0.1, devices on 127.0.0.2).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackNamespace, NETNS_SKIP_REASON, type LoopbackNamespace } from '../../helpers/netns.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';
import { runCli } from '../../helpers/cli.js';

const skip = NETNS_SKIP_REASON;
let space: LoopbackNamespace;
let emulator: EmulatorProcess;
const cli = (...args: string[]) => runCli(args, { prefix: ['ip', 'netns', 'exec', space.ns] });

before(async () => {
  if (skip) return;
  space = await createLoopbackNamespace();
  emulator = await EmulatorProcess.start(space.ns, ['--address', '127.0.0.2', '--interface', '127.0.0.1', '--seed', '7']);
});

after(async () => {
  await space?.cleanup();
});

test('discover --json lists every emulated device with identity and maker', { skip }, async () => {
  const r = await cli('discover', '--interface', '127.0.0.1', '--timeout', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const { devices } = JSON.parse(r.stdout) as { devices: { address: string; eoj: string; class: string; identity: string; maker: string; online: boolean }[] };
  assert.deepEqual(devices.map((d) => d.eoj).sort(), ['026b01', '027901', '027d01', '027e01', '028801']);
  for (const d of devices) {
    assert.equal(d.address, '127.0.0.2');
    assert.equal(d.online, true);
    assert.match(d.identity, /^fe[0-9a-f]{32}\/[0-9a-f]{6}$/, 'identity from EPC 83 and the EOJ');
    assert.match(d.maker, /^[0-9a-f]{6}$/);
    assert.ok(d.class.length > 0);
  }
});

test('get --json reads decoded values that match the emulated model', { skip }, async () => {
  const r = await cli('get', '127.0.0.2', '027d01', 'e4', 'da', '80', '--interface', '127.0.0.1', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.address, '127.0.0.2');
  assert.equal(json.eoj, '027d01');
  assert.equal(json.esv, '72');
  const byEpc = Object.fromEntries(json.properties.map((p: { epc: string; value: unknown }) => [p.epc, p.value]));
  const { state } = await emulator.command<{ state: { battery: { socPct: number } } }>({ cmd: 'state' });
  assert.ok(Math.abs((byEpc.e4 as number) - Math.round(state.battery.socPct)) <= 1, `SoC ${byEpc.e4} vs model ${state.battery.socPct}`);
  assert.equal(byEpc['80'], 'on');
  assert.equal(typeof byEpc.da, 'string');
});

test('set writes, confirms by reading back, and the device really changed', { skip }, async () => {
  const r = await cli('set', '127.0.0.2', '026b01', 'b0', '42', '--interface', '127.0.0.1', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.ok, true);
  assert.equal(json.confirmed, true);
  const check = await cli('get', '127.0.0.2', '026b01', 'b0', '--interface', '127.0.0.1', '--json');
  assert.equal(JSON.parse(check.stdout).properties[0].value, 'manual_heating');
});

test('set of a property outside the Set map is refused with a clear message and exit 1', { skip }, async () => {
  const r = await cli('set', '127.0.0.2', '026b01', 'e1', '0010', '--interface', '127.0.0.1', '--json');
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout);
  assert.equal(json.ok, false);
  assert.ok(json.reason === 'not-settable' || json.reason === 'refused', json.reason);
  assert.ok(json.message.length > 10);
});

test('get from a device that does not answer exits 3 with a one-line message', { skip }, async () => {
  await emulator.command({ cmd: 'faults', faults: { silent: true } });
  try {
    const r = await cli('get', '127.0.0.2', '027901', 'e0', '--interface', '127.0.0.1', '--json');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
  } finally {
    await emulator.command({ cmd: 'faults', faults: {} });
  }
});
