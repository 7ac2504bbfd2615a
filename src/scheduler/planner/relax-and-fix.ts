/**
 * A fast, deterministic way to a good integer plan. HiGHS's branch-and-bound on this model takes 0.3-10 s
 * in WebAssembly (measured: most of it in root heuristics and cuts, not in the tree), while its LP
 * relaxation solves in tens of milliseconds and lies within about 1 % of the integer optimum. So: solve
 * the relaxation, round each on/off sequence walking forward in time while honouring the minimum run and
 * rest, pin the binaries and solve the LP again for the energies. Two rounding thresholds are tried (a
 * strict one for calm plans, a loose one for when rounding away small fractional charges would miss a
 * target); the cheaper plan wins.
 */
import type { Highs } from 'highs';
import type { LpText } from './lp-text.js';
import type { Switched } from './model.js';
import { solveLp, type Solution } from './solver.js';
import type { PlanSettings } from './types.js';

/** Strict first; the loose pass also switches on the peak slot of every run of small fractional use. */
const ATTEMPTS = [
  { threshold: 0.5, peaks: false },
  { threshold: 0.15, peaks: true },
] as const;
/** Below this a relaxed on/off value is numerical dust, not planned use. */
const DUST = 0.005;
/** Rounding that costs less than this over the relaxation is accepted without a second try, yen. */
const GOOD_ENOUGH_YEN = 10;

/** Rounds one device's relaxed on/off sequence, keeping minimum on and off times from its current state. */
/**
 * The relaxed LPs solve in tens of milliseconds; their time limit is only a safety net. It is kept far
 * above any real solve so that a busy machine never cuts a solve short: the plan must depend on the
 * inputs alone (the benchmark and the plugin run this same code and must agree).
 */
const LP_SAFETY_LIMIT_S = 60;

export function roundSequence(
  relaxed: readonly number[],
  attempt: { readonly threshold: number; readonly peaks: boolean },
  device: Pick<Switched, 'on' | 'slotsInState'>,
  minOn: number,
  minOff: number,
  pinned: (i: number) => boolean,
): (0 | 1)[] {
  // a run of small fractions (a top-up of a few hundred Wh) would round away entirely: keep its peak
  const peak = relaxed.map((x, i) => attempt.peaks && x > DUST && x >= (relaxed[i - 1] ?? 0) && x > (relaxed[i + 1] ?? 0));
  let state = device.on;
  let held = device.slotsInState;
  return relaxed.map((x, i) => {
    const want = pinned(i) ? x > 0.5 : x >= attempt.threshold || peak[i]!;
    const canSwitch = pinned(i) || held >= (state ? minOn : minOff);
    if (want !== state && canSwitch) {
      state = want;
      held = 0;
    }
    held++;
    return state ? 1 : 0;
  });
}

export function relaxAndFix(highs: Highs, model: LpText, devices: readonly Switched[], n: number, settings: PlanSettings): Solution | undefined {
  const relaxed = solveLp(highs, model.text({ relax: true }), LP_SAFETY_LIMIT_S, settings.mipGap);
  if (!relaxed || devices.length === 0) return relaxed;
  const head = Math.min(n, settings.integerSlots);
  const solve = (fixed: ReadonlyMap<string, 0 | 1>) => solveLp(highs, model.text({ relax: true, fixed }), LP_SAFETY_LIMIT_S, settings.mipGap);
  let best: { solution: Solution; objective: number } | undefined;
  for (const attempt of ATTEMPTS) {
    const fixed = new Map<string, 0 | 1>();
    for (const device of devices) {
      // a mode without minimum times (the battery's) is rounded over the whole horizon, from its use
      const names = Array.from({ length: device.use ? n : head }, (_, i) => `${device.prefix}${i}`);
      const values = roundSequence(
        names.map((name, i) => (device.use ? device.use(i, relaxed.value) : relaxed.value(name))),
        attempt,
        device,
        device.use ? 1 : settings.minOnSlots,
        device.use ? 1 : settings.minOffSlots,
        (i) => model.isPinned(names[i]!),
      );
      names.forEach((name, i) => fixed.set(name, values[i]!));
    }
    let solution = solve(fixed);
    // the mode is then tried only where it was used: where it was on for nothing it only forbade discharging
    const trimmed = solution ? trim(fixed, devices, n, solution) : undefined;
    const leaner = trimmed ? solve(trimmed) : undefined;
    if (leaner && solution && leaner.objective < solution.objective) solution = leaner;
    if (solution && (!best || solution.objective < best.objective - 1e-6)) best = { solution, objective: solution.objective };
    if (best && best.objective - relaxed.objective < GOOD_ENOUGH_YEN) break;
  }
  return best?.solution;
}

/** The fixed binaries with each used mode switched off where `solution` did not use it; undefined if none changes. */
function trim(fixed: ReadonlyMap<string, 0 | 1>, devices: readonly Switched[], n: number, solution: Solution): Map<string, 0 | 1> | undefined {
  const out = new Map(fixed);
  let changed = false;
  for (const device of devices) {
    if (!device.use) continue;
    for (let i = 0; i < n; i++) {
      const name = `${device.prefix}${i}`;
      if (out.get(name) === 1 && device.use(i, solution.value) <= DUST) {
        out.set(name, 0);
        changed = true;
      }
    }
  }
  return changed ? out : undefined;
}
