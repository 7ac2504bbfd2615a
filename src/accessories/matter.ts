/**
 * The plugin's Matter accessories on Homebridge 2.2+ when the bridge has Matter enabled (what each device
 * shows is in matter-roles.ts). Homebridge 1.x has no `api.matter` and this does nothing.
 *
 * Readings go out on every change, energy totals at most once a minute (ElectricalEnergyMeasurement, mWh),
 * as controllers expect. A device that stops answering is marked unreachable (the bridged node's
 * `reachable`, Matter's "No Response") and its nullable readings go null, so nothing stale is shown.
 * On/off commands go through the home model's verified write; if it fails the handler throws, Homebridge
 * answers the controller with a failure and the on/off state stays as the device has it. While a command
 * runs, the on/off attribute is not sent: Homebridge sets it itself when the handler succeeds, and an
 * update of our own would hold the attribute's lock the command then needs (the command would fail).
 *
 * Cached accessories come back from Homebridge with placeholder handlers: those with commands are
 * registered again, which Homebridge turns into attaching the real handlers to the restored endpoint.
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
import { ENERGY, matterRolesFor, ON_OFF, type ClusterStates, type MatterDeviceTypeName, type MatterRole } from './matter-roles.js';

type Handler = () => Promise<void>;

export interface MatterAccessoryLike {
  UUID: string;
  displayName: string;
  deviceType: unknown;
  serialNumber: string;
  manufacturer: string;
  model: string;
  context: StoredContext;
  clusters?: ClusterStates;
  handlers?: Record<string, Record<string, Handler>>;
}

interface MatterLike {
  readonly deviceTypes: Readonly<Record<MatterDeviceTypeName, unknown>>;
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
/** The bridged node's information cluster, whose `reachable` controllers show as "No Response". */
const BRIDGED_INFO = 'bridgedDeviceBasicInformation';

interface Shown {
  readonly role: MatterRole;
  readonly accessory: MatterAccessoryLike;
  /** Resolves true once Homebridge has the accessory (false if it refused it: no updates then). */
  readonly registered: Promise<boolean>;
  energySentAt: number;
  /** What was last told to controllers; a new accessory starts reachable. */
  reachable: boolean;
  /** How many of its on/off commands are running. */
  readonly commands: { running: number };
}

/** All the plugin's Matter accessories (the name predates the switches and sensors). */
export class MatterEnergy {
  private readonly cached = new Map<string, MatterAccessoryLike>();
  /** By device identity: the accessories of each role the device shows. */
  private readonly shown = new Map<string, Shown[]>();

  constructor(
    private readonly matter: MatterLike,
    private readonly ctx: AccessoryContext,
    private readonly log: Logger,
  ) {}

  /** A Matter accessory Homebridge restored from its cache. */
  remember(accessory: MatterAccessoryLike): void {
    this.cached.set(accessory.UUID, accessory);
  }

  /** Registers (or takes over from the cache) the Matter accessories of a device found. */
  show(device: HomeDevice, name: string): void {
    if (this.shown.has(device.identity)) return;
    this.shown.set(
      device.identity,
      matterRolesFor(device).map((role) => this.register(device, role, name)),
    );
    this.update(device);
  }

  /** Sends the device's readings now (energy totals when a minute has passed), or marks it unreachable. */
  update(device: HomeDevice): void {
    const now = Date.now();
    for (const shown of this.shown.get(device.identity) ?? []) {
      if (shown.reachable !== device.online) {
        shown.reachable = device.online;
        this.send(shown, BRIDGED_INFO, { reachable: device.online });
      }
      const states = device.online ? shown.role.state(device) : shown.role.offline;
      for (const [cluster, attributes] of Object.entries(states)) {
        if (cluster === ON_OFF && shown.commands.running > 0) continue;
        if (cluster === ENERGY) {
          if (now - shown.energySentAt < ENERGY_EVERY_MS) continue;
          shown.energySentAt = now;
        }
        this.send(shown, cluster, attributes);
      }
    }
  }

  /** Cached Matter accessories of devices not found (or hidden): unregistered with the HAP ones. */
  removeUnshown(): void {
    const shownUuids = new Set([...this.shown.values()].flat().map((s) => s.accessory.UUID));
    const stale = [...this.cached.values()].filter((a) => !shownUuids.has(a.UUID));
    if (stale.length === 0) return;
    for (const a of stale) this.cached.delete(a.UUID);
    guard(this.log, 'removing Matter accessories of devices not found', this.matter.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, stale));
  }

  private register(device: HomeDevice, role: MatterRole, deviceName: string): Shown {
    // '' keeps the energy sensors' UUIDs of the versions before the other roles
    const uuid = this.ctx.api.hap.uuid.generate(role.key ? `${device.identity}/matter/${role.key}` : `${device.identity}/matter`);
    const cached = this.cached.get(uuid);
    const commands = { running: 0 };
    const handlers = role.switchTo && this.onOffHandlers(device.identity, role, role.switchTo, commands);
    const accessory: MatterAccessoryLike = {
      UUID: uuid,
      displayName: cached?.displayName ?? role.name(deviceName, this.ctx.names),
      deviceType: this.matter.deviceTypes[role.deviceType],
      serialNumber: device.identity.slice(-24),
      manufacturer: 'ECHONET Lite',
      model: role.model,
      context: { identity: device.identity, kind: device.kind },
      clusters: cached?.clusters ?? role.initial(device),
      ...(handlers && { handlers }),
    };
    // A cached accessory without commands is already complete in Homebridge; one with commands only
    // has placeholders until registered again.
    const registered =
      cached && !handlers
        ? Promise.resolve(true)
        : this.matter.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [accessory]).then(
            () => true,
            (err: unknown) => {
              this.log.error(`could not add "${accessory.displayName}" to Matter: ${errorMessage(err)}`);
              return false;
            },
          );
    return { role, accessory, registered, energySentAt: 0, reachable: true, commands };
  }

  /**
   * on/off/toggle through the home model; a failure is logged and thrown, so the controller sees it fail.
   * Toggle is defined too: without a handler Homebridge would flip the state without asking the device.
   */
  private onOffHandlers(
    identity: string,
    role: MatterRole,
    switchTo: NonNullable<MatterRole['switchTo']>,
    commands: Shown['commands'],
  ): Record<string, Record<string, Handler>> {
    const to = async (on: boolean): Promise<void> => {
      commands.running++;
      try {
        await switchTo(this.ctx.home, identity, on);
      } catch (err) {
        this.log.warn(`switching ${on ? 'on' : 'off'} from Matter: ${errorMessage(err)}`);
        throw err;
      } finally {
        commands.running--;
      }
    };
    const isOn = (): boolean => {
      const device = this.ctx.home.device(identity);
      return device?.online === true && role.state(device)[ON_OFF]?.onOff === true;
    };
    return { [ON_OFF]: { on: () => to(true), off: () => to(false), toggle: () => to(!isOn()) } };
  }

  private send(shown: Shown, cluster: string, attributes: Record<string, unknown>): void {
    const { UUID: uuid, displayName } = shown.accessory;
    guard(
      this.log,
      `updating ${displayName}'s ${cluster} in Matter`,
      shown.registered.then((ok) => (ok ? this.matter.updateAccessoryState(uuid, cluster, attributes) : undefined)),
    );
  }
}
