/**
 * HiGHS (WebAssembly) behind one small function. The runtime is loaded once per process (about 0.1-0.2 s)
 * and reused; each solve gets a fresh native instance, so solves never share state and the same model
 * text always gives the same answer.
 */
import highsModule, { type Highs } from 'highs';

type Loader = () => Promise<Highs>;
// The package's types describe a CommonJS module (default = module.exports) while Node loads its ESM
// build, whose default export is the loader itself: accept both shapes.
const highsLoader = ((highsModule as unknown as { default?: Loader }).default ?? highsModule) as unknown as Loader;

let runtime: Promise<Highs> | undefined;

export function loadSolver(): Promise<Highs> {
  runtime ??= highsLoader();
  return runtime;
}

export interface Solution {
  /** 'time-limit' means the best solution found in the time allowed. */
  readonly status: 'optimal' | 'time-limit';
  readonly objective: number;
  readonly value: (name: string) => number;
}

/** Solves LP-format text; undefined when the solver found no usable solution (the caller falls back). */
export function solveLp(highs: Highs, lp: string, timeLimitS: number, mipGap: number): Solution | undefined {
  let result;
  try {
    result = highs.solve(lp, { time_limit: timeLimitS, mip_rel_gap: mipGap, random_seed: 0, threads: 1 });
  } catch {
    return undefined;
  }
  const timed = result.Status === 'Time limit reached';
  if (result.Status !== 'Optimal' && !timed) return undefined;
  const columns = result.Columns as Record<string, { Primal?: number }>;
  // a time-limited MIP without any incumbent has no primal values
  if (timed && Object.values(columns).some((c) => typeof c.Primal !== 'number' || Number.isNaN(c.Primal))) return undefined;
  return { status: timed ? 'time-limit' : 'optimal', objective: result.ObjectiveValue, value: (name) => columns[name]?.Primal ?? 0 };
}
