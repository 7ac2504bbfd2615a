/**
 * Re-planning with hysteresis. Live data arrive all day and every new forecast moves the optimum a
 * little; following each move makes devices flap (the most common complaint about solar chargers), and
 * committing to a plan beats re-planning too eagerly when switching has a cost (Genov et al. 2024). So
 * a new plan replaces the current one only when it is worth more than a threshold: the current plan's
 * on/off decisions are held and re-costed under the new data (energies may still adapt), and the new
 * plan must beat that by thresholdYen.
 */
import type { Highs } from 'highs';
import { planWith } from './plan.js';
import type { Plan, PlanInput } from './types.js';

export interface Replanned {
  readonly plan: Plan;
  /** The new plan replaced the current one (false: the current on/off decisions were kept). */
  readonly replaced: boolean;
  /** What the new plan saves over keeping the current decisions, yen (0 when they agree). */
  readonly gainYen: number;
}

/** The current plan's on/off decisions at the new input's slots (undefined where it has none). */
function heldDecisions(current: Plan, input: PlanInput, integerSlots: number): NonNullable<PlanInput['hold']> {
  const byStart = new Map(current.decisions.map((d) => [d.start, d]));
  const head = input.slots.slice(0, integerSlots).map((s) => byStart.get(s.start));
  return {
    ecocute: input.ecocute ? head.map((d) => d?.ecocute?.heat) : undefined,
    ev: input.ev ? head.map((d) => (d?.ev ? d.ev.kw > 0 : undefined)) : undefined,
  };
}

const sameOnOff = (a: readonly (boolean | undefined)[] = [], b: readonly (boolean | undefined)[] = []): boolean =>
  a.every((x, i) => x === undefined || b[i] === undefined || x === b[i]);

export function replan(highs: Highs, input: PlanInput, current: Plan | undefined, thresholdYen: number, integerSlots = 16): Replanned {
  const candidate = planWith(highs, input);
  if (!current || candidate.status === 'fallback') return { plan: candidate, replaced: true, gainYen: 0 };
  const held = heldDecisions(current, input, integerSlots);
  const proposed = heldDecisions(candidate, input, integerSlots);
  // the same switching pattern: nothing to hold back, take the fresher energies
  if (sameOnOff(held.ecocute, proposed.ecocute) && sameOnOff(held.ev, proposed.ev)) return { plan: candidate, replaced: false, gainYen: 0 };
  const kept = planWith(highs, { ...input, hold: held });
  const gainYen = kept.objective.totalYen - candidate.objective.totalYen;
  return gainYen > thresholdYen || kept.status === 'fallback' ? { plan: candidate, replaced: true, gainYen } : { plan: kept, replaced: false, gainYen };
}
