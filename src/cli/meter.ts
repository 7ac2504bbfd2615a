/** `meter scan|read|history`: the B-route smart meter through a Wi-SUN dongle, thin over src/wisun. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { meterHistory, meterRead, meterScan, type BrouteConfig } from '../wisun/index.js';
import { consoleLogger } from '../util/log.js';
import { numberOption, parse, secret } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';

const USAGE =
  'echonet-hems meter scan|read|history --port <path> [--id <B-route ID>] [--password-file <file>] [--cache-dir <dir>] [--day <0-99>] [--debug] [--json]\n' +
  '  the ID may also come from HEMS_BROUTE_ID and the password from HEMS_BROUTE_PASSWORD';

const OPTIONS = {
  port: { type: 'string' },
  id: { type: 'string' },
  'password-file': { type: 'string' },
  'cache-dir': { type: 'string' },
  day: { type: 'string' },
  debug: { type: 'boolean' },
} as const;

/** Where the PAN cache lives between runs, so a second `meter read` skips the minute-long scan. */
function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'echonet-hems');
}

function config(args: string[]): { action: string | undefined; day: number; broute: BrouteConfig } {
  const { values, positionals } = parse(args, OPTIONS, USAGE);
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new CliError(`unexpected "${extra.join(' ')}"\nusage: ${USAGE}`, EXIT.usage);
  if (!values.port) throw new CliError(`--port is required (the dongle's serial port, e.g. /dev/ttyUSB0)\nusage: ${USAGE}`, EXIT.usage);
  const id = values.id ?? process.env.HEMS_BROUTE_ID;
  if (!id) throw new CliError(`no B-route ID: give --id or set HEMS_BROUTE_ID\nusage: ${USAGE}`, EXIT.usage);
  const password = secret(values['password-file'], 'HEMS_BROUTE_PASSWORD', 'password');
  return {
    action,
    day: numberOption(values.day, 'day', 0, 0, 99),
    broute: { port: values.port, id: id.trim(), password, cacheDir: values['cache-dir'] ?? defaultCacheDir(), log: consoleLogger('meter', values.debug ?? false) },
  };
}

/** Errors of the meter layer already carry a message for people; only the exit code is decided here. */
async function meter<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new CliError(message, /timed? ?out|no answer/i.test(message) ? EXIT.timeout : EXIT.failure);
  }
}

const show = (v: number | null, unit: string) => (v === null ? 'no data' : `${v} ${unit}`);

export async function runMeter(args: string[], out: Output): Promise<void> {
  const { action, day, broute } = config(args);
  switch (action) {
    case 'scan': {
      const pans = await meter(() => meterScan(broute));
      out.result({ pans }, () => (pans.length === 0 ? 'no smart meter found (is the meter within range, and the ID right?)' : pans.map((p) => `channel ${p.channel} PAN ${p.panId.toString(16)} address ${p.addr} LQI ${p.lqi}`).join('\n')));
      return;
    }
    case 'read': {
      const r = await meter(() => meterRead(broute));
      out.result(r, () =>
        [`power ${show(r.power_w, 'W')}`, `current R ${show(r.current_r_a, 'A')}, T ${show(r.current_t_a, 'A')}`, `bought ${show(r.bought_kwh, 'kWh')}, sold ${show(r.sold_kwh, 'kWh')}`].join('\n'),
      );
      return;
    }
    case 'history': {
      const slots = await meter(() => meterHistory({ ...broute, day }));
      out.result({ day, slots }, () => slots.map((s) => `${s.start}  bought ${show(s.bought_kwh, 'kWh')}  sold ${show(s.sold_kwh, 'kWh')}`).join('\n'));
      return;
    }
    default:
      throw new CliError(`usage: ${USAGE}`, EXIT.usage);
  }
}
