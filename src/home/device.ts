/** One device of the home as every consumer sees it: an immutable snapshot, replaced on each change. */
import type { Eoj } from '../echonet/frame.js';
import type { Command } from './commands.js';
import type { DeviceKind } from './kinds.js';
import type { ReadingValues, Readings } from './readings.js';

export interface HomeDevice {
  /** Stable across restarts and address changes; accessories derive their UUIDs from it. */
  readonly identity: string;
  readonly kind: DeviceKind;
  /** Where the device is read: the LAN (ECHONET Lite) or the B-route meter behind the Wi-SUN dongle. */
  readonly source: 'echonet' | 'broute';
  /** For ECHONET devices: where they answer now. */
  readonly address?: string;
  readonly eoj?: Eoj;
  readonly classCode?: number;
  readonly maker?: number;
  /** False when it stopped answering: consumers must show "no response", not the last values. */
  readonly online: boolean;
  readonly readings: Readings;
  /** The readings this device can give (from its Get map): consumers show only these. */
  readonly offers: ReadonlySet<keyof ReadingValues>;
  /** The commands this device's Set map allows. */
  readonly commands: ReadonlySet<Command>;
}
