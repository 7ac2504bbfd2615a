/**
 * The scheduler's settings from the plugin's config.json, checked, with every problem reported at once in
 * words that say what to change. It reads three parts of the platform's settings: `scheduler` (which
 * devices, forecast sources, the car's departure, the weather-warning linkage), `tariff` (a built-in plan
 * or the homeowner's own, the sell price and the CO2 factor; the UI's cost figures can share it) and the
 * plugin-wide `purchaseMode` (in full purchase mode, 全量買取, there is no surplus: seed item 5).
 *
 * AI solar charge switches the homeowner's devices, so it is opt-in twice: the section must be turned on,
 * and each device (EcoCute, battery, EV) separately.
 */
import { compassToOpenMeteoAzimuth, type PvArray } from './forecast/open-meteo.js';
import { validateManualProfile } from './forecast/manual.js';
import { CO2_DEFAULT, TARIFF_PRESETS, validateTariffSpec, type TariffSpec } from './tariff.js';
import type { WarningLevel } from './forecast/types.js';
import { isRecord } from '../util/json.js';
import { choice, flag, group, number, type Raw } from '../util/settings-fields.js';
import type { Lang } from './explain.js';


export interface SchedulerConfig {
  readonly mode: 'planner' | 'aiseg2';
  /** The AiSEG2-compatible mode decides the day once, at this local hour (0.5 = 00:30). */
  readonly aiseg2DecisionHour: number;
  /** The plugin-wide `language`: the scheduler's log lines speak it (config.ts reports a wrong value). */
  readonly language: Lang;
  /** The devices AI solar charge may switch; the others are left alone. */
  readonly devices: { readonly ecocute: boolean; readonly battery: boolean; readonly ev: boolean };
  readonly tariff: TariffSpec;
  readonly purchaseMode: 'surplus' | 'full';
  readonly forecast: {
    /** JMA (気象庁) office and forecast area: the day's weather (the "5 sunny days" rule) and warnings. */
    readonly jma: { readonly office: string; readonly area: string; readonly warningArea?: string };
    /** Where the solar forecast comes from: Open-Meteo for the roof's panels, or a fixed daily profile. */
    readonly solar: { readonly kind: 'open-meteo'; readonly arrays: readonly PvArray[] } | { readonly kind: 'manual'; readonly profileKwh: readonly number[] };
    /** Origin of a local mirror or proxy serving both APIs' paths (the demo's simulated forecasts); default the real sites. */
    readonly baseUrl?: string;
  };
  readonly ev: {
    /** The car's departure hour per day of the week, Sunday first; null: it stays home. National holidays take Sunday's. */
    readonly departureHours: readonly (number | null)[];
    readonly targetKwh: number;
    readonly capacityKwh: number;
    readonly chargerKw: number;
  };
  readonly battery: { readonly capacityKwh: number; readonly chargeKw: number; readonly appMode: 'eco' | 'custom' | 'other' };
  readonly ecocute: { readonly heatPumpKw: number; readonly ownSolarCharge: boolean; readonly daytimeReheatStopSupported: boolean };
  readonly warnings: { readonly enabled: boolean; readonly topUpHotWater: boolean; readonly chargeBattery: boolean; readonly levels: readonly WarningLevel[] };
}

export type SchedulerConfigResult = { readonly ok: true; readonly config: SchedulerConfig | null } | { readonly ok: false; readonly errors: string[] };

/** Typical values (scheduler.md): a 40 kWh car on a 6 kW (200 V 30 A) charger leaving at 07:30, a 7 kWh battery. */
const DEFAULTS = {
  departure: '07:30',
  /** Before the night timers run, so the battery's night charge can leave room for the day's surplus (the replay's baseline too). */
  aiseg2Decision: '00:30',
  evTargetKwh: 28,
  evCapacityKwh: 40,
  chargerKw: 6,
  batteryKwh: 7,
  batteryKw: 3,
  heatPumpKw: 1.25,
  lossesPercent: 14,
} as const;
/** The replaced product's 6 A minimum at 200 V; below it chargers do not start. */
const EV_MIN_KW = 1.2;
/** The seed's measuring limit for solar (30 kW), also a sane ceiling for a home's arrays. */
const MAX_KWP = 30;

