/**
 * The ECHONET Lite device emulator on UDP 3610: a node profile and device objects backed by a
 * simulated home.
 *
 * Two sockets, so that an emulator and a controller can share one host: a unicast socket bound to the
 * emulator's own address:3610 (the controller binds its own address:3610), and a receive-only socket
 * bound to 224.0.23.0:3610 with reuseAddr, joined to the group on the chosen interface. Answers go from
 * the unicast socket to the requester's source address and port; announcements (INF of D5 at start,
 * INF of changed 9D properties) go to the multicast group.
 */
import { ECHONET_MULTICAST_V4 as ECHONET_MULTICAST, ECHONET_PORT } from '../../echonet/transport.js';
import dgram from 'node:dgram';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { errorMessage } from '../../util/guard.js';
import { decodeFrame, encodeFrame, ESV, isArbitrary, type Eoj, type Frame } from '../../echonet/frame.js';
import { CONTROLLER_EOJ, NODE_PROFILE_EOJ, eojToHex } from '../../echonet/eoj.js';
import { SimulatedHome } from '../home.js';
import { deviceObject, type DeviceKind } from './devices.js';
import { NO_FAULTS, type Faults } from './faults.js';
import { EmulatedNode } from './node.js';
import { nodeProfileObject } from './node-profile.js';
import { respond } from './respond.js';


export interface EmulatorOptions {
  /** The emulator's own IPv4 address; it binds address:3610. */
  readonly address: string;
  /**
   * The address the identification numbers (0x83) derive from; `address` by default. A device that gets
   * a new address (a DHCP lease changed) keeps its numbers: pass its first address here.
   */
  readonly identityAddress?: string;
  /** Address of the interface to join the multicast group on and send announcements from; default `address`. */
  readonly multicastInterface?: string;
  readonly devices: readonly DeviceKind[];
  readonly clock: Clock;
  /** The home the devices show; by default one is made with exactly the models the devices need. */
  readonly home?: SimulatedHome;
  /** The EV charger's power is set on the unit only (EB not settable): the controller can only switch it. */
  readonly evFixedPower?: boolean;
  readonly seed?: number;
  /** Clock time between checks of the announced properties for changes; 10 s by default. */
  readonly announceEveryMs?: number;
  readonly log?: Logger;
}

export interface EmulatorHandle {
  readonly address: string;
  /** The device objects served (the node profile 0x0EF001 is served too but not listed). */
  readonly objects: readonly Eoj[];
  readonly home: SimulatedHome;
  /** Replaces the current faults (NO_FAULTS to clear). */
  setFaults(faults: Faults): void;
  stop(): Promise<void>;
}

