/**
 * Our ECHONET controller stack (transport, controller, discovery) as a process driven over stdin/stdout,
 * so an integration test can run it inside a network namespace and still call it step by step.
 *
 * Started as: node --import tsx echonet-agent.ts '<AgentConfig as JSON>'
 * stdin:  one request per line   {"id": 1, "op": "get", "args": {...}}
 * stdout: one answer per line    {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": {code, message}}
 *         and events             {"event": "device-added", "data": ...}
 *         and, once ready,       {"ready": true}
 * Bytes travel as lowercase hex. Logs go to stderr.
 */
import { createInterface } from 'node:readline';
import { EchonetController, type ControllerOptions } from '../../src/echonet/controller.js';
import { DeviceDiscovery, type DiscoveryOptions } from '../../src/echonet/discovery.js';
import { UdpTransport } from '../../src/echonet/transport.js';
import type { Property } from '../../src/echonet/frame.js';
import { EchonetError } from '../../src/echonet/errors.js';
import { systemClock } from '../../src/util/clock.js';
import { consoleLogger } from '../../src/util/log.js';
import { fromHex, toHex } from '../../src/util/hex.js';

export interface AgentConfig {
  readonly address: string;
  readonly controller?: Omit<ControllerOptions, 'transport' | 'clock' | 'log'>;
  readonly discovery?: Omit<DiscoveryOptions, 'controller' | 'clock' | 'log'>;
}

export interface WireProperty {
  epc: number;
  edt: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as AgentConfig;
const log = consoleLogger('agent', true);
const transport = await UdpTransport.open({ address: config.address, log });
const controller = new EchonetController({ ...config.controller, transport, clock: systemClock, log });
const discovery = new DeviceDiscovery({ ...config.discovery, controller, clock: systemClock, log });

const write = (message: unknown): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
const wireProps = (props: readonly Property[]): WireProperty[] => props.map((p) => ({ epc: p.epc, edt: toHex(p.edt) }));

discovery.on('device-added', (d) => write({ event: 'device-added', data: d }));
discovery.on('device-online', (d) => write({ event: 'device-online', data: d }));
discovery.on('device-offline', (d) => write({ event: 'device-offline', data: d }));
discovery.on('device-address-changed', (d, previous) => write({ event: 'device-address-changed', data: { device: d, previous } }));
controller.on('notification', (n) => write({ event: 'notification', data: { ...n, properties: wireProps(n.properties) } }));

type Args = Record<string, unknown> & { address: string; eoj: number };
const bytes = (hex: unknown): Uint8Array => fromHex(String(hex)) ?? new Uint8Array(0);

const ops: Record<string, (args: Args) => Promise<unknown> | unknown> = {
  poll: () => discovery.poll(),
  start: () => discovery.start(),
  stop: () => discovery.stop(),
  devices: () => discovery.devices(),
  get: async (a) => {
    const r = await controller.get(a.address, a.eoj, a.epcs as number[]);
    return { ...r, properties: wireProps(r.properties) };
  },
  setC: (a) => controller.setC(a.address, a.eoj, (a.properties as WireProperty[]).map((p) => ({ epc: p.epc, edt: bytes(p.edt) }))),
  setVerified: (a) => controller.setVerified(a.address, a.eoj, a.epc as number, bytes(a.edt)),
  infReq: (a) => controller.infReq(a.address, a.eoj, a.epcs as number[]),
  batchSize: (a) => controller.batchSize(a.address, a.eoj),
  stats: () => ({ controller: controller.stats(), transport: transport.stats() }),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, op, args } = JSON.parse(line) as { id: number; op: string; args: Args };
  const handler = ops[op];
  Promise.resolve()
    .then(() => {
      if (!handler) throw new Error(`unknown op ${op}`);
      return handler(args);
    })
    .then(
      (result) => write({ id, ok: true, result: result ?? null }),
      (err: unknown) =>
        write({ id, ok: false, error: { code: err instanceof EchonetError ? err.code : 'error', message: (err as Error).message } }),
    );
});

process.stdin.on('end', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

async function shutdown(): Promise<void> {
  discovery.stop();
  controller.close();
  await transport.close();
  process.exit(0);
}

write({ ready: true });
