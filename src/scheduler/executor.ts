/**
 * Applies the scheduler's wishes to the real devices through the home model, which checks each command
 * against the device's Set map and confirms it by reading the device back.
 *
 * Three rules keep it from fighting the homeowner:
 * - it never touches a device the user did not enable for solar control;
 * - it only ever undoes what it did itself: "stop" means "hand back what we started", so heating started
 *   on the unit's remote or a car charging on its own timer is left alone;
 * - when a device it set is later found in another state (the remote, the maker's app, another HEMS),
 *   it backs off from that device for a while and says so, instead of setting it back.
 *
 * `decide` is the pure part (plan + device state + what we did last -> what to do and why); `Executor`
 * is the thin shell that writes and remembers.
 */
import type { BatteryMode, HomeDevice } from '../home/index.js';
// the list of modes is not on the home model's face; the command table is its single source
import { BATTERY_MODES } from '../home/commands.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/guard.js';
import { clock as hhmm, type DeviceKind as Role } from './explain.js';

export type { Role };

/** What the scheduler wants of a device now. 'release' hands back what we set; 'leave' lets it be and forgets it. */
export type Want =
  | { readonly kind: 'on'; readonly reason: string }
  | { readonly kind: 'release'; readonly reason: string }
  | { readonly kind: 'leave'; readonly reason: string }
  | { readonly kind: 'mode'; readonly mode: Exclude<BatteryMode, 'automatic'>; readonly reason: string };

/** A role missing here is released: the scheduler no longer wants anything of it. */
export type Wants = Readonly<Partial<Record<Role, Want>>>;

export interface ExecutorSettings {
  /** How long to leave a device alone after someone else changed what we set. */
  readonly backoffMs: number;
  /** Readings this soon after our write may predate it (a poll in flight): they do not count as an override. */
  readonly settleMs: number;
  /** After a failed write, wait this long before trying again. */
  readonly retryMs: number;
}

export const DEFAULT_EXECUTOR_SETTINGS: ExecutorSettings = { backoffMs: 2 * 3_600_000, settleMs: 60_000, retryMs: 5 * 60_000 };

/** What the executor remembers of one device. */
export interface DeviceMemory {
  /** The value we last wrote and the device confirmed, and when. */
  readonly set?: { readonly value: string; readonly at: number };
  /** The device's value before we first changed it, restored on release (the battery's own mode). */
  readonly before?: string;
  readonly backoffUntil?: number;
  /** What someone else set it to, for the status text while backing off. */
  readonly overriddenTo?: string;
  readonly retryAt?: number;
}

type StepCode =
  | 'write'
  | 'in-state'
  | 'not-enabled'
  | 'offline'
  | 'not-settable'
  | 'override'
  | 'backing-off'
  | 'retry-wait'
  | 'not-ours'
  | 'left'
  | 'failed';

export interface Step {
  readonly identity: string;
  readonly role: Role;
  readonly code: StepCode;
  /** The value to write (code 'write'), in the catalogue's words: 'manual_heating', 'charge', ... */
  readonly value?: string;
  /** The write hands the device back (after it, the device is its own again). */
  readonly handBack?: boolean;
  readonly text: string;
}

const ROLE_OF_KIND: Readonly<Partial<Record<HomeDevice['kind'], Role>>> = { 'water-heater': 'ecocute', battery: 'battery', 'ev-charger': 'ev' };
const COMMAND_OF_ROLE = { ecocute: 'manual-heating', battery: 'battery-mode', ev: 'ev-charging' } as const;
const NAME: Readonly<Record<Role, string>> = { ecocute: 'EcoCute', battery: 'battery', ev: 'EV charger' };
/** The values "on" and "off" write, per role (B0 manual heating / automatic, DA charge / standby). */
const ON: Readonly<Record<Role, string>> = { ecocute: 'manual_heating', battery: 'charge', ev: 'charge' };
const OFF: Readonly<Record<Role, string>> = { ecocute: 'automatic', battery: 'automatic', ev: 'standby' };

export function roleOf(device: HomeDevice): Role | undefined {
  return ROLE_OF_KIND[device.kind];
}