/** A home with the models the device list needs, and no others (so the meter sees only those). */
function homeFor(devices: readonly DeviceKind[], clock: Clock, seed: number, evFixedPower: boolean): SimulatedHome {
  const has = (kind: DeviceKind) => devices.includes(kind);
  const power = evFixedPower ? { chargePowerSettable: false } : {};
  return new SimulatedHome({
    clock,
    seed,
    solar: has('solar') ? {} : false,
    waterHeater: has('water-heater') ? {} : false,
    ev: has('ev-charger') ? power : has('ev-charger-only') ? { maxDischargeW: 0, ...power } : false,
    battery: has('battery') ? {} : false,
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const { address, clock } = options;
  const log = options.log ?? silentLogger;
  const seed = options.seed ?? 1;
  const iface = options.multicastInterface ?? address;
  if (new Set(options.devices).size !== options.devices.length) throw new Error('each device kind may be listed once');
  if (options.devices.includes('ev-charger') && options.devices.includes('ev-charger-only')) {
    throw new Error('ev-charger and ev-charger-only would share one car: list one of them');
  }
  const home = options.home ?? homeFor(options.devices, clock, seed, options.evFixedPower ?? false);
  const idAddress = options.identityAddress ?? address;
  const devices = options.devices.map((kind) => deviceObject(kind, { home, clock, seed, address: idAddress }));
  const node = new EmulatedNode([nodeProfileObject(devices, seed, idAddress), ...devices], log);
  let faults: Faults = NO_FAULTS;
  let tid = 0;
  let stopped = false;
  const pending = new Set<ReturnType<typeof setTimeout>>();
  // bound lazily, once per port; kept as promises so that answers racing the bind wait for it
  const replySockets = new Map<number, Promise<dgram.Socket>>();
  let announceTimer: TimerHandle | undefined;

  const unicast = dgram.createSocket({ type: 'udp4' });
  const multicast = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const sockets = [unicast, multicast];
  for (const s of sockets) s.on('error', (err) => log.error(`socket error: ${err.message}`));

  const close = async (): Promise<void> => {
    stopped = true;
    announceTimer?.cancel();
    for (const t of pending) clearTimeout(t);
    pending.clear();
    const extra = await Promise.all([...replySockets.values()].map((p) => p.catch(() => undefined)));
    const all = [...sockets, ...extra.filter((s): s is dgram.Socket => s !== undefined)];
    await Promise.all(
      all.map(
        (s) =>
          new Promise<void>((resolve) => {
            try {
              s.close(() => resolve());
            } catch {
              resolve(); // closed already
            }
          }),
      ),
    );
  };

  /** The socket answers leave from: 3610, or the port the replyFromPort fault names (opened once). */
  const replySocket = (port: number | undefined): Promise<dgram.Socket> => {
    if (port === undefined || port === ECHONET_PORT) return Promise.resolve(unicast);
    let socket = replySockets.get(port);
    if (!socket) {
      const s = dgram.createSocket({ type: 'udp4' });
      s.on('error', (err) => log.error(`socket on port ${port}: ${err.message}`));
      socket = bind(s, port, address).then(() => s);
      replySockets.set(port, socket);
    }
    return socket;
  };

  const send = (socket: dgram.Socket, frames: readonly Frame[], host: string, port: number): void => {
    for (const frame of frames) {
      socket.send(encodeFrame(frame), port, host, (err) => err && log.warn(`send to ${host}:${port} failed: ${err.message}`));
    }
  };

  const announce = (): void => {
    if (stopped || faults.silent) return;
    for (const change of node.changedAnnouncements()) {
      tid = (tid + 1) & 0xffff;
      const frame: Frame = { tid, seoj: change.eoj, deoj: CONTROLLER_EOJ, esv: ESV.INF, properties: change.properties };
      send(unicast, [frame], ECHONET_MULTICAST, ECHONET_PORT);
    }
  };

  const scheduleAnnouncements = (): void => {
    announceTimer = clock.setTimeout(() => {
      announce();
      if (!stopped) scheduleAnnouncements();
    }, options.announceEveryMs ?? 10_000);
  };

  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (stopped || (rinfo.address === address && rinfo.port === ECHONET_PORT)) return; // our own multicast
    const decoded = decodeFrame(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    if (!decoded.ok || isArbitrary(decoded.frame)) return;
    const current = faults;
    if (current.silent) return;
    const request = decoded.frame;
    const answers = respond(node, request, current);
    const hasSets = request.esv === ESV.SetC || request.esv === ESV.SetI || request.esv === ESV.SetGet;
    const deliver = (): void => {
      replySocket(current.replyFromPort).then(
        (socket) => {
          if (stopped) return;
          // Answers go to port 3610 as the specification says, not to the source port: some controllers
          // (the echonet-lite package) send from 23610 and listen only on 3610.
          send(socket, answers, rinfo.address, ECHONET_PORT);
          if (hasSets) announce();
        },
        (err: unknown) => log.error(`cannot answer from port ${current.replyFromPort}: ${errorMessage(err)}`),
      );
    };
    if (!current.delayMs) return deliver();
    const timer = setTimeout(() => {
      pending.delete(timer);
      deliver();
    }, current.delayMs);
    pending.add(timer);
  };

  try {
    unicast.on('message', onMessage);
    multicast.on('message', onMessage);
    await bind(unicast, ECHONET_PORT, address);
    await bind(multicast, ECHONET_PORT, ECHONET_MULTICAST);
    multicast.addMembership(ECHONET_MULTICAST, iface);
    unicast.setMulticastInterface(iface);
    unicast.setMulticastLoopback(true); // a controller on the same host must hear announcements too
  } catch (err) {
    await close();
    throw new Error(`cannot listen on ${address}:${ECHONET_PORT} (multicast on ${iface}): ${errorMessage(err)}`);
  }

  const nodeProfile = node.objects.find((o) => o.eoj === NODE_PROFILE_EOJ)!;
  const d5 = node.read(nodeProfile, 0xd5, NO_FAULTS)!;
  const boot: Frame = { tid, seoj: NODE_PROFILE_EOJ, deoj: NODE_PROFILE_EOJ, esv: ESV.INF, properties: [{ epc: 0xd5, edt: d5 }] };
  send(unicast, [boot], ECHONET_MULTICAST, ECHONET_PORT);
  scheduleAnnouncements();
  log.info(`emulating ${devices.map((d) => eojToHex(d.eoj)).join(', ')} on ${address}:${ECHONET_PORT} (multicast on ${iface})`);

  return {
    address,
    objects: devices.map((d) => d.eoj),
    home,
    setFaults(next) {
      faults = next;
      log.info(`faults now ${JSON.stringify(next)}`);
    },
    stop: close,
  };
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