/**
 * `platformConfig` is the plugin's whole settings object. `config` is null when the scheduler is not
 * turned on (nothing to check then, not an error).
 */
export function validateSchedulerConfig(platformConfig: unknown): SchedulerConfigResult {
  const root: Raw = isRecord(platformConfig) ? platformConfig : {};
  const errors: string[] = [];
  const raw = group(root.scheduler, 'scheduler', errors);
  if (errors.length > 0) return { ok: false, errors };
  if (!raw || !flag(raw.enabled, false, 'AI solar charge "enabled" setting', errors)) return errors.length > 0 ? { ok: false, errors } : { ok: true, config: null };

  const mode = choice(raw.mode, ['planner', 'aiseg2'] as const, 'planner', 'AI solar charge mode', errors);
  const language: Lang = root.language === 'ja' ? 'ja' : 'en';
  const aiseg2DecisionHour = halfHour(raw.aiseg2DecisionTime, DEFAULTS.aiseg2Decision, 'AiSEG2-compatible decision time', errors);
  const devicesRaw = group(raw.devices, 'scheduler devices', errors) ?? {};
  const devices = {
    ecocute: flag(devicesRaw.ecocute, false, 'AI solar charge EcoCute setting', errors),
    battery: flag(devicesRaw.battery, false, 'AI solar charge battery setting', errors),
    ev: flag(devicesRaw.ev, false, 'AI solar charge EV charger setting', errors),
  };
  if (!devices.ecocute && !devices.battery && !devices.ev) {
    errors.push('AI solar charge is on but controls no device: turn on the EcoCute, the battery or the EV charger (or turn AI solar charge off)');
  }
  const purchaseMode = choice(root.purchaseMode, ['surplus', 'full'] as const, 'surplus', 'purchase mode', errors);
  const tariff = tariffOf(root.tariff, errors);
  const forecast = forecastOf(group(raw.forecast, 'forecast', errors) ?? {}, errors);

  const evRaw = group(raw.ev, 'EV', errors) ?? {};
  const capacityKwh = number(evRaw.capacityKwh, DEFAULTS.evCapacityKwh, 5, 200, 'EV battery size (kWh)', errors);
  const ev = {
    departureHours: departuresOf(evRaw, errors),
    targetKwh: number(evRaw.targetKwh, Math.min(DEFAULTS.evTargetKwh, capacityKwh), 1, capacityKwh, 'EV charge needed at departure (kWh, at most the battery size)', errors),
    capacityKwh,
    chargerKw: number(evRaw.chargerKw, DEFAULTS.chargerKw, EV_MIN_KW, 22, 'EV charger power (kW)', errors),
  };
  const batteryRaw = group(raw.battery, 'battery', errors) ?? {};
  const battery = {
    capacityKwh: number(batteryRaw.capacityKwh, DEFAULTS.batteryKwh, 1, 50, 'battery size (kWh)', errors),
    chargeKw: number(batteryRaw.chargeKw, DEFAULTS.batteryKw, 0.5, 20, 'battery charging power (kW)', errors),
    appMode: choice(batteryRaw.appMode, ['eco', 'custom', 'other'] as const, 'eco', 'battery operating mode', errors),
  };
  const ecocuteRaw = group(raw.ecocute, 'EcoCute', errors) ?? {};
  const ecocute = {
    heatPumpKw: number(ecocuteRaw.heatPumpKw, DEFAULTS.heatPumpKw, 0.5, 5, 'EcoCute heat-pump power (kW)', errors),
    ownSolarCharge: flag(ecocuteRaw.ownSolarCharge, false, 'EcoCute "own solar charge" setting', errors),
    daytimeReheatStopSupported: flag(ecocuteRaw.daytimeReheatStopSupported, false, 'EcoCute "daytime reheating stop" setting', errors),
  };
  const warningsRaw = group(raw.warnings, 'weather-warning linkage', errors) ?? {};
  const warnings = {
    enabled: flag(warningsRaw.enabled, true, 'weather-warning linkage "enabled" setting', errors),
    topUpHotWater: flag(warningsRaw.topUpHotWater, true, 'weather-warning "top up hot water" setting', errors),
    chargeBattery: flag(warningsRaw.chargeBattery, true, 'weather-warning "charge the battery" setting', errors),
    // advisories (注意報) are frequent and rarely cut the power; codes this version does not know count
    levels: flag(warningsRaw.includeAdvisories, false, 'weather-warning "include advisories" setting', errors) ? (['emergency', 'warning', 'advisory', 'unknown'] as const) : (['emergency', 'warning', 'unknown'] as const),
  };
  if (errors.length > 0 || !tariff || !forecast) return { ok: false, errors };
  return { ok: true, config: { mode, aiseg2DecisionHour, language, devices, tariff, purchaseMode, forecast, ev, battery, ecocute, warnings } };
}

