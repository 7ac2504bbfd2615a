/** Household solar power generation 0x0279. Several power conditioners are separate instances. */
import { CUMULATIVE_KWH, enumProperty, enumTable, intProperty } from './codecs.js';
import { deviceClass } from './super-class.js';
import type { ClassDef } from './types.js';

/** System-interconnected type; the storage battery and EV charger/discharger report the same codes (DB). */
export const GRID_CONNECTION = enumTable({
  0x00: 'reverse_power_flow_acceptable',
  0x01: 'independent',
  0x02: 'reverse_power_flow_not_acceptable',
});

export const SOLAR: ClassDef = deviceClass(0x0279, 'Household solar power generation', '住宅用太陽光発電', [
  enumProperty({ epc: 0xd0, name: 'System-interconnected type', nameJa: '系統連系状態', key: 'grid_connection' }, GRID_CONNECTION),
  // D1 appeared in later releases (not in Release I); codes as understood from Release L, to be checked
  // against a device before anything acts on the difference between the restraint reasons.
  enumProperty(
    { epc: 0xd1, name: 'Output power restraint status', nameJa: '出力抑制状態', key: 'output_restraint' },
    enumTable({
      0x41: 'restrained_by_output_control',
      0x42: 'restrained_other',
      0x43: 'restrained_reason_unknown',
      0x44: 'not_restrained',
      0xff: 'unknown',
    }),
  ),
  intProperty(
    { epc: 0xe0, name: 'Instantaneous generation', nameJa: '瞬時発電電力計測値', key: 'instantaneous_generation', unit: 'W' },
    { size: 2, max: 65533 },
  ),
  intProperty(
    { epc: 0xe1, name: 'Cumulative generation', nameJa: '積算発電電力量計測値', key: 'cumulative_generation', unit: 'kWh' },
    CUMULATIVE_KWH,
  ),
  intProperty(
    { epc: 0xe3, name: 'Cumulative energy sold', nameJa: '積算売電電力量計測値', key: 'cumulative_energy_sold', unit: 'kWh' },
    CUMULATIVE_KWH,
  ),
  intProperty(
    { epc: 0xe8, name: 'Rated generation (interconnected)', nameJa: '定格発電電力値（系統連系時）', key: 'rated_generation', unit: 'W' },
    { size: 2, max: 65533 },
  ),
]);
