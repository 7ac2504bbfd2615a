/**
 * What each device kind shows in Matter, as far as Homebridge 2.4's Matter API can register it:
 *   - grid meter, solar inverter: an ElectricalSensor (power + energy), for Apple Home's energy views;
 *   - EcoCute: 沸き増し as an OnOffSwitch, the tank temperature as a TemperatureSensor;
 *   - EV charger: charging as an OnOffOutlet (with the charging power), plugged-in as a ContactSensor.
 * The storage battery has none: Homebridge offers no device type with a state of charge (no PowerSource
 * or battery-storage type), so it stays HAP-only.
 *
 * Controls exist only when the device's Set map allows the command: Matter has no read-only on/off, so a
 * switch that could not act is left out rather than shown lying. Unknown values are null where the
 * Matter attribute is nullable and left out otherwise; an offline device is also marked unreachable (see
 * matter.ts), which is how a Matter controller shows "No Response".
 */
import type { Home, HomeDevice } from '../home/index.js';
import { CHARGING_MODES, isPluggedIn } from './ev-charger.js';
import { whenKnown } from './grid.js';
import type { Names } from './names.js';

/** The Homebridge Matter device types this plugin uses (names in api.matter.deviceTypes). */
export type MatterDeviceTypeName = 'ElectricalSensor' | 'OnOffSwitch' | 'OnOffOutlet' | 'TemperatureSensor' | 'ContactSensor';

export type ClusterStates = Record<string, Record<string, unknown>>;

const POWER = 'electricalPowerMeasurement';
export const ENERGY = 'electricalEnergyMeasurement';
export const ON_OFF = 'onOff';
const TEMPERATURE = 'temperatureMeasurement';
const BOOLEAN_STATE = 'booleanState';

export interface MatterRole {
  /** Part of the accessory's UUID seed; '' for the energy sensor, whose UUID predates the other roles. */
  readonly key: string;
  readonly deviceType: MatterDeviceTypeName;
  readonly model: string;
  readonly name: (deviceName: string, names: Names) => string;
  /** The clusters at registration: the attributes listed select the features Homebridge gives the endpoint. */
  readonly initial: (device: HomeDevice) => ClusterStates;
  /** The attributes to send now; only called while the device is online. */
  readonly state: (device: HomeDevice) => ClusterStates;
  /** What is sent while the device is offline: its nullable readings as null, never the last values. */
  readonly offline: ClusterStates;
  /** What the device's Matter on/off commands do (the home model's verified write). */
  readonly switchTo?: (home: Home, identity: string, on: boolean) => Promise<void>;
}

/** The roles a device shows in Matter, given what it reads and what its Set map allows. */
export function matterRolesFor(device: HomeDevice): MatterRole[] {
  const offers = (key: keyof HomeDevice['readings']): boolean => device.offers.has(key);
  switch (device.kind) {
    case 'meter':
    case 'solar':
      return [energySensor(device.kind)];
    case 'water-heater':
      return [
        ...(offers('heatingMode') && device.commands.has('manual-heating') ? [MANUAL_HEATING] : []),
        ...(offers('tankTempC') ? [TANK] : []),
      ];
    case 'ev-charger':
      return [
        ...(offers('operationMode') && device.commands.has('ev-charging') ? [evCharging(offers('powerW'))] : []),
        ...(offers('vehicle') ? [PLUGGED_IN] : []),
      ];
    case 'battery':
      return [];
  }
}

/** Power in mW, Matter's sign: + into the home (bought, charging the car), - out (sold, generated). */
function activePower(device: HomeDevice): number | null {
  const watts = device.readings.powerW?.value;
  return watts === undefined ? null : Math.round((device.kind === 'solar' ? -watts : watts) * 1000);
}

/** Power with no reading: Apple shows no value rather than a stale one. */
const NO_POWER: ClusterStates = { [POWER]: { activePower: null } };

