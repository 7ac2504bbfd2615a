/**
 * The emulator as a process:
 *   node --import tsx src/sim/emulator/main.ts --address 198.18.10.2 \
 *     --devices meter,solar,water-heater,ev-charger,battery --speed 60 --seed 1
 * Run it inside a network namespace (ip netns exec) or on a loopback address, never on the machine's
 * real interface. It takes JSON-line commands on stdin and answers on stdout (see control.ts); logs go
 * to stderr. The project CLI (`echonet-hems emulate`) calls parseEmulatorArgs and runEmulatorProcess.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ScaledClock } from '../../util/clock.js';
import { consoleLogger } from '../../util/log.js';
import { errorMessage } from '../../util/guard.js';
import { DEVICE_CLASSES, type DeviceKind } from './devices.js';
import { startEmulator } from './emulator.js';
import { handleControlLine } from './control.js';
import { eojToHex, NODE_PROFILE_EOJ } from '../../echonet/eoj.js';

export const EMULATOR_USAGE =
  'emulate --address <ipv4> [--interface <ipv4>] [--devices meter,solar,water-heater,ev-charger|ev-charger-only,battery]' +
  ' [--ev-fixed-power] [--speed <sim seconds per second>] [--start <ISO time>] [--seed <n>] [--debug]';

export interface EmulatorCliOptions {
  readonly address: string;
  readonly multicastInterface?: string;
  readonly devices: readonly DeviceKind[];
  /** The EV charger's power is set on the unit only: its EB is not in the Set map. */
  readonly evFixedPower?: boolean;
  /** Simulated milliseconds per real millisecond. */
  readonly speed: number;
  /** Simulated time at start, ms since epoch. */
  readonly start: number;
  readonly seed: number;
  readonly debug: boolean;
}

const DEFAULT_DEVICES: readonly DeviceKind[] = ['meter', 'solar', 'water-heater', 'ev-charger', 'battery'];

/** Parses the emulator's arguments; throws an Error whose message says what is wrong and the usage. */
export function parseEmulatorArgs(argv: readonly string[], now = Date.now()): EmulatorCliOptions {
  const bad = (why: string): never => {
    throw new Error(`${why}\nusage: ${EMULATOR_USAGE}`);
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        address: { type: 'string' },
        interface: { type: 'string' },
        devices: { type: 'string' },
        'ev-fixed-power': { type: 'boolean' },
        speed: { type: 'string' },
        start: { type: 'string' },
        seed: { type: 'string' },
        debug: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return bad(errorMessage(err));
  }
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
  if (!values.address || !ipv4.test(values.address)) return bad('--address must be an IPv4 address');
  if (values.interface !== undefined && !ipv4.test(values.interface)) return bad('--interface must be an IPv4 address');
  const devices = values.devices === undefined ? DEFAULT_DEVICES : values.devices.split(',').map((d) => d.trim());
  const unknown = devices.find((d) => !(d in DEVICE_CLASSES));
  if (unknown !== undefined) return bad(`unknown device "${unknown}" (known: ${Object.keys(DEVICE_CLASSES).join(', ')})`);
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0 && speed <= 100_000)) return bad('--speed must be a number above 0 and at most 100000');
  const start = values.start === undefined ? now : Date.parse(values.start);
  if (!Number.isFinite(start)) return bad('--start must be an ISO date-time such as 2026-06-15T09:00:00+09:00');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) return bad('--seed must be an integer');
  return {
    address: values.address,
    ...(values.interface === undefined ? {} : { multicastInterface: values.interface }),
    devices: devices as DeviceKind[],
    ...(values['ev-fixed-power'] ? { evFixedPower: true } : {}),
    speed,
    start,
    seed,
    debug: values.debug ?? false,
  };
}

export interface ProcessIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/**
 * Starts the emulator, prints a ready line, serves control commands until "stop", the end of input or
 * SIGTERM/SIGINT, then stops. Rejects when the emulator cannot start (e.g. the address is not local).
 */
export async function runEmulatorProcess(
  options: EmulatorCliOptions,
  io: ProcessIo = { input: process.stdin, output: process.stdout },
): Promise<void> {
  const clock = new ScaledClock(options.start, options.speed);
  const handle = await startEmulator({
    address: options.address,
    ...(options.multicastInterface === undefined ? {} : { multicastInterface: options.multicastInterface }),
    devices: options.devices,
    ...(options.evFixedPower ? { evFixedPower: true } : {}),
    clock,
    seed: options.seed,
    log: consoleLogger('emulator', options.debug),
  });
  const write = (answer: object) => io.output.write(`${JSON.stringify(answer)}\n`);
  write({ ok: true, ready: true, address: handle.address, objects: [NODE_PROFILE_EOJ, ...handle.objects].map(eojToHex) });
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: io.input });
    const finish = () => {
      process.off('SIGTERM', finish);
      process.off('SIGINT', finish);
      lines.close();
      resolve();
    };
    process.once('SIGTERM', finish);
    process.once('SIGINT', finish);
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const { stop, ...answer } = handleControlLine(handle, line, clock.now());
      write(answer);
      if (stop) finish();
    });
    lines.on('close', finish);
  });
  await handle.stop();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await runEmulatorProcess(parseEmulatorArgs(process.argv.slice(2)));
  } catch (err) {
    console.error(errorMessage(err));
    process.exitCode = 1;
  }
}