/**
 * The plan: `{ preset, sellYenPerKwh?, co2KgPerKwh?, fuelAdjustmentYen? }`, or `preset: "custom"` with
 * `custom: { name, kind, weekday: [bands], holiday?: [bands] }` (one price list all year, what a form can
 * hold) or a full `seasons` list. The tariff module checks the result.
 */
function tariffOf(value: unknown, errors: string[]): TariffSpec | undefined {
  const raw = group(value, 'tariff', errors);
  if (!raw || raw.preset === undefined || raw.preset === '') {
    errors.push(`choose your electricity plan in the tariff settings (${Object.values(TARIFF_PRESETS).map((p) => p.nameJa).join(', ')}, or your own)`);
    return undefined;
  }
  const overrides: Raw = {};
  for (const key of ['sellYenPerKwh', 'co2KgPerKwh'] as const) if (raw[key] !== undefined && raw[key] !== '') overrides[key] = raw[key];
  const fuel = raw.fuelAdjustmentYen;
  if (fuel !== undefined && fuel !== '' && (typeof fuel !== 'number' || !Number.isFinite(fuel) || Math.abs(fuel) > 20)) {
    errors.push('the fuel-cost adjustment must be a number of yen per kWh between -20 and 20 (it is on your monthly bill)');
  }
  let candidate: Raw;
  if (raw.preset === 'custom') {
    const custom = group(raw.custom, 'own tariff', errors);
    if (!custom) {
      errors.push('with "my own plan" chosen, enter its prices in the tariff settings');
      return undefined;
    }
    const name = typeof custom.name === 'string' && custom.name.trim() !== '' ? custom.name.trim() : 'My plan';
    const seasons = custom.seasons ?? [{ label: 'all year', months: [1, 12], weekday: custom.weekday, ...(custom.holiday === undefined ? {} : { holiday: custom.holiday }) }];
    candidate = { id: 'custom', name, nameJa: name, kind: custom.kind, seasons, co2KgPerKwh: CO2_DEFAULT, ...(custom.surcharges === undefined ? {} : { surcharges: custom.surcharges }), ...overrides };
  } else {
    candidate = { preset: raw.preset, ...overrides };
  }
  const checked = validateTariffSpec(candidate);
  if (!checked.ok) {
    errors.push(...checked.errors);
    return undefined;
  }
  // the preset's own fuel-cost line is 0 for the homeowner to fill in: the bill's figure is added to it
  return typeof fuel === 'number' && fuel !== 0
    ? { ...checked.spec, surcharges: [...(checked.spec.surcharges ?? []), { label: 'Fuel-cost adjustment (from settings)', yenPerKwh: fuel }] }
    : checked.spec;
}

