/**
 * Reactive surplus regulator for minute-scale clouds, under the planner (the way evcc's PV mode works):
 * a device starts when the export would cover its minimum power for an enable delay, follows the
 * surplus between its minimum and maximum power while on, and stops only when the home has been
 * importing more than a threshold for a disable delay. The two delays are the hysteresis: a cloud
 * shorter than the disable delay does not stop it, a gap shorter than the enable delay does not start
 * it. A pure state machine: the caller passes the time and the meter reading.
 */
import type { Reason } from './planner/types.js';

export interface RegulatorSettings {
  /** Minimum running power (EV 6 A at 200 V: about 1.2 kW; an on/off heater: its input). */
  readonly minKw: number;
  readonly maxKw: number;
  readonly enableDelayMs: number;
  readonly disableDelayMs: number;
  /** Import above this while running counts toward stopping, kW. */
  readonly disableImportKw: number;
}

export const DEFAULT_REGULATOR: Omit<RegulatorSettings, 'minKw' | 'maxKw'> = {
  enableDelayMs: 60_000,
  disableDelayMs: 180_000,
  disableImportKw: 0,
};

export interface RegulatorState {
  readonly on: boolean;
  /** Power the device is set to, kW (0 when off). */
  readonly kw: number;
  /** Since when the condition for the next change has held (undefined: it does not hold). */
  readonly since?: number;
  readonly reason: Reason;
}

export const REGULATOR_OFF: RegulatorState = { on: false, kw: 0, reason: { code: 'idle', text: 'not running: no surplus yet' } };

/**
 * One step. exportKw is the grid power now, + export / - import, measured with the device running at
 * state.kw; the surplus the device could use is therefore exportKw + state.kw.
 */
export function regulate(state: RegulatorState, t: number, exportKw: number, s: RegulatorSettings): RegulatorState {
  const available = exportKw + state.kw;
  const kw = (x: number) => Math.min(s.maxKw, Math.max(s.minKw, x));
  const fmt = (x: number) => x.toFixed(1);
  if (!state.on) {
    if (available < s.minKw) return { ...REGULATOR_OFF, reason: { code: 'no-surplus', text: `not running: surplus ${fmt(available)} kW < minimum ${fmt(s.minKw)} kW` } };
    const since = state.since ?? t;
    if (t - since < s.enableDelayMs) return { on: false, kw: 0, since, reason: { code: 'enable-pending', text: `surplus ${fmt(available)} kW covers the minimum; starting after ${s.enableDelayMs / 1000} s of it` } };
    return { on: true, kw: kw(available), reason: { code: 'surplus', text: `running at ${fmt(kw(available))} kW on ${fmt(available)} kW surplus` } };
  }
  const next = kw(available);
  const importKw = next - available;
  if (importKw <= s.disableImportKw) return { on: true, kw: next, reason: { code: 'surplus', text: `running at ${fmt(next)} kW on ${fmt(available)} kW surplus` } };
  const since = state.since ?? t;
  if (t - since < s.disableDelayMs) {
    return { on: true, kw: next, since, reason: { code: 'disable-pending', text: `importing ${fmt(importKw)} kW; stopping if it lasts ${s.disableDelayMs / 1000} s` } };
  }
  return { ...REGULATOR_OFF, reason: { code: 'import', text: `stopped: imported more than ${fmt(s.disableImportKw)} kW for ${s.disableDelayMs / 1000} s` } };
}
