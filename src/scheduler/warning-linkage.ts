/**
 * Weather-warning linkage (seed item 18, 気象警報連動): when JMA issues a warning for the home's area, a
 * storm may cut the power, so hot water is topped up once (manual heating; the unit ends it itself when
 * the tank is full) and the battery is charged to full for backup. While a warning is in force, solar
 * scheduling is suspended, as the replaced product does: its battery gate refuses solar charging during
 * a warning and its EcoCute gate refuses solar reheating once a warning reheating ran that day.
 *
 * Pure: the caller passes the warnings in force, the time and what was already done today.
 */
import { jstTime } from './calendar.js';
import type { Wants } from './executor.js';
import type { WarningLevel, WeatherWarning } from './forecast/types.js';

export interface WarningLinkageSettings {
  readonly enabled: boolean;
  /** Heat the EcoCute once when a warning is issued. */
  readonly topUpHotWater: boolean;
  /** Charge the battery to full while a warning is in force. */
  readonly chargeBattery: boolean;
  /**
   * The levels that count. Advisories (注意報) are frequent and rarely cut power; codes this version does
   * not know ('unknown', the 2026 scheme) count, because the safe mistake is to prepare for the storm.
   */
  readonly levels: readonly WarningLevel[];
}

export const DEFAULT_WARNING_LINKAGE: WarningLinkageSettings = {
  enabled: true,
  topUpHotWater: true,
  chargeBattery: true,
  levels: ['emergency', 'warning', 'unknown'],
};

export interface WarningLinkageState {
  /** JST date ('YYYY-MM-DD') a warning reheating was started, for the EcoCute gate. */
  readonly reheatDateKey?: string;
}

export interface WarningLinkage {
  /** A warning of a counted level is in force. */
  readonly active: boolean;
  readonly warnings: readonly WeatherWarning[];
  /** Solar scheduling is suspended (the wants below replace the plan's). */
  readonly suspendSolar: boolean;
  readonly wants: Wants;
  /** For the gates: a warning reheating already ran today. */
  readonly reheatDoneToday: boolean;
  readonly message: string;
  readonly messageJa: string;
}

export function warningLinkage(warningsInForce: readonly WeatherWarning[], now: number, state: WarningLinkageState, settings: WarningLinkageSettings): WarningLinkage {
  const reheatDoneToday = state.reheatDateKey === jstTime(now).dateKey;
  const warnings = warningsInForce.filter((w) => settings.levels.includes(w.level));
  const active = settings.enabled && warnings.length > 0;
  if (!active) {
    const why = !settings.enabled ? 'weather-warning linkage is turned off' : 'no weather warning in force for the area';
    const whyJa = !settings.enabled ? '気象警報連動は「切」です' : '地域に気象警報は出ていません';
    return { active, warnings, suspendSolar: false, wants: {}, reheatDoneToday, message: why, messageJa: whyJa };
  }
  const names = warnings.map((w) => w.name).join(', ');
  const namesJa = warnings.map((w) => w.nameJa).join('、');
  const wants: { ecocute?: Wants['ecocute']; battery?: Wants['battery'] } = {};
  const done: string[] = [];
  const doneJa: string[] = [];
  if (settings.topUpHotWater) {
    wants.ecocute = reheatDoneToday
      ? { kind: 'leave', reason: { text: `hot water was already topped up today for the weather warning (${names})`, textJa: `気象警報（${namesJa}）のため本日すでに沸き増ししました` } }
      : { kind: 'on', reason: { text: `topping up hot water ahead of the storm: ${names}`, textJa: `荒天に備えて沸き増しします：${namesJa}` } };
    done.push(reheatDoneToday ? 'hot water topped up today' : 'topping up hot water');
    doneJa.push(reheatDoneToday ? '本日沸き増し済み' : '沸き増しします');
  }
  if (settings.chargeBattery) {
    wants.battery = { kind: 'mode', mode: 'charge', reason: { text: `charging the battery to full for a possible outage: ${names}`, textJa: `停電に備えて蓄電池を満充電します：${namesJa}` } };
    done.push('charging the battery to full');
    doneJa.push('蓄電池を満充電します');
  }
  return {
    active,
    warnings,
    suspendSolar: true,
    wants,
    reheatDoneToday,
    message: `weather warning in force (${names}): solar scheduling suspended${done.length ? `; ${done.join(', ')}` : ''}`,
    messageJa: `気象警報発表中（${namesJa}）：ソーラー制御を停止${doneJa.length ? `。${doneJa.join('、')}` : ''}`,
  };
}

/** The state after the top-up heating was started (confirmed by the unit) at `now`. */
export function reheatStarted(state: WarningLinkageState, now: number): WarningLinkageState {
  return { ...state, reheatDateKey: jstTime(now).dateKey };
}
