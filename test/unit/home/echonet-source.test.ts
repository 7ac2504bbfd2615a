/**
 * The ECHONET side of the home model against a scripted controller and discovery: devices appear with
 * the commands their Set map allows, polls and INFs become readings, a device that stops answering goes
 * offline and comes back, and commands are validated, encoded and confirmed before they are recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Notification, ReadResult, VerifiedSetResult } from '../../../src/echonet/controller.js';
import type { DeviceInfo } from '../../../src/echonet/discovery.js';
import { encodeProperty } from '../../../src/echonet/catalogue/index.js';
import { EchonetError } from '../../../src/echonet/errors.js';
import { ESV, type Eoj, type Property } from '../../../src/echonet/frame.js';
import { EchonetSource, type ControllerPort, type DiscoveryPort } from '../../../src/home/echonet-source.js';
import { Home } from '../../../src/home/home.js';
import { HomeError } from '../../../src/home/errors.js';
import type { DeviceStore } from '../../../src/home/store.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

const ADDRESS = '192.168.1.20';
const HEATER: Eoj = 0x026b01;
const POLL_MS = 15_000;

const edt = (epc: number, value: string | number): Property => {
  const e = encodeProperty(0x026b, epc, value);
  assert.ok(e.ok);
  return { epc, edt: e.edt };
};

class FakeController extends EventEmitter<{ notification: [Notification] }> {
  /** What the device holds; a Get answers from here. */
  values = new Map<number, Property>([
    [0xb0, edt(0xb0, 'automatic')],
    [0xc1, edt(0xc1, 60)],
  ]);
  silent = false;
  writes: { epc: number; edt: Uint8Array; setMap: readonly number[] | undefined }[] = [];
  setOutcome: VerifiedSetResult = { ok: true, confirmed: true };

  async get(address: string, eoj: Eoj, epcs: readonly number[]): Promise<ReadResult> {
    if (this.silent) throw new EchonetError('timeout', `object at ${address} did not answer`);
    const properties = epcs.map((epc) => this.values.get(epc) ?? { epc, edt: new Uint8Array(0) });
    return { address, eoj, esv: ESV.Get_Res, properties, failed: [] };
  }

  async setVerified(_a: string, _e: Eoj, epc: number, value: Uint8Array, options: { setMap?: readonly number[] } = {}): Promise<VerifiedSetResult> {
    this.writes.push({ epc, edt: value, setMap: options.setMap });
    if (this.setOutcome.ok) this.values.set(epc, { epc, edt: value });
    return this.setOutcome;
  }

  async infReq(): Promise<void> {}
}

class FakeDiscovery extends EventEmitter<{ 'device-added': [DeviceInfo]; 'device-address-changed': [DeviceInfo, string] }> {
  start(): void {}
  stop(): void {}
}

function heaterInfo(setMap: number[]): DeviceInfo {
  return {
    identity: 'fe00000001/026b01',
    address: ADDRESS,
    eoj: HEATER,
    classCode: 0x026b,
    maker: 0x16,
    idNumber: 'fe00000001',
    infMap: [0xb0],
    setMap,
    getMap: [0x80, 0xb0, 0xc1],
    operating: true,
    fault: false,
    online: true,
    firstSeen: 0,
    lastSeen: 0,
  };
}

/** Lets promise callbacks (polls answered by the fake) run. */
const settle = () => new Promise((r) => setImmediate(r));

function rig() {
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 2));
  const controller = new FakeController();
  const discovery = new FakeDiscovery();
  const home = new Home(async (store: DeviceStore) => ({
    echonet: new EchonetSource({
      controller: controller as unknown as ControllerPort,
      discovery: discovery as unknown as DiscoveryPort,
      store,
      clock,
      log: silentLogger,
      pollMs: POLL_MS,
      hosts: [],
      hostsEveryMs: 60_000,
    }),
    close: async () => undefined,
  }));
  return { clock, controller, discovery, home };
}

