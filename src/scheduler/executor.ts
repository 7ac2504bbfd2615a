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
import { clock as hhmm, deviceName, num, say, type DeviceKind as Role, type Lang, type Said } from './explain.js';

export type { Role };

/**
 * What the scheduler wants of a device now, and why (in both languages). 'release' hands back what we
 * set; 'leave' lets it be and forgets it.
 */
export type Want =
  /** kw: the EV's charging power, where the plan sets one (stepped control); the others run at their own. */
  | { readonly kind: 'on'; readonly reason: Said; readonly kw?: number }
  | { readonly kind: 'release'; readonly reason: Said }
  | { readonly kind: 'leave'; readonly reason: Said }
  | { readonly kind: 'mode'; readonly mode: Exclude<BatteryMode, 'automatic'>; readonly reason: Said };

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
  /** The EV charging power we last set and the charger confirmed, W. */
  readonly powerW?: number;
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
  /** The EV charging power to set first (code 'write'), W; without value the mode stays as it is. */
  readonly powerW?: number;
  /** The write hands the device back (after it, the device is its own again). */
  readonly handBack?: boolean;
  readonly text: string;
  readonly textJa: string;
}

const ROLE_OF_KIND: Readonly<Partial<Record<HomeDevice['kind'], Role>>> = { 'water-heater': 'ecocute', battery: 'battery', 'ev-charger': 'ev' };
const COMMAND_OF_ROLE = { ecocute: 'manual-heating', battery: 'battery-mode', ev: 'ev-charging' } as const;
/** Chargers set their power in steps of 0.5 A at 200 V: 100 W. */
const POWER_STEP_W = 100;
/** The values "on" and "off" write, per role (B0 manual heating / automatic, DA charge / standby). */
const ON: Readonly<Record<Role, string>> = { ecocute: 'manual_heating', battery: 'charge', ev: 'charge' };
const OFF: Readonly<Record<Role, string>> = { ecocute: 'automatic', battery: 'automatic', ev: 'standby' };
/** The catalogue's state words as the units' own remotes and apps say them; others are shown as they are. */
const VALUE_JA: Readonly<Record<string, string>> = {
  manual_heating: '沸き増し',
  manual_stop: '沸き上げ休止',
  automatic: '自動',
  charge: '充電',
  discharge: '放電',
  standby: '待機',
  idle: 'アイドル',
  rapid_charge: '急速充電',
};
const valueIn = (value: string, lang: Lang): string => (lang === 'ja' ? (VALUE_JA[value] ?? value) : value);

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
    const want = input.wants[role] ?? { kind: 'release', reason: { text: 'nothing planned', textJa: '予定なし' } };
    const [step, next] = decideOne(device, role, want, memory.get(device.identity) ?? {}, input);
    steps.push(step);
    if (next === undefined) memory.delete(device.identity);
    else memory.set(device.identity, next);
  }
  return { steps, memory };
}

