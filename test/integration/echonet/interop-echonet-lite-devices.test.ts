/**
 * Our controller against devices served by the independent `echonet-lite` package, over real UDP
 * between network namespaces. That stack answers from port 23610, so every passing read here also
 * proves that answers from any source port are accepted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createLink, NETNS_SKIP_REASON, spawnIn, type InNamespace, type Link } from '../../helpers/netns.js';
import { renumber } from '../../helpers/netns-address.js';
import { AgentClient, type AgentDeviceEvent } from '../../helpers/echonet-agent-client.js';
import type { DeviceConfig } from '../../helpers/echonet-lite-device.js';
import type { DeviceInfo } from '../../../src/echonet/discovery.js';
import { ESV } from '../../../src/echonet/frame.js';

const DEVICE_SCRIPT = fileURLToPath(new URL('../../helpers/echonet-lite-device.ts', import.meta.url));
const HEATER = 0x026b01;
const SOLAR = 0x027901;

const config = (address: string): DeviceConfig => ({
  address,
  objects: {
    '026b01': {
      '80': [0x30],
      '88': [0x42],
      '8a': [0x00, 0x00, 0x77],
      b0: [0x41],
      b3: [60],
      e1: [0x01, 0x2c],
      '9d': [0x01, 0x80],
      '9e': [0x02, 0xb0, 0xb3],
      '9f': [0x09, 0x80, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xb0, 0xb3, 0xe1],
    },
    '027901': {
      '80': [0x30],
      '8a': [0x00, 0x00, 0x77],
      e0: [0x04, 0xd2],
      '9d': [0x01, 0x80],
      '9e': [0x00],
      '9f': [0x05, 0x80, 0x8a, 0x9d, 0x9e, 0x9f, 0xe0],
    },
  },
  // b3 is in the Set map but this device refuses it: the SetC_SNA path.
  settable: { '026b01': ['b0'] },
});


describe('our controller with echonet-lite (npm) devices', { skip: NETNS_SKIP_REASON }, () => {
  let link: Link;
  let agent: AgentClient;
  let device: InNamespace;
  let deviceAddress: string;

  const startDevice = async (address: string): Promise<void> => {
    deviceAddress = address;
    device = spawnIn(link.dev.ns, process.execPath, ['--import', 'tsx', DEVICE_SCRIPT, JSON.stringify(config(address))]);
    await device.nextLine((l) => l === 'ready', 20_000);
  };

  before(async () => {
    link = await createLink();
    await startDevice(link.dev.address);
    agent = await AgentClient.start(link.ctl.ns, {
      address: link.ctl.address,
      controller: { timeoutMs: 800, retries: 1, partialWaitMs: 300 },
      discovery: { searchWindowMs: 1500, offlineAfterMissedPolls: 1 },
    });
  });

  after(async () => {
    await link?.cleanup();
  });

  test('discovery finds both objects with maps, maker and an 83-based identity', async () => {
    const devices = await agent.call<DeviceInfo[]>('poll');
    const heater = devices.find((d) => d.eoj === HEATER);
    const solar = devices.find((d) => d.eoj === SOLAR);
    assert.ok(heater && solar, `found ${JSON.stringify(devices)}\n${agent.output()}`);
    assert.equal(heater.address, deviceAddress);
    assert.equal(heater.maker, 0x77);
    assert.match(heater.identity, /^fe000077000002[0-9a-f]{12}00000001\/026b01$/, 'the node 83 (MAC based in this stack) plus EOJ');
    assert.deepEqual(heater.setMap, [0xb0, 0xb3]);
    assert.equal(heater.operating, true);
    assert.equal(heater.fault, false);
    assert.deepEqual(solar.setMap, []);
  });

  test('a Get with an unsupported EPC returns the good values and names the failed one', async () => {
    const r = await agent.call<{ esv: number; properties: { epc: number; edt: string }[]; failed: number[] }>('get', {
      address: deviceAddress,
      eoj: HEATER,
      epcs: [0x80, 0xe1, 0xf5],
    });
    assert.equal(r.esv, ESV.Get_SNA);
    assert.deepEqual(r.properties, [
      { epc: 0x80, edt: '30' },
      { epc: 0xe1, edt: '012c' },
    ]);
    assert.deepEqual(r.failed, [0xf5]);
  });

  test('setVerified: applied, refused, and not in the Set map', async () => {
    const address = deviceAddress;
    assert.deepEqual(await agent.call('setVerified', { address, eoj: HEATER, epc: 0xb0, edt: '42' }), { ok: true, confirmed: true });
    const refused = await agent.call<{ ok: boolean; reason: string }>('setVerified', { address, eoj: HEATER, epc: 0xb3, edt: '41' });
    assert.equal(refused.reason, 'refused');
    const notSettable = await agent.call<{ ok: boolean; reason: string }>('setVerified', { address, eoj: HEATER, epc: 0xe1, edt: '0000' });
    assert.equal(notSettable.reason, 'not-settable');
  });

  test('an INF multicast by the package reaches us as a notification', async () => {
    device.child.stdin!.write(`${JSON.stringify({ cmd: 'inf', eoj: '026b01', epc: 'b0', edt: '42' })}\n`);
    const event = await agent.waitForEvent((e) => e.event === 'notification' && (e.data as { seoj: number }).seoj === HEATER, 5000);
    const data = event.data as { address: string; esv: number; properties: { epc: number; edt: string }[] };
    assert.equal(data.address, deviceAddress);
    assert.equal(data.esv, ESV.INF);
    assert.deepEqual(data.properties, [{ epc: 0xb0, edt: '42' }]);
  });

  test('an INFC from the package is reported and acknowledged with INFC_Res', async () => {
    const ack = device.nextLine((l) => l.startsWith('{"ack"'), 5000);
    device.child.stdin!.write(`${JSON.stringify({ cmd: 'infc', to: link.ctl.address, eoj: '026b01', epc: 'b0', edt: '41' })}\n`);
    const event = await agent.waitForEvent((e) => e.event === 'notification' && (e.data as { esv: number }).esv === ESV.INFC, 5000);
    const data = event.data as { tid: number; properties: { epc: number; edt: string }[] };
    assert.deepEqual(data.properties, [{ epc: 0xb0, edt: '41' }]);
    const answer = JSON.parse(await ack) as { ack: { tid: string; seoj: string; deoj: string; epcs: string[] } };
    assert.deepEqual(answer.ack, { tid: data.tid.toString(16).padStart(4, '0'), seoj: '05ff01', deoj: '026b01', epcs: ['b0'] });
  });

  test('a device that comes back with a new IP address keeps its identity', async () => {
    const before = (await agent.call<DeviceInfo[]>('devices')).find((d) => d.eoj === HEATER)!;
    const oldAddress = deviceAddress;
    const newAddress = '198.18.10.77';
    await device.stop();
    await renumber(link.dev.ns, oldAddress, newAddress);
    await startDevice(newAddress);
    await agent.call('poll');
    const moved = (await agent.waitForEvent((e) => e.event === 'device-address-changed' && (e.data as { device: DeviceInfo }).device.eoj === HEATER)) as {
      data: { device: DeviceInfo; previous: string };
    };
    assert.equal(moved.data.previous, oldAddress);
    assert.equal(moved.data.device.address, newAddress);
    assert.equal(moved.data.device.identity, before.identity);
    const devices = await agent.call<DeviceInfo[]>('devices');
    assert.equal(devices.filter((d) => d.eoj === HEATER).length, 1, 'no second device for the same heater');
    const added = agent.events.filter((e): e is AgentDeviceEvent => e.event === 'device-added');
    assert.equal(added.length, 2, 'only the first search added devices');
  });
});
