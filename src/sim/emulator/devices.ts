/**
 * The device objects the emulator serves, each a view of the simulated home: a Get reads the model
 * now, a Set calls the model's setter. Values are in the catalogue's forms (enum names, W, kWh, L).
 */
import type { Clock } from '../../util/clock.js';
import type { PropertyValue } from '../../echonet/catalogue/types.js';
import { makeEoj } from '../../echonet/eoj.js';
import type { SimulatedHome } from '../home.js';
import { jst, jstMidnight, jstText, parseJstText } from '../jst.js';
import {
  EMULATOR_MAKER_CODE,
  constant,
  emulatedObject,
  identificationNumber,
  oneOf,
  stored,
  type EmulatedObject,
  type PropertyTable,
} from './object.js';

export type DeviceKind = 'meter' | 'solar' | 'water-heater' | 'ev-charger' | 'ev-charger-only' | 'battery';

export const DEVICE_CLASSES: Readonly<Record<DeviceKind, number>> = {
  meter: 0x0288,
  solar: 0x0279,
  'water-heater': 0x026b,
  'ev-charger': 0x027e,
  'ev-charger-only': 0x02a1,
  battery: 0x027d,
};

export interface DeviceContext {
  readonly home: SimulatedHome;
  readonly clock: Clock;
  readonly seed: number;
  readonly address: string;
}

const HALF_HOUR_MS = 1_800_000;
/** The meter counts in 0.1 kWh with 6 effective digits (D7): counters wrap at 100,000.0 kWh. */
const METER_UNIT_KWH = 0.1;
const METER_DIGITS = 6;

/** The emulated object of one kind, instance 1 of its class. */
export function deviceObject(kind: DeviceKind, context: DeviceContext): EmulatedObject {
  const eoj = makeEoj(DEVICE_CLASSES[kind], 1);
  const common: PropertyTable = {
    0x80: constant('on', true),
    0x81: stored(kind === 'meter' || kind === 'solar' ? 'undetermined' : { location: 'garden', number: 1 }),
    0x82: constant({ release: 'J', revision: 0 }),
    0x83: constant(identificationNumber(context.seed, context.address, eoj)),
    0x88: constant('no_fault', true),
    0x8a: constant(EMULATOR_MAKER_CODE),
  };
  return emulatedObject(eoj, { ...common, ...KIND_PROPERTIES[kind](context) });
}

const KIND_PROPERTIES: Readonly<Record<DeviceKind, (c: DeviceContext) => PropertyTable>> = {
  meter: meterProperties,
  solar: solarProperties,
  'water-heater': waterHeaterProperties,
  'ev-charger': (c) => evProperties(c, true),
  'ev-charger-only': (c) => evProperties(c, false),
  battery: batteryProperties,
};

function need<T>(value: T | undefined, kind: DeviceKind): T {
  if (value === undefined) throw new Error(`the simulated home has no model for a ${kind}`);
  return value;
}

function meterCount(kwh: number): number {
  return Math.floor(kwh / METER_UNIT_KWH + 1e-9) % 10 ** METER_DIGITS;
}

function meterProperties({ home, clock }: DeviceContext): PropertyTable {
  const count = (kwh: number | undefined): PropertyValue => (kwh === undefined ? null : meterCount(kwh));
  let historyDay = 0;
  // ED: where EC's 30-minute steps start from; until a controller sets it, the last fixed time.
  let history2: { time: number; slots: number } | undefined;
  const lastBoundary = (): number => Math.floor(clock.now() / HALF_HOUR_MS) * HALF_HOUR_MS;
  const history2Start = () => history2 ?? { time: lastBoundary(), slots: 12 };
  const dayValues = (direction: 'boughtKwh' | 'soldKwh'): PropertyValue => {
    const midnight = jstMidnight(jst(clock.now()).day - historyDay);
    const values = Array.from({ length: 48 }, (_, i) => count(home.cumulativeAt(midnight + i * HALF_HOUR_MS)?.[direction]));
    return { day: historyDay, values };
  };
  const fixedTime = (direction: 'boughtKwh' | 'soldKwh'): PropertyValue => {
    const t = lastBoundary();
    return { time: jstText(t), value: count(home.cumulativeAt(t)?.[direction]) };
  };
  return {
    0xd3: constant(1),
    0xd7: constant(METER_DIGITS),
    0xe0: { get: () => meterCount(home.meter().boughtKwh) },
    0xe1: constant(METER_UNIT_KWH),
    0xe2: { get: () => dayValues('boughtKwh') },
    0xe3: { get: () => meterCount(home.meter().soldKwh) },
    0xe4: { get: () => dayValues('soldKwh') },
    0xe5: {
      get: () => historyDay,
      set(v) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 99) return false;
        historyDay = v;
        return true;
      },
    },
    0xe7: { get: () => Math.round(home.meter().powerW) },
    0xe8: {
      get: () => {
        const m = home.meter();
        return { r: m.currentRA, t: m.currentTA };
      },
    },
    // EA/EB are in 9D: a real meter pushes them every 30 minutes, here the change detector does
    0xea: { get: () => fixedTime('boughtKwh'), announce: true },
    0xeb: { get: () => fixedTime('soldKwh'), announce: true },
    0xec: {
      get: () => {
        const from = history2Start();
        const values = Array.from({ length: from.slots }, (_, i) => {
          const c = home.cumulativeAt(from.time - i * HALF_HOUR_MS);
          return { bought: count(c?.boughtKwh), sold: count(c?.soldKwh) };
        });
        return { time: jstText(from.time).slice(0, 16), values };
      },
    },
    0xed: {
      get: () => {
        const from = history2Start();
        return { time: jstText(from.time).slice(0, 16), slots: from.slots };
      },
      // the catalogue's decoder has checked the shape {time, slots 1..12}; the meter wants a half-hour
      set: (v) => {
        const request = v as { time: string; slots: number };
        const time = parseJstText(request.time);
        if (time % HALF_HOUR_MS !== 0) return false;
        history2 = { time, slots: request.slots };
        return true;
      },
    },
  };
}

