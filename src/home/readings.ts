/**
 * Typed readings of a device and how ECHONET Lite properties become them. Every reading carries the time
 * it was measured, so a consumer can tell fresh from old; the catalogue does the byte decoding.
 */
import { describeProperty, type DecodeContext, type PropertyValue } from '../echonet/catalogue/index.js';
import type { Property } from '../echonet/frame.js';

type HeatingMode = 'automatic' | 'manual_heating' | 'manual_stop';
export type VehicleStatus =
  | 'not_connected'
  | 'connected'
  | 'chargeable'
  | 'dischargeable'
  | 'chargeable_dischargeable'
  | 'status_unknown'
  | 'undefined';

/** Every value the model keeps, by name. Powers are W; for the grid + is buying, for stores + is charging. */
export interface ReadingValues {
  powerW: number;
  boughtKwh: number;
  soldKwh: number;
  generatedKwh: number;
  /** What a consumer (the EcoCute) has used, from its own counter (super-class 85). */
  consumedKwh: number;
  tankTempC: number;
  remainingHotWaterL: number;
  tankCapacityL: number;
  heatingMode: HeatingMode;
  heating: boolean;
  daytimeReheating: boolean;
  vehicle: VehicleStatus;
  /** DA as the catalogue names it: 'charge', 'standby', 'automatic', ... */
  operationMode: string;
  socPct: number;
  remainingWh: number;
  /** 88: the device reports a fault. */
  fault: boolean;
  /** 89 in hex, where the device tells what the fault is: the code its maker's manual lists. */
  faultCode: string;
}

interface Reading<T> {
  readonly value: T;
  /** Clock time the value was received. */
  readonly at: number;
}

export type Readings = { readonly [K in keyof ReadingValues]?: Reading<ReadingValues[K]> };
export type ReadingUpdate = { -readonly [K in keyof ReadingValues]?: ReadingValues[K] };

interface Mapping {
  readonly epc: number;
  readonly key: keyof ReadingValues;
  /** The catalogue's value -> the reading's; undefined drops it (no data or an unexpected shape). */
  readonly convert?: (value: PropertyValue) => ReadingValues[keyof ReadingValues] | undefined;
  /**
   * Polled only when the device's Get map lists it: a super-class property that many devices of the class
   * have and many do not, so asking blindly would cost every poll a Get_SNA.
   */
  readonly listedOnly?: true;
}

const number = (v: PropertyValue): number | undefined => (typeof v === 'number' ? v : undefined);
const text = (v: PropertyValue): string | undefined => (typeof v === 'string' ? v : undefined);
const is = (yes: string) => (v: PropertyValue): boolean | undefined => (typeof v === 'string' ? v === yes : undefined);

/** Many devices measure their own draw (84, W) and count their energy (85, 0.001 kWh); where listed, they are read. */
const OWN_CONSUMPTION: readonly Mapping[] = [
  { epc: 0x84, key: 'powerW', listedOnly: true },
  { epc: 0x85, key: 'consumedKwh', listedOnly: true },
];

/** Every ECHONET device has a fault status (88); some also say what the fault is (89). */
const FAULT: readonly Mapping[] = [
  { epc: 0x88, key: 'fault', convert: is('fault') },
  { epc: 0x89, key: 'faultCode', convert: text },
];

const EV: readonly Mapping[] = [
  { epc: 0xc7, key: 'vehicle', convert: text },
  { epc: 0xd3, key: 'powerW' },
  { epc: 0xda, key: 'operationMode', convert: text },
  { epc: 0xe2, key: 'remainingWh' },
  { epc: 0xe4, key: 'socPct' },
];

