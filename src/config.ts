/**
 * The platform's settings from config.json, checked, with messages a homeowner can act on. Secrets
 * (the B-route ID and password) are never put into a message: a log line says which field is wrong,
 * never what it contains.
 */
import { validateSchedulerConfig, weatherAreaOf, type SchedulerConfig, type WeatherArea } from './scheduler/config.js';
import { existsSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import {
  DEFAULT_DEVICE_POLL_SECONDS,
  DEFAULT_EMBEDDED_BROKER_PORT,
  EMBEDDED_BROKER_HOST,
  MAX_BACKUPS,
  MAX_RETENTION_MONTHS,
  DEFAULT_METER_POLL_SECONDS,
  DEFAULT_SURPLUS_THRESHOLD_W,
  MAX_DEVICE_POLL_SECONDS,
  MAX_METER_POLL_SECONDS,
  MIN_DEVICE_POLL_SECONDS,
  MIN_METER_POLL_SECONDS,
} from './settings.js';
import { isRecord } from './util/json.js';
import { absent, choice, flag, group, whole, type Raw } from './util/settings-fields.js';

export type Language = 'en' | 'ja';
/** 余剰買取 (surplus: what the home does not use is sold) or 全量買取 (full: all generation is sold). */
type PurchaseMode = 'surplus' | 'full';

export interface DeviceOverride {
  /** A device id as logged when it is found, or a kind ("solar", "water-heater", ...) for all of that kind. */
  readonly id: string;
  readonly name?: string;
  readonly hide: boolean;
}

export interface HemsConfig {
  readonly name: string;
  readonly language: Language;
  readonly purchaseMode: PurchaseMode;
  readonly meter?: {
    readonly serialPort: string;
    readonly brouteId: string;
    readonly broutePassword: string;
    readonly pollSeconds: number;
  };
  readonly echonet?: {
    readonly interface?: string;
    readonly hosts: readonly string[];
    readonly pollSeconds: number;
  };
  readonly solarLightSensor: boolean;
  readonly surplusThresholdW: number;
  readonly devices: readonly DeviceOverride[];
  /** Absent: MQTT is off. */
  readonly mqtt?: MqttConfig;
  /** Absent fields take the store's own defaults (13 months, 14 backups). */
  readonly store: { readonly retentionMonths?: number; readonly backups?: number };
  /** Absent: AI solar charge is off in the settings. */
  readonly scheduler?: SchedulerConfig;
  /** The JMA area the dashboard shows the weather of, AI solar charge on or off; absent: no area is set, nothing is requested. */
  readonly weather?: WeatherArea;
}

export interface MqttConfig {
  /** Our own broker inside Homebridge, or the homeowner's broker by URL. */
  readonly broker: { readonly kind: 'embedded'; readonly host: string; readonly port: number } | { readonly kind: 'url'; readonly url: string };
  readonly username?: string;
  readonly password?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly prefix: string;
  readonly discovery: boolean;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: HemsConfig; readonly warnings: readonly string[] }
  /** `unconfigured`: nothing to connect to yet, so the plugin stays idle (not an error). */
  | { readonly ok: false; readonly unconfigured: boolean; readonly errors: readonly string[] };


export function parseConfig(raw: Raw): ConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const meterRaw = group(raw.meter, '"meter"', errors);
  const echonetRaw = group(raw.echonet, '"echonet"', errors);
  const wantsMeter = meterRaw !== undefined && nonEmpty(meterRaw.serialPort);
  if (!wantsMeter && echonetRaw === undefined && errors.length === 0) {
    return {
      ok: false,
      unconfigured: true,
      errors: ['not configured yet: set the Wi-SUN dongle port of the smart meter, or turn on ECHONET Lite devices, in the plugin settings'],
    };
  }

  const language = choice(raw.language, ['en', 'ja'] as const, 'en', 'language', errors);
  const purchaseMode = choice(raw.purchaseMode, ['surplus', 'full'] as const, 'surplus', 'purchase mode', errors);

  let meter: HemsConfig['meter'];
  if (meterRaw && wantsMeter) {
    const brouteId = typeof meterRaw.brouteId === 'string' ? meterRaw.brouteId.trim() : '';
    const broutePassword = typeof meterRaw.broutePassword === 'string' ? meterRaw.broutePassword.trim() : '';
    if (!/^[0-9A-Fa-f]{32}$/.test(brouteId)) {
      errors.push('the B-route ID must be the 32 letters and digits from your electricity company\'s B-route letter (0-9, A-F)');
    }
    if (!/^[0-9A-Za-z]{12}$/.test(broutePassword)) {
      errors.push('the B-route password must be the 12 letters and digits from your electricity company\'s B-route letter');
    }
    meter = {
      serialPort: String(meterRaw.serialPort).trim(),
      brouteId: brouteId.toUpperCase(),
      broutePassword,
      pollSeconds: whole(meterRaw.pollSeconds, DEFAULT_METER_POLL_SECONDS, MIN_METER_POLL_SECONDS, MAX_METER_POLL_SECONDS, 'meter reading interval (seconds)', errors),
    };
  }

  let echonet: HemsConfig['echonet'];
  if (echonetRaw && flag(echonetRaw.enabled, true, 'ECHONET Lite "enabled" setting', errors)) {
    const iface = nonEmpty(echonetRaw.interface) ? String(echonetRaw.interface).trim() : undefined;
    if (iface !== undefined && !isIPv4(iface)) errors.push(`the ECHONET interface ${quoted(iface)} is not an IPv4 address such as 192.168.1.10`);
    // {} or true would otherwise mean "all interfaces", and searches would leave by whatever NIC the OS picks
    if (iface === undefined && !absent(echonetRaw.interface)) errors.push('the ECHONET interface must be an IPv4 address such as 192.168.1.10, or left empty');
    const hostsRaw = echonetRaw.hosts ?? [];
    const hosts = Array.isArray(hostsRaw) ? hostsRaw.filter(nonEmpty).map((h) => String(h).trim()) : [];
    if (!Array.isArray(hostsRaw)) errors.push('the device addresses must be a list of IPv4 addresses');
    // a list entry that is not text (a nested list, true, {}) would otherwise vanish without a word
    else if (hostsRaw.some((h) => h !== null && h !== '' && typeof h !== 'string' && typeof h !== 'number')) {
      errors.push('each device address must be an IPv4 address written as text, such as "192.168.1.20"');
    }
    for (const h of hosts) if (!isIPv4(h)) errors.push(`the device address ${quoted(h)} is not an IPv4 address such as 192.168.1.20`);
    echonet = {
      ...(iface === undefined ? {} : { interface: iface }),
      hosts,
      pollSeconds: whole(echonetRaw.pollSeconds, DEFAULT_DEVICE_POLL_SECONDS, MIN_DEVICE_POLL_SECONDS, MAX_DEVICE_POLL_SECONDS, 'device reading interval (seconds)', errors),
    };
  }
  if (!meter && !echonet && errors.length === 0) {
    return { ok: false, unconfigured: true, errors: ['nothing to connect to: both the smart meter and ECHONET Lite devices are turned off'] };
  }

  const devices: DeviceOverride[] = [];
  const devicesRaw = raw.devices ?? [];
  if (!Array.isArray(devicesRaw)) errors.push('"devices" must be a list of {id, name, hide}');
  else {
    for (const [i, d] of devicesRaw.entries()) {
      if (typeof d !== 'object' || d === null || !nonEmpty((d as Raw).id)) {
        warnings.push(`device entry ${i + 1} has no id and is ignored (use the id logged when the device was found, or a kind such as "solar")`);
        continue;
      }
      const entry = d as Raw;
      if (entry.name !== undefined && entry.name !== null && typeof entry.name !== 'string') {
        warnings.push(`device entry ${i + 1}: the name must be text; the device keeps its own name`);
      }
      devices.push({
        id: String(entry.id).trim(),
        ...(typeof entry.name === 'string' && entry.name.trim() !== '' ? { name: entry.name.trim() } : {}),
        hide: flag(entry.hide, false, `"hide" setting of device entry ${i + 1}`, errors),
      });
    }
  }

  const scheduler = validateSchedulerConfig(raw);
  // a bad purchase mode is reported by both: say it once
  if (!scheduler.ok) errors.push(...scheduler.errors.filter((e) => !errors.includes(e)));
  const weather = weatherAreaOf(raw);
  // with AI solar charge on, a wrong area is already an error above; without it, only the dashboard's weather is missing
  if (!(scheduler.ok && scheduler.config)) warnings.push(...weather.problems.map((p) => `${p}; until then the dashboard shows no weather`));
  const config: HemsConfig = {
    name: nonEmpty(raw.name) ? String(raw.name) : 'ECHONET HEMS',
    language,
    purchaseMode,
    ...(meter ? { meter } : {}),
    ...(echonet ? { echonet } : {}),
    solarLightSensor: flag(raw.solarLightSensor, false, 'solar light sensor setting', errors),
    surplusThresholdW: whole(raw.surplusThresholdW, DEFAULT_SURPLUS_THRESHOLD_W, 0, 10_000, 'selling-surplus threshold (W)', errors),
    devices,
    ...mqttConfig(group(raw.mqtt, '"mqtt"', errors), errors),
    store: storeConfig(group(raw.store, '"store"', errors), errors),
    ...(scheduler.ok && scheduler.config ? { scheduler: scheduler.config } : {}),
    ...(weather.area ? { weather: weather.area } : {}),
  };
  return errors.length > 0 ? { ok: false, unconfigured: false, errors } : { ok: true, config, warnings };
}

