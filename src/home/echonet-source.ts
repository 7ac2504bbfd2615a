/**
 * ECHONET Lite devices in the home: discovery finds them, one poller per device reads its modelled
 * properties, INF notifications update them between polls, and commands write through setVerified.
 *
 * Online is decided here, from our own requests: a poll that times out (after the controller's retries)
 * makes the device offline at once, the next answer brings it back. Discovery's own missed-search rule is
 * not used, because a device reached only through a configured host may never answer multicast.
 */
import { describeObject, type EchonetController, type Notification } from '../echonet/controller.js';
import type { DeviceDiscovery, DeviceInfo } from '../echonet/discovery.js';
import { encodeProperty, type PropertyValue } from '../echonet/catalogue/index.js';
import { NODE_PROFILE_EOJ } from '../echonet/eoj.js';
import { EchonetError } from '../echonet/errors.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { errorMessage, guard } from '../util/guard.js';
import { prefixLogger, type Logger } from '../util/log.js';
import { COMMANDS, commandsFor, type Command } from './commands.js';
import { HomeError } from './errors.js';
import { kindOfClass } from './kinds.js';
import { contextFrom, offeredReadings, pollEpcs, readingsFrom } from './readings.js';
import type { DeviceStore } from './store.js';

/** D5, the instance list a node announces; asked of configured hosts that multicast may not reach. */
const EPC_INSTANCE_LIST_ANNOUNCE = 0xd5;

/** What this needs of the controller and of discovery (the real ones, or fakes in unit tests). */
export type ControllerPort = Pick<EchonetController, 'get' | 'setVerified' | 'infReq' | 'on' | 'off'>;
export type DiscoveryPort = Pick<DeviceDiscovery, 'start' | 'stop' | 'on' | 'off'>;

export interface EchonetSourceOptions {
  readonly controller: ControllerPort;
  readonly discovery: DiscoveryPort;
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly pollMs: number;
  /** Addresses to ask directly, for devices that discovery's multicast does not reach. */
  readonly hosts: readonly string[];
  /** How often the configured hosts are asked again (they may boot after us). */
  readonly hostsEveryMs: number;
}

interface Tracked {
  info: DeviceInfo;
  /** E1/D3 of a meter, kept to decode counters that arrive alone in an INF. */
  context: Map<number, Uint8Array>;
  timer: TimerHandle | undefined;
  polling: Promise<void> | undefined;
}

export class EchonetSource {
  private readonly tracked = new Map<string, Tracked>();
  private hostsTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly onAdded = (info: DeviceInfo): void => this.added(info);
  private readonly onMoved = (info: DeviceInfo): void => this.moved(info);
  private readonly onNotification = (n: Notification): void => this.notified(n);

  constructor(private readonly options: EchonetSourceOptions) {}

  start(): void {
    const { discovery, controller } = this.options;
    discovery.on('device-added', this.onAdded);
    discovery.on('device-address-changed', this.onMoved);
    controller.on('notification', this.onNotification);
    discovery.start();
    if (this.options.hosts.length > 0) this.askHosts();
  }

  stop(): void {
    this.stopped = true;
    const { discovery, controller } = this.options;
    discovery.stop();
    discovery.off('device-added', this.onAdded);
    discovery.off('device-address-changed', this.onMoved);
    controller.off('notification', this.onNotification);
    this.hostsTimer?.cancel();
    for (const t of this.tracked.values()) t.timer?.cancel();
  }

  /** Writes one command's property and records the value the device confirmed. Rejects with HomeError. */
  async write(identity: string, command: Command, value: PropertyValue): Promise<void> {
    const tracked = this.tracked.get(identity);
    const device = this.options.store.get(identity);
    if (!tracked || !device) throw new HomeError('unknown-device', `no device ${identity} has been found on the network`);
    const what = `${kindLabel(device.kind)} (${describeObject(tracked.info.address, tracked.info.eoj)})`;
    if (!device.commands.has(command)) {
      throw new HomeError('not-settable', `the ${what} does not allow this to be changed over the network`);
    }
    if (!device.online) throw new HomeError('offline', `the ${what} is not answering; the change was not sent`);
    const { epc } = COMMANDS[command];
    const encoded = encodeProperty(tracked.info.classCode, epc, value);
    if (!encoded.ok) throw new HomeError('invalid', `cannot send ${JSON.stringify(value)} to the ${what}: ${encoded.reason}`);
    const result = await this.options.controller.setVerified(tracked.info.address, tracked.info.eoj, epc, encoded.edt, {
      setMap: tracked.info.setMap,
    });
    if (!result.ok) {
      if (result.reason === 'timeout') this.markOffline(tracked, result.message);
      throw new HomeError(result.reason === 'timeout' ? 'offline' : result.reason === 'not-settable' ? 'not-settable' : 'refused', result.message);
    }
    this.options.store.record(identity, readingsFrom(tracked.info.classCode, [{ epc, edt: encoded.edt }], tracked.context), this.options.clock.now());
    // Other readings follow a command (heating starts, charging power rises): read them now.
    this.pollSoon(tracked);
  }

