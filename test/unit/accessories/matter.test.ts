/**
 * The Matter mapping against a fake `api.matter` that records registrations and state updates and lets
 * the test invoke the registered command handlers the way Homebridge's OnOff behavior does. It proves:
 * which devices get which Matter device types (only controls the Set map allows, none for the battery),
 * that values are converted to Matter's units, that an offline device goes unreachable with null
 * readings instead of stale ones, that on/off/toggle go through the home model (and failures reach the
 * controller), and that cached accessories with commands are registered again to get real handlers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HomebridgeAPI } from 'homebridge/lib/api.js';
import { MatterEnergy, namesFor, type AccessoryContext, type MatterAccessoryLike } from '../../../src/accessories/index.js';
import { parseConfig } from '../../../src/config.js';
import { HomeError, type Home, type HomeDevice } from '../../../src/home/index.js';
import type { Command } from '../../../src/home/commands.js';
import type { ReadingValues } from '../../../src/home/readings.js';
import { silentLogger } from '../../../src/util/log.js';
import { ManualClock } from '../../../src/util/clock.js';
import { device as homeDevice } from '../../helpers/home-device.js';

const api = new HomebridgeAPI();

class FakeMatter {
  readonly deviceTypes = {
    ElectricalSensor: 'ElectricalSensor',
    OnOffSwitch: 'OnOffSwitch',
    OnOffOutlet: 'OnOffOutlet',
    TemperatureSensor: 'TemperatureSensor',
    ContactSensor: 'ContactSensor',
  };
  readonly registered: MatterAccessoryLike[] = [];
  readonly unregistered: MatterAccessoryLike[] = [];
  readonly updates: { name: string; cluster: string; attributes: Record<string, unknown> }[] = [];
  async registerPlatformAccessories(_plugin: string, _platform: string, accessories: MatterAccessoryLike[]): Promise<void> {
    this.registered.push(...accessories);
  }
  async unregisterPlatformAccessories(_plugin: string, _platform: string, accessories: MatterAccessoryLike[]): Promise<void> {
    this.unregistered.push(...accessories);
  }
  async updateAccessoryState(uuid: string, cluster: string, attributes: Record<string, unknown>): Promise<void> {
    const name = this.registered.find((a) => a.UUID === uuid)?.displayName ?? uuid;
    this.updates.push({ name, cluster, attributes });
  }
  /** The last value of each cluster of one accessory, as a controller reading it would see. */
  stateOf(name: string): Record<string, Record<string, unknown>> {
    const state: Record<string, Record<string, unknown>> = {};
    for (const u of this.updates) if (u.name === name) state[u.cluster] = { ...state[u.cluster], ...u.attributes };
    return state;
  }
  accessory(name: string): MatterAccessoryLike {
    const found = this.registered.find((a) => a.displayName === name);
    assert.ok(found, `registered "${name}"; have ${this.registered.map((a) => a.displayName).join(', ')}`);
    return found;
  }
}

class FakeHome {
  readonly devices = new Map<string, HomeDevice>();
  readonly calls: unknown[][] = [];
  failWith: Error | undefined;
  /** Runs inside a command, as the model records the written value and tells its listeners at once. */
  onWrite: ((identity: string, on: boolean) => void) | undefined;
  device(identity: string): HomeDevice | undefined {
    return this.devices.get(identity);
  }
  async setManualHeating(identity: string, on: boolean): Promise<void> {
    this.calls.push(['manual-heating', identity, on]);
    if (this.failWith) throw this.failWith;
    this.onWrite?.(identity, on);
  }
  async setEvCharging(identity: string, on: boolean): Promise<void> {
    this.calls.push(['ev-charging', identity, on]);
    if (this.failWith) throw this.failWith;
    this.onWrite?.(identity, on);
  }
}

/** A device offering `values` and accepting `commands`. */
function device(kind: HomeDevice['kind'], values: Partial<ReadingValues>, commands: Command[] = []): HomeDevice {
  return homeDevice(kind, values, { commands: new Set(commands) });
}

function setUp(cached: MatterAccessoryLike[] = []) {
  const parsed = parseConfig({ echonet: {} });
  assert.ok(parsed.ok);
  const home = new FakeHome();
  const matter = new FakeMatter();
  const ctx: AccessoryContext = {
    api,
    home: home as unknown as Home,
    config: parsed.config,
    eve: {} as AccessoryContext['eve'],
    names: namesFor('en'),
    eveHistory: { dir: '/nonexistent', clock: new ManualClock(0) },
  };
  const energy = new MatterEnergy(matter, ctx, silentLogger);
  for (const a of cached) energy.remember(a);
  /** Shows a device the way the platform does: known to the home, then handed over. */
  const show = (d: HomeDevice, name: string = d.kind): void => {
    home.devices.set(d.identity, d);
    energy.show(d, name);
  };
  const change = (d: HomeDevice): void => {
    home.devices.set(d.identity, d);
    energy.update(d);
  };
  return { home, matter, energy, show, change };
}

