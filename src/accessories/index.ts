/** One accessory class per device kind; the platform asks here which one shows a device. */
import type { PlatformAccessory } from 'homebridge';
import type { DeviceKind } from '../home/index.js';
import type { Logger } from '../util/log.js';
import type { AccessoryContext, DeviceAccessory, StoredContext } from './base.js';
import { BatteryAccessory } from './battery.js';
import { EvChargerAccessory } from './ev-charger.js';
import { GridAccessory } from './grid.js';
import { SolarAccessory } from './solar.js';
import { WaterHeaterAccessory } from './water-heater.js';

export type { AccessoryContext, DeviceAccessory, StoredContext } from './base.js';
export { eveCharacteristics } from './eve.js';
export { namesFor } from './names.js';
export { matterOf, MatterEnergy, type MatterAccessoryLike } from './matter.js';

const ACCESSORIES: Readonly<Record<DeviceKind, new (ctx: AccessoryContext, accessory: PlatformAccessory<StoredContext>, log: Logger) => DeviceAccessory>> = {
  meter: GridAccessory,
  solar: SolarAccessory,
  'water-heater': WaterHeaterAccessory,
  'ev-charger': EvChargerAccessory,
  battery: BatteryAccessory,
};

/** The accessory class for the kind in the accessory's context; undefined for a kind this version does not know. */
export function accessoryFor(ctx: AccessoryContext, accessory: PlatformAccessory<StoredContext>, log: Logger): DeviceAccessory | undefined {
  const kind = accessory.context.kind;
  return Object.hasOwn(ACCESSORIES, kind) ? new ACCESSORIES[kind](ctx, accessory, log) : undefined;
}