  private added(info: DeviceInfo): void {
    const kind = kindOfClass(info.classCode);
    if (!kind || this.stopped) return;
    const tracked: Tracked = { info, context: new Map(), timer: undefined, polling: undefined };
    this.tracked.set(info.identity, tracked);
    this.options.store.put({
      identity: info.identity,
      kind,
      source: 'echonet',
      address: info.address,
      eoj: info.eoj,
      classCode: info.classCode,
      maker: info.maker,
      online: true,
      offers: offeredReadings(info.classCode, info.getMap),
      commands: commandsFor(kind, info.setMap),
    });
    this.pollSoon(tracked);
  }

  private moved(info: DeviceInfo): void {
    const tracked = this.tracked.get(info.identity);
    const device = this.options.store.get(info.identity);
    if (!tracked || !device) return;
    tracked.info = info;
    this.options.store.put({ ...device, address: info.address });
    this.pollSoon(tracked);
  }

  private notified(n: Notification): void {
    const tracked = [...this.tracked.values()].find((t) => t.info.address === n.address && t.info.eoj === n.seoj);
    if (!tracked) return;
    const update = readingsFrom(tracked.info.classCode, n.properties, tracked.context);
    this.options.store.record(tracked.info.identity, update, this.options.clock.now());
  }

  /** Polls now (or right after the poll in flight) and then every pollMs. */
  private pollSoon(tracked: Tracked): void {
    tracked.timer?.cancel();
    tracked.timer = undefined;
    const run = async (): Promise<void> => {
      await tracked.polling;
      if (this.stopped) return;
      tracked.polling = this.poll(tracked);
      await tracked.polling;
      if (!this.stopped) tracked.timer = this.options.clock.setTimeout(() => this.pollSoon(tracked), this.options.pollMs);
    };
    guard(this.options.log, `reading ${describeObject(tracked.info.address, tracked.info.eoj)}`, run());
  }

  private async poll(tracked: Tracked): Promise<void> {
    const { info } = tracked;
    const epcs = pollEpcs(info.classCode, info.getMap);
    if (epcs.length === 0) return;
    try {
      const result = await this.options.controller.get(info.address, info.eoj, epcs);
      for (const [epc, edt] of contextFrom(info.classCode, result.properties)) tracked.context.set(epc, edt);
      const before = this.options.store.get(info.identity)?.online;
      this.options.store.record(info.identity, readingsFrom(info.classCode, result.properties, tracked.context), this.options.clock.now());
      if (before === false) this.options.log.info(`${describeObject(info.address, info.eoj)} answers again`);
    } catch (err) {
      if (!(err instanceof EchonetError)) throw err;
      this.markOffline(tracked, err.message);
    }
  }

  private markOffline(tracked: Tracked, why: string): void {
    if (this.options.store.setOnline(tracked.info.identity, false)) {
      this.options.log.warn(`${kindLabel(kindOfClass(tracked.info.classCode))} is not answering, shown as "No Response" until it does: ${why}`);
    }
  }

  /** Asks each configured host for its instance list; the INF answer goes through discovery as if announced. */
  private askHosts(): void {
    const ask = async (): Promise<void> => {
      await Promise.all(
        this.options.hosts.map((host) =>
          this.options.controller.infReq(host, NODE_PROFILE_EOJ, [EPC_INSTANCE_LIST_ANNOUNCE]).catch((err: unknown) => {
            this.options.log.debug(`asking ${host} for its devices failed: ${errorMessage(err)}`);
          }),
        ),
      );
      if (!this.stopped) this.hostsTimer = this.options.clock.setTimeout(() => this.askHosts(), this.options.hostsEveryMs);
    };
    guard(prefixLogger(this.options.log, 'hosts'), 'asking the configured hosts for their devices', ask());
  }
}

function kindLabel(kind: string | undefined): string {
  return kind ? kind.replace('-', ' ') : 'device';
}
