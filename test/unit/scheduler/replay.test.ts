import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { planDay, simulateYear, HouseholdCsvError } from '../../../src/scheduler/replay/index.js';
import { parseHouseholdCsv } from '../../../src/scheduler/replay/csv.js';
import { resolveConfig } from '../../../src/scheduler/replay/config.js';
import { SimulatedHome, SELF_CONSUMPTION, type SlotCommand } from '../../../src/scheduler/replay/devices.js';

const CSV = readFileSync(new URL('../../fixtures/households/citylearn-b01-4days.csv', import.meta.url), 'utf8');

test('hourly rows become two equal half-hours; 30-minute files are taken as they are', () => {
  const s = parseHouseholdCsv('time,load_kwh,pv_kwh\n2026-05-01T10:00:00+09:00,1.0,2.0\n2026-05-01T11:00:00+09:00,0.4,0\n');
  assert.deepEqual(s.loadKwh, [0.5, 0.5, 0.2, 0.2]);
  assert.deepEqual(s.pvKwh, [1, 1, 0, 0]);
  assert.equal(s.start[1]! - s.start[0]!, 1_800_000);
  const half = parseHouseholdCsv('time,load_kwh,pv_kwh\n2026-05-01T10:00:00+09:00,1,2\n2026-05-01T10:30:00+09:00,1,2\n');
  assert.deepEqual(half.loadKwh, [1, 1]);
  assert.throws(() => parseHouseholdCsv('t,l,p\n'), HouseholdCsvError);
  assert.throws(() => parseHouseholdCsv('time,load_kwh,pv_kwh\n2026-05-01T10:00:00+09:00,1,2\n2026-05-01T10:20:00+09:00,1,2\n'), /30 or 60 minutes/);
  assert.throws(() => parseHouseholdCsv('time,load_kwh,pv_kwh\n2026-05-01T10:00:00+09:00,x,2\n2026-05-01T11:00:00+09:00,1,2\n'), /line 2/);
});

test('replay of three real summer days: balance closes, service is met, optimum <= planner <= none', async () => {
  const r = await simulateYear(CSV, {}, { days: 3 });
  assert.equal(r.days, 3);
  assert.equal(r.firstDay, '2016-08-02');
  for (const [name, m] of Object.entries(r.strategies)) {
    assert.ok(m!.balanceErrorKwh < 1e-9, `${name}: energy balance off by ${m!.balanceErrorKwh} kWh`);
    assert.equal(m!.hotWaterUnmetKwh, 0, `${name}: hot water ran out`);
    assert.equal(m!.departuresMissed, 0, `${name}: car left below target`);
    assert.equal(m!.serviceMet, 1);
  }
  const { none, planner, optimum } = r.strategies;
  const tolerance = 0.02 * none!.adjustedCostYen;
  assert.ok(optimum!.adjustedCostYen <= planner!.adjustedCostYen + tolerance, `optimum ${optimum!.adjustedCostYen} > planner ${planner!.adjustedCostYen}`);
  assert.ok(planner!.adjustedCostYen <= none!.adjustedCostYen + tolerance, `planner ${planner!.adjustedCostYen} > none ${none!.adjustedCostYen}`);
  assert.ok(optimum!.soldKwh < none!.soldKwh, 'the optimum keeps surplus at home');
  assert.ok(r.captured_saving !== null && r.captured_saving > 0);
  // the aim is < 0.5 s (the bench measures it); a short run in a fresh process is still warming up the
  // WebAssembly solver, and CI machines are shared, so the test only guards against a gross regression
  assert.ok(planner!.planMsMedian < 1000, `re-plan median ${planner!.planMsMedian} ms`);
});

test('planDay plans the CSV slots and gives a reason for every decision', async () => {
  const lines = CSV.trim().split('\n');
  const twoDays = [lines[0], ...lines.slice(2, 2 + 48)].join('\n'); // 2016-08-01 00:00 .. 08-02 23:00
  const p = await planDay(twoDays);
  assert.equal(p.slots.length, 96);
  assert.equal(p.decisions.length, 96);
  assert.equal(p.slots[0]!.start, '2016-08-01T00:00:00+09:00');
  assert.equal(p.reasons.length, 96 * 3);
  assert.ok(p.reasons.every((r) => r.code && r.text));
  assert.notEqual(p.status, 'fallback');
});

test('a surplus run under the regulator uses only the half-hour\'s surplus plus the import the plan expected, the heater first', () => {
  const config = resolveConfig({ battery: null });
  const noon = Date.parse('2026-05-12T12:00:00+09:00');
  const run = (pvKwh: number, command: SlotCommand) =>
    new SimulatedHome(config).step({ start: noon, loadKwh: 0.5, pvKwh, drawKwh: 0, carHome: true, tripKwh: 0 }, command);
  // the plan: heat pump for the whole half-hour (0.625 kWh) and the car at 3 kW (1.5 kWh), on 1.5 kWh of surplus
  const planned = { heatTimer: false, heatShare: 1, evTimer: false, evKw: 3, battery: SELF_CONSUMPTION };
  const regulated = (plannedImportKwh: number): SlotCommand => ({ ...planned, regulated: { heat: true, ev: true, plannedImportKwh } });
  const pick = (o: { heatKwh: number; evKwh: number; importKwh: number }) => [o.heatKwh, o.evKwh, o.importKwh].map((x) => Math.round(x * 1000) / 1000);
  assert.deepEqual(pick(run(2, planned)), [0.625, 1.5, 0.625], 'unregulated: the plan runs and the home buys the rest');
  assert.deepEqual(pick(run(2, regulated(0))), [0.625, 0.875, 0], 'the car slows to what the heater leaves');
  assert.deepEqual(pick(run(2, regulated(0.5))), [0.625, 1.375, 0.5], 'the import the plan expected is let through');
  assert.deepEqual(pick(run(0.3, regulated(0))), [0, 0, 0.2], 'a cloud holds both back');
  const timer = new SimulatedHome(config);
  timer.tankKwh = 0.1 * timer.tankCapacityKwh; // below the unit's own protection: it heats whatever the regulator says
  assert.equal(timer.step({ start: noon, loadKwh: 0.5, pvKwh: 0.3, drawKwh: 0, carHome: true, tripKwh: 0 }, regulated(0)).heatKwh, 0.625);
});