/** The state we control, as the device reports it, with the time it was read. */
function stateOf(device: HomeDevice, role: Role): { value: string; at: number } | undefined {
  return role === 'ecocute' ? device.readings.heatingMode : device.readings.operationMode;
}

/**
 * Whether the user enabled this device for solar control: `enabled` lists device identities or kinds
 * ('water-heater', 'battery', 'ev-charger'), as the plugin's device settings do.
 */
export function isEnabled(device: HomeDevice, enabled: readonly string[]): boolean {
  return enabled.includes(device.identity) || enabled.includes(device.kind);
}

export interface DecideInput {
  readonly now: number;
  readonly wants: Wants;
  readonly devices: readonly HomeDevice[];
  readonly enabled: readonly string[];
  readonly memory: ReadonlyMap<string, DeviceMemory>;
  readonly settings: ExecutorSettings;
}

/** One step per controllable device, and the memory after noticing overrides and expired back-offs. */
export function decide(input: DecideInput): { steps: Step[]; memory: Map<string, DeviceMemory> } {
  const memory = new Map(input.memory);
  const steps: Step[] = [];
  for (const device of input.devices) {
    const role = roleOf(device);
    if (!role) continue;
    const want = input.wants[role] ?? { kind: 'release', reason: 'nothing planned' };
    const [step, next] = decideOne(device, role, want, memory.get(device.identity) ?? {}, input);
    steps.push(step);
    if (next === undefined) memory.delete(device.identity);
    else memory.set(device.identity, next);
  }
  return { steps, memory };
}

function decideOne(device: HomeDevice, role: Role, want: Want, mem: DeviceMemory, input: DecideInput): [Step, DeviceMemory | undefined] {
  const { now, settings } = input;
  const step = (code: StepCode, text: string): Step => ({ identity: device.identity, role, code, text });
  const name = NAME[role];
  if (!isEnabled(device, input.enabled)) return [step('not-enabled', `${name}: solar control is not enabled for it in the settings; never touched`), undefined];
  // left to finish on its own (the warning top-up): what it does next is its own business, not an override
  if (want.kind === 'leave') return [step('left', `${name}: ${want.reason}; left to run on its own`), undefined];
  const state = stateOf(device, role);
  let current: DeviceMemory = mem;

  // The device left what we set (a reading taken well after our write shows another value).
  if (current.set && state && state.at > current.set.at + settings.settleMs && state.value !== current.set.value) {
    // where we want it anyway (a charger that goes to standby when the car is unplugged): no conflict
    if (state.value === targetValue(role, want, current)) {
      const next = want.kind === 'release' ? undefined : { ...current, set: { value: state.value, at: state.at } };
      return [step('in-state', `${name}: already ${state.value} (${want.reason})`), next];
    }
    const until = now + settings.backoffMs;
    // a full tank ends manual heating by itself: that is not someone else, but backing off is as safe
    const who = role === 'ecocute' && state.value === OFF.ecocute ? 'the unit itself (a full tank ends manual heating) or by someone else' : 'someone else (its remote, an app or another controller)';
    const text = `${name}: changed to ${state.value} by ${who} after we set ${current.set.value}; leaving it alone until ${hhmm(until)}`;
    return [step('override', text), { backoffUntil: until, overriddenTo: state.value }];
  }
  if (current.backoffUntil !== undefined) {
    if (now < current.backoffUntil) {
      return [step('backing-off', `${name}: was changed to ${current.overriddenTo ?? 'another state'} by someone else; leaving it alone until ${hhmm(current.backoffUntil)}`), current];
    }
    current = {};
  }
  if (!device.online) return [step('offline', `${name}: not answering; nothing sent (${want.reason})`), current];
  if (!device.commands.has(COMMAND_OF_ROLE[role])) {
    return [step('not-settable', `${name}: its settings do not allow this to be changed over the network; nothing sent (${want.reason})`), current];
  }

  const target = targetValue(role, want, current);
  if (target === undefined) {
    const ours = current.set !== undefined;
    if (!ours && state && state.value !== OFF[role] && want.kind === 'release') {
      return [step('not-ours', `${name}: ${state.value} was not started by the scheduler; left as it is (${want.reason})`), current];
    }
    return [step('in-state', `${name}: runs on its own (${want.reason})`), current];
  }
  if (state?.value === target) return [step('in-state', `${name}: already ${target} (${want.reason})`), current];
  if (current.retryAt !== undefined && now < current.retryAt) {
    return [step('retry-wait', `${name}: the last attempt failed; trying again at ${hhmm(current.retryAt)} (${want.reason})`), current];
  }
  return [{ ...step('write', `${name}: set ${target} (${want.reason})`), value: target, handBack: want.kind === 'release' }, current];
}

