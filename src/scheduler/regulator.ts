/**
 * Reactive surplus regulator for minute-scale clouds, under the planner (the way evcc's PV mode works):
 * a device starts when the export would cover its minimum power for an enable delay, follows the
 * surplus between its minimum and maximum power while on, and stops only when the home has been
 * importing more than a threshold for a disable delay. The two delays are the hysteresis: a cloud
 * shorter than the disable delay does not stop it, a gap shorter than the enable delay does not start
 * it. A pure state machine: the caller passes the time and the meter reading.
 */
import { num, say } from './explain.js';
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

export const REGULATOR_OFF: RegulatorState = { on: false, kw: 0, reason: { code: 'idle', text: 'not running: no surplus yet', textJa: '停止中：まだ余剰電力がありません' } };

/**
 * One step. exportKw is the grid power now, + export / - import, measured with the device running at
 * state.kw; the surplus the device could use is therefore exportKw + state.kw.
 */
export function regulate(state: RegulatorState, t: number, exportKw: number, s: RegulatorSettings): RegulatorState {
  const available = exportKw + state.kw;
  const kw = (x: number) => Math.min(s.maxKw, Math.max(s.minKw, x));
  const running = (at: number): Reason => ({
    code: 'surplus',
    ...say((l) => (l === 'ja' ? `余剰電力${num(available)} kWで${num(at)} kW運転中` : `running at ${num(at)} kW on ${num(available)} kW surplus`)),
  });
  if (!state.on) {
    if (available < s.minKw) {
      return { ...REGULATOR_OFF, reason: { code: 'no-surplus', ...say((l) => (l === 'ja' ? `停止中：余剰電力${num(available)} kW＜最小${num(s.minKw)} kW` : `not running: surplus ${num(available)} kW < minimum ${num(s.minKw)} kW`)) } };
    }
    const since = state.since ?? t;
    const delay = s.enableDelayMs / 1000;
    if (t - since < s.enableDelayMs) {
      const reason: Reason = {
        code: 'enable-pending',
        ...say((l) => (l === 'ja' ? `余剰電力${num(available)} kWで最小電力をまかなえます：${delay}秒続いたら開始します` : `surplus ${num(available)} kW covers the minimum; starting after ${delay} s of it`)),
      };
      return { on: false, kw: 0, since, reason };
    }
    return { on: true, kw: kw(available), reason: running(kw(available)) };
  }
  const next = kw(available);
  const importKw = next - available;
  if (importKw <= s.disableImportKw) return { on: true, kw: next, reason: running(next) };
  const since = state.since ?? t;
  const delay = s.disableDelayMs / 1000;
  if (t - since < s.disableDelayMs) {
    const reason: Reason = { code: 'disable-pending', ...say((l) => (l === 'ja' ? `${num(importKw)} kW買電中：${delay}秒続いたら停止します` : `importing ${num(importKw)} kW; stopping if it lasts ${delay} s`)) };
    return { on: true, kw: next, since, reason };
  }
  return { ...REGULATOR_OFF, reason: { code: 'import', ...say((l) => (l === 'ja' ? `停止：${delay}秒間、${num(s.disableImportKw)} kWを超えて買電しました` : `stopped: imported more than ${num(s.disableImportKw)} kW for ${delay} s`)) } };
}
