/**
 * One connection to the broker at a time, re-opened with exponential backoff when it drops. Each attempt
 * is a fresh client, so nothing is resent from mqtt.js's memory: the outbox alone decides what is sent
 * and in which order.
 */
import type { MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { Link, OutMessage, Outbox } from './outbox.js';

export interface ConnectionOptions {
  /** Opens a new client for each attempt (broker.ts connectClient with the settings and the will). */
  readonly open: () => MqttClient;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Logger;
  /** Subscribed (QoS 1) on every connection. */
  readonly subscriptions: readonly string[];
  /** Sent before the outbox's backlog on every connection (the "online" status). */
  readonly greeting: () => OutMessage[];
  /** `retained`: the broker kept the message and hands it to us because we subscribed (not sent just now). */
  readonly onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
  /** First retry after this, doubling up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const DEFAULT_MIN_BACKOFF_MS = 1_000;
/** A broker that is down for maintenance is retried at least once a minute. */
const DEFAULT_MAX_BACKOFF_MS = 60_000;

export class MqttConnection {
  private client: MqttClient | undefined;
  private retry: TimerHandle | undefined;
  private failures = 0;
  private stopped = false;
  private connectedOnce = false;
  private reconnects = 0;
  /** The broker's or the socket's last complaint, shown with the next retry line. */
  private lastError: string | undefined;

  constructor(private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connections made after the first: the mirror reports it with the outbox statistics. */
  get reconnections(): number {
    return this.reconnects;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Sends the goodbye (so the will is not published) and stops retrying. */
  async stop(goodbye?: OutMessage): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
    const client = this.client;
    this.client = undefined;
    this.options.outbox.detach();
    if (!client) return;
    if (client.connected && goodbye) {
      await publish(client, goodbye).catch(() => undefined);
    }
    await client.endAsync(false).catch(() => undefined);
  }

  private open(): void {
    if (this.stopped) return;
    let client: MqttClient;
    try {
      client = this.options.open();
    } catch (err) {
      // bad settings (an unreadable certificate): retrying will not help until they are fixed
      this.options.log.error(`MQTT: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.client = client;
    let attached = false;
    client.on('connect', () => {
      if (this.client !== client) return;
      if (this.connectedOnce) this.reconnects++;
      this.connectedOnce = true;
      this.failures = 0;
      this.options.log.info('MQTT: connected to the broker');
      for (const filter of this.options.subscriptions) {
        client.subscribe(filter, { qos: 1 }, (err) => err && this.options.log.warn(`MQTT: cannot subscribe to ${filter}: ${err.message}`));
      }
      for (const message of this.options.greeting()) publish(client, message).catch(() => undefined);
      const link: Link = { publish: (message) => publish(client, message) };
      attached = true;
      this.options.outbox.attach(link);
    });
    client.on('message', (topic, payload, packet) => {
      if (this.client === client) this.options.onMessage(topic, payload, packet.retain);
    });
    client.on('error', (err) => {
      this.lastError = err.message;
      this.options.log.debug(`MQTT: ${err.message}`);
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (attached) this.options.outbox.detach();
      // end(true) fails the callbacks of unacknowledged publishes, so the outbox stops waiting for them
      client.end(true);
      this.scheduleRetry(attached);
    });
  }

  private scheduleRetry(wasConnected: boolean): void {
    if (this.stopped) return;
    const min = this.options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS;
    const max = this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    const base = Math.min(max, min * 2 ** Math.min(this.failures, 30));
    this.failures++;
    // up to 20% either way, so many clients do not hammer a restarted broker in step
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    const queued = this.options.outbox.stats().queued;
    const line = `MQTT: ${wasConnected ? 'connection lost' : 'cannot reach the broker'}${reasonOf(this.lastError)}; retrying in ${(delay / 1000).toFixed(1)} s (${queued} message(s) waiting)`;
    this.lastError = undefined;
    if (wasConnected || this.failures === 1) this.options.log.warn(line);
    else this.options.log.debug(line);
    this.retry = this.options.clock.setTimeout(() => this.open(), delay);
  }
}

/**
 * A refused login looks like any other failure to connect unless the broker's reason is shown; a homeowner
 * with a mistyped password needs to be told where to look.
 */
function reasonOf(error: string | undefined): string {
  if (error === undefined) return '';
  if (/not authori[sz]ed|bad user ?name or password/i.test(error)) return ` (${error}: check the MQTT user name and password in the plugin settings)`;
  return ` (${error})`;
}

function publish(client: MqttClient, message: OutMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(message.topic, message.payload, { qos: 1, retain: message.retain }, (err) => (err ? reject(err) : resolve()));
  });
}
