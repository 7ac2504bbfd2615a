/**
 * The scheduler assembled for the plugin: from checked settings (config.ts), the home model and the
 * store to a running SchedulerService, with everything around it that is not planning:
 * - the forecast feeds (JMA for the weather and warnings, Open-Meteo or a fixed profile for the solar),
 *   each fetched forecast remembered for the load history and the PV correction (inputs/);
 * - the service's history inputs, built from the store's half-hours, and the EcoCute's hot-water use,
 *   from its remaining-hot-water readings;
 * - every decision kept in the store and, with MQTT on, published with the status and the weather warning;
 * - the "AI solar charge" switch restored after a restart.
 * The platform only starts it and stops it (before the store, so the last decisions are kept).
 */
import type { Highs } from 'highs';
import type { HomeDevice } from '../home/index.js';
import type { Clock } from '../util/clock.js';
import { guard } from '../util/guard.js';
import { prefixLogger, type Logger } from '../util/log.js';
import type { SchedulerConfig } from './config.js';
import { isEnabled, roleOf } from './executor.js';
import { manualProvider } from './forecast/manual.js';
import type { ForecastProvider } from './forecast/types.js';
import { SchedulerInputs, type SlotSource, type StateStorage } from './inputs/recorded.js';
import { ForecastFeed, jmaProvider, openMeteoProvider } from './providers.js';
import { DEFAULT_SCHEDULER_SETTINGS, SchedulerService, type DecisionEntry, type SchedulerHome, type SchedulerSettings, type SchedulerStatus } from './service.js';
import { makeTariff } from './tariff.js';

/** The store's part the scheduler uses (src/store History satisfies it). */
interface SchedulerStore extends SlotSource {
  readonly storage: StateStorage;
  recordDecision(decision: { readonly at: number; readonly decision: unknown }): Promise<void>;
}

/** The MQTT mirror's way in for other consumers: a retained JSON value under `<prefix>/<path>`. */
interface StatusSink {
  publish(path: string, value: unknown): void;
}

export interface SchedulerRuntimeOptions {
  readonly home: SchedulerHome;
  readonly history: SchedulerStore;
  readonly mirror?: StatusSink;
  readonly config: SchedulerConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** Replaces the forecast services' origin (tests serve recorded answers from 127.0.0.1). */
  readonly forecastBaseUrl?: string;
  readonly solver?: () => Promise<Highs>;
}

export interface SchedulerRuntime {
  readonly service: SchedulerService;
  /** Hands every device back and saves the scheduler's state. */
  stop(): Promise<void>;
}

/** MQTT paths under the mirror's prefix. */
export const SCHEDULER_TOPICS = { status: 'scheduler/status', decision: 'scheduler/decision', warning: 'weather/warning' } as const;

/** The device kinds each opt-in enables, as the executor matches them. */
const KIND_OF = { ecocute: 'water-heater', battery: 'battery', ev: 'ev-charger' } as const;

/** The service's settings: the defaults of a typical home with the homeowner's devices, plan and house. */
export function schedulerSettings(config: SchedulerConfig): SchedulerSettings {
  const d = DEFAULT_SCHEDULER_SETTINGS;
  return {
    ...d,
    mode: config.mode,
    language: config.language,
    aiseg2DecisionHour: config.aiseg2DecisionHour,
    enabled: (Object.keys(KIND_OF) as (keyof typeof KIND_OF)[]).filter((k) => config.devices[k]).map((k) => KIND_OF[k]),
    tariff: makeTariff(config.tariff),
    fullPurchaseMode: config.purchaseMode === 'full',
    facts: { ...d.facts, ownSolarChargeOn: config.ecocute.ownSolarCharge, daytimeReheatStopSupported: config.ecocute.daytimeReheatStopSupported, batteryAppMode: config.battery.appMode },
    ecocute: { ...d.ecocute, heatPumpKw: config.ecocute.heatPumpKw },
    // stepped where the charger lets its power be set (EB in its Set map); the others are switched on and off
    ev: { ...d.ev, capacityKwh: config.ev.capacityKwh, maxKw: config.ev.chargerKw, control: 'stepped', departureTargetKwh: config.ev.targetKwh },
    evDepartureHours: config.ev.departureHours,
    battery: { ...d.battery, capacityKwh: config.battery.capacityKwh, chargeKw: config.battery.chargeKw, dischargeKw: config.battery.chargeKw },
    warnings: config.warnings,
  };
}

