/**
 * Power distribution board metering 0x0287. Whole-house counters in C0/C1 scale with the unit in C2
 * (no coefficient); per-circuit data comes as lists from a start channel (B3, B7), whose range a
 * controller chooses with B2/B6. AiSEG2-style solar measurement reads one channel here.
 */
import { concat, u8 } from '../edt.js';
import {
  decodeIntList,
  define,
  encodeIntList,
  fail,
  intProperty,
  intRecordProperty,
  isRecord,
  ok,
  okEdt,
  PHASE_CURRENT,
  SIGNED_POWER,
  type IntSpec,
} from './codecs.js';
import {
  cumulativeEnergyProperty,
  decodeEnergyList,
  ENERGY_COUNT,
  energyHistoryProperty,
  energyUnitProperty,
  type EnergyUnitSource,
} from './energy.js';
import { deviceClass } from './super-class.js';
import type { ClassDef, DecodeOutcome, PropertyDef, PropertyMeta } from './types.js';

const SOURCE: EnergyUnitSource = { unitEpc: 0xc2 };
/** Channel numbers 1..252; 0xFD = not set (null). */
const CHANNEL: IntSpec = { size: 1, noData: 0xfd, min: 1, max: 252 };

/**
 * B3/B7: start channel, channel count, then one value per channel -> {start, values}. Energy lists
 * (with `source`) scale like C0; power lists are plain s32 W.
 */
function channelListProperty(meta: PropertyMeta, spec: IntSpec, source?: EnergyUnitSource): PropertyDef {
  return define(
    meta,
    (edt, context): DecodeOutcome => {
      if (edt.length < 2) return fail(`expected at least 2 data bytes, got ${edt.length}`);
      const count = edt[1]!;
      if (edt.length !== 2 + count * spec.size) return fail(`announces ${count} channels but has ${edt.length - 2} data bytes`);
      if (source) {
        const list = decodeEnergyList(source, context, edt, 2, count);
        return 'ok' in list ? list : ok({ start: edt[0]!, values: list.values }, list.unit);
      }
      const list = decodeIntList(spec, edt, 2, count);
      return list.ok ? ok({ start: edt[0]!, values: list.value }) : list;
    },
    (value) => {
      const { start, values } = isRecord(value) ? value : {};
      if (typeof start !== 'number' || !Number.isInteger(start) || start < 0 || start > 0xff || !Array.isArray(values) || values.length > 0xff) {
        return fail('expected {start, values}');
      }
      const body = encodeIntList(spec, values);
      return body.ok ? okEdt(concat(u8(start), u8(values.length), body.edt)) : body;
    },
  );
}

export const DISTRIBUTION_BOARD: ClassDef = deviceClass(0x0287, 'Power distribution board metering', '分電盤メータリング', [
  intProperty({ epc: 0xb1, name: 'Number of measurement channels', nameJa: '計測チャンネル数（片方向）', key: 'channel_count' }, CHANNEL),
  intRecordProperty(
    { epc: 0xb2, name: 'Channel range for cumulative energy', nameJa: '積算電力量計測チャンネル範囲指定（片方向）', key: 'energy_channel_range' },
    CHANNEL,
    ['start', 'count'],
  ),
  channelListProperty(
    { epc: 0xb3, name: 'Cumulative energy list', nameJa: '積算電力量計測値リスト（片方向）', key: 'channel_energy', unit: 'kWh' },
    ENERGY_COUNT,
    SOURCE,
  ),
  intRecordProperty(
    { epc: 0xb6, name: 'Channel range for instantaneous power', nameJa: '瞬時電力計測チャンネル範囲指定（片方向）', key: 'power_channel_range' },
    CHANNEL,
    ['start', 'count'],
  ),
  channelListProperty(
    { epc: 0xb7, name: 'Instantaneous power list', nameJa: '瞬時電力計測値リスト（片方向）', key: 'channel_power', unit: 'W' },
    SIGNED_POWER,
  ),
  cumulativeEnergyProperty(
    { epc: 0xc0, name: 'Cumulative energy bought', nameJa: '積算電力量計測値（正方向）', key: 'cumulative_energy_bought', unit: 'kWh' },
    SOURCE,
  ),
  cumulativeEnergyProperty(
    { epc: 0xc1, name: 'Cumulative energy sold', nameJa: '積算電力量計測値（逆方向）', key: 'cumulative_energy_sold', unit: 'kWh' },
    SOURCE,
  ),
  energyUnitProperty({ epc: 0xc2, name: 'Unit for cumulative energy', nameJa: '積算電力量単位', key: 'energy_unit', unit: 'kWh' }),
  energyHistoryProperty(
    { epc: 0xc3, name: 'Historical cumulative energy bought', nameJa: '積算電力量計測値履歴（正方向）', key: 'energy_history_bought', unit: 'kWh' },
    SOURCE,
  ),
  energyHistoryProperty(
    { epc: 0xc4, name: 'Historical cumulative energy sold', nameJa: '積算電力量計測値履歴（逆方向）', key: 'energy_history_sold', unit: 'kWh' },
    SOURCE,
  ),
  intProperty({ epc: 0xc5, name: 'Day for historical data', nameJa: '積算履歴収集日', key: 'energy_history_day' }, { size: 1, noData: 0xff, max: 99 }),
  intProperty({ epc: 0xc6, name: 'Instantaneous electric power', nameJa: '瞬時電力計測値', key: 'instantaneous_power', unit: 'W' }, SIGNED_POWER),
  intRecordProperty(
    { epc: 0xc7, name: 'Instantaneous currents', nameJa: '瞬時電流計測値', key: 'instantaneous_current', unit: 'A' },
    PHASE_CURRENT,
    ['r', 't'],
  ),
  intRecordProperty(
    { epc: 0xc8, name: 'Instantaneous voltages', nameJa: '瞬時電圧計測値', key: 'instantaneous_voltage', unit: 'V' },
    { size: 2, exponent: -1, noData: 0xfffe, reserved: { 0xffff: 'overflow' } },
    ['r_s', 's_t'],
  ),
]);
