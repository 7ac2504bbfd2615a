/**
 * Low-voltage smart electric energy meter 0x0288, read over the Wi-SUN B-route.
 * Energy EPCs scale with the unit E1 and coefficient D3 from the DecodeContext (see energy.ts).
 */
import { concat, u8 } from '../edt.js';
import { readDateTime, writeDateTime } from './calendar.js';
import {
  define,
  encodeInt,
  encodeIntList,
  fail,
  intProperty,
  intRecordProperty,
  isRecord,
  ok,
  okEdt,
  wrongLength,
  PHASE_CURRENT,
  SIGNED_POWER,
} from './codecs.js';
import {
  ENERGY_COUNT,
  cumulativeEnergyProperty,
  decodeEnergyList,
  energyHistoryProperty,
  energyUnitProperty,
  type EnergyUnitSource,
} from './energy.js';
import { deviceClass } from './super-class.js';
import type { ClassDef, EncodeOutcome, PropertyDef, PropertyMeta, PropertyValue } from './types.js';

const SOURCE: EnergyUnitSource = { unitEpc: 0xe1, coefficientEpc: 0xd3 };

/** EA/EB: YYYY MM DD hh mm ss + one counter -> {time: "2026-11-26T10:30:00", value}. */
function fixedTimeProperty(meta: PropertyMeta): PropertyDef {
  return define(
    meta,
    (edt, context) => {
      const bad = wrongLength(edt, 11);
      if (bad) return bad;
      const time = readDateTime(edt, 0, true);
      if (!time) return fail('not a valid date and time');
      const list = decodeEnergyList(SOURCE, context, edt, 7, 1);
      return 'ok' in list ? list : ok({ time, value: list.values[0]! }, list.unit);
    },
    (value): EncodeOutcome => {
      const time = isRecord(value) ? writeDateTime(value.time ?? null, true) : undefined;
      if (!isRecord(value) || !time || !('value' in value)) return fail('expected {time: "YYYY-MM-DDThh:mm:ss", value: count or null}');
      const count = encodeInt(ENERGY_COUNT, value.value!);
      return count.ok ? okEdt(concat(time, count.edt)) : count;
    },
  );
}

/**
 * EC (newer meters): YYYY MM DD hh mm, a slot count (up to 12), then per slot a (normal, reverse) pair of
 * counters stepping back 30 minutes -> {time: "2026-11-26T10:30", values: [{bought, sold}, ...]}.
 * Bytes after the announced slots are ignored: meters are not known to pad, but a padded answer should
 * not lose its data.
 */
const history2 = define(
  { epc: 0xec, name: 'Historical cumulative energy 2', nameJa: '積算電力量計測値履歴2', key: 'energy_history_2', unit: 'kWh' },
  (edt, context) => {
    if (edt.length < 7) return fail(`expected at least 7 data bytes, got ${edt.length}`);
    const time = readDateTime(edt, 0, false);
    if (!time) return fail('not a valid date and time');
    const slots = edt[6]!;
    if (slots > 12) return fail(`${slots} slots announced, at most 12 exist`);
    if (edt.length < 7 + 8 * slots) return fail(`announces ${slots} slots but has room for ${Math.floor((edt.length - 7) / 8)}`);
    const list = decodeEnergyList(SOURCE, context, edt, 7, 2 * slots);
    if ('ok' in list) return list;
    const values = Array.from({ length: slots }, (_, i) => ({ bought: list.values[2 * i]!, sold: list.values[2 * i + 1]! }));
    return ok({ time, values }, list.unit);
  },
  (value): EncodeOutcome => {
    const time = isRecord(value) ? writeDateTime(value.time ?? null, false) : undefined;
    const slots = isRecord(value) ? value.values : undefined;
    const isPair = (s: PropertyValue): s is { bought: PropertyValue; sold: PropertyValue } => isRecord(s) && 'bought' in s && 'sold' in s;
    if (!time || !Array.isArray(slots) || slots.length > 12 || !slots.every(isPair)) {
      return fail('expected {time: "YYYY-MM-DDThh:mm", values: up to 12 {bought, sold}}');
    }
    const pairs = encodeIntList(
      ENERGY_COUNT,
      slots.flatMap((s) => [s.bought, s.sold]),
    );
    return pairs.ok ? okEdt(concat(time, u8(slots.length), pairs.edt)) : pairs;
  },
);