test('a found device is polled for what its Get map offers, and commands follow its Set map', async () => {
  const { controller, discovery, home } = rig();
  await home.start();
  discovery.emit('device-added', heaterInfo([0xb0]));
  await settle();
  const device = home.device('fe00000001/026b01')!;
  assert.equal(device.kind, 'water-heater');
  assert.equal(device.online, true);
  assert.deepEqual([...device.commands], ['manual-heating'], 'C0 is not in the Set map');
  assert.deepEqual([...device.offers].sort(), ['heatingMode', 'tankTempC']);
  assert.equal(device.readings.tankTempC?.value, 60);
  assert.equal(device.readings.heatingMode?.value, 'automatic');
  controller.emit('notification', { address: ADDRESS, seoj: HEATER, deoj: 0x05ff01, esv: ESV.INF, tid: 1, properties: [edt(0xb0, 'manual_heating')] });
  assert.equal(home.device(device.identity)!.readings.heatingMode?.value, 'manual_heating');
  await home.close();
});

test('a device that stops answering goes offline at the next poll and comes back', async () => {
  const { clock, controller, discovery, home } = rig();
  const changes: boolean[] = [];
  home.on('device-changed', (d) => changes.push(d.online));
  await home.start();
  discovery.emit('device-added', heaterInfo([0xb0]));
  await settle();
  controller.silent = true;
  clock.advance(POLL_MS);
  await settle();
  assert.equal(home.device('fe00000001/026b01')!.online, false);
  await assert.rejects(home.setManualHeating('fe00000001/026b01', true), (e: unknown) => e instanceof HomeError && e.code === 'offline');
  controller.silent = false;
  clock.advance(POLL_MS);
  await settle();
  assert.equal(home.device('fe00000001/026b01')!.online, true);
  assert.ok(changes.includes(false) && changes.at(-1) === true);
  await home.close();
});

test('commands are encoded, sent with the Set map, confirmed and recorded', async () => {
  const { controller, discovery, home } = rig();
  await home.start();
  discovery.emit('device-added', heaterInfo([0xb0]));
  await settle();
  await home.setManualHeating('fe00000001/026b01', true);
  assert.deepEqual(controller.writes[0], { epc: 0xb0, edt: Uint8Array.of(0x42), setMap: [0xb0] });
  assert.equal(home.device('fe00000001/026b01')!.readings.heatingMode?.value, 'manual_heating');

  await assert.rejects(home.setDaytimeReheating('fe00000001/026b01', true), (e: unknown) => e instanceof HomeError && e.code === 'not-settable');
  await assert.rejects(home.setEvCharging('nope', true), (e: unknown) => e instanceof HomeError && e.code === 'unknown-device');
  await assert.rejects(home.setBatteryMode('fe00000001/026b01', 'sideways' as never), (e: unknown) => e instanceof HomeError && e.code === 'invalid');
  await assert.rejects(home.setEvChargePower('fe00000001/026b01', -3), (e: unknown) => e instanceof HomeError && e.code === 'invalid' && /give the watts/.test(e.message));
  await assert.rejects(home.setEvChargePower('fe00000001/026b01', 2000), (e: unknown) => e instanceof HomeError && e.code === 'not-settable', 'a water heater has no charging power');

  controller.setOutcome = { ok: false, reason: 'not-applied', message: 'the device accepted 41 but still reports 42' };
  await assert.rejects(home.setManualHeating('fe00000001/026b01', false), (e: unknown) => e instanceof HomeError && e.code === 'refused' && /still reports/.test(e.message));
  assert.equal(home.device('fe00000001/026b01')!.readings.heatingMode?.value, 'manual_heating', 'a refused value is not recorded');

  controller.setOutcome = { ok: false, reason: 'timeout', message: 'did not answer' };
  await assert.rejects(home.setManualHeating('fe00000001/026b01', false), (e: unknown) => e instanceof HomeError && e.code === 'offline');
  assert.equal(home.device('fe00000001/026b01')!.online, false);
  await home.close();
});

test('an address change is followed', async () => {
  const { discovery, home } = rig();
  await home.start();
  discovery.emit('device-added', heaterInfo([0xb0]));
  await settle();
  discovery.emit('device-address-changed', { ...heaterInfo([0xb0]), address: '192.168.1.99' }, ADDRESS);
  await settle();
  assert.equal(home.device('fe00000001/026b01')!.address, '192.168.1.99');
  await home.close();
});