/**
 * Every secret the settings hold, for the redacting logger: the B-route ID and password, the MQTT password
 * and a password written into the broker URL. Read from the raw settings, so they are redacted even when
 * the settings are invalid.
 */
export function secretsOf(raw: Raw): string[] {
  const meter = isRecord(raw.meter) ? raw.meter : {};
  const mqtt = isRecord(raw.mqtt) ? raw.mqtt : {};
  const secrets: unknown[] = [meter.brouteId, meter.broutePassword, mqtt.password];
  // trimmed too: the parser trims the credentials, and messages may hold the trimmed form
  for (const s of [meter.brouteId, meter.broutePassword]) if (typeof s === 'string') secrets.push(s.trim());
  // a number typed without quotes is still a password (and is refused, but must not be logged either)
  if (typeof mqtt.password === 'number') secrets.push(String(mqtt.password));
  if (typeof mqtt.url === 'string' && URL.canParse(mqtt.url.trim())) {
    const password = new URL(mqtt.url.trim()).password;
    secrets.push(password, percentDecoded(password));
  }
  return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s !== ''))];
}

/** decodeURIComponent, but a malformed escape such as "%zz" leaves the text as it is instead of throwing. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The override that applies to a device: its own id first, then its kind. */
export function overrideFor(config: HemsConfig, identity: string, kind: string): DeviceOverride | undefined {
  return config.devices.find((d) => d.id === identity) ?? config.devices.find((d) => d.id === kind);
}

