/**
 * Grid and solar as Matter electrical sensors on Homebridge 2.2+ when the bridge has Matter enabled, so
 * Apple Home's energy views show them natively. Homebridge 1.x has no `api.matter` and this does nothing.
 *
 * Power goes out on every change (ElectricalPowerMeasurement.activePower, mW, + imported / - exported);
 * energy totals at most once a minute (ElectricalEnergyMeasurement, mWh), as controllers expect. A device
 * that stops answering reports activePower null, which Apple shows as no reading rather than a stale one.
 *
 * The plugin compiles against Homebridge 1.x types, which do not know Matter: the few calls used are
 * described structurally here.
 */
import type { API } from 'homebridge';
import type { HomeDevice } from '../home/index.js';
import { PLATFORM_NAME, PLUGIN_NAME } from '../settings.js';
import { errorMessage, guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import type { AccessoryContext, StoredContext } from './base.js';

export interface MatterAccessoryLike {
  UUID: string;
  displayName: string;
  deviceType: unknown;
  serialNumber: string;
  manufacturer: string;
  model: string;
  context: StoredContext;
  clusters?: Record<string, Record<string, unknown>>;
}

interface MatterLike {
  readonly deviceTypes: { readonly ElectricalSensor: unknown };
  registerPlatformAccessories(plugin: string, platform: string, accessories: MatterAccessoryLike[]): Promise<void>;
  unregisterPlatformAccessories(plugin: string, platform: string, accessories: MatterAccessoryLike[]): Promise<void>;
  updateAccessoryState(uuid: string, cluster: string, attributes: Record<string, unknown>): Promise<void>;
}

/** `api.matter` where Homebridge offers it and the bridge has Matter on. */
export function matterOf(api: API): MatterLike | undefined {
  return (api as unknown as { matter?: MatterLike }).matter;
}

/** Energy totals change slowly and each update is an event to every controller: once a minute is plenty. */
const ENERGY_EVERY_MS = 60_000;
const POWER = 'electricalPowerMeasurement';
const ENERGY = 'electricalEnergyMeasurement';

interface Shown {
  readonly accessory: MatterAccessoryLike;
  /** Resolves true once Homebridge has the accessory (false if it refused it: no updates then). */
  readonly registered: Promise<boolean>;
  energySentAt: number;
}

export class MatterEnergy {
  private readonly cached = new Map<string, MatterAccessoryLike>();
  private readonly shown = new Map<string, Shown>();

  constructor(
    private readonly matter: MatterLike,
    private readonly ctx: AccessoryContext,
    private readonly log: Logger,
  ) {}

  /** A Matter accessory Homebridge restored from its cache. */
  remember(accessory: MatterAccessoryLike): void {
    this.cached.set(accessory.UUID, accessory);
  }

  /** Registers (or takes over from the cache) the Matter accessory of a grid meter or solar inverter. */
  show(device: HomeDevice, name: string): void {
    if ((device.kind !== 'meter' && device.kind !== 'solar') || this.shown.has(device.identity)) return;
    const uuid = this.ctx.api.hap.uuid.generate(`${device.identity}/matter`);
    const cached = this.cached.get(uuid);
    const accessory: MatterAccessoryLike = cached ?? {
      UUID: uuid,
      displayName: name,
      deviceType: this.matter.deviceTypes.ElectricalSensor,
      serialNumber: device.identity.slice(-24),
      manufacturer: 'ECHONET Lite',
      model: device.kind === 'meter' ? 'Smart meter (B-route)' : 'Solar inverter',
      context: { identity: device.identity, kind: device.kind },
      clusters: { [POWER]: { activePower: null }, [ENERGY]: energyState(device) ?? emptyEnergy(device) },
    };
    const registered = cached
      ? Promise.resolve(true)
      : this.matter.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [accessory]).then(
          () => true,
          (err: unknown) => {
            this.log.error(`could not add "${name}" to Matter: ${errorMessage(err)}`);
            return false;
          },
        );
    this.shown.set(device.identity, { accessory, registered, energySentAt: 0 });
    this.update(device);
  }

  /** Sends the device's power now, and its energy totals when a minute has passed. */
  update(device: HomeDevice): void {
    const shown = this.shown.get(device.identity);
    if (!shown) return;
    const { UUID: uuid, displayName } = shown.accessory;
    const watts = device.online ? device.readings.powerW?.value : undefined;
    // Matter's sign convention: + imported into the home (bought), - exported (sold, or generated)
    const activePower = watts === undefined ? null : Math.round((device.kind === 'solar' ? -watts : watts) * 1000);
    const send = (what: string, cluster: string, attributes: Record<string, unknown>): void =>
      guard(this.log, `updating ${displayName}'s ${what} in Matter`, shown.registered.then((ok) => (ok ? this.matter.updateAccessoryState(uuid, cluster, attributes) : undefined)));
    send('power', POWER, { activePower });
    const now = Date.now();
    const energy = device.online ? energyState(device) : undefined;
    if (energy && now - shown.energySentAt >= ENERGY_EVERY_MS) {
      shown.energySentAt = now;
      send('energy', ENERGY, energy);
    }
  }

  /** Cached Matter accessories of devices not found (or hidden): unregistered with the HAP ones. */
  removeUnshown(): void {
    const shownUuids = new Set([...this.shown.values()].map((s) => s.accessory.UUID));
    const stale = [...this.cached.values()].filter((a) => !shownUuids.has(a.UUID));
    if (stale.length === 0) return;
    for (const a of stale) this.cached.delete(a.UUID);
    guard(this.log, 'removing Matter accessories of devices not found', this.matter.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, stale));
  }
}

/** mWh from kWh, as Matter's EnergyMeasurementStruct wants it. */
const measurement = (kwh: number): { energy: number } => ({ energy: Math.round(kwh * 1_000_000) });

/** The energy attributes of a device's readings, or undefined when it has none yet. */
function energyState(device: HomeDevice): Record<string, unknown> | undefined {
  const r = device.readings;
  if (device.kind === 'solar') return r.generatedKwh && { cumulativeEnergyExported: measurement(r.generatedKwh.value) };
  if (!r.boughtKwh && !r.soldKwh) return undefined;
  return {
    ...(r.boughtKwh ? { cumulativeEnergyImported: measurement(r.boughtKwh.value) } : {}),
    ...(r.soldKwh ? { cumulativeEnergyExported: measurement(r.soldKwh.value) } : {}),
  };
}

/** The attributes the cluster will carry, with no value yet (they select its features in Homebridge). */
function emptyEnergy(device: HomeDevice): Record<string, unknown> {
  return device.kind === 'solar' ? { cumulativeEnergyExported: null } : { cumulativeEnergyImported: null, cumulativeEnergyExported: null };
}
