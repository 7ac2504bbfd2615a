/**
 * The platform's settings from config.json, checked, with messages a homeowner can act on. Secrets
 * (the B-route ID and password) are never put into a message: a log line says which field is wrong,
 * never what it contains.
 */
import { isIPv4 } from 'node:net';
import {
  DEFAULT_DEVICE_POLL_SECONDS,
  DEFAULT_METER_POLL_SECONDS,
  DEFAULT_SURPLUS_THRESHOLD_W,
  MAX_DEVICE_POLL_SECONDS,
  MAX_METER_POLL_SECONDS,
  MIN_DEVICE_POLL_SECONDS,
  MIN_METER_POLL_SECONDS,
} from './settings.js';

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
}

export type ConfigResult =
  | { readonly ok: true; readonly config: HemsConfig; readonly warnings: readonly string[] }
  /** `unconfigured`: nothing to connect to yet, so the plugin stays idle (not an error). */
  | { readonly ok: false; readonly unconfigured: boolean; readonly errors: readonly string[] };

type Raw = Record<string, unknown>;

export function parseConfig(raw: Raw): ConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const meterRaw = section(raw, 'meter', errors);
  const echonetRaw = section(raw, 'echonet', errors);
  const wantsMeter = meterRaw !== undefined && nonEmpty(meterRaw.serialPort);
  if (!wantsMeter && echonetRaw === undefined && errors.length === 0) {
    return {
      ok: false,
      unconfigured: true,
      errors: ['not configured yet: set the Wi-SUN dongle port of the smart meter, or turn on ECHONET Lite devices, in the plugin settings'],
    };
  }

  const language = oneOf(raw.language, ['en', 'ja'] as const, 'en', 'language', errors);
  const purchaseMode = oneOf(raw.purchaseMode, ['surplus', 'full'] as const, 'surplus', 'purchase mode', errors);

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
  if (echonetRaw && echonetRaw.enabled !== false) {
    const iface = nonEmpty(echonetRaw.interface) ? String(echonetRaw.interface).trim() : undefined;
    if (iface !== undefined && !isIPv4(iface)) errors.push(`the ECHONET interface "${iface}" is not an IPv4 address such as 192.168.1.10`);
    const hostsRaw = echonetRaw.hosts ?? [];
    const hosts = Array.isArray(hostsRaw) ? hostsRaw.filter(nonEmpty).map((h) => String(h).trim()) : [];
    if (!Array.isArray(hostsRaw)) errors.push('the device addresses must be a list of IPv4 addresses');
    for (const h of hosts) if (!isIPv4(h)) errors.push(`the device address "${h}" is not an IPv4 address such as 192.168.1.20`);
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
      devices.push({
        id: String(entry.id).trim(),
        ...(nonEmpty(entry.name) ? { name: String(entry.name).trim() } : {}),
        hide: entry.hide === true,
      });
    }
  }

  const config: HemsConfig = {
    name: nonEmpty(raw.name) ? String(raw.name) : 'ECHONET HEMS',
    language,
    purchaseMode,
    ...(meter ? { meter } : {}),
    ...(echonet ? { echonet } : {}),
    solarLightSensor: raw.solarLightSensor === true,
    surplusThresholdW: whole(raw.surplusThresholdW, DEFAULT_SURPLUS_THRESHOLD_W, 0, 10_000, 'selling-surplus threshold (W)', errors),
    devices,
  };
  return errors.length > 0 ? { ok: false, unconfigured: false, errors } : { ok: true, config, warnings };
}

/** The override that applies to a device: its own id first, then its kind. */
export function overrideFor(config: HemsConfig, identity: string, kind: string): DeviceOverride | undefined {
  return config.devices.find((d) => d.id === identity) ?? config.devices.find((d) => d.id === kind);
}

function section(raw: Raw, key: string, errors: string[]): Raw | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`the "${key}" settings must be a group of fields, not ${Array.isArray(value) ? 'a list' : typeof value}`);
    return undefined;
  }
  return value as Raw;
}

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, what: string, errors: string[]): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  errors.push(`the ${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return fallback;
}

function whole(value: unknown, fallback: number, min: number, max: number, what: string, errors: string[]): number {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors.push(`the ${what} must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}
