/**
 * Builds the home from its settings: the ECHONET Lite transport, controller and discovery on the LAN,
 * and the B-route meter on the Wi-SUN dongle, each only when configured. Never throws: a LAN socket that
 * cannot open is logged with what to change and the meter still starts; the meter recovers on its own.
 */
import { EchonetController } from '../echonet/controller.js';
import { DeviceDiscovery } from '../echonet/discovery.js';
import { UdpTransport } from '../echonet/transport.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/guard.js';
import { prefixLogger, type Logger } from '../util/log.js';
import { startBrouteMeter, type BrouteMeter, type HalfHourSink } from '../wisun/index.js';
import { EchonetSource } from './echonet-source.js';
import { Home, type Connection } from './home.js';
import { MeterSource } from './meter-source.js';
import type { DeviceStore } from './store.js';

export interface HomeSettings {
  readonly clock: Clock;
  readonly log: Logger;
  readonly echonet?: {
    /** Local IPv4 address to use; all interfaces when absent. */
    readonly interface?: string;
    readonly hosts: readonly string[];
    readonly pollMs: number;
    readonly discoveryEveryMs: number;
  };
  readonly meter?: {
    readonly port: string;
    readonly id: string;
    readonly password: string;
    /** Where the B-route PAN is cached between restarts. */
    readonly cacheDir: string;
    readonly pollMs: number;
    /**
     * Where the meter's half-hour counters are kept; the platform passes the store's, so a restart
     * back-fills only what it missed. Without one, only today is back-filled, and only in memory.
     */
    readonly sink?: HalfHourSink;
  };
}

/** How many meter polls may pass without a reading before the meter shows "No Response". */
const METER_MISSED_POLLS = 3;

/** The home for these settings; call start() to open the LAN socket and the dongle. */
export function createHome(settings: HomeSettings): Home {
  return new Home((store) => connect(settings, store));
}

async function connect(settings: HomeSettings, store: DeviceStore): Promise<Connection> {
  const { clock, log } = settings;
  let transport: UdpTransport | undefined;
  let controller: EchonetController | undefined;
  let echonet: EchonetSource | undefined;
  const lanLog = prefixLogger(log, 'ECHONET');
  if (settings.echonet) {
    // The LAN failing to open (wrong address, port taken) must not keep the meter from starting.
    transport = await UdpTransport.open({ address: settings.echonet.interface, log: lanLog }).catch((err: unknown) => {
      lanLog.error(`ECHONET Lite devices will not be shown: ${errorMessage(err)}`);
      return undefined;
    });
  }
  if (settings.echonet && transport) {
    controller = new EchonetController({ transport, clock, log: lanLog });
    const discovery = new DeviceDiscovery({ controller, clock, log: lanLog, intervalMs: settings.echonet.discoveryEveryMs });
    echonet = new EchonetSource({
      controller,
      discovery,
      store,
      clock,
      log: lanLog,
      pollMs: settings.echonet.pollMs,
      hosts: settings.echonet.hosts,
      hostsEveryMs: settings.echonet.discoveryEveryMs,
    });
  }
  let broute: BrouteMeter | undefined;
  let meter: MeterSource | undefined;
  if (settings.meter) {
    const meterLog = prefixLogger(log, 'B-route');
    const m = settings.meter;
    broute = startBrouteMeter({ port: m.port, id: m.id, password: m.password, cacheDir: m.cacheDir, log: meterLog, clock, pollIntervalMs: m.pollMs, sink: m.sink });
    meter = new MeterSource({ feed: broute.meter, store, clock, log: meterLog, staleAfterMs: METER_MISSED_POLLS * m.pollMs + m.pollMs });
  }
  return {
    echonet,
    meter,
    close: async () => {
      controller?.close();
      await Promise.all([transport?.close(), broute?.stop()]);
    },
  };
}
