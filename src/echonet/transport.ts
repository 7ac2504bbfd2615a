/**
 * ECHONET Lite over UDP/IPv4: port 3610, multicast group 224.0.23.0.
 *
 * With a chosen local address the transport opens two sockets:
 *  - a unicast socket bound to address:3610. Requests leave from it (so answers come back to it) and it
 *    sends multicast through that address's interface;
 *  - a multicast socket bound to 224.0.23.0:3610 (reuseAddr) that joined the group on that interface.
 *    Binding to the group address, not 0.0.0.0, means it sees only group traffic and never steals unicast.
 * Because no socket claims 0.0.0.0:3610, an emulator bound to another address of the same host (say
 * 127.0.0.2:3610) can run beside the controller (127.0.0.1:3610), and each gets its own unicast.
 *
 * Without an address, one socket bound to 0.0.0.0:3610 does both jobs: it joins the group on every
 * IPv4 interface, and multicast leaves by the operating system's default interface (logged, because a
 * Docker or multi-NIC host may pick the wrong one; the user can then set the address).
 *
 * Answers are accepted from any source port: some stacks answer from 23610. Undecodable datagrams are
 * counted and dropped; a bad packet from the LAN must never throw.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { decodeFrame, encodeFrame, isArbitrary, type Frame } from './frame.js';
import { EchonetError } from './errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { toHex } from '../util/hex.js';

/** More senders of malformed datagrams than this are only counted and logged at debug level. */
const MAX_MALFORMED_SENDERS = 32;

export const ECHONET_PORT = 3610;
export const ECHONET_MULTICAST_V4 = '224.0.23.0';

export interface ReceivedFrame {
  readonly frame: Frame;
  /** Source IP address of the datagram. */
  readonly address: string;
  /** Source port; not necessarily 3610. */
  readonly port: number;
}

/** What the controller needs from a transport: the UDP one below, or an in-memory one in unit tests. */
export interface FrameTransport {
  /** Sends a frame to address:3610. */
  send(address: string, frame: Frame): Promise<void>;
  /** Sends a frame to the ECHONET multicast group. */
  sendMulticast(frame: Frame): Promise<void>;
  /** Subscribes to every decoded frame; returns the unsubscribe function. */
  onFrame(listener: (received: ReceivedFrame) => void): () => void;
  close(): Promise<void>;
}

export interface UdpTransportOptions {
  /** IPv4 address of this machine on the devices' network. Omitted: all interfaces. */
  readonly address?: string;
  readonly log?: Logger;
}

export interface TransportStats {
  readonly framesReceived: number;
  readonly framesSent: number;
  /** Datagrams on port 3610 that were not valid ECHONET Lite frames. */
  readonly decodeErrors: number;
  /** Frames in the arbitrary format (EHD2 0x82), which this project does not interpret. */
  readonly arbitraryIgnored: number;
}

export class UdpTransport implements FrameTransport {
  private readonly listeners = new Set<(received: ReceivedFrame) => void>();
  private counters = { framesReceived: 0, framesSent: 0, decodeErrors: 0, arbitraryIgnored: 0 };
  private closed = false;
  /** Senders whose first malformed datagram was shown (see receive). */
  private readonly malformedSenders = new Set<string>();

  private constructor(
    private readonly unicast: Socket,
    private readonly multicast: Socket | undefined,
    /** The bound address, '0.0.0.0' when listening on all interfaces. */
    readonly localAddress: string,
    private readonly log: Logger,
  ) {
    for (const socket of [unicast, multicast]) {
      socket?.on('message', (msg, rinfo) => this.receive(msg, rinfo));
      // After binding, socket errors are logged rather than thrown: one failed send must not stop the plugin.
      socket?.on('error', (err) => this.log.warn(`ECHONET socket error: ${err.message}`));
    }
  }

  /** Opens the sockets; rejects with an EchonetError that says what to change when binding fails. */
  static async open(options: UdpTransportOptions = {}): Promise<UdpTransport> {
    const log = options.log ?? silentLogger;
    const address = options.address;
    if (address === undefined) return UdpTransport.openOnAllInterfaces(log);

    const unicast = createSocket({ type: 'udp4' });
    await bindSocket(unicast, address);
    const multicast = createSocket({ type: 'udp4', reuseAddr: true });
    try {
      await bindSocket(multicast, ECHONET_MULTICAST_V4);
      multicast.addMembership(ECHONET_MULTICAST_V4, address);
      unicast.setMulticastInterface(address);
    } catch (err) {
      unicast.close();
      multicast.close();
      throw asEchonetError(err, address);
    }
    log.info(`ECHONET Lite on ${address}:${ECHONET_PORT} (${interfaceNameOf(address) ?? 'interface unknown'}), multicast ${ECHONET_MULTICAST_V4}`);
    return new UdpTransport(unicast, multicast, address, log);
  }

