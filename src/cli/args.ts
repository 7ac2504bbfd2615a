import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with its exceptions turned into usage errors that name the command's usage line. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\nusage: ${usage}`, EXIT.usage);
  }
}

/** A number option within bounds, or a usage error that says which option was wrong and why. */
export function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${name} must be a number from ${min} to ${max}, not "${value}"`, EXIT.usage);
  return n;
}

/**
 * A secret from a file (first line, trimmed) or an environment variable: never from the command line,
 * where it would land in shell history and `ps` output.
 */
export function secret(file: string | undefined, envName: string, what: string): string {
  if (file) {
    try {
      return readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
    } catch (err) {
      throw new CliError(`cannot read the ${what} file "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv.trim();
  throw new CliError(`no ${what}: give --${what.replace(/ /g, '-')}-file <file> or set ${envName}`, EXIT.usage);
}
