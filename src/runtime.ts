/**
 * What runs beside the accessories once the home exists: the store (half-hour energy history with daily
 * backups, always on), the MQTT mirror (when configured, with the embedded broker or the homeowner's),
 * AI solar charge (the scheduler, when configured), the weather of the forecast area (when one is set)
 * and the status file the Homebridge UI dashboard reads.
 * The platform only starts it, tells it about removed devices and stops it; the assembly lives here so
 * platform.ts stays about Homebridge.
 *
 * A part that cannot start is logged with what to do and the rest runs on: a full disk must not take the
 * HomeKit accessories down, nor an unreachable broker the history.
 */
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HemsConfig, MqttConfig } from './config.js';
import type { Home, HomeDevice } from './home/index.js';
import type { BrokerSettings } from './mqtt/broker.js';
import type { EmbeddedBroker } from './mqtt/embedded-broker.js';
import type { MqttMirror } from './mqtt/mirror.js';
import { DailyBackup, recoverFromBackups } from './store/backup.js';
import { History, storeDirectory } from './store/history.js';
import type { MeterCounters } from './store/meter-counters.js';
import { EnergyRecorder } from './store/recorder.js';
import type { SchedulerService } from './scheduler/index.js';
import { makeTariff } from './scheduler/tariff.js';
import { EMBEDDED_BROKER_HOST } from './settings.js';
import type { SchedulerRuntime } from './scheduler/wiring.js';
import { startStatusPublisher, statusFilePath } from './ui-status/index.js';
import { startWeatherWatch, type WeatherWatch } from './ui-status/weather.js';
type StatusPublisher = ReturnType<typeof startStatusPublisher>;
import type { Clock } from './util/clock.js';
import { errorMessage, guard } from './util/guard.js';
import { prefixLogger, type Logger } from './util/log.js';

export interface RuntimeOptions {
  readonly home: Home;
  readonly config: HemsConfig;
  /** Homebridge's storage directory (api.user.storagePath()). */
  readonly storagePath: string;
  /** The B-route meter's half-hour counters (given to the home's meter): kept in the store once it opens. */
  readonly meterCounters?: MeterCounters;
  readonly clock: Clock;
  /** Must already redact the secrets (the platform's redactingLogger with secretsOf). */
  readonly log: Logger;
  /** The name a device has in HomeKit, so Home Assistant shows the same one. */
  readonly name: (device: HomeDevice) => string;
}

