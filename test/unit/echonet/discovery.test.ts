import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EchonetController } from '../../../src/echonet/controller.js';
import { DeviceDiscovery, parseInstanceList, type DeviceInfo } from '../../../src/echonet/discovery.js';
import { ESV, type Frame } from '../../../src/echonet/frame.js';
import { NODE_PROFILE_EOJ } from '../../../src/echonet/eoj.js';
import { ManualClock } from '../../../src/util/clock.js';
import { fromHex } from '../../../src/util/hex.js';
import { FakeTransport, fakeDevice, type Responder } from '../../helpers/fake-transport.js';

const HEATER = 0x026b01;
const SOLAR = 0x027901;
const ID = fromHex('fe00007700000000000000000000000001')!;

/** A node with a node profile (D6, optional 83) and one object per entry. */
function node(objects: [number, Map<number, Uint8Array>][], nodeId?: Uint8Array): Responder {
  const list = Uint8Array.from([objects.length, ...objects.flatMap(([eoj]) => [eoj >> 16, (eoj >> 8) & 0xff, eoj & 0xff])]);
  const profile = new Map<number, Uint8Array>([[0xd6, list], [0x8a, Uint8Array.of(0, 0, 0x77)]]);
  if (nodeId) profile.set(0x83, nodeId);
  const responders = [fakeDevice(NODE_PROFILE_EOJ, profile), ...objects.map(([eoj, values]) => fakeDevice(eoj, values))];
  return (request: Frame) => responders.map((r) => r(request)).find((a) => a !== undefined);
}

const heaterValues = () =>
  new Map<number, Uint8Array>([
    [0x80, Uint8Array.of(0x30)],
    [0x88, Uint8Array.of(0x42)],
    [0x9e, Uint8Array.of(5, 0x80, 0xb0, 0xb3, 0xc0, 0xe3)], // count says 5, four follow: the list wins
    [0x9f, Uint8Array.of(3, 0x80, 0x88, 0xb0)],
  ]);

function setup() {
  const transport = new FakeTransport();
  const clock = new ManualClock(1_000_000);
  const controller = new EchonetController({ transport, clock, timeoutMs: 100, retries: 0 });
  const discovery = new DeviceDiscovery({ controller, clock, searchWindowMs: 500, offlineAfterMissedPolls: 2 });
  const events: string[] = [];
  const record = (name: string) => (d: DeviceInfo) => events.push(`${name} ${d.address}`);
  discovery.on('device-added', record('added'));
  discovery.on('device-online', record('online'));
  discovery.on('device-offline', record('offline'));
  discovery.on('device-address-changed', (d, old) => events.push(`moved ${old}->${d.address}`));
  const poll = async () => {
    const round = discovery.poll();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(100);
    }
    return round;
  };
  return { transport, clock, controller, discovery, events, poll };
}

test('D6 lists are parsed whatever their count byte says; the node profile is dropped', () => {
  assert.deepEqual(parseInstanceList(Uint8Array.of(1, 0x02, 0x6b, 0x01, 0x02, 0x79, 0x01, 0x0e, 0xf0, 0x01)), [HEATER, SOLAR]);
  assert.deepEqual(parseInstanceList(Uint8Array.of(3, 0x02, 0x6b)), []);
});

test('a search finds objects, reads maps and status, and uses the node 83 for identity', async () => {
  const { transport, poll, events } = setup();
  transport.responders.set('192.0.2.20', node([[HEATER, heaterValues()]], ID));
  const [device] = await poll();
  assert.ok(device);
  assert.equal(device.identity, 'fe00007700000000000000000000000001/026b01');
  assert.equal(device.maker, 0x77);
  assert.deepEqual(device.setMap, [0x80, 0xb0, 0xb3, 0xc0, 0xe3]);
  assert.equal(device.operating, true);
  assert.equal(device.fault, false);
  assert.equal(device.online, true);
  assert.deepEqual(events, ['added 192.0.2.20']);
});

test('without any 83 the identity falls back to maker, address and EOJ', async () => {
  const { transport, poll } = setup();
  transport.responders.set('192.0.2.20', node([[SOLAR, new Map([[0x80, Uint8Array.of(0x30)]])]]));
  const [device] = await poll();
  assert.equal(device?.identity, '000077@192.0.2.20/027901');
});

test('missed polls take a device offline; hearing it again brings it back', async () => {
  const { transport, poll, events, discovery } = setup();
  const responder = node([[HEATER, heaterValues()]], ID);
  transport.responders.set('192.0.2.20', responder);
  await poll();
  transport.responders.delete('192.0.2.20');
  await poll();
  assert.equal(discovery.devices()[0]!.online, true, 'one missed poll is not enough');
  await poll();
  assert.equal(discovery.devices()[0]!.online, false);
  transport.responders.set('192.0.2.20', responder);
  await poll();
  assert.deepEqual(events, ['added 192.0.2.20', 'offline 192.0.2.20', 'online 192.0.2.20']);
});

test('a device with a new address keeps its identity', async () => {
  const { transport, poll, events, discovery } = setup();
  const responder = node([[HEATER, heaterValues()]], ID);
  transport.responders.set('192.0.2.20', responder);
  await poll();
  transport.responders.delete('192.0.2.20');
  transport.responders.set('192.0.2.31', responder);
  await poll();
  assert.deepEqual(events, ['added 192.0.2.20', 'moved 192.0.2.20->192.0.2.31']);
  assert.equal(discovery.devices().length, 1);
  assert.equal(discovery.devices()[0]!.address, '192.0.2.31');
});

test('an INF D5 announcement is probed without waiting for a search', async () => {
  const { transport, discovery, events } = setup();
  transport.responders.set('192.0.2.20', node([[HEATER, heaterValues()]], ID));
  discovery.start(); // the manual clock is not advanced, so no search runs
  transport.deliver('192.0.2.20', {
    tid: 1,
    seoj: NODE_PROFILE_EOJ,
    deoj: NODE_PROFILE_EOJ,
    esv: ESV.INF,
    properties: [{ epc: 0xd5, edt: Uint8Array.of(1, 0x02, 0x6b, 0x01) }],
  });
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  discovery.stop();
  assert.deepEqual(events, ['added 192.0.2.20']);
  assert.equal(transport.requests().filter((s) => s.to === 'multicast').length, 0);
});

test('an object listed in D6 that never answers is skipped, not fatal', async () => {
  const { transport, poll } = setup();
  const responder = node([[HEATER, heaterValues()], [SOLAR, new Map()]], ID);
  transport.responders.set('192.0.2.20', (req) => (req.deoj === SOLAR ? undefined : responder(req)));
  const devices = await poll();
  assert.deepEqual(devices.map((d) => d.eoj), [HEATER]);
});