/**
 * A value the homeowner typed, for a message: in quotes, line breaks and control characters escaped (they
 * would break the log line), and cut short when long. Never used for secrets.
 */
function quoted(value: string): string {
  const MAX = 80;
  return JSON.stringify(value.length > MAX ? `${value.slice(0, MAX)}...` : value);
}

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

const BROKER_URL = /^(mqtts?|wss?):\/\/[^/\s]+/;
const DEFAULT_MQTT_PREFIX = 'echonet-hems';

/** MQTT when its section is present and turned on; the embedded broker unless a URL is chosen. */
function mqttConfig(raw: Raw | undefined, errors: string[]): { mqtt?: MqttConfig } {
  if (!raw || !flag(raw.enabled, false, 'MQTT "enabled" setting', errors)) return {};
  let broker: MqttConfig['broker'];
  if (raw.broker === 'url') {
    const url = typeof raw.url === 'string' ? raw.url.trim() : '';
    // the URL may hold a password: the message names the problem, never the URL
    if (!BROKER_URL.test(url)) errors.push('the MQTT broker address must look like mqtt://192.168.1.5:1883 (or mqtts://, ws://, wss://)');
    broker = { kind: 'url', url };
  } else {
    if (raw.broker !== undefined && raw.broker !== 'embedded') errors.push('the MQTT broker must be "embedded" or "url"');
    const port = whole(raw.embeddedPort, DEFAULT_EMBEDDED_BROKER_PORT, 1, 65535, 'embedded MQTT broker port', errors);
    broker = { kind: 'embedded', host: flag(raw.embeddedLan, false, 'MQTT "open to the LAN" setting', errors) ? '0.0.0.0' : EMBEDDED_BROKER_HOST, port };
  }
  const username = nonEmpty(raw.username) ? String(raw.username).trim() : undefined;
  const password = typeof raw.password === 'string' && raw.password !== '' ? raw.password : undefined;
  // never the value itself: it is a password
  if (raw.password !== undefined && raw.password !== null && typeof raw.password !== 'string') errors.push('the MQTT password must be text (in quotes in config.json)');
  if (password !== undefined && username === undefined) errors.push('the MQTT password needs a user name too');
  const files: Partial<Record<'caFile' | 'certFile' | 'keyFile', string>> = {};
  for (const [key, what] of [['caFile', 'CA certificate'], ['certFile', 'client certificate'], ['keyFile', 'client key']] as const) {
    if (!nonEmpty(raw[key])) continue;
    const file = String(raw[key]).trim();
    if (!existsSync(file)) errors.push(`the MQTT ${what} file ${quoted(file)} does not exist`);
    files[key] = file;
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) errors.push('the MQTT client certificate and its key file go together: set both or neither');
  if (broker.kind === 'embedded' && Object.keys(files).length > 0) errors.push('TLS files are for a broker by URL; the embedded broker speaks plain MQTT on this machine');
  const prefix = nonEmpty(raw.prefix) ? String(raw.prefix).trim() : DEFAULT_MQTT_PREFIX;
  // no empty level either ("a//b"): the mirror's topics would refuse it at start
  if (/[#+\s\0]/.test(prefix) || prefix.split('/').some((level) => level === '')) {
    errors.push(`the MQTT topic prefix ${quoted(prefix)} must not contain spaces, # or +, nor start or end with / (nor have // inside)`);
  }
  return {
    mqtt: {
      broker,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...files,
      prefix,
      discovery: flag(raw.discovery, true, 'MQTT Home Assistant discovery setting', errors),
    },
  };
}

function storeConfig(raw: Raw | undefined, errors: string[]): HemsConfig['store'] {
  const months = raw?.retentionMonths;
  const backups = raw?.backups;
  return {
    ...(months === undefined || months === null || months === ''
      ? {}
      : { retentionMonths: whole(months, 0, 1, MAX_RETENTION_MONTHS, 'history kept (months)', errors) }),
    ...(backups === undefined || backups === null || backups === '' ? {} : { backups: whole(backups, 0, 1, MAX_BACKUPS, 'number of daily backups kept', errors) }),
  };
}