function forecastOf(raw: Raw, errors: string[]): SchedulerConfig['forecast'] | undefined {
  const before = errors.length;
  // the "5 sunny days" rule and the warnings need the weather: a forecast area is not optional
  const { office, area, warningArea } = jmaAreaOf(raw, errors);

  let solar: SchedulerConfig['forecast']['solar'] | undefined;
  const kind = choice(raw.solar, ['open-meteo', 'manual'] as const, 'open-meteo', 'solar forecast source', errors);
  if (kind === 'manual') {
    const profile = raw.manualProfileKwh;
    const problems = validateManualProfile(profile);
    errors.push(...problems);
    if (problems.length === 0) solar = { kind, profileKwh: [...(profile as number[])] };
  } else {
    const latitude = number(raw.latitude, Number.NaN, -90, 90, 'latitude of the house (degrees, such as 35.68)', errors);
    const longitude = number(raw.longitude, Number.NaN, -180, 180, 'longitude of the house (degrees, such as 139.77)', errors);
    const list = raw.arrays;
    if (!Array.isArray(list) || list.length === 0) {
      errors.push('describe at least one set of solar panels (tilt, direction, kW) for the Open-Meteo solar forecast');
    } else {
      const arrays = list.map((a, i) => panelArray(a, i + 1, latitude, longitude, errors));
      solar = { kind, arrays: arrays.filter((a): a is PvArray => a !== undefined) };
    }
  }
  const baseUrl = baseUrlOf(raw, errors);
  if (errors.length > before || !solar) return undefined;
  return { jma: { office, area, ...(warningArea === '' ? {} : { warningArea }) }, solar, ...(baseUrl === '' ? {} : { baseUrl }) };
}

/** The JMA office, forecast area (class10, defaulting to the office for single-area offices) and warning area, checked. */
function jmaAreaOf(forecast: Raw, errors: string[]): { office: string; area: string; warningArea: string } {
  const jmaRaw = group(forecast.jma, 'JMA', errors) ?? {};
  const office = text(jmaRaw.office);
  const area = text(jmaRaw.area) || office;
  const warningArea = text(jmaRaw.warningArea);
  if (!/^\d{6}$/.test(office)) errors.push('the JMA forecast office must be its 6-digit code, such as 130000 for Tokyo (see the office list in the README)');
  if (!/^\d{6}$/.test(area)) errors.push('the JMA forecast area must be its 6-digit code, such as 130010 for Tokyo\'s 23 wards (leave it empty when the office has one area)');
  if (warningArea !== '' && !/^\d{6,7}$/.test(warningArea)) errors.push('the weather-warning area must be a 6-digit area or 7-digit city code, such as 1310100');
  return { office, area, warningArea };
}

function baseUrlOf(forecast: Raw, errors: string[]): string {
  const baseUrl = text(forecast.baseUrl);
  if (baseUrl !== '' && !isHttpUrl(baseUrl)) errors.push('the forecast base URL must be an http:// or https:// address, such as http://192.168.1.10:8080 (or left empty for the real JMA and Open-Meteo sites)');
  return baseUrl;
}

/** Where the dashboard's weather comes from: the JMA area of the scheduler's settings, used whether AI solar charge is on or not. */
export interface WeatherArea {
  readonly office: string;
  readonly area: string;
  readonly warningArea?: string;
  /** As the scheduler's `forecast.baseUrl`: a local mirror (the demo's, the tests'); default the real site. */
  readonly baseUrl?: string;
}

/**
 * The forecast area in the settings (`scheduler.forecast.jma`, which the setup wizard fills in even
 * while AI solar charge is off), checked the same way the scheduler checks it. `area` is undefined when
 * no office is set (then nothing is requested) or when the settings have a problem, which is said.
 */
