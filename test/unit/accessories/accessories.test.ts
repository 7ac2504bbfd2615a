/**
 * The HomeKit mapping in process, on Homebridge 1.x's own API and HAP (no server, no network), against a
 * scripted home: values come from the model when HomeKit asks, an offline or not-yet-found device answers
 * "No Response", switches are writable only when the Set map allows, failed writes become HAP errors,
 * unused services are pruned, and names follow the language and purchase mode settings.
 */
import { after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { HomebridgeAPI } from 'homebridge/lib/api.js';
import type { Characteristic, PlatformAccessory, Service, WithUUID } from 'homebridge';
import { accessoryFor, eveCharacteristics, namesFor, type AccessoryContext, type StoredContext } from '../../../src/accessories/index.js';
import { parseConfig } from '../../../src/config.js';
import { HomeError, type Home, type HomeDevice } from '../../../src/home/index.js';
import type { ReadingValues } from '../../../src/home/readings.js';
import { silentLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../../src/util/clock.js';
import { device } from '../../helpers/home-device.js';

const api = new HomebridgeAPI();
const EVE_DIR = mkdtempSync(join(tmpdir(), 'hems-eve-'));
after(() => rmSync(EVE_DIR, { recursive: true, force: true }));
const { Service: S, Characteristic: C } = api.hap;
const NO_RESPONSE = -70402;

class FakeHome {
  readonly devices = new Map<string, HomeDevice>();
  readonly calls: unknown[][] = [];
  failWith: Error | undefined;
  device(identity: string): HomeDevice | undefined {
    return this.devices.get(identity);
  }
  async setManualHeating(identity: string, on: boolean): Promise<void> {
    this.calls.push(['manual-heating', identity, on]);
    if (this.failWith) throw this.failWith;
  }
}

function setUp(settings: Record<string, unknown> = {}, kind: HomeDevice['kind'] = 'water-heater') {
  const parsed = parseConfig({ echonet: {}, ...settings });
  assert.ok(parsed.ok);
  const home = new FakeHome();
  const ctx: AccessoryContext = {
    api,
    home: home as unknown as Home,
    config: parsed.config,
    eve: eveCharacteristics(api),
    names: namesFor(parsed.config.language),
    eveHistory: { dir: EVE_DIR, clock: new ManualClock(Date.UTC(2026, 10, 26)) },
  };
  const accessory = new api.platformAccessory<StoredContext>('x', api.hap.uuid.generate(`id-${kind}`));
  accessory.context = { identity: `id-${kind}`, kind };
  return { home, accessory, shown: accessoryFor(ctx, accessory, silentLogger)! };
}

function characteristic(accessory: PlatformAccessory, name: string, type: WithUUID<new () => Characteristic>): Characteristic {
  const service = accessory.services.find((s: Service) => s.getCharacteristic(C.Name).value === name);
  assert.ok(service, `a service named ${name}; have ${accessory.services.map((s) => s.getCharacteristic(C.Name).value).join(', ')}`);
  return service.getCharacteristic(type);
}

/** HAP's get/set handlers reject with the status number (or, in some versions, a HapStatusError). */
const status = (err: unknown) => (typeof err === 'number' ? err : (err as { hapStatus?: number }).hapStatus);

const HEATER = { tankTempC: 61, remainingHotWaterL: 185, tankCapacityL: 370, heating: true, heatingMode: 'automatic', daytimeReheating: false } as const;

test('the EcoCute shows the model values, and "No Response" while offline', async () => {
  const { home, accessory, shown } = setUp();
  const heater = device('water-heater', HEATER, { commands: new Set(['manual-heating']) });
  home.devices.set(heater.identity, heater);
  shown.configure(heater);
  assert.equal(await characteristic(accessory, 'Tank Temperature', C.CurrentTemperature).handleGetRequest(), 61);
  assert.equal(await characteristic(accessory, 'Hot Water Remaining', C.BatteryLevel).handleGetRequest(), 50);
  assert.equal(await characteristic(accessory, 'Hot Water Remaining', C.ChargingState).handleGetRequest(), C.ChargingState.CHARGING);
  assert.equal(await characteristic(accessory, 'Manual Heating', C.On).handleGetRequest(), false);

  home.devices.set(heater.identity, { ...heater, online: false });
  await assert.rejects(characteristic(accessory, 'Tank Temperature', C.CurrentTemperature).handleGetRequest(), (e) => status(e) === NO_RESPONSE);
});

test('an EcoCute that measures its draw (84, 85) shows Eve watts and kWh on its heating switch; one that does not, none', async () => {
  const eve = eveCharacteristics(api);
  const measured = setUp();
  const heater = device('water-heater', { ...HEATER, powerW: 1180, consumedKwh: 2345.678 });
  measured.home.devices.set(heater.identity, heater);
  measured.shown.configure(heater);
  assert.equal(await characteristic(measured.accessory, 'Manual Heating', eve.Consumption).handleGetRequest(), 1180);
  assert.equal(await characteristic(measured.accessory, 'Manual Heating', eve.TotalConsumption).handleGetRequest(), 2345.678);

  const plain = setUp();
  plain.shown.configure(device('water-heater', HEATER));
  const manual = plain.accessory.getServiceById(S.Switch, 'manual-heating')!;
  assert.ok(manual, 'the heating switch is there');
  assert.ok(!manual.characteristics.some((c) => c.UUID === eve.Consumption.UUID), 'no 84 in the Get map: no watts');
});

test('switches are writable only where the Set map allows; failed writes are HAP errors', async () => {
  const { home, accessory, shown } = setUp();
  const heater = device('water-heater', HEATER, { commands: new Set(['manual-heating']) });
  home.devices.set(heater.identity, heater);
  shown.configure(heater);
  const manual = characteristic(accessory, 'Manual Heating', C.On);
  const daytime = characteristic(accessory, 'Daytime Reheating Allowed', C.On);
  const writable = (c: Characteristic) => (c.props.perms as string[]).includes('pw');
  assert.ok(writable(manual));
  assert.ok(!writable(daytime), 'C0 is not in the Set map');

  await manual.handleSetRequest(true);
  assert.deepEqual(home.calls, [['manual-heating', 'id-water-heater', true]]);
  home.failWith = new HomeError('refused', 'the EcoCute refused');
  await assert.rejects(manual.handleSetRequest(false), (e) => status(e) === NO_RESPONSE);
});

test('a cached accessory answers "No Response" until its device is found; then unused services go', async () => {
  const { home, accessory, shown } = setUp();
  shown.configure(device('water-heater', HEATER));
  const services = accessory.services.length;
  shown.configure(undefined);
  assert.equal(accessory.services.length, services, 'a device not found yet keeps its cached services');
  await assert.rejects(characteristic(accessory, 'Tank Temperature', C.CurrentTemperature).handleGetRequest(), (e) => status(e) === NO_RESPONSE);

  const { tankTempC: _, ...withoutTemperature } = HEATER;
  const heater = device('water-heater', withoutTemperature);
  home.devices.set(heater.identity, heater);
  shown.configure(heater);
  assert.equal(accessory.getServiceById(S.TemperatureSensor, 'tank'), undefined, 'no C1 in the Get map: no temperature sensor');
  assert.equal(await characteristic(accessory, 'Hot Water Remaining', C.BatteryLevel).handleGetRequest(), 50);
});

test('the grid shows buying and selling apart, and only buying in full purchase mode', async () => {
  const meter = device('meter', { powerW: -1500, boughtKwh: 12000.5, soldKwh: 3000.2 });
  const surplus = setUp({}, 'meter');
  surplus.home.devices.set(meter.identity, meter);
  surplus.shown.configure(meter);
  const eve = eveCharacteristics(api);
  assert.equal(await characteristic(surplus.accessory, 'Buying from Grid', eve.Consumption).handleGetRequest(), 0);
  assert.equal(await characteristic(surplus.accessory, 'Selling to Grid', eve.Consumption).handleGetRequest(), 1500);
  const sold = await characteristic(surplus.accessory, 'Selling to Grid', eve.TotalConsumption).handleGetRequest();
  assert.ok(Math.abs(Number(sold) - 3000.2) < 1e-6, `sold ${String(sold)}`);
  assert.equal(await characteristic(surplus.accessory, 'Selling Surplus', C.OccupancyDetected).handleGetRequest(), 1);

  const full = setUp({ purchaseMode: 'full' }, 'meter');
  full.home.devices.set(meter.identity, meter);
  full.shown.configure(meter);
  assert.deepEqual(
    full.accessory.services.filter((s) => s.UUID !== eve.History.UUID).map((s) => s.getCharacteristic(C.Name).value).filter((n) => n !== 'x'),
    ['Buying from Grid'],
  );
  assert.ok(full.accessory.getService(eve.History), 'the Eve history of the power bought rides along');
  await full.shown.stop();
});

test('names follow the language setting', () => {
  const { accessory, shown } = setUp({ language: 'ja' });
  shown.configure(device('water-heater', HEATER));
  const names = accessory.services.map((s) => s.getCharacteristic(C.Name).value);
  assert.ok(names.includes('沸き増し') && names.includes('昼間沸き増し許可') && names.includes('残湯量'), String(names));
});
