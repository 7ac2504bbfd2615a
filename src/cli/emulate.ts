/** `emulate`: the ECHONET Lite device emulator as a foreground process (see src/sim/emulator/main.ts). */
import { parseEmulatorArgs, runEmulatorProcess } from '../sim/emulator/main.js';
import { CliError, EXIT } from './errors.js';

export async function runEmulate(args: string[]): Promise<void> {
  let options;
  try {
    options = parseEmulatorArgs(args);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
  await runEmulatorProcess(options);
}