  private static async openOnAllInterfaces(log: Logger): Promise<UdpTransport> {
    // reuseAddr so that a multicast socket of another ECHONET program on this host does not block us.
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    await bindSocket(socket, '0.0.0.0');
    const candidates = externalIpv4Interfaces();
    const joined: string[] = [];
    for (const { name, address } of candidates) {
      try {
        socket.addMembership(ECHONET_MULTICAST_V4, address);
        joined.push(`${name} ${address}`);
      } catch (err) {
        log.warn(`could not join ${ECHONET_MULTICAST_V4} on ${name} ${address}: ${(err as Error).message}`);
      }
    }
    if (joined.length === 0) {
      try {
        socket.addMembership(ECHONET_MULTICAST_V4);
        joined.push('the default interface');
      } catch (err) {
        socket.close();
        throw asEchonetError(err, '0.0.0.0');
      }
    }
    log.info(
      `ECHONET Lite on all interfaces, port ${ECHONET_PORT}; listening for multicast on ${joined.join(', ')}; ` +
        'searches leave by the default route. If devices are not found, set the interface address.',
    );
    return new UdpTransport(socket, undefined, '0.0.0.0', log);
  }

  send(address: string, frame: Frame): Promise<void> {
    return this.sendTo(address, frame);
  }

  sendMulticast(frame: Frame): Promise<void> {
    return this.sendTo(ECHONET_MULTICAST_V4, frame);
  }

  onFrame(listener: (received: ReceivedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await Promise.all([this.unicast, this.multicast].map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : undefined)));
  }

  private sendTo(address: string, frame: Frame): Promise<void> {
    if (this.closed) return Promise.reject(new EchonetError('closed', 'the ECHONET connection is closed'));
    const bytes = encodeFrame(frame);
    return new Promise((resolve, reject) => {
      this.unicast.send(bytes, ECHONET_PORT, address, (err) => {
        if (err) {
          reject(new EchonetError('send-failed', `could not send to ${address}: ${err.message} (is that address on this network?)`, { cause: err }));
        } else {
          this.counters.framesSent++;
          resolve();
        }
      });
    });
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    const result = decodeFrame(bytes);
    if (!result.ok) {
      this.counters.decodeErrors++;
      const line = `dropped a malformed datagram from ${rinfo.address}:${rinfo.port}: ${result.error.message} (${toHex(bytes.subarray(0, 64))})`;
      // the first from each sender is shown (a device speaking a broken dialect should be noticed), the rest
      // go to debug so that a noisy host cannot flood the log; the set is bounded for the same reason
      if (this.malformedSenders.size < MAX_MALFORMED_SENDERS && !this.malformedSenders.has(rinfo.address)) {
        this.malformedSenders.add(rinfo.address);
        this.log.warn(`${line}; further ones from ${rinfo.address} are logged at debug level only`);
      } else {
        this.log.debug(line);
      }
      return;
    }
    if (isArbitrary(result.frame)) {
      this.counters.arbitraryIgnored++;
      return;
    }
    this.counters.framesReceived++;
    const received: ReceivedFrame = { frame: result.frame, address: rinfo.address, port: rinfo.port };
    for (const listener of this.listeners) listener(received);
  }
}

function bindSocket(socket: Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(asEchonetError(err, address));
    };
    socket.once('error', onError);
    socket.bind(ECHONET_PORT, address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function asEchonetError(err: unknown, address: string): EchonetError {
  if (err instanceof EchonetError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message;
  if (code === 'EADDRINUSE') {
    return new EchonetError(
      'address-in-use',
      `UDP port ${ECHONET_PORT} on ${address} is already in use; another ECHONET Lite controller (a HEMS app or a second plugin) may be running on this machine`,
      { cause: err },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EINVAL') {
    const known = externalIpv4Interfaces().map((i) => `${i.address} (${i.name})`).join(', ') || 'none found';
    return new EchonetError('address-not-local', `${address} is not an IPv4 address of this machine; choose one of: ${known}`, { cause: err });
  }
  return new EchonetError('socket', `could not open the ECHONET Lite socket on ${address}: ${message}`, { cause: err });
}

function externalIpv4Interfaces(): { name: string; address: string }[] {
  return Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => ({ name, address: i.address })),
  );
}

function interfaceNameOf(address: string): string | undefined {
  return Object.entries(networkInterfaces()).find(([, infos]) => infos?.some((i) => i.address === address))?.[0];
}