/** Per class: the EPCs polled and what they become. */
const CLASS_MAPPINGS: ReadonlyMap<number, readonly Mapping[]> = new Map([
  [
    0x0288,
    [
      { epc: 0xe7, key: 'powerW' },
      { epc: 0xe0, key: 'boughtKwh' },
      { epc: 0xe3, key: 'soldKwh' },
    ],
  ],
  [
    0x0279,
    [
      { epc: 0xe0, key: 'powerW' },
      { epc: 0xe1, key: 'generatedKwh' },
    ],
  ],
  [
    0x026b,
    [
      { epc: 0xb0, key: 'heatingMode', convert: text },
      { epc: 0xb2, key: 'heating', convert: is('heating') },
      { epc: 0xc0, key: 'daytimeReheating', convert: is('permitted') },
      { epc: 0xc1, key: 'tankTempC' },
      { epc: 0xe1, key: 'remainingHotWaterL' },
      { epc: 0xe2, key: 'tankCapacityL' },
      // the heat pump's draw, where the unit measures it: without it the home's figure includes it unseen
      ...OWN_CONSUMPTION,
    ],
  ],
  [0x027e, EV],
  [0x02a1, EV],
  [
    0x027d,
    [
      { epc: 0xd3, key: 'powerW' },
      { epc: 0xda, key: 'operationMode', convert: text },
      { epc: 0xe2, key: 'remainingWh' },
      { epc: 0xe4, key: 'socPct' },
    ],
  ],
]);

/** ...and the fault properties with every class. */
const MAPPINGS: ReadonlyMap<number, readonly Mapping[]> = new Map([...CLASS_MAPPINGS].map(([classCode, mappings]) => [classCode, [...mappings, ...FAULT]]));

/** The meter's cumulative counters need their unit (E1) and coefficient (D3) to be read as kWh. */
const CONTEXT_EPCS: ReadonlyMap<number, readonly number[]> = new Map([[0x0288, [0xd3, 0xe1]]]);

/**
 * The EPCs to poll for a class: the mapped ones and their context, limited to the device's Get map when
 * it told us one (asking for what it does not have only earns a Get_SNA); the listed-only ones need it.
 */
export function pollEpcs(classCode: number, getMap: readonly number[] | undefined): number[] {
  const mapped = (MAPPINGS.get(classCode) ?? []).filter((m) => !m.listedOnly || getMap?.includes(m.epc));
  const wanted = [...(CONTEXT_EPCS.get(classCode) ?? []), ...mapped.map((m) => m.epc)];
  return getMap ? wanted.filter((epc) => getMap.includes(epc)) : wanted;
}

/** The readings a device of this class can give, from its Get map (all mapped ones when it has none). */
export function offeredReadings(classCode: number, getMap: readonly number[] | undefined): Set<keyof ReadingValues> {
  const epcs = pollEpcs(classCode, getMap);
  return new Set((MAPPINGS.get(classCode) ?? []).filter((m) => epcs.includes(m.epc)).map((m) => m.key));
}

/** The readings in a set of properties (a Get answer or an INF); properties not modelled are ignored. */
export function readingsFrom(classCode: number, properties: readonly Property[], context?: DecodeContext): ReadingUpdate {
  const all: Map<number, Uint8Array> = new Map(context);
  for (const p of properties) if (p.edt.length > 0) all.set(p.epc, p.edt);
  const update: Record<string, unknown> = {};
  for (const mapping of MAPPINGS.get(classCode) ?? []) {
    const edt = properties.find((p) => p.epc === mapping.epc && p.edt.length > 0)?.edt;
    if (!edt) continue;
    const described = describeProperty(classCode, mapping.epc, edt, all);
    if (described.value === undefined || described.value === null) continue;
    const value = (mapping.convert ?? number)(described.value);
    if (value !== undefined) update[mapping.key] = value;
  }
  return update as ReadingUpdate;
}

/** Context properties (E1, D3) found in a set of properties, to keep for decoding later INFs. */
export function contextFrom(classCode: number, properties: readonly Property[]): Map<number, Uint8Array> {
  const wanted = CONTEXT_EPCS.get(classCode) ?? [];
  return new Map(properties.filter((p) => wanted.includes(p.epc) && p.edt.length > 0).map((p) => [p.epc, p.edt]));
}

/** Stamps an update with the time it was received. */
export function stamp(update: ReadingUpdate, at: number): Readings {
  const out: Record<string, Reading<unknown>> = {};
  for (const [key, value] of Object.entries(update)) if (value !== undefined) out[key] = { value, at };
  return out as Readings;
}
