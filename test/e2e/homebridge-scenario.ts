/**
 * The end-to-end scenario, run against one Homebridge build (1.x or 2.x):
 *  - pairs with hap-controller (no mDNS) and finds one accessory per simulated device;
 *  - reads every accessory's characteristics and compares them with the simulated home's true values;
 *  - switches 沸き増し and EV charging from HomeKit and checks the emulated devices changed;
 *  - silences the ECHONET devices and sees "No Response" (-70402), then sees them come back;
 *  - restarts Homebridge and sees the cached accessories restored with the same AIDs and UUIDs;
 *  - a real MQTT client on the plugin's embedded broker sees retained state and Home Assistant discovery;
 *  - grid and solar carry Eve's History service, whose status is well formed once samples exist;
 *  - the store directory holds half-hour energy records (the half-hour so far is written on shutdown).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HomebridgeBinary } from '../../src/cli/demo-rig.js';
import type { EvState } from '../../src/sim/ev.js';
import type { MeterReading, SolarState } from '../../src/sim/home.js';
import type { WaterHeaterState } from '../../src/sim/water-heater.js';
import type { BatteryState } from '../../src/sim/battery.js';
import { accessoryName, characteristicId, HAP, serialOf, type HapAccessory } from '../helpers/hap-view.js';
import { NETNS_SKIP_REASON } from '../helpers/netns.js';
import { PTY_SKIP_REASON } from '../helpers/pty.js';
import { homebridgeInNamespace } from '../helpers/homebridge-e2e.js';

/** Sunday 29 Nov 2026, 11:00 JST: the sun is up and the car is at home. */
const START = Date.UTC(2026, 10, 29, 2, 0);
const PIN = '031-45-154';
const HAP_PORT = 51826;
const COMMUNICATION_FAILURE = -70402;
const MATTER_PORT = 5540;
const MQTT_PORT = 1883;
const EVE_HISTORY = 'E863F007-079E-48FF-8F27-9C2605A29F52';
const EVE_HISTORY_STATUS = 'E863F116-079E-48FF-8F27-9C2605A29F52';
/** The History service's other characteristics: entries (read), request and set time (written by the Eve app). */
const EVE_HISTORY_OTHERS = ['E863F117-079E-48FF-8F27-9C2605A29F52', 'E863F11C-079E-48FF-8F27-9C2605A29F52', 'E863F121-079E-48FF-8F27-9C2605A29F52'];
const C = HAP.characteristic;

interface HomeState {
  meter: MeterReading;
  solar: SolarState;
  tank: WaterHeaterState;
  ev: EvState;
  battery: BatteryState;
}

interface ReadAnswer {
  characteristics: { aid: number; iid: number; value?: unknown; status?: number }[];
}

export interface ScenarioOptions {
  /** Names the private plugin build (test-artifacts/plugin-<name>-<pid>). */
  readonly name: string;
  readonly homebridge?: HomebridgeBinary;
  /** Why this run cannot happen here (e.g. no Homebridge 2.x installed). */
  readonly skip?: string;
  /** Turn on the bridge's Matter server and check the Matter electrical sensors (Homebridge 2.2+). */
  readonly matter?: boolean;
}