/** Lets the registration promises and the updates queued behind them settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const HEATER = { tankTempC: 61.5, heatingMode: 'automatic', heating: false } as const;
const CHARGER = { operationMode: 'standby', vehicle: 'chargeable', powerW: 0, socPct: 40 } as const;

test('the EcoCute: 沸き増し as an OnOffSwitch, the tank as a TemperatureSensor in 0.01 degC', async () => {
  const { matter, show } = setUp();
  show(device('water-heater', HEATER, ['manual-heating']));
  await settle();
  assert.equal(matter.accessory('Manual Heating').deviceType, 'OnOffSwitch');
  assert.equal(matter.accessory('Tank Temperature').deviceType, 'TemperatureSensor');
  assert.deepEqual(matter.accessory('Tank Temperature').clusters, {
    temperatureMeasurement: { measuredValue: null, minMeasuredValue: 0, maxMeasuredValue: 10_000 },
  });
  assert.deepEqual(matter.stateOf('Manual Heating'), { onOff: { onOff: false } });
  assert.deepEqual(matter.stateOf('Tank Temperature'), { temperatureMeasurement: { measuredValue: 6150 } });
});

test('a control the Set map does not allow is not shown in Matter (it would have to lie)', async () => {
  const { matter, show } = setUp();
  show(device('water-heater', HEATER));
  show(device('ev-charger', CHARGER));
  await settle();
  assert.deepEqual(matter.registered.map((a) => a.displayName).sort(), ['EV Plugged In', 'Tank Temperature']);
});

test('the EV charger: charging as an OnOffOutlet with its power, plugged-in as a ContactSensor', async () => {
  const { matter, show, change } = setUp();
  const charger = device('ev-charger', CHARGER, ['ev-charging']);
  show(charger);
  await settle();
  assert.equal(matter.accessory('EV Charging').deviceType, 'OnOffOutlet');
  assert.deepEqual(matter.accessory('EV Charging').clusters, { onOff: { onOff: false }, electricalPowerMeasurement: { activePower: null } });
  assert.equal(matter.accessory('EV Plugged In').deviceType, 'ContactSensor');
  assert.deepEqual(matter.stateOf('EV Plugged In'), { booleanState: { stateValue: true } });

  change({ ...charger, readings: { ...charger.readings, operationMode: { value: 'charge', at: 1 }, powerW: { value: 3000, at: 1 } } });
  await settle();
  assert.deepEqual(matter.stateOf('EV Charging'), { onOff: { onOff: true }, electricalPowerMeasurement: { activePower: 3_000_000 } });
  change({ ...charger, readings: { ...charger.readings, vehicle: { value: 'not_connected', at: 2 } } });
  await settle();
  assert.deepEqual(matter.stateOf('EV Plugged In'), { booleanState: { stateValue: false } });
});

test('the battery has no Matter device type with a state of charge, so it is HAP-only', async () => {
  const { matter, show } = setUp();
  show(device('battery', { socPct: 80, powerW: 500, operationMode: 'automatic' }, ['battery-mode']));
  await settle();
  assert.deepEqual(matter.registered, []);
});

test('Matter on/off and toggle go through the home model; a refused write fails the command', async () => {
  const { home, matter, show } = setUp();
  show(device('water-heater', HEATER, ['manual-heating']));
  show(device('ev-charger', CHARGER, ['ev-charging']));
  await settle();
  const onOff = (name: string) => matter.accessory(name).handlers!.onOff!;
  await onOff('Manual Heating').on!();
  await onOff('Manual Heating').off!();
  await onOff('EV Charging').on!();
  await onOff('EV Charging').toggle!(); // standby now: toggling starts charging
  assert.deepEqual(home.calls, [
    ['manual-heating', 'id-water-heater', true],
    ['manual-heating', 'id-water-heater', false],
    ['ev-charging', 'id-ev-charger', true],
    ['ev-charging', 'id-ev-charger', true],
  ]);
  home.failWith = new HomeError('refused', 'the EcoCute refused');
  await assert.rejects(onOff('Manual Heating').on!(), /refused/);
});

test('a command does not send its own on/off back while it runs (Homebridge sets it; ours would take its lock)', async () => {
  const { home, matter, show, change } = setUp();
  const heater = device('water-heater', HEATER, ['manual-heating']);
  show(heater);
  await settle();
  const before = matter.updates.length;
  home.onWrite = (_, on) => change({ ...heater, readings: { ...heater.readings, heatingMode: { value: on ? 'manual_heating' : 'automatic', at: 1 } } });
  await matter.accessory('Manual Heating').handlers!.onOff!.on!();
  await settle();
  assert.deepEqual(matter.updates.slice(before).filter((u) => u.cluster === 'onOff'), [], 'nothing sent during the command');
  home.onWrite = undefined;
  change({ ...heater, readings: { ...heater.readings, heatingMode: { value: 'manual_heating', at: 2 } } });
  await settle();
  assert.deepEqual(matter.stateOf('Manual Heating').onOff, { onOff: true }, 'sent again once the command is over');
});

test('an offline device goes unreachable with null readings, and reachable again when it answers', async () => {
  const { matter, show, change } = setUp();
  const heater = device('water-heater', HEATER, ['manual-heating']);
  const meter = { ...device('meter', { powerW: 1200, boughtKwh: 100.5 }), source: 'broute' as const };
  show(heater);
  show(meter, 'Grid');
  await settle();
  const before = matter.updates.length;
  change({ ...heater, online: false });
  change({ ...meter, online: false });
  await settle();
  assert.deepEqual(matter.updates.slice(before), [
    { name: 'Manual Heating', cluster: 'bridgedDeviceBasicInformation', attributes: { reachable: false } },
    { name: 'Tank Temperature', cluster: 'bridgedDeviceBasicInformation', attributes: { reachable: false } },
    { name: 'Tank Temperature', cluster: 'temperatureMeasurement', attributes: { measuredValue: null } },
    { name: 'Grid', cluster: 'bridgedDeviceBasicInformation', attributes: { reachable: false } },
    { name: 'Grid', cluster: 'electricalPowerMeasurement', attributes: { activePower: null } },
  ]);
  change(heater);
  await settle();
  assert.deepEqual(matter.stateOf('Manual Heating'), { onOff: { onOff: false }, bridgedDeviceBasicInformation: { reachable: true } });
  assert.equal(matter.stateOf('Tank Temperature').temperatureMeasurement?.measuredValue, 6150);
});

test('grid and solar keep their energy sensors: sign convention, mWh totals at most once a minute', async () => {
  const { matter, show, change } = setUp();
  const solar = device('solar', { powerW: 2500, generatedKwh: 12.25 });
  show(solar, 'Solar');
  await settle();
  assert.equal(matter.accessory('Solar').deviceType, 'ElectricalSensor');
  assert.deepEqual(matter.stateOf('Solar'), {
    electricalPowerMeasurement: { activePower: -2_500_000 },
    electricalEnergyMeasurement: { cumulativeEnergyExported: { energy: 12_250_000 } },
  });
  change({ ...solar, readings: { ...solar.readings, generatedKwh: { value: 12.5, at: 1 } } });
  await settle();
  assert.equal(matter.updates.filter((u) => u.cluster === 'electricalEnergyMeasurement').length, 1, 'no second energy update within a minute');
});

test('cached accessories: those with commands are registered again (real handlers), sensors are kept, stale ones removed', async () => {
  const ids = (key: string) => api.hap.uuid.generate(`id-water-heater/matter/${key}`);
  const cached = (key: string, name: string): MatterAccessoryLike => ({
    UUID: ids(key),
    displayName: name,
    deviceType: 'x',
    serialNumber: 's',
    manufacturer: 'm',
    model: 'm',
    context: { identity: 'id-water-heater', kind: 'water-heater' },
    clusters: {},
  });
  const gone = { ...cached('daytime', 'Old'), UUID: api.hap.uuid.generate('id-gone/matter') };
  const { matter, show, energy } = setUp([cached('manual-heating', 'My 沸き増し'), cached('tank', 'Tank'), gone]);
  show(device('water-heater', HEATER, ['manual-heating']));
  await settle();
  assert.deepEqual(
    matter.registered.map((a) => [a.displayName, typeof a.handlers?.onOff?.on]),
    [['My 沸き増し', 'function']],
    'the renamed switch is registered again with its handlers; the cached sensor is not',
  );
  assert.ok(matter.updates.some((u) => u.name === ids('tank') && u.cluster === 'temperatureMeasurement'), 'the cached sensor is still updated');
  energy.removeUnshown();
  await settle();
  assert.deepEqual(matter.unregistered.map((a) => a.UUID), [gone.UUID]);
});
