/**
 * Where MQTT goes: any broker by URL (with a user name and password, and TLS with a CA and a client
 * certificate). The embedded broker is in embedded-broker.ts, so a home with its own broker never loads it.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface BrokerSettings {
  /** mqtt://host:1883, mqtts://host:8883, ws://, wss:// */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM files: the CA that signed the broker's certificate, and this client's certificate and key. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** false accepts any broker certificate: only for a self-signed broker on a trusted LAN. */
  readonly verifyCertificate?: boolean;
  readonly clientId?: string;
}

/** A last will: what the broker publishes for us when the connection dies without a goodbye. */
export interface Will {
  readonly topic: string;
  readonly payload: string;
}

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
}

/**
 * The mqtt.js options for these settings. Reconnection is left to the caller (reconnectPeriod 0), which
 * backs off and resends from its own outbox rather than from mqtt.js's memory.
 */
function clientOptions(settings: BrokerSettings, will: Will | undefined): IClientOptions {
  const options: IClientOptions = {
    clientId: settings.clientId ?? `echonet-hems-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
    protocolVersion: 4,
  };
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  if (settings.caFile) options.ca = readPem(settings.caFile, 'CA certificate');
  if (settings.certFile) options.cert = readPem(settings.certFile, 'client certificate');
  if (settings.keyFile) options.key = readPem(settings.keyFile, 'client key');
  if (settings.verifyCertificate === false) options.rejectUnauthorized = false;
  if (will) options.will = { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true };
  return options;
}

/** Opens a client (not yet connected: it connects in the background and emits 'connect'). */
export function connectClient(settings: BrokerSettings, will?: Will): MqttClient {
  return mqtt.connect(settings.url, clientOptions(settings, will));
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    // the path is not secret, the content is: only the path is named
    throw new BrokerError(`cannot read the MQTT ${what} file "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