/** The plugin's version from its package.json (dist/ and src/ both sit one level below it). */
function pluginVersion(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/**
 * The built-in broker opened to the LAN without a login takes commands from any machine there (manual
 * heating, EV charging, battery mode, AI solar charge) and shows the home's consumption to all of them.
 * The homeowner may want that on a trusted LAN, so it is a warning at every start, not an error.
 */
export function openBrokerWarning(mqtt: MqttConfig): string | undefined {
  if (mqtt.broker.kind !== 'embedded' || mqtt.broker.host === EMBEDDED_BROKER_HOST || mqtt.username !== undefined) return undefined;
  return 'the built-in broker is open to the LAN without a login: any machine there can read the readings and switch the EcoCute, battery and EV charger. Set a user name and password in the MQTT settings.';
}

export class Runtime {
  private history: History | undefined;
  private recorder: EnergyRecorder | undefined;
  private backup: DailyBackup | undefined;
  private broker: EmbeddedBroker | undefined;
  private mirror: MqttMirror | undefined;
  private scheduler: SchedulerRuntime | undefined;
  private status: StatusPublisher | undefined;
  private weather: WeatherWatch | undefined;
  private started: Promise<void> | undefined;

  constructor(private readonly options: RuntimeOptions) {}

  /** Starts the store and the mirror; never rejects (failures are logged). */
  start(): Promise<void> {
    // the store first: it creates the directory the mirror keeps its outbox in; the scheduler publishes
    // through the mirror and keeps its decisions in the store, and the dashboard shows all of them
    this.started ??= this.startStore()
      .then(() => this.startMqtt())
      .then(() => this.startScheduler())
      .then(() => this.startWeather())
      .then(() => this.startStatus());
    return this.started;
  }

  /** AI solar charge, when it is on in the settings and the store could open (it keeps its state there). */
  get schedulerService(): SchedulerService | undefined {
    return this.scheduler?.service;
  }

  /** A device left the home for good: Home Assistant forgets its entities. */
  removeDevice(identity: string): void {
    this.mirror?.removeDevice(identity);
  }

  /**
   * Stops in an order that loses nothing: first what produces writes (the recorder writes the half-hour so
   * far, the backup timer stops), then the mirror says goodbye and keeps what it could not send in its
   * outbox file, then the embedded broker closes, and last the store's pending writes reach the disk.
   */
  async stop(): Promise<void> {
    await this.started;
    const log = this.options.log;
    this.weather?.stop();
    await this.status?.stop();
    // hands the devices back while the home is still up; its last decisions reach the store below
    await this.scheduler?.stop().catch((err: unknown) => log.warn(`AI solar charge: stopping: ${errorMessage(err)}`));
    await this.backup?.stop();
    await this.recorder?.stop().catch((err: unknown) => log.error(`store: the last half-hour could not be written: ${errorMessage(err)}`));
    await this.mirror?.stop().catch((err: unknown) => log.warn(`MQTT: stopping: ${errorMessage(err)}`));
    await this.broker?.close().catch((err: unknown) => log.warn(`MQTT: closing the embedded broker: ${errorMessage(err)}`));
    await this.history?.settled();
  }

  private async startStore(): Promise<void> {
    const { config, clock } = this.options;
    const log = prefixLogger(this.options.log, 'store');
    const dir = storeDirectory(this.options.storagePath);
    try {
      const history = await History.open({
        dir,
        log,
        recover: recoverFromBackups(dir),
        ...(config.store.retentionMonths === undefined ? {} : { retentionMonths: config.store.retentionMonths }),
      });
      this.history = history;
      this.options.meterCounters?.attach(history);
      this.recorder = new EnergyRecorder({ source: this.options.home, history, clock, log });
      await this.recorder.start();
      this.backup = new DailyBackup({ dir, clock, log, settled: () => history.settled(), ...(config.store.backups === undefined ? {} : { keep: config.store.backups }) });
      await this.backup.start();
    } catch (err) {
      log.error(`energy history is not recorded: ${errorMessage(err)} (is ${dir} writable?)`);
      // the meter keeps its half-hours in memory then; a no-op when the store did open
      this.options.meterCounters?.attach(undefined);
    }
  }

  private async startMqtt(): Promise<void> {
    const mqtt = this.options.config.mqtt;
    if (!mqtt) return;
    const log = prefixLogger(this.options.log, 'MQTT');
    const dir = storeDirectory(this.options.storagePath);
    const exposed = openBrokerWarning(mqtt);
    if (exposed) log.warn(exposed);
    try {
      await mkdir(dir, { recursive: true });
      const url = await this.brokerUrl(mqtt);
      const broker: BrokerSettings = {
        url,
        ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
        ...(mqtt.password === undefined ? {} : { password: mqtt.password }),
        ...(mqtt.caFile === undefined ? {} : { caFile: mqtt.caFile }),
        ...(mqtt.certFile === undefined ? {} : { certFile: mqtt.certFile }),
        ...(mqtt.keyFile === undefined ? {} : { keyFile: mqtt.keyFile }),
      };
      const { home } = this.options;
      // loaded only when MQTT is on: the client library is about 9 MB a home without MQTT does not need
      const { MqttMirror } = await import('./mqtt/mirror.js');
      this.mirror = new MqttMirror({
        source: home,
        commands: home,
        broker,
        clock: this.options.clock,
        log,
        version: pluginVersion(),
        prefix: mqtt.prefix,
        discovery: mqtt.discovery,
        name: this.options.name,
        // the scheduler starts after the mirror, so the switch asks for it when a command comes
        ...(this.options.config.scheduler
          ? { scheduler: { enabled: () => this.scheduler?.service.enabled() ?? false, setEnabled: async (on: boolean) => this.scheduler?.service.setEnabled(on) } }
          : {}),
        // the outbox file lives with the rest of the plugin's data
        outbox: { file: join(dir, 'mqtt-outbox.json') },
      });
      await this.mirror.start();
      log.info(`mirroring to ${mqtt.broker.kind === 'embedded' ? `the built-in broker at ${url}` : 'the broker'} under "${mqtt.prefix}/"`);
    } catch (err) {
      log.error(`not mirrored: ${errorMessage(err)}`);
    }
  }

  private async startScheduler(): Promise<void> {
    const { config, home, clock } = this.options;
    if (!config.scheduler || !this.history) return;
    try {
      // loaded only when AI solar charge is on: the solver is a WebAssembly module of several MB
      const { startSchedulerRuntime } = await import('./scheduler/wiring.js');
      this.scheduler = await startSchedulerRuntime({
        home,
        history: this.history,
        ...(this.mirror ? { mirror: this.mirror } : {}),
        config: config.scheduler,
        ...(config.scheduler.forecast.baseUrl === undefined ? {} : { forecastBaseUrl: config.scheduler.forecast.baseUrl }),
        clock,
        log: this.options.log,
      });
    } catch (err) {
      this.options.log.error(`AI solar charge is not running: ${errorMessage(err)}`);
    }
  }

  /** The weather and warnings of the configured area for the dashboard, AI solar charge on or off. */
  private startWeather(): void {
    const area = this.options.config.weather;
    if (!area) return;
    const service = this.scheduler?.service;
    this.weather = startWeatherWatch({
      area,
      clock: this.options.clock,
      log: prefixLogger(this.options.log, 'weather'),
      ...(service ? { scheduler: { fetching: () => service.enabled(), forecast: () => service.forecast() } } : {}),
      // the first status is written before the first answer: show the weather as soon as it is there
      fetched: () => {
        if (this.status) guard(this.options.log, 'writing the dashboard status', this.status.publish());
      },
    });
  }

  /** The dashboard's status file, rewritten every minute and after each plan. */
  private startStatus(): void {
    const { config, home, clock, storagePath } = this.options;
    const service = this.scheduler?.service;
    const weather = this.weather;
    this.status = startStatusPublisher({
      file: statusFilePath(storagePath),
      clock,
      log: prefixLogger(this.options.log, 'dashboard'),
      sources: {
        home,
        purchaseMode: config.purchaseMode,
        ...(config.scheduler ? { tariff: makeTariff(config.scheduler.tariff) } : {}),
        ...(this.history ? { history: this.history } : {}),
        ...(this.options.meterCounters ? { meterRecords: this.options.meterCounters.today.bind(this.options.meterCounters) } : {}),
        ...(service ? { scheduler: () => service.status() } : {}),
        ...(weather ? { forecast: () => weather.forecast(), warnings: () => weather.warnings() } : {}),
      },
    });
  }

  /** The embedded broker's URL once it listens, or the configured one. */
  private async brokerUrl(mqtt: MqttConfig): Promise<string> {
    if (mqtt.broker.kind === 'url') return mqtt.broker.url;
    const { startEmbeddedBroker } = await import('./mqtt/embedded-broker.js');
    this.broker = await startEmbeddedBroker({
      host: mqtt.broker.host,
      port: mqtt.broker.port,
      ...(mqtt.username === undefined ? {} : { username: mqtt.username, password: mqtt.password ?? '' }),
    });
    // clients on this machine reach a broker bound to all interfaces through loopback too
    return this.broker.url.replace('0.0.0.0', '127.0.0.1');
  }
}
