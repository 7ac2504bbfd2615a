/**
 * What every accessory of this plugin shares: it shows one device of the home model, reads every value
 * from the model at the moment HomeKit asks (so nothing stale is cached here), answers "No Response"
 * (SERVICE_COMMUNICATION_FAILURE) while the device is offline or not found yet, sends writes back through
 * the model, and removes services it no longer uses (a device whose Set map changed, a feature turned off).
 */
import { join } from 'node:path';
import type { API, Characteristic, CharacteristicValue, PlatformAccessory, Service, WithUUID } from 'homebridge';
import type { HemsConfig } from '../config.js';
import { HomeError, type Home, type HomeDevice, type ReadingValues } from '../home/index.js';
import { errorMessage, guard } from '../util/guard.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { EveCharacteristics } from './eve.js';
import { EveHistory } from './eve-history.js';
import type { Names } from './names.js';
import { COMMUNICATION_FAILURE, READ_NOTIFY, READ_ONLY, READ_WRITE_NOTIFY } from './hap-values.js';

export interface AccessoryContext {
  readonly api: API;
  readonly home: Home;
  readonly config: HemsConfig;
  readonly eve: EveCharacteristics;
  readonly names: Names;
  /** Eve histories are saved in this directory and stamped by this clock. */
  readonly eveHistory: { readonly dir: string; readonly clock: Clock };
}

/** What the platform stores in accessory.context, so a cached accessory knows its device before it is found. */
export interface StoredContext {
  identity: string;
  kind: HomeDevice['kind'];
}

type ServiceType = WithUUID<typeof Service>;
type CharacteristicType = WithUUID<new () => Characteristic>;
type Read = (device: HomeDevice) => CharacteristicValue | undefined;

export abstract class DeviceAccessory {
  protected readonly hap: API['hap'];
  private bindings: { characteristic: Characteristic; read: Read }[] = [];
  private used = new Set<Service>();
  private history: EveHistory | undefined;

  constructor(
    protected readonly ctx: AccessoryContext,
    readonly accessory: PlatformAccessory<StoredContext>,
    protected readonly log: Logger,
  ) {
    this.hap = ctx.api.hap;
  }

  get identity(): string {
    return this.accessory.context.identity;
  }

  /**
   * (Re)builds the services for what the device offers. Without a device (a cached accessory whose device
   * has not been found yet) the cached services are kept and all answer "No Response".
   */
  configure(device: HomeDevice | undefined): void {
    this.bindings = [];
    this.used = new Set([this.accessory.getService(this.hap.Service.AccessoryInformation)!]);
    this.information(device);
    if (device) {
      this.build(device);
      for (const service of [...this.accessory.services]) if (!this.used.has(service)) this.accessory.removeService(service);
    } else {
      this.answerNoResponse();
    }
    this.refresh();
  }

  /** Pushes the model's current values (or "No Response") to HomeKit controllers that subscribed. */
  refresh(): void {
    const device = this.ctx.home.device(this.identity);
    for (const { characteristic, read } of this.bindings) {
      const value = device?.online ? read(device) : undefined;
      characteristic.updateValue(value === undefined ? this.noResponse() : value);
    }
    this.history?.observe();
  }

  /** Stops what runs on its own (the Eve history's timer) once its last save is done. */
  async stop(): Promise<void> {
    await this.history?.stop();
  }

  /** Adds the services and characteristics this kind shows for this device. */
  protected abstract build(device: HomeDevice): void;

  protected offers(device: HomeDevice, ...keys: (keyof ReadingValues)[]): boolean {
    return keys.every((k) => device.offers.has(k));
  }

  protected value<K extends keyof ReadingValues>(device: HomeDevice, key: K): ReadingValues[K] | undefined {
    return device.readings[key]?.value as ReadingValues[K] | undefined;
  }

