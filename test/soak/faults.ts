/**
 * The faults the soak injects, each as what it does to the installation (through the rig's ops) and the
 * log line that must show the plugin noticed it. A kind either lasts (inject at its start, clear at its
 * end) or is instant (inject only).
 */
import type { RigClient } from '../helpers/homebridge-rig-client.js';

export type FaultKind =
  | 'dongle-unplug'
  | 'session-expiry'
  | 'meter-silence'
  | 'devices-silent'
  | 'devices-move'
  | 'garbage'
  | 'broker-restart'
  | 'disk-full'
  | 'homebridge-kill';

export interface FaultSpec {
  /** Episodes per simulated day. */
  readonly perDay: number;
  /** Simulated duration of one episode, ms; 0 for an instant fault. */
  readonly minMs: number;
  readonly maxMs: number;
  /**
   * The Homebridge log line that proves the plugin saw the fault; one per episode at least. Undefined
   * only for the SIGKILL, which the test counts on its side (each restart logs the clock warning anew).
   */
  readonly logLine: RegExp | undefined;
  /**
   * Faults that hide this one when active at the same time (a session cannot expire on an unplugged
   * dongle; a Homebridge that restarts meanwhile sees a different world, not the change): such an
   * episode need not have its own log line.
   */
  readonly maskedBy: readonly FaultKind[];
  inject(rig: RigClient, episode: number): Promise<unknown>;
  clear?(rig: RigClient, episode: number): Promise<unknown>;
}

const MINUTE = 60_000;
/** The LAN devices' addresses in turn: each move goes to the other one. */
const ADDRESSES = ['127.0.0.2', '127.0.0.3'] as const;

export const FAULTS: Readonly<Record<FaultKind, FaultSpec>> = {
  'dongle-unplug': {
    perDay: 1,
    minMs: 10 * MINUTE,
    maxMs: 90 * MINUTE,
    logLine: /the serial port closed \(was the dongle unplugged\?\)/,
    // a silent dongle sends the session down its ladder, which closes and reopens the port itself
    maskedBy: ['meter-silence', 'homebridge-kill'],
    inject: (rig) => rig.call('dongle', { action: 'unplug' }),
    clear: (rig) => rig.call('dongle', { action: 'replug' }),
  },
  'session-expiry': {
    perDay: 2,
    minMs: 0,
    maxMs: 0,
    logLine: /the session lifetime expired \(EVENT 29\)/,
    maskedBy: ['dongle-unplug', 'meter-silence', 'homebridge-kill'],
    inject: (rig) => rig.call('dongle', { action: 'expire' }),
  },
  // longer than the meter's watchdog (METER_MISSED_POLLS polls of the soak's meter poll interval)
  'meter-silence': {
    perDay: 1,
    minMs: 60 * MINUTE,
    maxMs: 150 * MINUTE,
    logLine: /no reading from the smart meter for \d+ s/,
    maskedBy: ['dongle-unplug', 'homebridge-kill'],
    inject: (rig) => rig.call('dongle', { action: 'silent' }),
    clear: (rig) => rig.call('dongle', { action: 'speak' }),
  },
  'devices-silent': {
    perDay: 1,
    minMs: 30 * MINUTE,
    maxMs: 120 * MINUTE,
    logLine: /is not answering, shown as "No Response"/,
    maskedBy: ['homebridge-kill'],
    inject: (rig) => rig.call('faults', { faults: { silent: true } }),
    clear: (rig) => rig.call('faults', { faults: {} }),
  },
  'devices-move': {
    perDay: 1,
    minMs: 0,
    maxMs: 0,
    logLine: /moved from 127\.0\.0\.[23]/,
    maskedBy: ['homebridge-kill'],
    inject: (rig, episode) => rig.call('move', { address: ADDRESSES[(episode + 1) % 2] }),
  },
  // only seen at debug level (-D): the transport drops each one quietly, a LAN can be noisy
  garbage: {
    perDay: 3,
    minMs: 0,
    maxMs: 0,
    logLine: /dropped a malformed datagram from 127\.0\.0\.1/,
    maskedBy: ['homebridge-kill'],
    inject: (rig) => rig.call('garbage', { count: 20 }),
  },
  'broker-restart': {
    perDay: 1,
    minMs: 10 * MINUTE,
    maxMs: 60 * MINUTE,
    logLine: /MQTT: connection lost; retrying in/,
    maskedBy: ['homebridge-kill'],
    inject: (rig) => rig.call('broker', { up: false }),
    // the observer's window is real time: long enough for the plugin's reconnection and its backlog
    clear: (rig) => rig.call('broker', { up: true, watchMs: 4_000, filter: 'echonet-hems/+/state' }),
  },
  'disk-full': {
    perDay: 1,
    minMs: 30 * MINUTE,
    maxMs: 120 * MINUTE,
    logLine: /ENOSPC|no space left on device/i,
    maskedBy: [],
    inject: (rig) => rig.call('disk', { full: true }),
    clear: (rig) => rig.call('disk', { full: false }),
  },
  'homebridge-kill': {
    perDay: 1,
    minMs: 0,
    maxMs: 0,
    logLine: undefined,
    maskedBy: [],
    inject: (rig) => rig.call('kill', {}, 120_000),
  },
};
