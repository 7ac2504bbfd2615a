/** Electric water heater (EcoCute) 0x026B. Makers differ in what they let a controller set: check 9E first. */
import { enumProperty, enumTable, intProperty, type IntSpec } from './codecs.js';
import { deviceClass } from './super-class.js';
import type { ClassDef } from './types.js';

const DEG_C: IntSpec = { size: 1, max: 100 };
const LITRES: IntSpec = { size: 2, max: 65533 };
/** An hour of the day for the energy-shift slots; 0x00 means the slot is cleared (null). */
const SHIFT_HOUR: IntSpec = { size: 1, noData: 0x00, min: 9, max: 17 };

export const WATER_HEATER: ClassDef = deviceClass(0x026b, 'Electric water heater', '電気温水器', [
  enumProperty(
    { epc: 0xb0, name: 'Automatic water heating setting', nameJa: '沸き上げ自動設定', key: 'heating_mode' },
    enumTable({ 0x41: 'automatic', 0x42: 'manual_heating', 0x43: 'manual_stop' }),
  ),
  enumProperty(
    { epc: 0xb2, name: 'Water heating status', nameJa: '沸き上げ中状態', key: 'heating_status' },
    enumTable({ 0x41: 'heating', 0x42: 'not_heating' }),
  ),
  intProperty({ epc: 0xb3, name: 'Water heating temperature setting', nameJa: '沸き上げ湯温設定値', key: 'heating_temperature', unit: 'degC' }, DEG_C),
  enumProperty(
    { epc: 0xc0, name: 'Daytime reheating permission', nameJa: '昼間沸き増し許可設定', key: 'daytime_reheating' },
    enumTable({ 0x41: 'permitted', 0x42: 'not_permitted' }),
  ),
  intProperty({ epc: 0xc1, name: 'Measured water temperature', nameJa: '温水器湯温計測値', key: 'water_temperature', unit: 'degC' }, DEG_C),
  enumProperty(
    { epc: 0xc3, name: 'Hot water supply status', nameJa: '給湯中状態', key: 'supply_status' },
    enumTable({ 0x41: 'supplying', 0x42: 'not_supplying' }),
  ),
  // C7..CD: energy shift (Release I and later). C8 is an hour (1 or 20..24), C9 a count (1 or 2).
  enumProperty(
    { epc: 0xc7, name: 'Energy shift participation', nameJa: 'エネルギーシフト参加状態', key: 'energy_shift' },
    enumTable({ 0x00: 'not_participating', 0x01: 'participating' }),
  ),
  intProperty(
    { epc: 0xc8, name: 'Standard time to start heating', nameJa: '沸き上げ開始基準時刻', key: 'heating_start_hour', unit: 'h' },
    { size: 1, min: 1, max: 24 },
  ),
  intProperty({ epc: 0xc9, name: 'Number of energy shifts', nameJa: 'エネルギーシフト回数', key: 'energy_shift_count' }, { size: 1, min: 1, max: 2 }),
  intProperty({ epc: 0xca, name: 'Daytime heating shift time 1', nameJa: '昼間沸き上げシフト時刻１', key: 'shift_time_1', unit: 'h' }, SHIFT_HOUR),
  intProperty({ epc: 0xcd, name: 'Daytime heating shift time 2', nameJa: '昼間沸き上げシフト時刻２', key: 'shift_time_2', unit: 'h' }, SHIFT_HOUR),
  intProperty({ epc: 0xe1, name: 'Measured remaining hot water', nameJa: '残湯量計測値', key: 'remaining_water', unit: 'L' }, LITRES),
  intProperty({ epc: 0xe2, name: 'Tank capacity', nameJa: 'タンク容量値', key: 'tank_capacity', unit: 'L' }, LITRES),
  enumProperty({ epc: 0xe3, name: 'Automatic bath water heating mode', nameJa: '風呂自動モード設定', key: 'bath_auto_mode' },
    enumTable({ 0x41: 'on', 0x42: 'off' }),
  ),
]);
