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
import { runDemo } from './demo.js';
import { runBackup, runRestore } from './backup.js';
import { runExport } from './export.js';
import { runPlan } from './plan.js';
import { runSimulate } from './simulate.js';

type Command = (args: string[], out: Output) => void | Promise<void>;

const COMMANDS: Record<string, { run: Command; usage: string; summary: string }> = {
  decode: { run: runDecode, usage: 'decode <hex>', summary: 'decode an ECHONET Lite frame' },
  discover: { run: runDiscover, usage: 'discover [--interface <addr>]', summary: 'find ECHONET Lite devices on the LAN' },
  get: { run: runGet, usage: 'get <host> <eoj> <epc...>', summary: 'read properties of a device' },
  set: { run: runSet, usage: 'set <host> <eoj> <epc> <hex>', summary: 'write a property and confirm it' },
  emulate: { run: runEmulate, usage: 'emulate --address <addr> [--devices <list>]', summary: 'run the ECHONET Lite device emulator' },
  meter: { run: runMeter, usage: 'meter scan|read|history --port <p>', summary: 'read the smart meter over B-route' },
  demo: { run: runDemo, usage: 'demo [--storage <dir>] [--hap-port <n>] [--pin <code>] [--mqtt <url>] [--start <time>] [--speed <n>]', summary: 'run Homebridge on the simulated home' },
  backup: { run: runBackup, usage: 'backup [--storage <dir>] [--list]', summary: 'back up the history (never secrets)' },
  restore: { run: runRestore, usage: 'restore [<name>] [--storage <dir>]', summary: 'restore the history from a backup' },
  plan: { run: runPlan, usage: 'plan --input <csv> [--config <json>]', summary: 'plan a day of data and explain every decision' },
  simulate: { run: runSimulate, usage: 'simulate --year <csv> [--config <json>] [--days <n>]', summary: 'replay a year: no control, AiSEG2 rules, reactive, planner, optimum' },
  export: { run: runExport, usage: 'export --from <d> --to <d> --format csv|json', summary: 'export the history' },
};

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return ['usage: echonet-hems <command> [options] [--json]', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)].join('\n');
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
