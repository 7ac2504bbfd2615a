/**
 * What a consumer may ask a device to do, and the one ECHONET property each request writes. A command is
 * offered only when the device's Set map (9E) lists its property: makers differ in what they allow.
 */
import type { PropertyValue } from '../echonet/catalogue/index.js';
import type { DeviceKind } from './kinds.js';

export type Command = 'manual-heating' | 'daytime-reheating' | 'ev-charging' | 'ev-charge-power' | 'battery-mode';

export type BatteryMode = 'charge' | 'rapid_charge' | 'discharge' | 'standby' | 'automatic';
export const BATTERY_MODES: readonly BatteryMode[] = ['charge', 'rapid_charge', 'discharge', 'standby', 'automatic'];

interface CommandDef {
  readonly kind: DeviceKind;
  readonly epc: number;
}

export const COMMANDS: Readonly<Record<Command, CommandDef>> = {
  // B0: 42 manual heating (沸き増し) / 41 automatic
  'manual-heating': { kind: 'water-heater', epc: 0xb0 },
  // C0: daytime reheating permitted / not permitted
  'daytime-reheating': { kind: 'water-heater', epc: 0xc0 },
  // DA: charge / standby (both exist on the V2H class and the charge-only class)
  'ev-charging': { kind: 'ev-charger', epc: 0xda },
  // EB: charging power setting, W (both classes; many plain chargers set it on the unit only)
  'ev-charge-power': { kind: 'ev-charger', epc: 0xeb },
  'battery-mode': { kind: 'battery', epc: 0xda },
};

/** The commands a device of this kind allows, given its Set map (none known: none allowed). */
export function commandsFor(kind: DeviceKind, setMap: readonly number[] | undefined): Set<Command> {
  const allowed = new Set<Command>();
  for (const [command, def] of Object.entries(COMMANDS) as [Command, CommandDef][]) {
    if (def.kind === kind && setMap?.includes(def.epc)) allowed.add(command);
  }
  return allowed;
}

/** The catalogue value each command writes. */
export const commandValue = {
  manualHeating: (on: boolean): PropertyValue => (on ? 'manual_heating' : 'automatic'),
  daytimeReheating: (permitted: boolean): PropertyValue => (permitted ? 'permitted' : 'not_permitted'),
  evCharging: (on: boolean): PropertyValue => (on ? 'charge' : 'standby'),
};
