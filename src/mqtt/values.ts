/**
 * How each reading of the home model appears on MQTT: its topic name, unit, payload text and Home
 * Assistant classes. One table, read by the mirror (state and per-value topics) and by discovery, so the
 * unit a dashboard shows is always the unit the payload is in.
 */
import type { ReadingValues } from '../home/index.js';

export type ReadingKey = keyof ReadingValues;

export interface ValueSpec {
  /** Topic segment and Home Assistant object id (snake_case, stable: dashboards are built on it). */
  readonly name: string;
  /** Shown in Home Assistant; English, the entity can be renamed there. */
  readonly label: string;
  readonly unit?: string;
  /** Home Assistant component: numbers and words are sensors, flags binary sensors. */
  readonly component: 'sensor' | 'binary_sensor';
  readonly deviceClass?: string;
  readonly stateClass?: 'measurement' | 'total_increasing';
}

/**
 * Cumulative counters are `total_increasing` in kWh: the only combination the Energy dashboard takes for
 * grid import/export and solar production. Stored energy is `energy_storage` (it goes down as well).
 */
export const VALUE_SPECS: Readonly<Record<ReadingKey, ValueSpec>> = {
  powerW: { name: 'power', label: 'Power', unit: 'W', component: 'sensor', deviceClass: 'power', stateClass: 'measurement' },
  boughtKwh: { name: 'bought_energy', label: 'Energy bought', unit: 'kWh', component: 'sensor', deviceClass: 'energy', stateClass: 'total_increasing' },
  soldKwh: { name: 'sold_energy', label: 'Energy sold', unit: 'kWh', component: 'sensor', deviceClass: 'energy', stateClass: 'total_increasing' },
  generatedKwh: { name: 'generated_energy', label: 'Energy generated', unit: 'kWh', component: 'sensor', deviceClass: 'energy', stateClass: 'total_increasing' },
  consumedKwh: { name: 'consumed_energy', label: 'Energy used', unit: 'kWh', component: 'sensor', deviceClass: 'energy', stateClass: 'total_increasing' },
  tankTempC: { name: 'tank_temperature', label: 'Tank temperature', unit: '°C', component: 'sensor', deviceClass: 'temperature', stateClass: 'measurement' },
  remainingHotWaterL: { name: 'remaining_hot_water', label: 'Hot water left', unit: 'L', component: 'sensor', deviceClass: 'volume_storage', stateClass: 'measurement' },
  tankCapacityL: { name: 'tank_capacity', label: 'Tank capacity', unit: 'L', component: 'sensor', deviceClass: 'volume_storage' },
  heatingMode: { name: 'heating_mode', label: 'Heating mode', component: 'sensor' },
  heating: { name: 'heating', label: 'Heating', component: 'binary_sensor', deviceClass: 'heat' },
  daytimeReheating: { name: 'daytime_reheating', label: 'Daytime reheating permitted', component: 'binary_sensor' },
  vehicle: { name: 'vehicle', label: 'Vehicle', component: 'sensor' },
  operationMode: { name: 'operation_mode', label: 'Operation mode', component: 'sensor' },
  socPct: { name: 'state_of_charge', label: 'State of charge', unit: '%', component: 'sensor', deviceClass: 'battery', stateClass: 'measurement' },
  fault: { name: 'fault', label: 'Fault', component: 'binary_sensor', deviceClass: 'problem' },
  faultCode: { name: 'fault_code', label: 'Fault code', component: 'sensor' },
  remainingWh: { name: 'remaining_energy', label: 'Energy stored', unit: 'Wh', component: 'sensor', deviceClass: 'energy_storage', stateClass: 'measurement' },
};

export const READING_KEYS = Object.keys(VALUE_SPECS) as ReadingKey[];

/** Binary sensors speak Home Assistant's default ON/OFF; everything else is its plain text. */
export function valuePayload(value: ReadingValues[ReadingKey]): string {
  return typeof value === 'boolean' ? (value ? 'ON' : 'OFF') : String(value);
}
