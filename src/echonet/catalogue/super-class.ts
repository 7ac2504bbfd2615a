/**
 * Device object super class: the EPCs every device class (class groups 0x00..0x06) shares.
 * Identification (83, 8A, 8C, 8D, 8E) and the property maps are shared with the node profile too.
 */
import { u8 } from '../edt.js';
import { clockProperty, dateProperty } from './calendar.js';
import {
  asciiProperty,
  CUMULATIVE_KWH,
  define,
  enumCode,
  enumName,
  enumProperty,
  enumTable,
  fail,
  hexProperty,
  intProperty,
  isRecord,
  ok,
  okEdt,
  propertyMapProperty,
  wrongLength,
} from './codecs.js';
import type { ClassDef, PropertyDef, PropertyValue } from './types.js';

const operationStatus = enumProperty(
  { epc: 0x80, name: 'Operation status', nameJa: '動作状態', key: 'operation_status' },
  enumTable({ 0x30: 'on', 0x31: 'off' }),
);

/**
 * 81: bit 7 = 0: bits 6..3 a room code, bits 2..0 a free number -> {location, number}; 0x00 and 0xFF are
 * "not_set" and "undetermined". Other one-byte values (bit 7 set) decode to "unknown_0x..". The 17-byte
 * position-information form of newer releases is not decoded.
 */
const LOCATIONS = enumTable({
  1: 'living_room',
  2: 'dining_room',
  3: 'kitchen',
  4: 'bathroom',
  5: 'lavatory',
  6: 'washroom',
  7: 'passageway',
  8: 'room',
  9: 'stairway',
  10: 'front_door',
  11: 'storeroom',
  12: 'garden',
  13: 'garage',
  14: 'veranda',
  15: 'other',
});
const SPECIAL_LOCATIONS = enumTable({ 0x00: 'not_set', 0xff: 'undetermined' });

function decodeLocation(byte: number): PropertyValue {
  const room = (byte >> 3) & 0x0f;
  if (byte & 0x80 || room === 0) return enumName(SPECIAL_LOCATIONS, byte);
  return { location: enumName(LOCATIONS, room), number: byte & 0x07 };
}

function encodeLocation(value: PropertyValue): number | undefined {
  if (!isRecord(value)) {
    const code = enumCode(SPECIAL_LOCATIONS, value);
    // unknown_0x.. is only a valid spelling for bytes that do not hold a room code.
    return code !== undefined && (code & 0x80 || (code >> 3) === 0) ? code : undefined;
  }
  const room = enumCode(LOCATIONS, value.location ?? null);
  const n = value.number;
  const valid = room !== undefined && room >= 1 && room <= 15 && typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 7;
  return valid ? (room << 3) | n : undefined;
}

const installationLocation = define(
  { epc: 0x81, name: 'Installation location', nameJa: '設置場所', key: 'installation_location' },
  (edt) => wrongLength(edt, 1) ?? ok(decodeLocation(edt[0]!)),
  (value) => {
    const byte = encodeLocation(value);
    return byte === undefined ? fail('expected {location, number 0..7}, "not_set" or "undetermined"') : okEdt(u8(byte));
  },
);

/** 82: 00 00, the Appendix release letter, its revision -> {release: "J", revision: 0}. */
const standardVersion = define(
  { epc: 0x82, name: 'Standard version information', nameJa: '規格Version情報', key: 'standard_version' },
  (edt) => {
    const bad = wrongLength(edt, 4);
    if (bad) return bad;
    const letter = edt[2]!;
    return letter >= 0x41 && letter <= 0x5a
      ? ok({ release: String.fromCharCode(letter), revision: edt[3]! })
      : fail(`release byte 0x${letter.toString(16)} is not a letter A..Z`);
  },
  (value) => {
    if (!isRecord(value) || typeof value.release !== 'string' || !/^[A-Z]$/.test(value.release)) {
      return fail('expected {release: "A".."Z", revision}');
    }
    const rev = value.revision;
    if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 0 || rev > 0xff) return fail('revision must be 0..255');
    return okEdt(Uint8Array.of(0, 0, value.release.charCodeAt(0), rev));
  },
);

