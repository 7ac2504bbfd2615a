/**
 * The property catalogue: class and EPC -> name, unit and EDT codec. Lookups fall back to the device
 * super class for every device class group (0x00..0x06), also for classes not catalogued here, so an
 * air conditioner's 80 still reads as "on"; profile and user-defined groups get nothing but their own.
 */
import { toHex } from '../../util/hex.js';
import { BATTERY } from './battery.js';
import { fail, hex2 } from './codecs.js';
import { DISTRIBUTION_BOARD } from './distribution-board.js';
import { EV_CHARGER, EV_CHARGER_DISCHARGER } from './ev-charger.js';
import { NODE_PROFILE } from './node-profile.js';
import { SMART_METER } from './smart-meter.js';
import { SOLAR } from './solar.js';
import { SUPER_CLASS_PROPERTIES } from './super-class.js';
import type { ClassDef, DecodeContext, EncodeOutcome, PropertyDef, PropertyValue } from './types.js';
import { WATER_HEATER } from './water-heater.js';

export type { ClassDef, DecodeContext, EncodeOutcome, PropertyDef, PropertyValue } from './types.js';

const CLASSES: ReadonlyMap<number, ClassDef> = new Map(
  [NODE_PROFILE, SMART_METER, SOLAR, WATER_HEATER, EV_CHARGER_DISCHARGER, EV_CHARGER, BATTERY, DISTRIBUTION_BOARD].map((c) => [
    c.classCode,
    c,
  ]),
);

const isDeviceClass = (classCode: number) => classCode >> 8 <= 0x06;

export function lookupClass(classCode: number): ClassDef | undefined {
  return CLASSES.get(classCode);
}

export function lookupProperty(classCode: number, epc: number): PropertyDef | undefined {
  const known = CLASSES.get(classCode);
  if (known) return known.properties.get(epc);
  return Number.isInteger(classCode) && classCode >= 0 && isDeviceClass(classCode) ? SUPER_CLASS_PROPERTIES.get(epc) : undefined;
}

export interface DescribedProperty {
  /** Two lowercase hex digits. */
  epc: string;
  pdc: number;
  /** Lowercase hex. */
  edt: string;
  name?: string;
  key?: string;
  value?: PropertyValue;
  unit?: string;
  /** Why the EDT could not be decoded; `value` is then absent. */
  error?: string;
}

/** Everything known about one EPC/EDT pair, for logs, the CLI and MQTT. Never throws. */
export function describeProperty(classCode: number, epc: number, edt: Uint8Array, context?: DecodeContext): DescribedProperty {
  const described: DescribedProperty = { epc: hex2(epc), pdc: edt.length, edt: toHex(edt) };
  const def = lookupProperty(classCode, epc);
  if (!def) return described;
  described.name = def.name;
  described.key = def.key;
  const outcome = def.decode(edt, context);
  if (!outcome.ok) {
    described.error = outcome.reason;
    return described;
  }
  described.value = outcome.value;
  const unit = outcome.unit ?? def.unit;
  if (unit !== undefined) described.unit = unit;
  return described;
}

export function encodeProperty(classCode: number, epc: number, value: PropertyValue): EncodeOutcome {
  const def = lookupProperty(classCode, epc);
  if (!def) return fail(`EPC 0x${hex2(epc)} is not catalogued for class 0x${classCode.toString(16).padStart(4, '0')}`);
  if (!def.encode) return fail(`${def.name} (0x${hex2(epc)}) cannot be encoded`);
  return def.encode(value);
}