function solarProperties({ home }: DeviceContext): PropertyTable {
  const solar = need(home.solar(), 'solar');
  return {
    0xd0: constant('reverse_power_flow_acceptable'),
    0xe0: { get: () => Math.round(home.solar()!.powerW) },
    0xe1: { get: () => Math.round(home.solar()!.cumulativeKwh * 1000) / 1000 },
    0xe8: constant(Math.round(solar.kWp * 1000)),
  };
}

function waterHeaterProperties({ home }: DeviceContext): PropertyTable {
  const tank = () => need(home.tank(), 'water-heater');
  tank();
  return {
    0xb0: {
      get: () => tank().mode,
      set: oneOf(['automatic', 'manual_heating', 'manual_stop'], (mode) => home.setWaterHeaterMode(mode)),
      announce: true,
    },
    0xb2: { get: () => (tank().heating ? 'heating' : 'not_heating'), announce: true },
    0xb3: { get: () => tank().targetTempC },
    0xc0: {
      get: () => (tank().daytimeReheatingPermitted ? 'permitted' : 'not_permitted'),
      set: oneOf(['permitted', 'not_permitted'], (v) => home.setDaytimeReheating(v === 'permitted')),
      announce: true,
    },
    0xc1: { get: () => Math.round(tank().tankTempC) },
    0xc3: { get: () => (tank().supplying ? 'supplying' : 'not_supplying') },
    0xe1: { get: () => Math.round(tank().remainingL) },
    0xe2: { get: () => tank().capacityL },
    // the super-class draw many EcoCutes measure: the heat pump's input, the same watts the meter sees
    0x84: { get: () => Math.round(home.flows().waterHeaterW) },
  };
}

/** 0x027E (V2H, `discharges`) or 0x02A1 (charger only): the same car, different codes and modes. */
function evProperties({ home }: DeviceContext, discharges: boolean): PropertyTable {
  const ev = () => need(home.ev(), discharges ? 'ev-charger' : 'ev-charger-only');
  if (ev().canDischarge !== discharges) {
    throw new Error(discharges ? 'ev-charger needs an EV model that can discharge' : 'ev-charger-only needs an EV model without discharge');
  }
  const modes = discharges ? (['rapid_charge', 'charge', 'discharge', 'standby', 'idle'] as const) : (['charge', 'standby', 'idle'] as const);
  const vehicleStatus = (): string => {
    const s = ev();
    if (!s.connected) return 'not_connected';
    if (!discharges) return s.full ? 'connected' : 'chargeable';
    if (s.full) return 'dischargeable';
    return s.aboveReserve ? 'chargeable_dischargeable' : 'chargeable';
  };
  return {
    0xc5: { get: () => ev().maxChargeW },
    0xc7: { get: vehicleStatus, announce: true },
    0xd3: { get: () => Math.round(ev().powerW) },
    0xda: { get: () => ev().mode, set: oneOf(modes, (mode) => home.setEvMode(mode)), announce: true },
    0xe1: { get: () => workingStatus(ev().powerW) },
    0xe2: { get: () => Math.round(ev().remainingWh) },
    0xe4: { get: () => Math.round(ev().socPct) },
    // EB is in the Set map only where the unit lets a controller set its power
    0xeb: ev().chargePowerSettable
      ? { get: () => ev().chargePowerW, set: (v) => typeof v === 'number' && home.setEvChargePowerW(v) }
      : { get: () => ev().chargePowerW },
  };
}

function batteryProperties({ home }: DeviceContext): PropertyTable {
  const battery = () => need(home.battery(), 'battery');
  battery();
  const modes = ['rapid_charge', 'charge', 'discharge', 'standby', 'automatic'] as const;
  return {
    0xa8: { get: () => Math.round(battery().chargedKwh * 1000) / 1000 },
    0xa9: { get: () => Math.round(battery().dischargedKwh * 1000) / 1000 },
    0xcf: { get: () => workingStatus(battery().powerW), announce: true },
    0xd0: { get: () => Math.round(battery().capacityWh) },
    0xd3: { get: () => Math.round(battery().powerW) },
    0xda: { get: () => battery().mode, set: oneOf(modes, (mode) => home.setBatteryMode(mode)), announce: true },
    0xe2: { get: () => Math.round(battery().remainingWh) },
    0xe4: { get: () => Math.round(battery().socPct) },
  };
}

/** What a store is actually doing, from the sign of its power (CF of the battery, E1 of the EV). */
function workingStatus(powerW: number): string {
  return powerW > 0.5 ? 'charge' : powerW < -0.5 ? 'discharge' : 'standby';
}