/** ED: the time and slot count EC should start from -> {time: "2026-11-26T10:30", slots}. */
const history2Day = define(
  { epc: 0xed, name: 'Day for historical data 2', nameJa: '積算履歴収集日2', key: 'energy_history_2_day' },
  (edt) => {
    const bad = wrongLength(edt, 7);
    if (bad) return bad;
    const time = readDateTime(edt, 0, false);
    const slots = edt[6]!;
    if (slots < 1 || slots > 12) return fail(`${slots} slots requested, 1..12 exist`);
    return time ? ok({ time, slots }) : fail('not a valid date and time');
  },
  (value) => {
    const time = isRecord(value) ? writeDateTime(value.time ?? null, false) : undefined;
    const slots = isRecord(value) ? value.slots : undefined;
    if (!time || typeof slots !== 'number' || !Number.isInteger(slots) || slots < 1 || slots > 12) {
      return fail('expected {time: "YYYY-MM-DDThh:mm", slots: 1..12}');
    }
    return okEdt(concat(time, u8(slots)));
  },
);

const properties: readonly PropertyDef[] = [
  intProperty({ epc: 0xd3, name: 'Coefficient', nameJa: '係数', key: 'coefficient' }, { size: 4, min: 1, max: 999_999 }),
  intProperty(
    { epc: 0xd7, name: 'Number of effective digits', nameJa: '積算電力量有効桁数', key: 'effective_digits' },
    { size: 1, min: 1, max: 8 },
  ),
  cumulativeEnergyProperty(
    {
      epc: 0xe0,
      name: 'Cumulative energy bought (normal direction)',
      nameJa: '積算電力量計測値（正方向計測値）',
      key: 'cumulative_energy_bought',
      unit: 'kWh',
    },
    SOURCE,
  ),
  energyUnitProperty({ epc: 0xe1, name: 'Unit for cumulative energy', nameJa: '積算電力量単位', key: 'energy_unit', unit: 'kWh' }),
  energyHistoryProperty(
    {
      epc: 0xe2,
      name: 'Historical cumulative energy bought',
      nameJa: '積算電力量計測値履歴1（正方向計測値）',
      key: 'energy_history_bought',
      unit: 'kWh',
    },
    SOURCE,
  ),
  cumulativeEnergyProperty(
    {
      epc: 0xe3,
      name: 'Cumulative energy sold (reverse direction)',
      nameJa: '積算電力量計測値（逆方向計測値）',
      key: 'cumulative_energy_sold',
      unit: 'kWh',
    },
    SOURCE,
  ),
  energyHistoryProperty(
    {
      epc: 0xe4,
      name: 'Historical cumulative energy sold',
      nameJa: '積算電力量計測値履歴1（逆方向計測値）',
      key: 'energy_history_sold',
      unit: 'kWh',
    },
    SOURCE,
  ),
  // 0xFF is the meter's initial "not set" value.
  intProperty({ epc: 0xe5, name: 'Day for historical data', nameJa: '積算履歴収集日1', key: 'energy_history_day' }, { size: 1, noData: 0xff, max: 99 }),
  intProperty({ epc: 0xe7, name: 'Instantaneous electric power', nameJa: '瞬時電力計測値', key: 'instantaneous_power', unit: 'W' }, SIGNED_POWER),
  intRecordProperty(
    { epc: 0xe8, name: 'Instantaneous currents', nameJa: '瞬時電流計測値', key: 'instantaneous_current', unit: 'A' },
    PHASE_CURRENT,
    ['r', 't'],
  ),
  fixedTimeProperty({
    epc: 0xea,
    name: 'Cumulative energy bought at fixed time',
    nameJa: '定時積算電力量計測値（正方向計測値）',
    key: 'fixed_time_energy_bought',
    unit: 'kWh',
  }),
  fixedTimeProperty({
    epc: 0xeb,
    name: 'Cumulative energy sold at fixed time',
    nameJa: '定時積算電力量計測値（逆方向計測値）',
    key: 'fixed_time_energy_sold',
    unit: 'kWh',
  }),
  history2,
  history2Day,
];

export const SMART_METER: ClassDef = deviceClass(0x0288, 'Low-voltage smart electric energy meter', '低圧スマート電力量メータ', properties);
