/**
 * The single model of the home that every consumer (HomeKit, Matter, MQTT, the scheduler) reads, and the
 * one way back to the devices: commands go through here, are checked against what the device allows,
 * and are confirmed by reading the device back.
 */
import { BATTERY_MODES, commandValue, type BatteryMode, type Command } from './commands.js';
import type { HomeDevice } from './device.js';
import type { EchonetSource } from './echonet-source.js';
import { HomeError } from './errors.js';
import type { MeterSource } from './meter-source.js';
import type { PropertyValue } from '../echonet/catalogue/index.js';
import { DeviceStore, type HomeEvents } from './store.js';

/** The protocol side of the home, opened by start(): sources that write into the store. */
export interface Connection {
  readonly echonet?: EchonetSource;
  readonly meter?: MeterSource;
  /** Releases what the sources hold open (sockets, the serial port). */
  readonly close: () => Promise<void>;
}

export type Connect = (store: DeviceStore) => Promise<Connection>;

/** Above any home charger (Japanese home chargers are 3 or 6 kW; 22 kW three-phase is the most anywhere). */
const MAX_EV_CHARGE_W = 22_000;

export class Home {
  private readonly store = new DeviceStore();
  private connection: Connection | undefined;
  private closed = false;

  /** Nothing is opened until start(), so a consumer can read (an empty) home and listen first. */
  constructor(private readonly connect: Connect) {}

  /** Opens sockets and ports and starts the sources; rejects only if the connection cannot be built at all. */
  async start(): Promise<void> {
    const connection = await this.connect(this.store);
    if (this.closed) return connection.close();
    this.connection = connection;
    connection.echonet?.start();
    connection.meter?.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection?.echonet?.stop();
    this.connection?.meter?.stop();
    await this.connection?.close();
  }

  device(identity: string): HomeDevice | undefined {
    return this.store.get(identity);
  }

  devices(): HomeDevice[] {
    return this.store.list();
  }

  on<E extends keyof HomeEvents>(event: E, listener: (...args: HomeEvents[E]) => void): this {
    (this.store.on as (e: E, l: (...args: HomeEvents[E]) => void) => unknown)(event, listener);
    return this;
  }

  off<E extends keyof HomeEvents>(event: E, listener: (...args: HomeEvents[E]) => void): this {
    (this.store.off as (e: E, l: (...args: HomeEvents[E]) => void) => unknown)(event, listener);
    return this;
  }

  /** 沸き増し: heat the EcoCute's tank now (on), or hand it back to its automatic schedule (off). */
  setManualHeating(identity: string, on: boolean): Promise<void> {
    return this.write(identity, 'manual-heating', commandValue.manualHeating(on));
  }

  /** 昼間沸き増し許可: whether the EcoCute may heat during the day. */
  setDaytimeReheating(identity: string, permitted: boolean): Promise<void> {
    return this.write(identity, 'daytime-reheating', commandValue.daytimeReheating(permitted));
  }

  /** Starts (charge) or stops (standby) charging the car. */
  setEvCharging(identity: string, on: boolean): Promise<void> {
    return this.write(identity, 'ev-charging', commandValue.evCharging(on));
  }

  /**
   * The charger's charging power, W (EB), confirmed by reading it back. Chargers take whole watts within
   * their own range (about 1.2-6 kW at 200 V) and refuse the rest.
   */
  setEvChargePower(identity: string, watts: number): Promise<void> {
    if (!Number.isFinite(watts) || watts <= 0 || watts > MAX_EV_CHARGE_W) {
      return Promise.reject(new HomeError('invalid', `${String(watts)} W is not a charging power: give the watts, above 0 and at most ${MAX_EV_CHARGE_W}`));
    }
    return this.write(identity, 'ev-charge-power', Math.round(watts));
  }

  setBatteryMode(identity: string, mode: BatteryMode): Promise<void> {
    if (!BATTERY_MODES.includes(mode)) {
      return Promise.reject(new HomeError('invalid', `"${String(mode)}" is not a battery mode (${BATTERY_MODES.join(', ')})`));
    }
    return this.write(identity, 'battery-mode', mode);
  }

  private async write(identity: string, command: Command, value: PropertyValue): Promise<void> {
    const device = this.device(identity);
    if (!device) throw new HomeError('unknown-device', `no device ${identity} is known`);
    const echonet = this.connection?.echonet;
    if (device.source !== 'echonet' || !echonet) throw new HomeError('not-settable', `the ${device.kind} cannot be controlled`);
    await echonet.write(identity, command, value);
  }
}