/** The solar source first: the service takes the PV of the first forecast that has some. */
function forecastProviders(config: SchedulerConfig, log: Logger, baseUrl?: string): ForecastProvider[] {
  const http = { log, ...(baseUrl === undefined ? {} : { baseUrl }) };
  const { jma, solar } = config.forecast;
  return [
    solar.kind === 'manual' ? manualProvider(solar.profileKwh) : openMeteoProvider({ arrays: solar.arrays, ...http }),
    jmaProvider({ office: jma.office, area: jma.area, ...(jma.warningArea === undefined ? {} : { warningArea: jma.warningArea }), ...http }),
  ];
}

export async function startSchedulerRuntime(options: SchedulerRuntimeOptions): Promise<SchedulerRuntime> {
  const { home, history, mirror, config, clock } = options;
  const log = prefixLogger(options.log, 'AI solar charge');
  const settings = schedulerSettings(config);
  const planned = (d: HomeDevice): boolean => roleOf(d) !== undefined && isEnabled(d, settings.enabled);
  const inputs = await SchedulerInputs.open({ storage: history.storage, slots: history, clock, log, planned: () => home.devices().filter(planned).map((d) => d.identity) });
  // the plugin starts before the devices are found: a planned device's energy leaves the load once it is
  const onDeviceAdded = (d: HomeDevice): void => {
    if (planned(d)) guard(log, 'reading the usage history', inputs.refresh());
  };
  home.on('device-added', onDeviceAdded);
  // the EcoCute's remaining hot water, reading by reading: the home's own hot-water use for the plan
  const onDeviceChanged = (d: HomeDevice): void => {
    const remaining = d.readings.remainingHotWaterL;
    if (remaining && roleOf(d) === 'ecocute' && planned(d)) inputs.observeHotWater(remaining.at, remaining.value);
  };
  home.on('device-changed', onDeviceChanged);
  const feeds = forecastProviders(config, log, options.forecastBaseUrl).map((p) => new ForecastFeed(inputs.remembering(p), clock));
  const service = new SchedulerService(
    {
      home,
      clock,
      log,
      feeds,
      history: () => inputs.history(),
      forecastOutcomes: () => inputs.outcomes(),
      hotWater: () => inputs.hotWater(),
      recent: () => inputs.recent(),
      // on at the first start: turning the scheduler on in the settings is the homeowner's choice
      enabled: inputs.enabled() ?? true,
      ...(options.solver ? { solver: options.solver } : {}),
    },
    settings,
  );

  const published = new Map<string, string>();
  /** Retained values are sent again only when they change (the status is emitted every minute). */
  const publish = (path: string, value: unknown, key: string = JSON.stringify(value)): void => {
    if (!mirror || published.get(path) === key) return;
    published.set(path, key);
    mirror.publish(path, value);
  };
  const onStatus = (s: SchedulerStatus): void => {
    const { updatedAt: _, decisions: __, ...rest } = s;
    publish(SCHEDULER_TOPICS.status, { ...rest, updatedAt: s.updatedAt }, JSON.stringify(rest));
    publish(SCHEDULER_TOPICS.warning, s.warning);
  };
  const onDecision = (e: DecisionEntry): void => {
    if (e.about === 'switch') inputs.saveEnabled(e.code === 'enabled');
    guard(log, 'keeping the decision in the history', history.recordDecision({ at: e.at, decision: e }));
    mirror?.publish(SCHEDULER_TOPICS.decision, e);
  };
  service.on('status', onStatus);
  service.on('decision', onDecision);
  service.start();
  inputs.start();
  onStatus(service.status());
  log.info(`started (${config.mode === 'planner' ? 'planner' : 'AiSEG2-compatible rules'}, ${settings.enabled.join(', ')}), switch ${service.enabled() ? 'on' : 'off'}`);

  return {
    service,
    async stop() {
      home.off('device-added', onDeviceAdded);
      home.off('device-changed', onDeviceChanged);
      await service.stop();
      service.off('status', onStatus);
      service.off('decision', onDecision);
      await inputs.stop();
    },
  };
}
