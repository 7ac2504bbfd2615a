import { readFileSync } from 'node:fs';
import { buildModel, switchedDevices } from './src/scheduler/planner/model.js';
import { DEFAULT_PLAN_SETTINGS } from './src/scheduler/planner/types.js';
import { loadSolver, solveLp } from './src/scheduler/planner/solver.js';
const input = JSON.parse(readFileSync('/tmp/short.json', 'utf8'));
const h = await loadSolver();
const m = buildModel(input, DEFAULT_PLAN_SETTINGS);
const r = solveLp(h, m.text({ relax: true }), 5, 0.005)!;
console.log('relaxed', r.objective, Array.from({length: 12}, (_, i) => `${r.value('g'+i).toFixed(3)}/${r.value('c'+i).toFixed(3)}`).join(' '), 'es0', r.value('es0'));
console.log(input.ev.charging, input.ev.slotsInState, input.ev.storedKwh);
import { relaxAndFix } from './src/scheduler/planner/relax-and-fix.js';
const s = relaxAndFix(h, m, switchedDevices(input), input.slots.length, DEFAULT_PLAN_SETTINGS)!;
console.log('rf', s.objective, Array.from({length: 12}, (_, i) => `${s.value('g'+i).toFixed(3)}/${s.value('c'+i).toFixed(3)}`).join(' '), 'es0', s.value('es0'));
import { roundSequence } from './src/scheduler/planner/relax-and-fix.js';
for (const d of switchedDevices(input)) {
  const names = Array.from({ length: 16 }, (_, i) => `${d.prefix}${i}`);
  console.log(d.prefix, roundSequence(names.map(n => r.value(n)), { threshold: 0.15, peaks: true }, d, 2, 2, (i) => m.isPinned(names[i]!)).join(''), names.map(n => r.value(n).toFixed(2)).join(' '));
}
const fixed = new Map<string, 0|1>();
for (const d of switchedDevices(input)) { const names = Array.from({ length: 16 }, (_, i) => `${d.prefix}${i}`); roundSequence(names.map(n => r.value(n)), { threshold: 0.15, peaks: true }, d, 2, 2, (i) => m.isPinned(names[i]!)).forEach((v, i) => fixed.set(names[i]!, v)); }
const res = h.solve(m.text({ relax: true, fixed }), {});
console.log(res.Status, res.ObjectiveValue);
