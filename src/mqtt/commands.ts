/**
 * Commands from MQTT: `<prefix>/<device>/<command>/set`. Only what HomeKit can do is offered (manual
 * heating, EV charging on/off, battery mode, scheduler on/off); a command goes to the home model only when
 * the topic names a known device, the device's Set map allows it, the device is online and the payload is
 * one of the few accepted words. Anything else is answered on `<prefix>/errors` and goes nowhere.
 */
import type { BatteryMode, HomeDevice } from '../home/index.js';
// the list of modes is not re-exported by src/home/index.ts (yet); it is the home model's, not ours
import { BATTERY_MODES } from '../home/commands.js';
import { topicSegment, type Topics } from './topics.js';

export type MqttCommand = 'manual-heating' | 'ev-charging' | 'battery-mode';

/** Topic level of each command; also the Home Assistant object id. */
export const COMMAND_NAMES: Readonly<Record<MqttCommand, string>> = {
  'manual-heating': 'manual_heating',
  'ev-charging': 'ev_charging',
  'battery-mode': 'battery_mode',
};

export function isMqttCommand(command: string): command is MqttCommand {
  return Object.hasOwn(COMMAND_NAMES, command);
}

/** The scheduler is one pseudo-device; its switch is `<prefix>/scheduler/enabled(/set)`. */
export const SCHEDULER_SEGMENT = 'scheduler';
export const SCHEDULER_ENABLED = 'enabled';

/** The home's command API (src/home Home satisfies it); results are confirmed by the device's readings. */
export interface CommandTarget {
  setManualHeating(identity: string, on: boolean): Promise<void>;
  setEvCharging(identity: string, on: boolean): Promise<void>;
  setBatteryMode(identity: string, mode: BatteryMode): Promise<void>;
}

/** The scheduler's on/off, when a scheduler runs. */
export interface SchedulerSwitch {
  enabled(): boolean;
  setEnabled(on: boolean): void | Promise<void>;
}

export type CommandAction =
  | { readonly kind: 'device'; readonly identity: string; readonly command: MqttCommand; readonly value: boolean | BatteryMode }
  | { readonly kind: 'scheduler'; readonly on: boolean };

export type CommandCheck = { readonly ok: true; readonly action: CommandAction } | { readonly ok: false; readonly code: CommandErrorCode; readonly error: string };

type CommandErrorCode = 'not-a-command' | 'unknown-device' | 'not-allowed' | 'offline' | 'bad-payload' | 'failed';

/** Longer than any accepted word; bigger payloads are not even decoded. */
export const MAX_COMMAND_BYTES = 32;

function fail(code: CommandErrorCode, error: string): CommandCheck {
  return { ok: false, code, error };
}

/** ON/OFF as Home Assistant sends them, and the obvious spellings a script might use. */
export function parseOnOff(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'on' || t === 'true' || t === '1') return true;
  if (t === 'off' || t === 'false' || t === '0') return false;
  return undefined;
}

function decode(payload: Uint8Array): string | undefined {
  if (payload.length > MAX_COMMAND_BYTES) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return undefined;
  }
}

/** Checks a command completely; nothing is sent anywhere. */
export function checkCommand(
  topics: Topics,
  topic: string,
  payload: Uint8Array,
  devices: readonly HomeDevice[],
  scheduler: SchedulerSwitch | undefined,
): CommandCheck {
  const parsed = topics.parseCommand(topic);
  if (!parsed) return fail('not-a-command', 'not a command topic');
  const text = decode(payload);
  if (parsed.device === SCHEDULER_SEGMENT && parsed.command === SCHEDULER_ENABLED) {
    if (!scheduler) return fail('not-allowed', 'no scheduler is running');
    const on = text === undefined ? undefined : parseOnOff(text);
    return on === undefined ? fail('bad-payload', 'the scheduler takes ON or OFF') : { ok: true, action: { kind: 'scheduler', on } };
  }
  const command = (Object.keys(COMMAND_NAMES) as MqttCommand[]).find((c) => COMMAND_NAMES[c] === parsed.command);
  if (!command) return fail('not-a-command', `"${parsed.command}" is not a command (${Object.values(COMMAND_NAMES).join(', ')})`);
  const device = devices.find((d) => topicSegment(d.identity) === parsed.device);
  if (!device) return fail('unknown-device', `no device "${parsed.device}"`);
  if (!device.commands.has(command)) return fail('not-allowed', `the ${device.kind} ${parsed.device} does not allow ${parsed.command}`);
  if (!device.online) return fail('offline', `the ${device.kind} ${parsed.device} is not answering`);
  if (text === undefined) return fail('bad-payload', `the payload is not a short text (at most ${MAX_COMMAND_BYTES} bytes of UTF-8)`);
  if (command === 'battery-mode') {
    const mode = BATTERY_MODES.find((m) => m === text.trim());
    return mode ? { ok: true, action: { kind: 'device', identity: device.identity, command, value: mode } } : fail('bad-payload', `the battery mode must be one of ${BATTERY_MODES.join(', ')}`);
  }
  const on = parseOnOff(text);
  return on === undefined ? fail('bad-payload', `${parsed.command} takes ON or OFF`) : { ok: true, action: { kind: 'device', identity: device.identity, command, value: on } };
}

/** Carries out a checked command through the home model (which checks it again against the Set map). */
export function execute(action: CommandAction, target: CommandTarget, scheduler: SchedulerSwitch | undefined): Promise<void> {
  if (action.kind === 'scheduler') return Promise.resolve(scheduler?.setEnabled(action.on));
  switch (action.command) {
    case 'manual-heating':
      return target.setManualHeating(action.identity, action.value === true);
    case 'ev-charging':
      return target.setEvCharging(action.identity, action.value === true);
    case 'battery-mode':
      return target.setBatteryMode(action.identity, action.value as BatteryMode);
  }
}
