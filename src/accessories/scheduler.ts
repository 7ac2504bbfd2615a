/**
 * The scheduler in HomeKit: one accessory that is not a device of the home, with
 * - an "AI solar charge" Switch: on = the scheduler may run the EcoCute, battery and EV on surplus solar
 *   (the same switch as MQTT's `scheduler/enabled`, kept across restarts by the scheduler's wiring);
 * - a "Weather warning" occupancy sensor that is detected while JMA has a warning of a counted level in
 *   force for the home's area, for automations ("close the shutters", "tell me"). It reads what the
 *   scheduler last fetched, so it is active only while the switch is on (the scheduler stops fetching
 *   forecasts when it is off); an occupancy sensor, like the grid's "selling surplus" one, because the
 *   Home app words it naturally ("Weather Warning: Detected").
 *
 * Values are read from the scheduler when HomeKit asks and pushed on each of its status events.
 */
import type { API, CharacteristicValue, PlatformAccessory, Service, WithUUID } from 'homebridge';
import type { Language } from '../config.js';
import type { SchedulerStatus } from '../scheduler/index.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';

/** The scheduler's side this accessory uses (SchedulerService satisfies it). */
export interface SchedulerView {
  enabled(): boolean;
  setEnabled(on: boolean): Promise<void>;
  status(): SchedulerStatus;
  on(event: 'status', listener: (status: SchedulerStatus) => void): unknown;
  off(event: 'status', listener: (status: SchedulerStatus) => void): unknown;
}

/** The stable identity its UUID is made from; also what marks a cached accessory as this one. */
const SCHEDULER_ACCESSORY_ID = 'echonet-hems-scheduler';

/** What the platform stores in the accessory's context (the same shape as a device accessory's). */
interface SchedulerContext {
  identity: typeof SCHEDULER_ACCESSORY_ID;
  kind: 'scheduler';
}

/** Kept here rather than in names.ts: these names belong to this accessory alone. */
const NAMES = {
  en: { accessory: 'AI Solar Charge', switch: 'AI Solar Charge', warning: 'Weather Warning', model: 'Surplus-solar scheduler' },
  ja: { accessory: 'AIソーラーチャージ', switch: 'AIソーラーチャージ', warning: '気象警報', model: '余剰太陽光スケジューラー' },
} as const satisfies Record<Language, Record<string, string>>;

export function schedulerAccessoryUuid(api: API): string {
  return api.hap.uuid.generate(SCHEDULER_ACCESSORY_ID);
}

/** A cached accessory is this one (the platform must keep it away from the device accessories' restore). */
export function isSchedulerAccessory(accessory: PlatformAccessory): boolean {
  return (accessory.context as Partial<SchedulerContext> | undefined)?.identity === SCHEDULER_ACCESSORY_ID;
}

export interface ShownScheduler {
  readonly accessory: PlatformAccessory<SchedulerContext>;
  /** New: the platform registers it with Homebridge; otherwise it came from the cache. */
  readonly created: boolean;
  /** Stops following the scheduler's status. */
  stop(): void;
}

/** Builds (or rebuilds the cached) scheduler accessory and keeps it in step with the scheduler. */
export function schedulerAccessory(api: API, cached: PlatformAccessory | undefined, scheduler: SchedulerView, language: Language, log: Logger): ShownScheduler {
  const { Service: S, Characteristic: C } = api.hap;
  const names = NAMES[language];
  const accessory = (cached ?? new api.platformAccessory(names.accessory, schedulerAccessoryUuid(api))) as PlatformAccessory<SchedulerContext>;
  accessory.context = { identity: SCHEDULER_ACCESSORY_ID, kind: 'scheduler' };
  const info = accessory.getService(S.AccessoryInformation)!;
  info.setCharacteristic(C.Manufacturer, 'homebridge-echonet-hems').setCharacteristic(C.Model, names.model).setCharacteristic(C.SerialNumber, SCHEDULER_ACCESSORY_ID);

  const used = new Set<Service>([info]);
  const service = (type: WithUUID<typeof Service>, subtype: string, name: string): Service => {
    let s = accessory.getServiceById(type, subtype);
    if (!s) {
      s = accessory.addService(type, name, subtype);
      // set once, so a rename in the Home app is not overwritten (as the device accessories do)
      s.addOptionalCharacteristic(C.ConfiguredName);
      s.setCharacteristic(C.ConfiguredName, name);
    }
    used.add(s);
    return s;
  };

  const on = service(S.Switch, 'ai-solar-charge', names.switch).getCharacteristic(C.On);
  on.onGet(() => scheduler.enabled());
  // answered at once: turning on plans a round first (forecast fetches can take seconds), which the Home
  // app must not wait for; the scheduler logs what it then does
  on.onSet((value: CharacteristicValue) => guard(log, 'switching AI solar charge', scheduler.setEnabled(value === true)));

  const sensor = service(S.OccupancySensor, 'weather-warning', names.warning);
  const detected = sensor.getCharacteristic(C.OccupancyDetected);
  const active = sensor.getCharacteristic(C.StatusActive);
  const warningState = (s: SchedulerStatus): number => (s.enabled && s.warning.names.length > 0 ? C.OccupancyDetected.OCCUPANCY_DETECTED : C.OccupancyDetected.OCCUPANCY_NOT_DETECTED);
  detected.onGet(() => warningState(scheduler.status()));
  active.onGet(() => scheduler.enabled());

  for (const s of [...accessory.services]) if (!used.has(s)) accessory.removeService(s);

  const update = (s: SchedulerStatus): void => {
    on.updateValue(s.enabled);
    detected.updateValue(warningState(s));
    active.updateValue(s.enabled);
  };
  update(scheduler.status());
  scheduler.on('status', update);
  return { accessory, created: cached === undefined, stop: () => void scheduler.off('status', update) };
}