  /** The service of this type and subtype, added (with its name) when missing; marked as in use. */
  protected service(type: ServiceType, subtype: string, name: string): Service {
    let service = this.accessory.getServiceById(type, subtype);
    if (!service) {
      service = this.accessory.addService(type, name, subtype);
      // iOS 16+ shows ConfiguredName; set once, so a rename in the Home app is not overwritten
      service.addOptionalCharacteristic(this.hap.Characteristic.ConfiguredName);
      service.setCharacteristic(this.hap.Characteristic.ConfiguredName, name);
    }
    this.used.add(service);
    return service;
  }

  /**
   * Eve's history of a power reading. One per accessory: the Eve app ties a history to the accessory, so
   * the accessory's main power reading is the one kept.
   */
  protected powerHistory(read: (device: HomeDevice) => number | undefined): void {
    this.history ??= new EveHistory({
      accessory: this.accessory,
      eve: this.ctx.eve,
      file: join(this.ctx.eveHistory.dir, `${this.identity.replace(/[^A-Za-z0-9-]/g, '_')}.json`),
      clock: this.ctx.eveHistory.clock,
      log: this.log,
      read: () => {
        const device = this.ctx.home.device(this.identity);
        return device?.online ? read(device) : undefined;
      },
    });
    this.used.add(this.history.service);
  }

  /** A read-only characteristic whose value comes from the model; undefined from `read` means "No Response". */
  protected bind(service: Service, type: CharacteristicType, read: Read): Characteristic {
    if (!service.characteristics.some((c) => c.UUID === type.UUID)) service.addOptionalCharacteristic(type);
    const characteristic = service.getCharacteristic(type);
    characteristic.onGet(() => {
      const device = this.ctx.home.device(this.identity);
      const value = device?.online ? read(device) : undefined;
      if (value === undefined) throw this.noResponse();
      return value;
    });
    this.bindings.push({ characteristic, read });
    return characteristic;
  }

  /**
   * A characteristic HomeKit may write when `writable` (the device's Set map allows it), read-only
   * otherwise. A failed write is logged with the model's explanation and answered as a communication
   * failure, so the Home app shows the switch flipping back instead of a lie.
   */
  protected control(service: Service, type: CharacteristicType, read: Read, writable: boolean, write: (value: CharacteristicValue) => Promise<void>): void {
    const characteristic = this.bind(service, type, read);
    characteristic.setProps({ perms: writable ? READ_WRITE_NOTIFY : READ_NOTIFY });
    if (!writable) return;
    characteristic.onSet(async (value) => {
      try {
        await write(value);
      } catch (err) {
        this.log.warn(`${service.displayName}: ${errorMessage(err)}`);
        // Send the device's real state back to the Home app once the failure has been answered.
        guard(this.log, 'showing the state after a failed change', Promise.resolve().then(() => this.refresh()));
        throw new this.hap.HapStatusError(err instanceof HomeError && err.code === 'not-settable' ? READ_ONLY : COMMUNICATION_FAILURE);
      }
    });
  }

  private noResponse(): Error {
    return new this.hap.HapStatusError(COMMUNICATION_FAILURE);
  }

  /** Cached services of a device not found yet: every characteristic answers "No Response". */
  private answerNoResponse(): void {
    for (const service of this.accessory.services) {
      if (service.UUID === this.hap.Service.AccessoryInformation.UUID) continue;
      this.used.add(service);
      for (const characteristic of service.characteristics) {
        if (characteristic.UUID === this.hap.Characteristic.Name.UUID || characteristic.UUID === this.hap.Characteristic.ConfiguredName.UUID) continue;
        characteristic.onGet(() => {
          throw this.noResponse();
        });
      }
    }
  }

  private information(device: HomeDevice | undefined): void {
    const { Characteristic } = this.hap;
    const info = this.accessory.getService(this.hap.Service.AccessoryInformation)!;
    info
      .setCharacteristic(Characteristic.Manufacturer, device?.maker === undefined ? 'ECHONET Lite' : `ECHONET maker ${device.maker.toString(16).padStart(6, '0')}`)
      .setCharacteristic(Characteristic.Model, device?.source === 'broute' ? 'Smart meter (B-route)' : this.ctx.names.kind[this.accessory.context.kind])
      .setCharacteristic(Characteristic.SerialNumber, this.identity.slice(-24));
  }
}
