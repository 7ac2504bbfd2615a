import { loadSolver } from './src/scheduler/planner/solver.js';
import { readFileSync } from 'node:fs';
const base = readFileSync('/tmp/m.lp','utf8');
const h = await loadSolver();
function run(name: string, lp: string, opts: any) {
  const t0 = performance.now();
  const r = h.solve(lp, { time_limit: 10, ...opts });
  console.log(name, (performance.now()-t0).toFixed(0), r.Status, r.ObjectiveValue.toFixed(2));
}
for (const K of [12, 24, 32, 48]) {
  const lp = base.replace(/Binary\n (.*)\n/, (m, g) => 'Binary\n ' + g.split(' ').filter((v: string) => Number(v.slice(1)) < K).join(' ') + '\n');
  run('K'+K, lp, {mip_rel_gap: 0.005});
  run('K'+K+' gap1', lp, {mip_rel_gap: 0.01});
}
