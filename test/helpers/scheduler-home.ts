/**
 * A home for scheduler tests: devices as the home model shows them, commands that change the device's
 * reading the way a confirmed ECHONET write does, a "someone else" hand to change a device behind the
 * scheduler's back, and switches to make a device refuse or go offline.
 */
import { EventEmitter } from 'node:events';
import type { BatteryMode, HomeDevice } from '../../src/home/index.js';
import { HomeError } from '../../src/home/index.js';
import type { ReadingValues } from '../../src/home/index.js';
import type { SchedulerHome } from '../../src/scheduler/service.js';
import type { Clock } from '../../src/util/clock.js';

type Values = Partial<ReadingValues>;

const COMMANDS: Record<HomeDevice['kind'], string[]> = {
  meter: [],
  solar: [],
  'water-heater': ['manual-heating', 'daytime-reheating'],
  'ev-charger': ['ev-charging'],
  battery: ['battery-mode'],
};

/** `commands` replaces the kind's usual ones (a charger whose Set map has its power, 'ev-charge-power'). */
export function device(identity: string, kind: HomeDevice['kind'], values: Values, at: number, online = true, commands: readonly string[] = COMMANDS[kind]): HomeDevice {
  const readings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, at }]));
  return {
    identity,
    kind,
    source: kind === 'meter' ? 'broute' : 'echonet',
    online,
    readings,
    offers: new Set(Object.keys(values) as (keyof ReadingValues)[]),
    commands: new Set(commands) as HomeDevice['commands'],
  } as HomeDevice;
}

export class FakeHome extends EventEmitter implements SchedulerHome {
  readonly writes: { identity: string; value: string; at: number }[] = [];
  /** Identities whose next writes are refused, with the message. */
  readonly refuse = new Map<string, string>();
  private readonly list = new Map<string, HomeDevice>();

  constructor(private readonly clock: Clock) {
    super();
  }

  add(d: HomeDevice): void {
    this.list.set(d.identity, d);
    this.emit('device-added', d);
  }

  devices(): HomeDevice[] {
    return [...this.list.values()];
  }

  get(identity: string): HomeDevice {
    return this.list.get(identity)!;
  }

  /** New readings, as a poll (or the homeowner's remote, seen by a poll) brings them. */
  update(identity: string, values: Values, online = true): void {
    const d = this.list.get(identity)!;
    const fresh = device(identity, d.kind, values, this.clock.now(), online);
    const next = { ...d, online, readings: { ...d.readings, ...fresh.readings } } as HomeDevice;
    this.list.set(identity, next);
    this.emit('device-changed', next);
  }

  setManualHeating(identity: string, on: boolean): Promise<void> {
    return this.write(identity, 'heatingMode', on ? 'manual_heating' : 'automatic');
  }

  setEvCharging(identity: string, on: boolean): Promise<void> {
    return this.write(identity, 'operationMode', on ? 'charge' : 'standby');
  }

  setBatteryMode(identity: string, mode: BatteryMode): Promise<void> {
    return this.write(identity, 'operationMode', mode);
  }

  /** The charger's power (EB) has no reading in the home model: the write is only recorded, as "<W> W". */
  setEvChargePower(identity: string, watts: number): Promise<void> {
    const refused = this.refuse.get(identity);
    if (refused) return Promise.reject(new HomeError('refused', refused));
    this.writes.push({ identity, value: `${watts} W`, at: this.clock.now() });
    return Promise.resolve();
  }

  private write(identity: string, key: 'heatingMode' | 'operationMode', value: string): Promise<void> {
    const refused = this.refuse.get(identity);
    if (refused) return Promise.reject(new HomeError('refused', refused));
    this.writes.push({ identity, value, at: this.clock.now() });
    this.update(identity, { [key]: value } as Values);
    return Promise.resolve();
  }
}