function decideOne(device: HomeDevice, role: Role, want: Want, mem: DeviceMemory, input: DecideInput): [Step, DeviceMemory | undefined] {
  const { now, settings } = input;
  /** The step's sentence after the device's name ("EcoCute: ..." / "エコキュート：..."), with the want's reason at hand. */
  const step = (code: StepCode, sentence: (lang: Lang, why: string) => string): Step => {
    const s = say((l) => `${deviceName(role, l)}${l === 'ja' ? '：' : ': '}${sentence(l, l === 'ja' ? want.reason.textJa : want.reason.text)}`);
    return { identity: device.identity, role, code, ...s };
  };
  const v = valueIn;
  if (!isEnabled(device, input.enabled)) {
    return [step('not-enabled', (l) => (l === 'ja' ? '設定でソーラー制御の対象になっていないため、操作しません' : 'solar control is not enabled for it in the settings; never touched')), undefined];
  }
  // left to finish on its own (the warning top-up): what it does next is its own business, not an override
  if (want.kind === 'leave') return [step('left', (l, why) => (l === 'ja' ? `${why}。このまま運転を任せます` : `${why}; left to run on its own`)), undefined];
  const state = stateOf(device, role);
  let current: DeviceMemory = mem;

  // The device left what we set (a reading taken well after our write shows another value).
  if (current.set && state && state.at > current.set.at + settings.settleMs && state.value !== current.set.value) {
    // where we want it anyway (a charger that goes to standby when the car is unplugged): no conflict
    if (state.value === targetValue(role, want, current)) {
      const next = want.kind === 'release' ? undefined : { ...current, set: { value: state.value, at: state.at } };
      return [step('in-state', (l, why) => (l === 'ja' ? `すでに${v(state.value, l)}です（${why}）` : `already ${state.value} (${why})`)), next];
    }
    const until = now + settings.backoffMs;
    const set = current.set.value;
    // a full tank ends manual heating by itself: that is not someone else, but backing off is as safe
    const byUnit = role === 'ecocute' && state.value === OFF.ecocute;
    const who = (l: Lang): string =>
      byUnit
        ? l === 'ja' ? '機器自身（満タンで沸き増しが終わります）か他の誰か' : 'the unit itself (a full tank ends manual heating) or by someone else'
        : l === 'ja' ? '他の誰か（リモコン、アプリ、他の制御機器）' : 'someone else (its remote, an app or another controller)';
    const text = (l: Lang): string =>
      l === 'ja'
        ? `設定した${v(set, l)}が${who(l)}により${v(state.value, l)}に変更されました。${hhmm(until)}まで操作しません`
        : `changed to ${state.value} by ${who(l)} after we set ${set}; leaving it alone until ${hhmm(until)}`;
    return [step('override', text), { backoffUntil: until, overriddenTo: state.value }];
  }
  if (current.backoffUntil !== undefined) {
    if (now < current.backoffUntil) {
      const until = current.backoffUntil;
      const to = current.overriddenTo;
      return [
        step('backing-off', (l) =>
          l === 'ja'
            ? `他の誰かが${to === undefined ? '別の状態' : v(to, l)}に変更したため、${hhmm(until)}まで操作しません`
            : `was changed to ${to ?? 'another state'} by someone else; leaving it alone until ${hhmm(until)}`,
        ),
        current,
      ];
    }
    current = {};
  }
  if (!device.online) return [step('offline', (l, why) => (l === 'ja' ? `応答がないため、何も送りません（${why}）` : `not answering; nothing sent (${why})`)), current];
  if (!device.commands.has(COMMAND_OF_ROLE[role])) {
    return [
      step('not-settable', (l, why) =>
        l === 'ja' ? `機器の設定でネットワークからの変更が許可されていないため、何も送りません（${why}）` : `its settings do not allow this to be changed over the network; nothing sent (${why})`,
      ),
      current,
    ];
  }

  const target = targetValue(role, want, current);
  if (target === undefined) {
    const ours = current.set !== undefined;
    if (!ours && state && state.value !== OFF[role] && want.kind === 'release') {
      const value = state.value;
      return [
        step('not-ours', (l, why) =>
          l === 'ja' ? `${v(value, l)}はスケジューラーが始めたものではないため、そのままにします（${why}）` : `${value} was not started by the scheduler; left as it is (${why})`,
        ),
        current,
      ];
    }
    return [step('in-state', (l, why) => (l === 'ja' ? `機器に任せています（${why}）` : `runs on its own (${why})`)), current];
  }
  const power = chargePower(device, role, want, current, state?.value === target && current.set === undefined);
  if (state?.value === target && power.setW === undefined) {
    return [step('in-state', (l, why) => (l === 'ja' ? `すでに${v(target, l)}です${power.note(l)}（${why}）` : `already ${target}${power.note(l)} (${why})`)), current];
  }
  if (current.retryAt !== undefined && now < current.retryAt) {
    const at = current.retryAt;
    return [step('retry-wait', (l, why) => (l === 'ja' ? `前回の操作に失敗したため、${hhmm(at)}に再試行します（${why}）` : `the last attempt failed; trying again at ${hhmm(at)} (${why})`)), current];
  }
  const write = state?.value === target ? {} : { value: target };
  const what = (l: Lang): string => {
    const kw = power.setW === undefined ? '' : num(power.setW / 1000);
    if (write.value === undefined) return l === 'ja' ? `充電電力を${kw} kWに設定` : `charging power set to ${kw} kW`;
    if (l === 'ja') return `${v(target, l)}に設定${kw ? `（${kw} kW）` : ''}`;
    return `set ${target}${kw ? ` at ${kw} kW` : ''}`;
  };
  const text = (l: Lang, why: string): string => `${what(l)}${power.note(l)}${l === 'ja' ? `（${why}）` : ` (${why})`}`;
  return [{ ...step('write', text), ...write, ...(power.setW === undefined ? {} : { powerW: power.setW }), handBack: want.kind === 'release' }, current];
}

