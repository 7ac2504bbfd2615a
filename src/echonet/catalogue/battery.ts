/** Storage battery 0x027D. D3 is positive while charging, negative while discharging. */
import { CUMULATIVE_KWH, enumProperty, enumTable, intProperty, NINE_DIGITS, SIGNED_POWER, type IntSpec } from './codecs.js';
import { GRID_CONNECTION } from './solar.js';
import { deviceClass } from './super-class.js';
import type { ClassDef, PropertyDef } from './types.js';

/** Operation modes 0x40..0x45 mean the same for the battery and the EV charger/discharger (DA). */
export const BASE_MODES: Readonly<Record<number, string>> = {
  0x40: 'other',
  0x41: 'rapid_charge',
  0x42: 'charge',
  0x43: 'discharge',
  0x44: 'standby',
  0x45: 'test',
};

/** DA (setting) and CF (what it is doing) share the codes; 46/48/49 came with later releases. */
const MODES = enumTable({ ...BASE_MODES, 0x46: 'automatic', 0x48: 'restart', 0x49: 'capacity_recalculation' });

/** u8 percent of capacity (E4); also the EV's. */
export const PERCENT: IntSpec = { size: 1, max: 100 };

/** D3: instantaneous charge (+) / discharge (-) power; the EV classes use it too. */
export const chargePower: PropertyDef = intProperty(
  { epc: 0xd3, name: 'Instantaneous charge/discharge power', nameJa: '瞬時充放電電力計測値', key: 'charge_power', unit: 'W' },
  SIGNED_POWER,
);

export const BATTERY: ClassDef = deviceClass(0x027d, 'Storage battery', '蓄電池', [
  intProperty(
    { epc: 0xa8, name: 'Cumulative charging energy (AC)', nameJa: 'AC積算充電電力量計測値', key: 'cumulative_charge', unit: 'kWh' },
    CUMULATIVE_KWH,
  ),
  intProperty(
    { epc: 0xa9, name: 'Cumulative discharging energy (AC)', nameJa: 'AC積算放電電力量計測値', key: 'cumulative_discharge', unit: 'kWh' },
    CUMULATIVE_KWH,
  ),
  enumProperty({ epc: 0xcf, name: 'Working operation status', nameJa: '運転動作状態', key: 'working_status' }, MODES),
  intProperty({ epc: 0xd0, name: 'Rated electric energy', nameJa: '定格電力量', key: 'rated_capacity', unit: 'Wh' }, NINE_DIGITS),
  chargePower,
  enumProperty({ epc: 0xda, name: 'Operation mode setting', nameJa: '運転モード設定', key: 'operation_mode' }, MODES),
  enumProperty({ epc: 0xdb, name: 'System-interconnected type', nameJa: '系統連系状態', key: 'grid_connection' }, GRID_CONNECTION),
  intProperty({ epc: 0xe2, name: 'Remaining stored electricity', nameJa: '蓄電残量1', key: 'remaining_energy', unit: 'Wh' }, NINE_DIGITS),
  intProperty({ epc: 0xe4, name: 'Remaining capacity', nameJa: '蓄電残量3', key: 'remaining_percent', unit: '%' }, PERCENT),
  intProperty({ epc: 0xeb, name: 'Charging power setting', nameJa: '充電電力設定値', key: 'charge_power_setting', unit: 'W' }, NINE_DIGITS),
  intProperty({ epc: 0xec, name: 'Discharging power setting', nameJa: '放電電力設定値', key: 'discharge_power_setting', unit: 'W' }, NINE_DIGITS),
]);
