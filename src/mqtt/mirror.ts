/**
 * The MQTT mirror: every device of the home on clear, retained topics (see topics.ts), Home Assistant
 * discovery, and commands back through the home model. Everything it sends goes through the outbox, so a
 * broker that is away loses nothing. Other consumers (the scheduler) publish their own JSON state through
 * publish(path, value) without this file knowing them.
 */
import type { HomeDevice } from '../home/index.js';
import type { Clock } from '../util/clock.js';
import { errorMessage, guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { connectClient, type BrokerSettings } from './broker.js';
import { checkCommand, execute, SCHEDULER_ENABLED, SCHEDULER_SEGMENT, type CommandTarget, type SchedulerSwitch } from './commands.js';
import { MqttConnection } from './connection.js';
import { DEFAULT_DISCOVERY_PREFIX, deviceDiscovery, possibleDiscoveryTopics, schedulerDiscovery, type DiscoveryContext, type DiscoveryMessage } from './ha-discovery.js';
import { Outbox, type OutboxOptions, type OutboxStats } from './outbox.js';
import { Topics } from './topics.js';
import { READING_KEYS, VALUE_SPECS, valuePayload } from './values.js';

type DeviceEvent = 'device-added' | 'device-changed';

/** What the mirror reads: src/home's Home satisfies it, and so can a test or a replay. */
export interface TelemetrySource {
  devices(): readonly HomeDevice[];
  on(event: DeviceEvent, listener: (device: HomeDevice) => void): unknown;
  off(event: DeviceEvent, listener: (device: HomeDevice) => void): unknown;
}

export interface MirrorOptions {
  readonly source: TelemetrySource;
  readonly commands: CommandTarget;
  readonly scheduler?: SchedulerSwitch;
  readonly broker: BrokerSettings;
  readonly clock: Clock;
  /** Must redact the broker password (redactingLogger); the mirror never writes it anyway. */
  readonly log: Logger;
  readonly version: string;
  /** Topic prefix; 'echonet-hems' by default. */
  readonly prefix?: string;
  /** Home Assistant discovery, on unless false. */
  readonly discovery?: boolean;
  readonly discoveryPrefix?: string;
  /** The name HA shows for a device (the platform passes its configured names). */
  readonly name?: (device: HomeDevice) => string;
  readonly outbox?: Omit<OutboxOptions, 'log'>;
  /**
   * A device's JSON state is sent when something in it changed, and at least this often otherwise so its
   * timestamps say the value is still fresh; identical polls in between cost nothing.
   */
  readonly stateRefreshMs?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const DEFAULT_PREFIX = 'echonet-hems';
const DEFAULT_STATE_REFRESH_MS = 5 * 60_000;
const ONLINE = 'online';
const OFFLINE = 'offline';

const KIND_NAME: Readonly<Record<HomeDevice['kind'], string>> = {
  meter: 'Smart meter',
  solar: 'Solar',
  'water-heater': 'EcoCute',
  'ev-charger': 'EV charger',
  battery: 'Battery',
};

export interface MirrorStats extends OutboxStats {
  readonly connected: boolean;
  readonly reconnections: number;
  readonly rejectedCommands: number;
}

interface Sent {
  /** Last payload per per-value topic, so unchanged values are not sent again. */
  readonly values: Map<string, string>;
  stateKey: string;
  stateAt: number;
  online: boolean | undefined;
  /** Discovery config topics sent for the device, to empty them when it is removed. */
  discovery: Set<string>;
  /** What the configs were made from (name, readings offered, commands allowed): resent when it changes. */
  discoveryKey: string;
}

export class MqttMirror {
  readonly topics: Topics;
  private readonly outbox: Outbox;
  private readonly connection: MqttConnection;
  private readonly discovery: DiscoveryContext | undefined;
  private readonly sent = new Map<string, Sent>();
  private readonly listener = (device: HomeDevice) => this.mirror(device);
  private rejected = 0;
  private started = false;

  constructor(private readonly options: MirrorOptions) {
    this.topics = new Topics(options.prefix ?? DEFAULT_PREFIX);
    this.outbox = new Outbox({ ...options.outbox, log: options.log });
    this.discovery =
      options.discovery === false ? undefined : { discoveryPrefix: options.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX, topics: this.topics, version: options.version };
    const subscriptions = [this.topics.commandFilter];
    if (this.discovery) subscriptions.push(this.haStatusTopic);
    let connections = 0;
    this.connection = new MqttConnection({
      open: () => connectClient(options.broker, { topic: this.topics.status, payload: OFFLINE }),
      outbox: this.outbox,
      clock: options.clock,
      log: options.log,
      subscriptions,
      greeting: () => {
        // a broker without persistence forgot the retained topics: after a reconnection, send them again
        // behind the backlog, so the newest values are the ones that stay retained
        if (connections++ > 0) queueMicrotask(() => this.refresh());
        return [{ topic: this.topics.status, payload: ONLINE, retain: true }];
      },
      onMessage: (topic, payload, retained) => this.received(topic, payload, retained),
      ...(options.minBackoffMs === undefined ? {} : { minBackoffMs: options.minBackoffMs }),
      ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
    });
  }

  private get haStatusTopic(): string {
    return `${this.discovery?.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX}/status`;
  }

  /** Loads the outbox of the last run, mirrors what the home knows now, connects and follows changes. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.outbox.load();
    this.options.source.on('device-added', this.listener);
    this.options.source.on('device-changed', this.listener);
    this.refresh();
    this.connection.start();
  }

  /** Says goodbye (status offline) and closes; what could not be sent stays in the outbox file. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.options.source.off('device-added', this.listener);
    this.options.source.off('device-changed', this.listener);
    await this.connection.stop({ topic: this.topics.status, payload: OFFLINE, retain: true });
    await this.outbox.flush();
  }

  /**
   * Publishes a JSON value, retained, under the prefix: `publish('scheduler/decision', {...})` ->
   * `<prefix>/scheduler/decision`. The way the scheduler (or anything else) joins the mirror.
   */
  publish(path: string, value: unknown, retain = true): void {
    this.send(this.topics.path(path), JSON.stringify(value), retain);
  }

  /**
   * A device left the home for good: its Home Assistant entities are deleted (empty retained configs) and
   * its retained topics cleared, so neither HA nor a new subscriber sees a ghost. A device this run never
   * saw (removed after a restart) gets every topic it could have had cleared: an earlier run left them.
   */
  removeDevice(identity: string): void {
    const sent = this.sent.get(identity);
    this.sent.delete(identity);
    const configs = sent?.discovery ?? (this.discovery ? possibleDiscoveryTopics(identity, this.discovery) : []);
    const values = sent ? sent.values.keys() : READING_KEYS.map((key) => this.topics.value(identity, VALUE_SPECS[key].name));
    for (const topic of configs) this.send(topic, '', true);
    for (const topic of values) this.send(topic, '', true);
    this.send(this.topics.state(identity), '', true);
    this.send(this.topics.availability(identity), '', true);
  }

  stats(): MirrorStats {
    return { ...this.outbox.stats(), connected: this.connection.connected, reconnections: this.connection.reconnections, rejectedCommands: this.rejected };
  }

  /** Resolves when everything queued so far has been acknowledged by the broker. */
  drained(): Promise<void> {
    return this.outbox.drained();
  }

  /** Every topic again, as now: after a reconnection the broker may have forgotten retained messages. */
  private refresh(): void {
    for (const sent of this.sent.values()) {
      sent.values.clear();
      sent.stateKey = '';
      sent.online = undefined;
    }
    if (this.options.scheduler) this.publishSchedulerState();
    this.announce();
    // how the outage went: what waited, what was dropped, how often the link came back
    const { connected: _, ...stats } = this.stats();
    this.publish('outbox', stats);
  }

  /** Discovery again for everything (and whatever else of each device is due). */
  private announce(): void {
    for (const sent of this.sent.values()) sent.discoveryKey = '';
    if (this.discovery && this.options.scheduler) this.sendDiscovery(schedulerDiscovery(this.discovery));
    for (const device of this.options.source.devices()) this.mirror(device);
  }

  private mirror(device: HomeDevice): void {
    let sent = this.sent.get(device.identity);
    if (!sent) {
      sent = { values: new Map(), stateKey: '', stateAt: 0, online: undefined, discovery: new Set(), discoveryKey: '' };
      this.sent.set(device.identity, sent);
    }
    if (this.discovery) this.discover(device, sent, this.discovery);
    if (sent.online !== device.online) {
      this.send(this.topics.availability(device.identity), device.online ? ONLINE : OFFLINE, true);
      sent.online = device.online;
    }
    const now = this.options.clock.now();
    const values: Record<string, { value: unknown; unit?: string; at: string }> = {};
    for (const key of READING_KEYS) {
      const reading = device.readings[key];
      if (!reading) continue;
      const spec = VALUE_SPECS[key];
      values[spec.name] = { value: reading.value, ...(spec.unit === undefined ? {} : { unit: spec.unit }), at: new Date(reading.at).toISOString() };
      const topic = this.topics.value(device.identity, spec.name);
      const payload = valuePayload(reading.value);
      if (sent.values.get(topic) !== payload) {
        this.send(topic, payload, true);
        sent.values.set(topic, payload);
      }
    }
    const key = JSON.stringify([device.online, Object.entries(values).map(([name, v]) => [name, v.value])]);
    const refresh = this.options.stateRefreshMs ?? DEFAULT_STATE_REFRESH_MS;
    if (key !== sent.stateKey || now - sent.stateAt >= refresh) {
      const state = { device: device.identity, kind: device.kind, online: device.online, at: new Date(now).toISOString(), values };
      this.send(this.topics.state(device.identity), JSON.stringify(state), true);
      sent.stateKey = key;
      sent.stateAt = now;
    }
  }

  /** Discovery for a device when it is new or its name, readings or commands changed (a Set map learned late). */
  private discover(device: HomeDevice, sent: Sent, context: DiscoveryContext): void {
    const name = this.options.name?.(device) ?? KIND_NAME[device.kind];
    const key = JSON.stringify([name, [...device.offers].sort(), [...device.commands].sort()]);
    if (key === sent.discoveryKey) return;
    const messages = deviceDiscovery(device, name, context);
    const topics = new Set(messages.map((m) => m.topic));
    // entities the device no longer has are deleted in HA
    for (const gone of sent.discovery) if (!topics.has(gone)) this.send(gone, '', true);
    this.sendDiscovery(messages);
    sent.discovery = topics;
    sent.discoveryKey = key;
  }

  private sendDiscovery(messages: readonly DiscoveryMessage[]): void {
    for (const m of messages) this.send(m.topic, JSON.stringify(m.config), true);
  }

  private publishSchedulerState(): void {
    const on = this.options.scheduler?.enabled() ?? false;
    this.send(this.topics.value(SCHEDULER_SEGMENT, SCHEDULER_ENABLED), on ? 'ON' : 'OFF', true);
  }

  private send(topic: string, payload: string, retain: boolean): void {
    this.outbox.push({ topic, payload, retain });
  }

  private received(topic: string, payload: Buffer, retained: boolean): void {
    if (topic === this.haStatusTopic) {
      // HA's birth message: it (re)started and wants every entity announced again
      if (payload.toString('utf8').trim() === ONLINE && this.discovery) {
        this.options.log.debug('MQTT: Home Assistant is online; sending discovery again');
        this.announce();
      }
      return;
    }
    // A retained command would run again at every restart and reconnection (the broker replays it on
    // subscribe): turning the heater on once must not mean turning it on at every reboot.
    if (retained) {
      this.reject(topic, 'retained', 'commands must be sent without the retain flag (a retained command would run again at every restart); nothing was done');
      return;
    }
    const check = checkCommand(this.topics, topic, payload, this.options.source.devices(), this.options.scheduler);
    if (!check.ok) {
      this.reject(topic, check.code, check.error);
      return;
    }
    const action = check.action;
    guard(
      this.options.log,
      `MQTT command ${topic}`,
      execute(action, this.options.commands, this.options.scheduler).then(
        () => {
          this.options.log.info(`MQTT: ${topic} done`);
          if (action.kind === 'scheduler') this.publishSchedulerState();
        },
        (err: unknown) => this.reject(topic, 'failed', errorMessage(err)),
      ),
    );
  }

  /** The sender learns why on `<prefix>/errors`; the payload is not echoed (it could be anything). */
  private reject(topic: string, code: string, error: string): void {
    this.rejected++;
    this.options.log.warn(`MQTT: command on ${topic} rejected: ${error}`);
    const at = new Date(this.options.clock.now()).toISOString();
    this.send(this.topics.errors, JSON.stringify({ at, topic, code, error }), false);
  }
}
