/** `export`: a time range of the history as CSV or JSON, to stdout or a file, thin over src/store/export.ts. */
import { writeFile } from 'node:fs/promises';
import { History } from '../store/history.js';
import { recoverFromBackups } from '../store/backup.js';
import { exportRange, type ExportFormat } from '../store/export.js';
import { consoleLogger } from '../util/log.js';
import { parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';
import { STORAGE_HELP, STORAGE_OPTION, storeDirFrom } from './store-options.js';

const USAGE = `echonet-hems export --from <date> --to <date> [--format csv|json] [--output <file>] ${STORAGE_HELP}\n  dates: 2026-11-01 (midnight in Japan) or a full ISO time such as 2026-11-01T12:00:00Z; --to is exclusive`;

/** A bare date is midnight in Japan, where the home and its bills are. */
export function parseTime(text: string | undefined, name: string): number {
  if (!text) throw new CliError(`--${name} is required\nusage: ${USAGE}`, EXIT.usage);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00+09:00` : text;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) throw new CliError(`--${name} "${text}" is not a date such as 2026-11-01 or 2026-11-01T12:00:00Z`, EXIT.usage);
  return t;
}

export async function runExport(args: string[], out: Output): Promise<void> {
  const { values, positionals } = parse(args, { ...STORAGE_OPTION, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } }, USAGE);
  if (positionals.length > 0) throw new CliError(`unexpected "${positionals.join(' ')}"\nusage: ${USAGE}`, EXIT.usage);
  const from = parseTime(values.from, 'from');
  const to = parseTime(values.to, 'to');
  if (from >= to) throw new CliError('--from must be before --to', EXIT.usage);
  const format = (values.format ?? 'csv') as ExportFormat;
  if (format !== 'csv' && format !== 'json') throw new CliError(`--format must be csv or json, not "${values.format}"`, EXIT.usage);
  const dir = storeDirFrom(values.storage);
  const history = await History.open({ dir, log: consoleLogger('store'), recover: recoverFromBackups(dir) });
  const text = await exportRange(history, from, to, format);
  if (values.output) {
    await writeFile(values.output, text);
    out.result({ output: values.output, bytes: Buffer.byteLength(text) }, () => `wrote ${Buffer.byteLength(text)} bytes to ${values.output}`);
    return;
  }
  // the data itself is the result: printed as is, whatever --json says
  process.stdout.write(text);
}
