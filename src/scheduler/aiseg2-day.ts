/**
 * The AiSEG2-compatible mode at run time decides once a day, as the replaced product does (and as the
 * replay's baseline does, at 00:30): at the configured decision time it takes the day's forecast, finds
 * the surplus window, offers it to the EcoCute, the battery and the EV through the gates, and keeps that
 * decision and its reasons until the next day's decision. Re-planning rounds in between refresh the
 * forecast and the warnings but do not change the day's decision (the product admits that weather
 * changes on the day can then cause purchases: seed item 15).
 */
import { DAY_MS, HALF_HOUR_MS, jstTime, startOfJstDay } from './calendar.js';
import type { EcoCuteConfig } from './replay/config.js';
import type { PlanInput } from './planner/types.js';
import { surplusOf } from './planner/reasons.js';

/**
 * Whether the day's decision is due at `now`: not yet made for today, and the decision time has come
 * (or there is no decision at all yet, after a start or restart: the day is not left without one).
 */
export function decisionDue(now: number, decidedFor: string | undefined, decisionHour: number): boolean {
  const { dateKey, minuteOfDay } = jstTime(now);
  if (decidedFor === dateKey) return false;
  return decidedFor === undefined || minuteOfDay >= decisionHour * 60;
}

/** Milliseconds from `now` to the next decision time (today's, or tomorrow's when it has passed). */
export function untilDecision(now: number, decisionHour: number): number {
  const today = startOfJstDay(now) + decisionHour * 3_600_000;
  return today > now ? today - now : today + DAY_MS - now;
}

/** The planning input cut to the rest of today: the product decides for the day, not for tomorrow. */
export function restOfToday(input: PlanInput, now: number): PlanInput {
  const end = startOfJstDay(now) + DAY_MS;
  const n = Math.max(1, input.slots.filter((s) => s.start < end).length);
  return {
    ...input,
    slots: input.slots.slice(0, n),
    ...(input.ecocute ? { ecocute: { ...input.ecocute, drawKwh: input.ecocute.drawKwh.slice(0, n) } } : {}),
  };
}

/**
 * Electricity the EcoCute needs from the surplus window: the hot water drawn before the window opens,
 * counted from the end of its own night heating when that is still to come (the timer fills the tank),
 * or from now on top of what the tank already lacks when the night heating is over.
 */
export function ecocuteNeedKwh(input: PlanInput, now: number, config: Pick<EcoCuteConfig, 'nightWindow'>): number {
  const eco = input.ecocute;
  if (!eco) return 0;
  const firstSurplus = input.slots.findIndex((s) => surplusOf(s) > 0);
  const windowStart = firstSurplus < 0 ? input.slots.length : firstSurplus;
  const nightEnd = startOfJstDay(now) + config.nightWindow[1] * 3_600_000;
  const beforeNightEnd = now < nightEnd;
  const from = beforeNightEnd ? Math.max(0, Math.ceil((nightEnd - input.slots[0]!.start) / HALF_HOUR_MS)) : 0;
  const draws = eco.drawKwh.slice(from, Math.max(from, windowStart)).reduce((a, v) => a + v, 0);
  const lacking = beforeNightEnd ? 0 : eco.capacityKwh - eco.storedKwh;
  return Math.min(eco.capacityKwh, Math.max(0, lacking + draws)) / eco.cop;
}