/**
 * The EV charging power a want asks for: set where the charger allows it (EB in its Set map) and it is
 * not set yet; otherwise the charger runs at its own power, and the step says so. The owner's own
 * charging (`ownersCharging`: charging that the scheduler did not start) keeps its power.
 */
function chargePower(device: HomeDevice, role: Role, want: Want, mem: DeviceMemory, ownersCharging: boolean): { setW?: number; note: (lang: Lang) => string } {
  const none = { note: () => '' };
  if (role !== 'ev' || want.kind !== 'on' || want.kw === undefined || ownersCharging) return none;
  if (!device.commands.has('ev-charge-power')) {
    return { note: (l) => (l === 'ja' ? '。この充電器は充電電力をネットワークから設定できないため、入・切のみで制御します' : '; its charging power cannot be set over the network, so it is only switched on and off') };
  }
  const watts = Math.round((want.kw * 1000) / POWER_STEP_W) * POWER_STEP_W;
  return watts === mem.powerW ? none : { setW: watts, note: () => '' };
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
  /** Only called for chargers whose Set map has the charging power (command 'ev-charge-power'). */
  setEvChargePower(identity: string, watts: number): Promise<void>;
  setBatteryMode(identity: string, mode: BatteryMode): Promise<void>;
}

async function write(home: ControlledHome, step: Step): Promise<void> {
  const { role, identity, value } = step;
  // the power first, so that charging does not start at the charger's old power
  if (step.powerW !== undefined) await home.setEvChargePower(identity, step.powerW);
  if (value !== undefined) await writeMode(home, role, identity, value);
}

function writeMode(home: ControlledHome, role: Role, identity: string, value: string): Promise<void> {
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
        await write(this.home, step);
        // once handed back the device is its own again; otherwise remember what we set and what it was
        if (step.handBack) this.memory.delete(step.identity);
        else {
          const set = step.value === undefined ? mem.set : { value: step.value, at: this.clock.now() };
          const powerW = step.powerW ?? mem.powerW;
          this.memory.set(step.identity, { ...(set ? { set } : {}), before: mem.before ?? restorable(stateOf(device, step.role)?.value), ...(powerW === undefined ? {} : { powerW }) });
        }
        steps.push({ ...step, text: `${step.text}: confirmed by the device`, textJa: `${step.textJa}：機器で確認しました` });
      } catch (err) {
        const retryAt = this.clock.now() + this.settings.retryMs;
        this.memory.set(step.identity, { ...mem, retryAt });
        // the home model's error says what the device did in English; the Japanese sentence carries it as it is
        const why = errorMessage(err);
        steps.push({ ...step, code: 'failed', text: `${step.text}: failed (${why}); trying again at ${hhmm(retryAt)}`, textJa: `${step.textJa}：失敗しました（${why}）。${hhmm(retryAt)}に再試行します` });
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
