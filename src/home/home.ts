/**
 * The single model of the home that every consumer (HomeKit, Matter, MQTT, the scheduler) reads, and the
 * one way back to the devices: commands go through here, are checked against what the device allows,
 * and are confirmed by reading the device back.
 */
import type { BatteryMode } from './commands.js';
import { BATTERY_MODES, commandValue, type Command } from './commands.js';
import type { HomeDevice } from './device.js';
import type { EchonetSource } from './echonet-source.js';
import { HomeError } from './errors.js';
import type { MeterSource } from './meter-source.js';
import type { PropertyValue } from '../echonet/catalogue/index.js';
import { DeviceStore, type HomeEvents } from './store.js';

export interface HomeParts {
  readonly store: DeviceStore;
  readonly echonet?: EchonetSource;
  readonly meter?: MeterSource;
  /** Releases what the parts hold open (sockets, the serial port). */
  readonly close: () => Promise<void>;
}

export class Home {
  private closed = false;

  constructor(private readonly parts: HomeParts) {}

  start(): void {
    this.parts.echonet?.start();
    this.parts.meter?.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.parts.echonet?.stop();
    this.parts.meter?.stop();
    await this.parts.close();
  }

  device(identity: string): HomeDevice | undefined {
    return this.parts.store.get(identity);
  }

  devices(): HomeDevice[] {
    return this.parts.store.list();
  }

  on<E extends keyof HomeEvents>(event: E, listener: (...args: HomeEvents[E]) => void): this {
    (this.parts.store.on as (e: E, l: (...args: HomeEvents[E]) => void) => unknown)(event, listener);
    return this;
  }

  off<E extends keyof HomeEvents>(event: E, listener: (...args: HomeEvents[E]) => void): this {
    (this.parts.store.off as (e: E, l: (...args: HomeEvents[E]) => void) => unknown)(event, listener);
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

  setBatteryMode(identity: string, mode: BatteryMode): Promise<void> {
    if (!BATTERY_MODES.includes(mode)) {
      return Promise.reject(new HomeError('invalid', `"${String(mode)}" is not a battery mode (${BATTERY_MODES.join(', ')})`));
    }
    return this.write(identity, 'battery-mode', mode);
  }

  private async write(identity: string, command: Command, value: PropertyValue): Promise<void> {
    const device = this.device(identity);
    if (!device) throw new HomeError('unknown-device', `no device ${identity} is known`);
    if (device.source !== 'echonet' || !this.parts.echonet) {
      throw new HomeError('not-settable', `the ${device.kind} cannot be controlled`);
    }
    await this.parts.echonet.write(identity, command, value);
  }
}