export function weatherAreaOf(platformConfig: unknown): { readonly area?: WeatherArea; readonly problems: string[] } {
  const root: Raw = isRecord(platformConfig) ? platformConfig : {};
  const forecast = isRecord(root.scheduler) && isRecord(root.scheduler.forecast) ? root.scheduler.forecast : {};
  if (!isRecord(forecast.jma) || text(forecast.jma.office) === '') return { problems: [] };
  const problems: string[] = [];
  const { office, area, warningArea } = jmaAreaOf(forecast, problems);
  const baseUrl = baseUrlOf(forecast, problems);
  if (problems.length > 0) return { problems };
  return { area: { office, area, ...(warningArea === '' ? {} : { warningArea }), ...(baseUrl === '' ? {} : { baseUrl }) }, problems };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function panelArray(value: unknown, n: number, latitude: number, longitude: number, errors: string[]): PvArray | undefined {
  if (!isRecord(value)) {
    errors.push(`solar panels ${n} must be a group of fields (tilt, direction, kW)`);
    return undefined;
  }
  const what = (field: string) => `${field} of solar panels ${n}`;
  return {
    latitude,
    longitude,
    tiltDeg: number(value.tiltDeg, 25, 0, 90, what('tilt (degrees from flat, roofs are about 20-30)'), errors),
    // homeowners know the compass bearing (180 = south); Open-Meteo counts from south
    azimuthDeg: compassToOpenMeteoAzimuth(number(value.bearingDeg, 180, 0, 360, what('direction (compass degrees: 90 east, 180 south, 270 west)'), errors)),
    kwp: number(value.kwp, Number.NaN, 0.1, MAX_KWP, what(`size (kW of panels, up to ${MAX_KWP})`), errors),
    losses: number(value.lossesPercent, DEFAULTS.lossesPercent, 0, 50, what('losses (percent, 14 is usual)'), errors) / 100,
  };
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** The days of `departures`, Sunday first (as JST weekdays count), with the names messages use. */
const DAYS = [
  ['sun', 'Sunday'],
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
] as const;

/**
 * The car's week: `departureTime` is the usual weekday departure; `departures` may give another time or
 * "none" (the car stays home) for any day. Unset days keep the usual week: weekdays leave at
 * `departureTime`, Saturday and Sunday stay home.
 */
function departuresOf(evRaw: Raw, errors: string[]): (number | null)[] {
  const weekday = halfHour(evRaw.departureTime, DEFAULTS.departure, 'EV weekday departure time', errors);
  const days = group(evRaw.departures, 'EV departures by day', errors) ?? {};
  const unknown = Object.keys(days).filter((k) => !DAYS.some(([key]) => key === k));
  if (unknown.length > 0) errors.push(`the EV departures by day know only ${DAYS.map(([k]) => k).join(', ')}; remove ${unknown.map((k) => `"${k}"`).join(', ')}`);
  return DAYS.map(([key, name], i) => {
    const value = days[key];
    if (value === undefined || value === null || value === '') return i >= 1 && i <= 5 ? weekday : null;
    if (value === 'none') return null;
    return halfHour(value, DEFAULTS.departure, `EV departure time on ${name}`, errors, ', or "none" when the car stays home that day');
  });
}

/** 'HH:MM' on the hour or half-hour (the scheduler plans in half-hours) -> hours, such as 7.5. */
function halfHour(value: unknown, fallback: string, what: string, errors: string[], orElse = ''): number {
  const t = value === undefined || value === null || value === '' ? fallback : String(value).trim();
  const m = /^([01]?\d|2[0-3]):(00|30)$/.exec(t);
  if (!m) {
    errors.push(`the ${what} must be a time on the hour or half-hour, such as 07:30${orElse}`);
    return Number(fallback.slice(0, 2)) + Number(fallback.slice(3)) / 60;
  }
  return Number(m[1]) + Number(m[2]) / 60;
}
