/**
 * The Homebridge platform, kept thin: config -> home model -> one accessory per device.
 *
 * configureAccessory only stores what Homebridge restored from its cache. On didFinishLaunching the cached
 * accessories get their handlers at once (answering "No Response" until their device is found), the home
 * is started, and each device found is matched to its accessory by a UUID derived from the device's
 * stable identity, or gets a new one. Accessories of hidden devices are removed at once; those whose
 * device is not found within a grace period are removed then. Nothing here throws into Homebridge:
 * every failure is logged with what to do about it.
 */
import { join } from 'node:path';
import type { API, DynamicPlatformPlugin, Logging, PlatformAccessory, PlatformConfig } from 'homebridge';
import {
  accessoryFor,
  eveCharacteristics,
  matterOf,
  MatterEnergy,
  namesFor,
  type AccessoryContext,
  type DeviceAccessory,
  type MatterAccessoryLike,
  type StoredContext,
} from './accessories/index.js';
import { isSchedulerAccessory, schedulerAccessory, type ShownScheduler } from './accessories/scheduler.js';
import { overrideFor, parseConfig, secretsOf, type HemsConfig } from './config.js';
import { createHome, type Home, type HomeDevice } from './home/index.js';
import { Runtime } from './runtime.js';
import { storeDirectory } from './store/history.js';
import { MeterCounters } from './store/meter-counters.js';
import { PLATFORM_NAME, PLUGIN_NAME, DISCOVERY_INTERVAL_MS, STALE_ACCESSORY_GRACE_MS } from './settings.js';
import { parseSimulatedTime, SIMULATED_CLOCK_ENV, systemClock, type Clock } from './util/clock.js';
import { errorMessage, guard } from './util/guard.js';
import { prefixLogger, redactingLogger, type Logger } from './util/log.js';

export class EchonetHemsPlatform implements DynamicPlatformPlugin {
  private readonly cached = new Map<string, PlatformAccessory<StoredContext>>();
  private readonly shown = new Map<string, DeviceAccessory>();
  private readonly matterCached: MatterAccessoryLike[] = [];
  private matter: MatterEnergy | undefined;
  private readonly log: Logger;
  private home: Home | undefined;
  private runtime: Runtime | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private schedulerShown: ShownScheduler | undefined;
  private readonly clock: Clock;

  constructor(
    logging: Logging,
    rawConfig: PlatformConfig,
    private readonly api: API,
  ) {
    // B-route and MQTT secrets never reach a log line, whichever layer writes it
    this.log = redactingLogger(logging, () => secretsOf(rawConfig));
    this.clock = chooseClock(this.log);
    const parsed = parseConfig(rawConfig);
    if (!parsed.ok) {
      if (parsed.unconfigured) this.log.info(`idle, ${parsed.errors.join('; ')}`);
      else for (const e of parsed.errors) this.log.error(`settings: ${e}; the plugin stays idle until this is fixed`);
      return;
    }
    for (const w of parsed.warnings) this.log.warn(`settings: ${w}`);
    const config = parsed.config;
    api.on('didFinishLaunching', () => guard(this.log, 'starting the home', this.start(config)));
    api.on('shutdown', () => guard(this.log, 'stopping the home', this.stop()));
  }

  /** Homebridge hands over each cached accessory before didFinishLaunching; it is only remembered here. */
  configureAccessory(accessory: PlatformAccessory): void {
    this.cached.set(accessory.UUID, accessory as PlatformAccessory<StoredContext>);
  }

  /** The same for cached Matter accessories (Homebridge 2.x with Matter on). */
  configureMatterAccessory(accessory: MatterAccessoryLike): void {
    this.matterCached.push(accessory);
  }

  private async start(config: HemsConfig): Promise<void> {
    // the meter may need it before the runtime has opened the store: it waits for the runtime's attach
    const meterCounters = new MeterCounters(this.clock);
    const home = createHome({
      clock: this.clock,
      log: this.log,
      ...(config.echonet && {
        echonet: {
          ...(config.echonet.interface === undefined ? {} : { interface: config.echonet.interface }),
          hosts: config.echonet.hosts,
          pollMs: config.echonet.pollSeconds * 1000,
          discoveryEveryMs: DISCOVERY_INTERVAL_MS,
        },
      }),
      ...(config.meter && {
        meter: {
          port: config.meter.serialPort,
          id: config.meter.brouteId,
          password: config.meter.broutePassword,
          cacheDir: this.api.user.storagePath(),
          pollMs: config.meter.pollSeconds * 1000,
          sink: meterCounters,
        },
      }),
    });
    this.home = home;
    const ctx: AccessoryContext = {
      api: this.api,
      home,
      config,
      eve: eveCharacteristics(this.api),
      names: namesFor(config.language),
      eveHistory: { dir: join(storeDirectory(this.api.user.storagePath()), 'eve'), clock: this.clock },
    };
    // the AI solar charge accessory is not a device's: keep it away from the device restore below
    const cachedScheduler = [...this.cached.values()].find(isSchedulerAccessory);
    if (cachedScheduler) this.cached.delete(cachedScheduler.UUID);
    for (const accessory of this.cached.values()) this.restore(ctx, accessory);
    const matter = matterOf(this.api);
    if (matter) {
      this.matter = new MatterEnergy(matter, ctx, prefixLogger(this.log, 'Matter'));
      for (const accessory of this.matterCached) this.matter.remember(accessory);
    }
    home.on('device-added', (device) => this.found(ctx, device));
    home.on('device-changed', (device) => {
      this.shown.get(device.identity)?.refresh();
      this.matter?.update(device);
    });
    this.staleTimer = setTimeout(() => this.removeStale(), STALE_ACCESSORY_GRACE_MS);
    this.staleTimer.unref();
    this.runtime = new Runtime({
      home,
      config,
      storagePath: this.api.user.storagePath(),
      meterCounters,
      clock: this.clock,
      log: this.log,
      name: (device) => displayName(ctx, device),
    });
    // listening before the home starts, so the history and MQTT see every device from its first reading
    guard(this.log, 'starting the history, MQTT and AI solar charge', this.runtime.start().then(() => this.showScheduler(config, cachedScheduler)));
    try {
      await home.start();
    } catch (err) {
      this.log.error(`cannot start: ${errorMessage(err)}. Accessories show "No Response" until this is fixed and Homebridge restarted.`);
    }
  }

