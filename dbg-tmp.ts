import { readFileSync } from 'node:fs';
import { buildModel } from './src/scheduler/planner/model.js';
import { DEFAULT_PLAN_SETTINGS } from './src/scheduler/planner/types.js';
import { loadSolver } from './src/scheduler/planner/solver.js';
const input = JSON.parse(readFileSync('/tmp/short.json', 'utf8'));
const h = await loadSolver();
const lp = buildModel(input, DEFAULT_PLAN_SETTINGS).text({ relax: true });
console.log('slots', input.slots.length, 'chars', lp.length);
for (let w = 0; w < 30; w++) h.solve(lp, {});
for (const opts of [{}, { presolve: 'off' }, { simplex_strategy: 4 }, { presolve: 'off', simplex_strategy: 4 }, { simplex_strategy: 1 }, {solver: 'ipm', run_crossover: 'off'}]) {
  const t0 = performance.now();
  let obj = 0;
  for (let k = 0; k < 20; k++) obj = h.solve(lp, opts as any).ObjectiveValue;
  console.log(JSON.stringify(opts), ((performance.now() - t0) / 20).toFixed(1), 'ms', obj.toFixed(3));
}
