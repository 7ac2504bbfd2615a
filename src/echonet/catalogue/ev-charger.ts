/**
 * EV charger/discharger 0x027E (V2H) and EV charger 0x02A1. They share most EPCs; 0x02A1 only charges,
 * so it allows fewer DA modes and its C7 has no discharge states (40 there means connected but not
 * chargeable). Check the device's Set map (9E) and release before writing DA.
 */
import { CUMULATIVE_KWH, enumProperty, enumTable, intProperty, NINE_DIGITS, pickEnum, type EnumTable } from './codecs.js';
import { BASE_MODES, chargePower, PERCENT } from './battery.js';
import { GRID_CONNECTION } from './solar.js';
import { deviceClass } from './super-class.js';
import type { ClassDef, PropertyDef } from './types.js';

const CONNECTION = enumTable({
  0x30: 'not_connected',
  0x40: 'connected',
  0x41: 'chargeable',
  0x42: 'dischargeable',
  0x43: 'chargeable_dischargeable',
  // 0x44 comes from later releases: connected, whether it can charge or discharge is not known.
  0x44: 'status_unknown',
  0xff: 'undefined',
});

// 0x46 (charge/discharge), 0x47 (idle) and 0x49 (automatic) are later additions to the V2H modes.
const MODES = enumTable({ ...BASE_MODES, 0x46: 'charge_discharge', 0x47: 'idle', 0x49: 'automatic' });

/** E1 (later releases): what the unit is actually doing, as opposed to the DA setting. */
const ACTUAL_MODES = enumTable({ 0x40: 'other', 0x42: 'charge', 0x43: 'discharge', 0x44: 'standby', 0x47: 'idle', 0x48: 'preparation' });

function evProperties(connection: EnumTable, modes: EnumTable, actualModes: EnumTable): PropertyDef[] {
  return [
    intProperty({ epc: 0xc5, name: 'Rated charging capacity', nameJa: '定格充電能力', key: 'rated_charge_power', unit: 'W' }, NINE_DIGITS),
    enumProperty({ epc: 0xc7, name: 'Vehicle connection and chargeable status', nameJa: '車両接続・充放電可否状態', key: 'vehicle_status' }, connection),
    intProperty({ epc: 0xd0, name: 'Used capacity of vehicle battery', nameJa: '車載電池の使用容量値1', key: 'used_capacity', unit: 'Wh' }, NINE_DIGITS),
    intProperty({ epc: 0xd2, name: 'Rated voltage', nameJa: '定格電圧', key: 'rated_voltage', unit: 'V' }, { size: 2, max: 32766 }),
    chargePower,
    intProperty(
      { epc: 0xd8, name: 'Cumulative charging energy', nameJa: '積算充電電力量計測値', key: 'cumulative_charge', unit: 'kWh' },
      CUMULATIVE_KWH,
    ),
    enumProperty({ epc: 0xda, name: 'Operation mode setting', nameJa: '運転モード設定', key: 'operation_mode' }, modes),
    enumProperty({ epc: 0xe1, name: 'Working operation status', nameJa: '運転動作状態', key: 'working_status' }, actualModes),
    intProperty({ epc: 0xe2, name: 'Remaining battery capacity', nameJa: '車載電池の電池残容量1', key: 'remaining_energy', unit: 'Wh' }, NINE_DIGITS),
    intProperty({ epc: 0xe4, name: 'Remaining battery capacity (%)', nameJa: '車載電池の電池残容量3', key: 'remaining_percent', unit: '%' }, PERCENT),
    intProperty({ epc: 0xeb, name: 'Charging power setting', nameJa: '充電電力設定値', key: 'charge_power_setting', unit: 'W' }, NINE_DIGITS),
  ];
}

export const EV_CHARGER_DISCHARGER: ClassDef = deviceClass(0x027e, 'EV charger/discharger', '電気自動車充放電器', [
  ...evProperties(CONNECTION, MODES, ACTUAL_MODES),
  intProperty(
    { epc: 0xd6, name: 'Cumulative discharging energy', nameJa: '積算放電電力量計測値', key: 'cumulative_discharge', unit: 'kWh' },
    CUMULATIVE_KWH,
  ),
  enumProperty({ epc: 0xdb, name: 'System-interconnected type', nameJa: '系統連系状態', key: 'grid_connection' }, GRID_CONNECTION),
  intProperty({ epc: 0xec, name: 'Discharging power setting', nameJa: '放電電力設定値', key: 'discharge_power_setting', unit: 'W' }, NINE_DIGITS),
]);

export const EV_CHARGER: ClassDef = deviceClass(0x02a1, 'EV charger', '電気自動車充電器', [
  ...evProperties(
    pickEnum(CONNECTION, [0x30, 0x40, 0x41, 0xff]),
    pickEnum(MODES, [0x40, 0x42, 0x44, 0x47]),
    pickEnum(ACTUAL_MODES, [0x40, 0x42, 0x44, 0x47, 0x48]),
  ),
]);