function energySensor(kind: 'meter' | 'solar'): MatterRole {
  return {
    key: '',
    deviceType: 'ElectricalSensor',
    model: kind === 'meter' ? 'Smart meter (B-route)' : 'Solar inverter',
    name: (deviceName) => deviceName,
    initial: (device) => ({ [POWER]: { activePower: null }, [ENERGY]: energyState(device) ?? emptyEnergy(kind) }),
    state: (device) => {
      const energy = energyState(device);
      return { [POWER]: { activePower: activePower(device) }, ...(energy && { [ENERGY]: energy }) };
    },
    offline: NO_POWER,
  };
}

const onOffState = (on: boolean | undefined): ClusterStates => (on === undefined ? {} : { [ON_OFF]: { onOff: on } });

const MANUAL_HEATING: MatterRole = {
  key: 'manual-heating',
  deviceType: 'OnOffSwitch',
  model: 'EcoCute manual heating',
  name: (_, names) => names.manualHeating,
  initial: () => ({ [ON_OFF]: { onOff: false } }),
  state: (device) => onOffState(whenKnown(device.readings.heatingMode?.value, (m) => m === 'manual_heating')),
  offline: {},
  switchTo: (home, identity, on) => home.setManualHeating(identity, on),
};

/** Matter temperatures are in 0.01 degC; a tank holds 0..100 degC. */
const TANK: MatterRole = {
  key: 'tank',
  deviceType: 'TemperatureSensor',
  model: 'EcoCute tank',
  name: (_, names) => names.tankTemperature,
  initial: () => ({ [TEMPERATURE]: { measuredValue: null, minMeasuredValue: 0, maxMeasuredValue: 10_000 } }),
  state: (device) => ({ [TEMPERATURE]: { measuredValue: whenKnown(device.readings.tankTempC?.value, (c) => Math.round(c * 100)) ?? null } }),
  offline: { [TEMPERATURE]: { measuredValue: null } },
};

/** The outlet also carries the charging power, so Apple Home counts the car in its energy view. */
function evCharging(withPower: boolean): MatterRole {
  return {
    key: 'charging',
    deviceType: 'OnOffOutlet',
    model: 'EV charger',
    name: (_, names) => names.evCharging,
    initial: () => ({ [ON_OFF]: { onOff: false }, ...(withPower && NO_POWER) }),
    state: (device) => ({
      ...onOffState(whenKnown(device.readings.operationMode?.value, (m) => CHARGING_MODES.includes(m))),
      ...(withPower && { [POWER]: { activePower: activePower(device) } }),
    }),
    offline: withPower ? NO_POWER : {},
    switchTo: (home, identity, on) => home.setEvCharging(identity, on),
  };
}

/** BooleanState true is "contact", as a closed door: the car is connected. */
const PLUGGED_IN: MatterRole = {
  key: 'plugged-in',
  deviceType: 'ContactSensor',
  model: 'EV charger connector',
  name: (_, names) => names.pluggedIn,
  initial: () => ({ [BOOLEAN_STATE]: { stateValue: false } }),
  state: (device): ClusterStates => {
    const plugged = whenKnown(device.readings.vehicle?.value, isPluggedIn);
    return plugged === undefined ? {} : { [BOOLEAN_STATE]: { stateValue: plugged } };
  },
  offline: {},
};

/** mWh from kWh, as Matter's EnergyMeasurementStruct wants it. */
const measurement = (kwh: number): { energy: number } => ({ energy: Math.round(kwh * 1_000_000) });

/** The energy attributes of a device's readings, or undefined when it has none yet. */
function energyState(device: HomeDevice): Record<string, unknown> | undefined {
  const r = device.readings;
  if (device.kind === 'solar') return r.generatedKwh && { cumulativeEnergyExported: measurement(r.generatedKwh.value) };
  if (!r.boughtKwh && !r.soldKwh) return undefined;
  return {
    ...(r.boughtKwh ? { cumulativeEnergyImported: measurement(r.boughtKwh.value) } : {}),
    ...(r.soldKwh ? { cumulativeEnergyExported: measurement(r.soldKwh.value) } : {}),
  };
}

/** The attributes the cluster will carry, with no value yet (they select its features in Homebridge). */
function emptyEnergy(kind: 'meter' | 'solar'): Record<string, unknown> {
  return kind === 'solar' ? { cumulativeEnergyExported: null } : { cumulativeEnergyImported: null, cumulativeEnergyExported: null };
}
