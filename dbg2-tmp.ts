import { buildModel } from './src/scheduler/planner/model.js';
import { DEFAULT_PLAN_SETTINGS } from './src/scheduler/planner/types.js';
import { loadSolver } from './src/scheduler/planner/solver.js';
const start = Date.parse('2026-05-10T00:00:00+09:00');
const h = await loadSolver();
for (const rep of [1,2])
for (const off of [0, 12])
for (const n of [48, 96]) {
const slots = Array.from({length: n}, (_, j) => { const i = j + off;
  const h = (i % 48) / 2;
  const pv = h >= 6 && h < 18 ? 2.5 * Math.sin(Math.PI * (h - 6) / 12) * (i>48?0.5:1) : 0;
  const buy = (h >= 1 && h < 6) ? 27.86 : 35.76;
  return { start: start + i * 1800000, pvKwh: pv, loadKwh: 0.3 + 0.2*Math.sin(i), buyYen: buy, sellYen: 8.5 };
});
const draw = slots.map((s, j) => { const h=((j+off)%48)/2; return h===19?6:h===19.5?2:h===7?2:0.3*(h>=20&&h<23?1:0); });
const eco = { capacityKwh: 26.7, storedKwh: 12, heatPumpKw: 1.25, cop: 3.5, lossPerSlot: 0.045/48, drawKwh: draw, reserveKwh: 2.7, heating: false, slotsInState: 10 };
const battery = { capacityKwh: 7, storedKwh: 3, minKwh: 0.7, chargeKw: 3, dischargeKw: 3, efficiency: 0.95 };
const ev = { capacityKwh: 40, storedKwh: 20, minKw: 1.2, maxKw: 6, control: 'stepped' as const, efficiency: 0.92, charging: false, slotsInState: 10,
    stays: [{arriveSlot: -10, departSlot: 15-off, tripKwhBefore: 0, targetKwh: 28}, {arriveSlot: 37-off, departSlot: 63-off, tripKwhBefore: 6, targetKwh: 28}, {arriveSlot: 85-off, departSlot: 111-off, tripKwhBefore: 6, targetKwh: 28}] };
const lp = buildModel({slots, ecocute: eco, battery, ev}, DEFAULT_PLAN_SETTINGS).text({relax: true});
for (const opts of [{}, {presolve: 'off'}, {solver: 'simplex'}, {solver: 'ipm'}, {simplex_strategy: 4}]) {
  const t0 = performance.now();
  const r = h.solve(lp, opts as any);
  console.log(rep, off, n, JSON.stringify(opts), (performance.now()-t0).toFixed(0), r.Status, r.ObjectiveValue.toFixed(2));
}}