/** 83: 0xFE + 3-byte maker code + 13-byte unique id (17 bytes); other lower-layer forms are shorter. */
export const identificationNumber = hexProperty(
  { epc: 0x83, name: 'Identification number', nameJa: '識別番号', key: 'identification_number' },
  1,
  17,
);

export const faultStatus = enumProperty(
  { epc: 0x88, name: 'Fault status', nameJa: '異常発生状態', key: 'fault_status' },
  enumTable({ 0x41: 'fault', 0x42: 'no_fault' }),
);

/**
 * 89: what the fault is. The spec's form is two bytes (a category and a detail, or a maker's own code),
 * but makers differ, so it is kept as the bytes in hex: the code a service engineer asks for.
 */
const faultDescription = hexProperty({ epc: 0x89, name: 'Fault description', nameJa: '異常内容', key: 'fault_description' }, 1, 2);

export const manufacturerCode = hexProperty(
  { epc: 0x8a, name: 'Manufacturer code', nameJa: 'メーカコード', key: 'manufacturer_code' },
  3,
  3,
);

export const productCode = asciiProperty({ epc: 0x8c, name: 'Product code', nameJa: '商品コード', key: 'product_code' }, 12);

export const productionNumber = asciiProperty(
  { epc: 0x8d, name: 'Production number', nameJa: '製造番号', key: 'production_number' },
  12,
);

export const productionDate = dateProperty({ epc: 0x8e, name: 'Production date', nameJa: '製造年月日', key: 'production_date' });

export const propertyMaps: readonly PropertyDef[] = [
  propertyMapProperty({
    epc: 0x9d,
    name: 'Status change announcement property map',
    nameJa: '状変アナウンスプロパティマップ',
    key: 'announcement_property_map',
  }),
  propertyMapProperty({ epc: 0x9e, name: 'Set property map', nameJa: 'Setプロパティマップ', key: 'set_property_map' }),
  propertyMapProperty({ epc: 0x9f, name: 'Get property map', nameJa: 'Getプロパティマップ', key: 'get_property_map' }),
];

const superClassProperties: readonly PropertyDef[] = [
  operationStatus,
  installationLocation,
  standardVersion,
  identificationNumber,
  intProperty(
    { epc: 0x84, name: 'Measured instantaneous power consumption', nameJa: '瞬時消費電力計測値', key: 'power_consumption', unit: 'W' },
    { size: 2, max: 65533 },
  ),
  intProperty(
    {
      epc: 0x85,
      name: 'Measured cumulative power consumption',
      nameJa: '積算消費電力量計測値',
      key: 'cumulative_power_consumption',
      unit: 'kWh',
    },
    CUMULATIVE_KWH,
  ),
  faultStatus,
  faultDescription,
  manufacturerCode,
  productCode,
  productionNumber,
  productionDate,
  clockProperty({ epc: 0x97, name: 'Current time setting', nameJa: '現在時刻設定', key: 'current_time' }),
  dateProperty({ epc: 0x98, name: 'Current date setting', nameJa: '現在年月日設定', key: 'current_date' }),
  ...propertyMaps,
];

export function byEpc(defs: readonly PropertyDef[]): Map<number, PropertyDef> {
  return new Map(defs.map((d) => [d.epc, d]));
}

export const SUPER_CLASS_PROPERTIES: ReadonlyMap<number, PropertyDef> = byEpc(superClassProperties);

/** A device class: its own definitions over the super class's (a class may redefine a super-class EPC). */
export function deviceClass(classCode: number, name: string, nameJa: string, defs: readonly PropertyDef[]): ClassDef {
  return { classCode, name, nameJa, properties: new Map([...SUPER_CLASS_PROPERTIES, ...byEpc(defs)]) };
}