export function homebridgeScenario(options: ScenarioOptions): void {
  const skip = NETNS_SKIP_REASON ?? PTY_SKIP_REASON ?? options.skip;
  const hb = homebridgeInNamespace(
    options.name,
    {
      hapPort: HAP_PORT,
      pin: PIN,
      startAt: START,
      mqttPort: MQTT_PORT,
      ...(options.matter ? { matterPort: MATTER_PORT } : {}),
      ...(options.homebridge ? { homebridge: options.homebridge } : {}),
    },
    skip,
  );
  let accessories: HapAccessory[] = [];

  const read = async (ids: string[]): Promise<ReadAnswer['characteristics']> => (await hb.rig.call<ReadAnswer>('read', { ids })).characteristics;
  const value = async (service: string, type: string): Promise<unknown> => {
    const [c] = await read([characteristicId(accessories, service, type)]);
    if (c?.status !== undefined && c.status !== 0) throw new Error(`${service} ${type} answered status ${c.status}`);
    return c?.value;
  };
  const write = (service: string, type: string, v: unknown) => hb.rig.call('write', { values: { [characteristicId(accessories, service, type)]: v } });
  const state = () => hb.rig.call<HomeState>('state');

  const eventually = (what: string, check: () => Promise<string | undefined>, timeoutMs = 30_000) => hb.eventually(what, check, timeoutMs);
  const matches = (service: string, type: string, expected: (s: HomeState) => number | boolean, tolerance = 0) =>
    eventually(`${service} ${type}`, async () => {
      const got = await value(service, type);
      const want = expected(await state());
      const ok = typeof want === 'number' ? typeof got === 'number' && Math.abs(got - want) <= tolerance : asBool(got) === want;
      return ok ? undefined : `HomeKit shows ${String(got)}, the simulated home has ${String(want)}`;
    });


  test('pairs without mDNS and shows one accessory per device', { skip, timeout: 90_000 }, async () => {
    await hb.rig.call('pair');
    const expected = ['EV Charger', 'EcoCute', 'Grid', 'Home Battery', 'Solar'];
    await eventually('all accessories', async () => {
      accessories = (await hb.rig.call<{ accessories: HapAccessory[] }>('accessories')).accessories;
      const names = accessories.filter((a) => a.aid !== 1).map(accessoryName).sort();
      return JSON.stringify(names) === JSON.stringify(expected) ? undefined : `accessories are ${JSON.stringify(names)}`;
    }, 60_000);
  });

  test('every characteristic shows what the simulated home has', { skip, timeout: 300_000 }, async () => {
    // grid: the meter counts in 0.1 kWh
    await matches('Buying from Grid', C.eveConsumption, (s) => Math.max(0, s.meter.powerW), 1);
    await matches('Selling to Grid', C.eveConsumption, (s) => Math.max(0, -s.meter.powerW), 1);
    await matches('Buying from Grid', C.on, (s) => s.meter.powerW > 0);
    await matches('Buying from Grid', C.eveTotal, (s) => s.meter.boughtKwh, 0.1);
    await matches('Selling to Grid', C.eveTotal, (s) => s.meter.soldKwh, 0.1);
    await matches('Selling Surplus', C.occupancy, (s) => s.meter.powerW <= -100);
    // solar
    await matches('Solar Generation', C.eveConsumption, (s) => Math.round(s.solar.powerW), 0.5);
    await matches('Solar Generation', C.eveTotal, (s) => s.solar.cumulativeKwh, 0.002);
    await matches('Solar Generating', C.occupancy, (s) => s.solar.powerW >= 10);
    await matches('Solar Power in Lux', C.lux, (s) => Math.max(0.0001, Math.round(s.solar.powerW)), 0.5);
    // EcoCute
    await matches('Tank Temperature', C.temperature, (s) => Math.round(s.tank.tankTempC));
    await matches('Hot Water Remaining', C.batteryLevel, (s) => Math.round((Math.round(s.tank.remainingL) / s.tank.capacityL) * 100));
    await matches('Hot Water Remaining', C.chargingState, (s) => (s.tank.heating ? 1 : 0));
    await matches('Manual Heating', C.on, (s) => s.tank.mode === 'manual_heating');
    await matches('Daytime Reheating Allowed', C.on, (s) => s.tank.daytimeReheatingPermitted);
    // EV charger
    await matches('EV Battery', C.batteryLevel, (s) => Math.round(s.ev.socPct));
    await matches('EV Plugged In', C.contact, (s) => (s.ev.connected ? 0 : 1));
    await matches('EV Charging', C.on, (s) => ['charge', 'rapid_charge'].includes(s.ev.mode));
    await matches('EV Charging', C.eveConsumption, (s) => Math.max(0, Math.round(s.ev.powerW)), 0.5);
    // storage battery
    await matches('Battery Level', C.batteryLevel, (s) => Math.round(s.battery.socPct));
    await matches('Battery Level', C.chargingState, (s) => (s.battery.powerW > 0.5 ? 1 : 0));
    await matches('Charge Battery Now', C.on, (s) => ['charge', 'rapid_charge'].includes(s.battery.mode));
  });

  test('Matter electrical sensors carry the grid and solar power and energy', { skip: skip ?? (options.matter ? undefined : 'Matter needs Homebridge 2.2+'), timeout: 120_000 }, async () => {
    type Probe = Record<string, { power?: { activePower?: number | null }; energy?: Record<string, { energy: number } | null> }>;
    const near = (what: string, got: number | null | undefined, want: number, tolerance: number): string | undefined =>
      typeof got === 'number' && Math.abs(got - want) <= tolerance ? undefined : `${what}: Matter has ${String(got)}, the simulated home ${want}`;
    // mW and mWh; the meter counts energy in 0.1 kWh and totals go to Matter once a minute
    await eventually('Matter state', async () => {
      const [probe, s] = [await hb.rig.call<Probe | undefined>('matter'), await state()];
      if (!probe?.Grid || !probe.Solar) return `the probe has not seen both accessories yet: ${JSON.stringify(probe)}`;
      return (
        near('grid power', probe.Grid.power?.activePower, Math.round(s.meter.powerW) * 1000, 1000) ??
        near('solar power', probe.Solar.power?.activePower, -Math.round(s.solar.powerW) * 1000, 1000) ??
        near('grid bought', probe.Grid.energy?.cumulativeEnergyImported?.energy, s.meter.boughtKwh * 1e6, 2e5) ??
        near('grid sold', probe.Grid.energy?.cumulativeEnergyExported?.energy, s.meter.soldKwh * 1e6, 2e5) ??
        near('solar generated', probe.Solar.energy?.cumulativeEnergyExported?.energy, s.solar.cumulativeKwh * 1e6, 1e5)
      );
    }, 90_000);
  });

  test('an MQTT client on the embedded broker sees retained state and Home Assistant discovery', { skip, timeout: 120_000 }, async () => {
    await eventually('retained MQTT topics', async () => {
      const seen = await hb.rig.call<Record<string, string>>('mqtt', { filters: ['echonet-hems/#', 'homeassistant/#'] });
      if (seen['echonet-hems/status'] !== 'online') return `status is ${String(seen['echonet-hems/status'])}`;
      const states = Object.entries(seen).filter(([t]) => /^echonet-hems\/[^/]+\/state$/.test(t)).map(([, p]) => JSON.parse(p) as { kind: string; online: boolean });
      const kinds = states.map((st) => st.kind).sort();
      if (JSON.stringify(kinds) !== JSON.stringify(['battery', 'ev-charger', 'meter', 'solar', 'water-heater'])) return `device states for ${JSON.stringify(kinds)}`;
      if (!states.every((st) => st.online)) return 'a device state says offline';
      const configs = Object.entries(seen).filter(([t]) => t.startsWith('homeassistant/') && t.endsWith('/config')).map(([, p]) => JSON.parse(p) as Record<string, unknown>);
      const energy = configs.filter((c) => c.device_class === 'energy' && c.state_class === 'total_increasing').length;
      const power = configs.filter((c) => c.device_class === 'power' && c.state_class === 'measurement').length;
      // bought, sold and generated energy at least; power of meter, solar, EV and battery
      return energy >= 3 && power >= 4 ? undefined : `discovery has ${energy} energy and ${power} power sensors among ${configs.length} configs`;
    }, 90_000);
    // the household's load moves between meter polls: the retained power catches up with the next one
    await eventually('retained meter power', async () => {
      const meter = await hb.rig.call<Record<string, string>>('mqtt', { filters: ['echonet-hems/b-route-meter/+'], ms: 500 });
      const [home, watts] = [await state(), Number(meter['echonet-hems/b-route-meter/power'])];
      return Math.abs(watts - home.meter.powerW) <= 100 ? undefined : `MQTT has ${watts} W, the simulated meter ${home.meter.powerW} W`;
    }, 60_000);
  });

  test('grid and solar carry the Eve History service with a well-formed status', { skip, timeout: 120_000 }, async () => {
    for (const name of ['Grid', 'Solar']) {
      const accessory = accessories.find((a) => accessoryName(a) === name);
      const history = accessory?.services.find((sv) => sv.type.toUpperCase() === EVE_HISTORY);
      assert.ok(accessory && history, `${name} has the History service`);
      const types = history.characteristics.map((c) => c.type.toUpperCase());
      for (const type of [EVE_HISTORY_STATUS, ...EVE_HISTORY_OTHERS]) assert.ok(types.includes(type), `${name}'s History has ${type}`);
      const status = history.characteristics.find((c) => c.type.toUpperCase() === EVE_HISTORY_STATUS)!;
      await eventually(`${name} Eve history status`, async () => {
        const [c] = await read([`${accessory.aid}.${status.iid}`]);
        const bytes = Buffer.from(String(c?.value ?? ''), 'base64');
        if (bytes.length !== 37) return `status has ${bytes.length} bytes`;
        if (bytes.subarray(12, 23).toString('hex') !== '050b020c020d0207020e01') return `signature ${bytes.subarray(12, 23).toString('hex')}`;
        const used = bytes.readUInt16LE(23);
        const refTime = bytes.readUInt32LE(8);
        // the reference time is when the history began: after 2020 and not in the future (Eve's epoch is 2001)
        const refUnix = refTime + 978_307_200;
        if (refUnix < Date.UTC(2020, 0, 1) / 1000 || refUnix > Date.now() / 1000 + 60) return `reference time ${new Date(refUnix * 1000).toISOString()}`;
        return used >= 2 ? undefined : `${used} entries (the reference and at least one sample expected)`;
      }, 60_000);
    }
  });

  test('沸き増し and EV charging switched from HomeKit change the emulated devices', { skip, timeout: 120_000 }, async () => {
    for (const on of [true, false]) {
      await write('Manual Heating', C.on, on);
      const tank = (await state()).tank;
      assert.equal(tank.mode, on ? 'manual_heating' : 'automatic', 'the EcoCute took the 沸き増し switch');
      assert.equal(asBool(await value('Manual Heating', C.on)), on, 'HomeKit shows the new 沸き増し state');

      await write('EV Charging', C.on, on);
      const ev = (await state()).ev;
      assert.equal(ev.mode, on ? 'charge' : 'standby', 'the EV charger took the charging switch');
      assert.equal(asBool(await value('EV Charging', C.on)), on, 'HomeKit shows the new charging state');
    }
  });

  test('a device that stops answering shows No Response, and recovers', { skip, timeout: 120_000 }, async () => {
    const id = characteristicId(accessories, 'Solar Generation', C.eveConsumption);
    await hb.rig.call('faults', { faults: { silent: true } });
    await eventually('No Response while silent', async () => {
      const [c] = await read([id]);
      return c?.status === COMMUNICATION_FAILURE ? undefined : `status ${String(c?.status)}, value ${String(c?.value)}`;
    }, 60_000);
    await hb.rig.call('faults', { faults: {} });
    await matches('Solar Generation', C.eveConsumption, (s) => Math.round(s.solar.powerW), 0.5);
  });

  test('after a restart the cached accessories come back with the same identities', { skip, timeout: 120_000 }, async () => {
    const before = accessories.map((a) => ({ aid: a.aid, name: accessoryName(a), serial: serialOf(a) })).sort((a, b) => a.aid - b.aid);
    const cachedBefore = cachedIdentities(hb.storage);
    assert.equal(cachedBefore.length, 5, 'five accessories were cached');

    await hb.rig.call('restart');
    await eventually('accessories after the restart', async () => {
      const now = (await hb.rig.call<{ accessories: HapAccessory[] }>('accessories')).accessories;
      const after = now.map((a) => ({ aid: a.aid, name: accessoryName(a), serial: serialOf(a) })).sort((a, b) => a.aid - b.aid);
      return JSON.stringify(after) === JSON.stringify(before) ? undefined : `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
    }, 60_000);
    await matches('Solar Generation', C.eveConsumption, (s) => Math.round(s.solar.powerW), 0.5);
    const log = await hb.rig.call<string>('log');
    assert.doesNotMatch(log, /added "/, 'no accessory was created anew: all came from the cache');
    assert.deepEqual(cachedIdentities(hb.storage), cachedBefore);
  });
  test('the store directory holds half-hour energy records', { skip, timeout: 60_000 }, async () => {
    // the restart above stopped the first Homebridge, which wrote its half-hour so far
    const slots = energySlots(join(hb.storage, 'echonet-hems'));
    assert.ok(slots.length >= 1, 'at least one half-hour is recorded');
    for (const slot of slots) assert.equal(Number(slot.start) % 1_800_000, 0, 'slots start on the half-hour');
    const kwh = slots.at(-1)!.kwh;
    for (const source of ['bought', 'sold', 'generated']) assert.equal(typeof kwh[source], 'number', `${source} is recorded: ${JSON.stringify(kwh)}`);
    assert.ok(readdirSync(join(hb.storage, 'echonet-hems', 'eve')).length >= 2, 'the Eve histories are saved beside the store');
  });
}

/** HAP sends booleans as true/false or 1/0, depending on the server. */
function asBool(v: unknown): boolean | undefined {
  return v === true || v === 1 ? true : v === false || v === 0 ? false : undefined;
}

/** UUID and device identity of each accessory in Homebridge's cache file. */
function cachedIdentities(storage: string): { uuid: string; identity: string }[] {
  const cached = JSON.parse(readFileSync(join(storage, 'accessories', 'cachedAccessories'), 'utf8')) as { UUID: string; context: { identity: string } }[];
  return cached.map((a) => ({ uuid: a.UUID, identity: a.context.identity })).sort((a, b) => a.uuid.localeCompare(b.uuid));
}

/**
 * The half-hour slots in the store's data files, read without opening the store (Homebridge has it
 * open): each file is node-persist's datum sealed with its checksum (src/store/safe-storage.ts).
 */
function energySlots(storeDir: string): { start: string; kwh: Record<string, number> }[] {
  const slots: { start: string; kwh: Record<string, number> }[] = [];
  for (const file of readdirSync(join(storeDir, 'data'))) {
    if (file.startsWith('.')) continue;
    const outer = JSON.parse(readFileSync(join(storeDir, 'data', file), 'utf8')) as { body: string };
    const datum = JSON.parse(outer.body) as { key: string; value: { slots?: Record<string, Record<string, number>> } };
    if (!datum.key.startsWith('energy/')) continue;
    for (const [start, kwh] of Object.entries(datum.value.slots ?? {})) slots.push({ start, kwh });
  }
  return slots.sort((a, b) => Number(a.start) - Number(b.start));
}