/** The value a want asks for; undefined when there is nothing of ours to change. */
function targetValue(role: Role, want: Want, mem: DeviceMemory): string | undefined {
  if (want.kind === 'on') return ON[role];
  if (want.kind === 'mode') return want.mode;
  // release: only what we set is handed back, to what it was before (the battery) or its off state
  if (!mem.set) return undefined;
  return role === 'battery' ? mem.before ?? OFF.battery : OFF[role];
}

/** The battery's own mode is restored on release only when it is one the home model can write back. */
function restorable(value: string | undefined): string | undefined {
  return BATTERY_MODES.some((m) => m === value) ? value : undefined;
}

/** The home model's part the executor needs; src/home's Home satisfies it. */
export interface ControlledHome {
  devices(): readonly HomeDevice[];
  setManualHeating(identity: string, on: boolean): Promise<void>;
  setEvCharging(identity: string, on: boolean): Promise<void>;
  setBatteryMode(identity: string, mode: BatteryMode): Promise<void>;
}

function write(home: ControlledHome, role: Role, identity: string, value: string): Promise<void> {
  if (role === 'ecocute') return home.setManualHeating(identity, value === ON.ecocute);
  if (role === 'ev') return home.setEvCharging(identity, value === ON.ev);
  return home.setBatteryMode(identity, value as BatteryMode);
}

/** The I/O shell: decides, writes (each write verified by the home model), remembers. */
export class Executor {
  private memory = new Map<string, DeviceMemory>();

  constructor(
    private readonly home: ControlledHome,
    private readonly clock: Clock,
    private readonly enabled: readonly string[],
    private readonly settings: ExecutorSettings = DEFAULT_EXECUTOR_SETTINGS,
  ) {}

  /** One pass over the devices; the steps say what was done or why not ('write' became done or 'failed'). */
  async apply(wants: Wants): Promise<Step[]> {
    const devices = this.home.devices();
    const decided = decide({ now: this.clock.now(), wants, devices, enabled: this.enabled, memory: this.memory, settings: this.settings });
    this.memory = decided.memory;
    const steps: Step[] = [];
    for (const step of decided.steps) {
      if (step.code !== 'write') {
        steps.push(step);
        continue;
      }
      const device = devices.find((d) => d.identity === step.identity)!;
      const mem = this.memory.get(step.identity) ?? {};
      try {
        await write(this.home, step.role, step.identity, step.value!);
        // once handed back the device is its own again; otherwise remember what we set and what it was
        if (step.handBack) this.memory.delete(step.identity);
        else this.memory.set(step.identity, { set: { value: step.value!, at: this.clock.now() }, before: mem.before ?? restorable(stateOf(device, step.role)?.value) });
        steps.push({ ...step, text: `${step.text}: confirmed by the device` });
      } catch (err) {
        const retryAt = this.clock.now() + this.settings.retryMs;
        this.memory.set(step.identity, { ...mem, retryAt });
        steps.push({ ...step, code: 'failed', text: `${step.text}: failed (${errorMessage(err)}); trying again at ${hhmm(retryAt)}` });
      }
    }
    return steps;
  }

  /** Devices we are backing off from, and until when: the "no-other-controller" gate and the status use it. */
  backoffs(): { identity: string; until: number; to: string | undefined }[] {
    const now = this.clock.now();
    return [...this.memory].flatMap(([identity, m]) => (m.backoffUntil !== undefined && m.backoffUntil > now ? [{ identity, until: m.backoffUntil, to: m.overriddenTo }] : []));
  }

  /** What we currently hold set, per device (value and since when). */
  held(): { identity: string; value: string; since: number }[] {
    return [...this.memory].flatMap(([identity, m]) => (m.set ? [{ identity, value: m.set.value, since: m.set.at }] : []));
  }
}
