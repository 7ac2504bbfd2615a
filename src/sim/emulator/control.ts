/**
 * The emulator's JSON-line control protocol (stdin -> stdout), so that a test running the emulator in
 * another network namespace can switch faults and read the model's true values:
 *   {"cmd":"faults","faults":{"delayMs":500}}  -> {"ok":true,"faults":{...}}
 *   {"cmd":"state"}                              -> {"ok":true,"state":{time, meter, flows, solar, tank, ev, battery}}
 *   {"cmd":"stop"}                               -> {"ok":true,"stopped":true}
 * An "id" in a command is echoed in its answer. Errors: {"ok":false,"error":"..."}.
 */
import type { EmulatorHandle } from './emulator.js';
import { parseFaults } from './faults.js';

export type ControlAnswer = { readonly ok: boolean; readonly [key: string]: unknown };

/** One command line -> its answer; `stop` in the answer tells the caller to shut the emulator down. */
export function handleControlLine(handle: EmulatorHandle, line: string, now: number): ControlAnswer & { stop?: true } {
  let command: { cmd?: unknown; id?: unknown; faults?: unknown };
  try {
    command = JSON.parse(line) as typeof command;
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const id = command.id === undefined ? {} : { id: command.id };
  switch (command.cmd) {
    case 'faults': {
      const parsed = parseFaults(command.faults);
      if (!parsed.ok) return { ok: false, ...id, error: parsed.reason };
      handle.setFaults(parsed.faults);
      return { ok: true, ...id, faults: parsed.faults };
    }
    case 'state': {
      const h = handle.home;
      const state = {
        time: new Date(now).toISOString(),
        meter: h.meter(),
        flows: h.flows(),
        solar: h.solar() ?? null,
        tank: h.tank() ?? null,
        ev: h.ev() ?? null,
        battery: h.battery() ?? null,
      };
      return { ok: true, ...id, state };
    }
    case 'stop':
      return { ok: true, ...id, stopped: true, stop: true };
    default:
      return { ok: false, ...id, error: `unknown cmd ${JSON.stringify(command.cmd)} (faults, state, stop)` };
  }
}
