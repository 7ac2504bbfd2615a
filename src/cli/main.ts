#!/usr/bin/env node
/**
 * echonet-hems: one command for diagnosing a setup and for scripts. Every subcommand takes --json and
 * prints one JSON document with a stable shape; errors go to stderr as one line and exit non-zero.
 */
import { CliError, EXIT } from './errors.js';
import { makeOutput, type Output } from './output.js';
import { runDecode } from './decode.js';
import { runDiscover, runGet, runSet } from './lan.js';
import { runEmulate } from './emulate.js';
import { runMeter } from './meter.js';

type Command = (args: string[], out: Output) => void | Promise<void>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  decode: { run: runDecode, help: 'decode <hex>                          decode an ECHONET Lite frame' },
  discover: { run: runDiscover, help: 'discover [--interface <addr>]         find ECHONET Lite devices on the LAN' },
  get: { run: runGet, help: 'get <host> <eoj> <epc...>             read properties of a device' },
  set: { run: runSet, help: 'set <host> <eoj> <epc> <hex>          write a property and confirm it' },
  emulate: { run: runEmulate, help: 'emulate --address <addr> [--devices] run the ECHONET Lite device emulator' },
  meter: { run: runMeter, help: 'meter scan|read|history --port <p>    read the smart meter over B-route' },
};

function usage(): string {
  return ['usage: echonet-hems <command> [options] [--json]', '', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const [name, ...args] = rest;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command "${name}"\n${usage()}`, EXIT.usage);
  await command.run(args, makeOutput(json));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof CliError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`echonet-hems: ${message}\n`);
  process.exitCode = err instanceof CliError ? err.exitCode : EXIT.failure;
});