  /** The "AI solar charge" switch and weather-warning sensor, once the scheduler runs (or gone when it is off). */
  private showScheduler(config: HemsConfig, cached: PlatformAccessory | undefined): void {
    const service = this.runtime?.schedulerService;
    if (!service) {
      if (cached) this.unregister(cached, 'AI solar charge is off in the settings');
      return;
    }
    this.schedulerShown = schedulerAccessory(this.api, cached, service, config.language, prefixLogger(this.log, 'AI solar charge'));
    if (this.schedulerShown.created) this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [this.schedulerShown.accessory]);
  }

  /** Consumers first (their last writes need the home's final state), then the devices' connections. */
  private async stop(): Promise<void> {
    clearTimeout(this.staleTimer);
    this.schedulerShown?.stop();
    await Promise.all([...this.shown.values()].map((shown) => shown.stop()));
    await this.runtime?.stop();
    await this.home?.close();
  }

  /** A cached accessory: hidden ones go, the rest answer "No Response" until their device is found. */
  private restore(ctx: AccessoryContext, accessory: PlatformAccessory<StoredContext>): void {
    const { identity, kind } = accessory.context;
    const shown = typeof identity === 'string' ? accessoryFor(ctx, accessory, prefixLogger(this.log, accessory.displayName)) : undefined;
    if (!shown || overrideFor(ctx.config, identity, kind)?.hide) {
      this.unregister(accessory, shown ? 'it is hidden in the settings' : 'it was made by another version and is not understood');
      return;
    }
    shown.configure(undefined);
    this.shown.set(identity, shown);
  }

  private found(ctx: AccessoryContext, device: HomeDevice): void {
    const override = overrideFor(ctx.config, device.identity, device.kind);
    if (override?.hide) {
      this.log.info(`${ctx.names.kind[device.kind]} ${device.identity} is hidden in the settings`);
      return;
    }
    const name = displayName(ctx, device);
    this.matter?.show(device, name);
    let shown = this.shown.get(device.identity);
    if (!shown) {
      const uuid = this.api.hap.uuid.generate(device.identity);
      const accessory = new this.api.platformAccessory<StoredContext>(name, uuid);
      accessory.context = { identity: device.identity, kind: device.kind };
      shown = accessoryFor(ctx, accessory, prefixLogger(this.log, name))!; // the home model only has kinds we show
      this.shown.set(device.identity, shown);
      shown.configure(device);
      this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [accessory]);
      this.log.info(`added "${name}" (device id ${device.identity}; use it in the settings to rename or hide it)`);
      return;
    }
    shown.configure(device);
    this.api.updatePlatformAccessories([shown.accessory]);
  }

  /** Cached accessories whose device has not been found during the grace period. */
  private removeStale(): void {
    this.matter?.removeUnshown();
    for (const [identity, shown] of this.shown) {
      if (this.home?.device(identity)) continue;
      this.shown.delete(identity);
      guard(this.log, `stopping "${shown.accessory.displayName}"`, shown.stop());
      this.runtime?.removeDevice(identity);
      this.unregister(shown.accessory, `its device was not found for ${STALE_ACCESSORY_GRACE_MS / 60_000} minutes`);
    }
  }

  private unregister(accessory: PlatformAccessory, why: string): void {
    this.log.info(`removing "${accessory.displayName}": ${why}`);
    this.api.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [accessory]);
  }
}

/** The name a device has in HomeKit (and MQTT): the one set in the settings, or its kind's. */
function displayName(ctx: AccessoryContext, device: HomeDevice): string {
  return overrideFor(ctx.config, device.identity, device.kind)?.name ?? ctx.names.kind[device.kind];
}

/**
 * The system clock; or, when SIMULATED_CLOCK_ENV is set (the demo and the soak test), compressed time, with
 * a warning on every start so that a real home never runs on it unnoticed. Read once per launch.
 */
function chooseClock(log: Logger): Clock {
  const value = process.env[SIMULATED_CLOCK_ENV];
  if (value === undefined || value === '') return systemClock;
  const parsed = parseSimulatedTime(value);
  if (!parsed.ok) {
    log.error(`${SIMULATED_CLOCK_ENV} (for the demo and the tests) is ignored: ${parsed.reason}; running on the real clock`);
    return systemClock;
  }
  const { start, speed } = parsed.time;
  log.warn(`${SIMULATED_CLOCK_ENV} is set: running on SIMULATED time, ${speed}x from ${new Date(start).toISOString()} (for the demo and the tests; unset it for a real home)`);
  return parsed.clock;
}
