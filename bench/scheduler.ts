/**
 * The surplus-solar scheduler benchmark of reference/scheduler.md: real household PV and load replayed in
 * half-hours with a simulated 460 L EcoCute, a 6 kW EV charger and a 7 kWh battery under TEPCO スマートライフS
 * (8.5 yen sell), every strategy side by side on the same data: a whole year per home (350 days after two
 * weeks of history for the forecasts), the homes in parallel child processes.
 *
 * Samples were tried first and both flattered the planner: four seasonal weeks gave 91.0 % (a) where
 * whole years gave 86.0 / 86.1 %; one week in four gave 89.8 % where whole years gave 87.3 / 88.4 %
 * (its weeks miss most of the cloudy winter runs, where the planner loses most, and each week's last day
 * planned on a horizon cut at the week's end). So the benchmark replays whole years, in about half an hour.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulateYear, ALL_STRATEGIES, DEFAULT_REPLAY_CONFIG, type ReplayResult, type StrategyMetrics, type StrategyName } from '../src/scheduler/replay/index.js';
import { forecastErrors } from '../src/scheduler/replay/forecast-skill.js';
import { table, type BenchSection } from './report.js';

const DATA = new URL('../../shared/data/households/', import.meta.url);
const HOMES = ['citylearn-b01', 'citylearn-b06'];
const HISTORY_DAYS = 14;
const DAYS = 350;
/** Capture in mode (a) per home over the same whole years, measured 2026-11-26: before the intraday correction (forecast/recent-level.ts)... */
const BEFORE_CORRECTION = '86.0 / 86.1 %';
/** ...and with it, but before the replay ran the plan's surplus runs under the plugin's regulator. */
const BEFORE_REGULATOR = '87.3 / 88.4 %';
/** ...and with the regulator, but before the battery's grid charge was a switched mode with its switching cost. */
const BEFORE_BATTERY_MODE = '90.7 / 90.5 % at 6.6 / 6.1 switches/day';

async function runHome(home: string): Promise<ReplayResult> {
  const csv = readFileSync(new URL(`${home}.csv`, DATA), 'utf8');
  return simulateYear(csv, {}, { days: DAYS, historyDays: HISTORY_DAYS });
}

// each home's year in a child process (this same file), so that the homes run on separate cores
const HOME_ENV = 'SCHEDULER_BENCH_HOME';
const childHome = process.env[HOME_ENV];
if (childHome !== undefined && process.send) {
  const result = await runHome(childHome);
  process.send(result, () => process.exit(0));
}

function inChild(home: string): Promise<ReplayResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, [HOME_ENV]: home } });
    child.once('message', (m) => resolve(m as ReplayResult));
    child.once('error', reject);
    child.once('exit', (code) => code === 0 || reject(new Error(`the replay of ${home} exited with ${code}`)));
  });
}

type Sums = Record<'cost' | 'sold' | 'bought' | 'boughtInSurplus' | 'pv' | 'used' | 'switches' | 'days' | 'departures' | 'missed' | 'shortDays', number> & {
  medians: number[];
  max: number;
  by: { heat: number; ev: number; battery: number };
};

function aggregate(results: readonly ReplayResult[], name: StrategyName): Sums {
  const s: Sums = { cost: 0, sold: 0, bought: 0, boughtInSurplus: 0, pv: 0, used: 0, switches: 0, days: 0, departures: 0, missed: 0, shortDays: 0, medians: [], max: 0, by: { heat: 0, ev: 0, battery: 0 } };
  for (const r of results) {
    const m: StrategyMetrics | undefined = r.strategies[name];
    if (!m) continue;
    s.cost += m.adjustedCostYen;
    s.sold += m.soldKwh;
    s.bought += m.boughtKwh;
    s.boughtInSurplus += m.boughtInSurplusKwh;
    s.pv += m.pvKwh;
    s.used += m.consumedKwh;
    s.switches += m.switchesPerDay * r.days;
    s.by.heat += m.switchesPerDayBy.heat * r.days;
    s.by.ev += m.switchesPerDayBy.ev * r.days;
    s.by.battery += m.switchesPerDayBy.battery * r.days;
    s.days += r.days;
    s.departures += m.departures;
    s.missed += m.departuresMissed;
    s.shortDays += m.hotWaterDaysShort;
    if (m.replans) s.medians.push(m.planMsMedian);
    s.max = Math.max(s.max, m.planMsMax);
  }
  return s;
}

const LABELS: Record<StrategyName, string> = {
  none: 'no control (own timers)',
  aiseg2: 'AiSEG2 rule set',
  reactive: 'reactive regulator (evcc-like)',
  planner: 'planner, forecasts (a): own history',
  planner_b: 'planner, forecasts (b): published skill',
  optimum: 'optimum (perfect foresight)',
};

export async function run(): Promise<BenchSection> {
  const base = { id: 'scheduler', title: 'Surplus-solar scheduler: year replay', command: 'npm run bench:scheduler' };
  const missing = HOMES.filter((h) => !existsSync(new URL(`${h}.csv`, DATA)));
  if (missing.length) {
    return { ...base, body: `**Not run:** household data missing (${missing.join(', ')}.csv) in ${fileURLToPath(DATA)}. The data live in the shared data folder beside the repository (../shared/data/households/).` };
  }
  const started = performance.now();
  const results = await Promise.all(HOMES.map(inChild));
  const seconds = (performance.now() - started) / 1000;
  const sums = Object.fromEntries(ALL_STRATEGIES.map((n) => [n, aggregate(results, n)])) as Record<StrategyName, Sums>;
  const homeDays = sums.none.days;
  const perYear = (x: number) => (x / homeDays) * 365;
  const none = sums.none.cost;
  const captured = (n: StrategyName) => (none - sums[n].cost) / (none - sums.optimum.cost);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0);
  const rows = ALL_STRATEGIES.map((n) => {
    const s = sums[n];
    const service = Math.min(1 - s.shortDays / s.days, s.departures ? 1 - s.missed / s.departures : 1);
    return [
      LABELS[n],
      Math.round(perYear(s.cost)).toLocaleString('en-US'),
      Math.round(perYear(none - s.cost)).toLocaleString('en-US'),
      n === 'none' ? '-' : pct(captured(n)),
      pct(1 - s.sold / s.pv),
      pct(1 - s.bought / s.used),
      Math.round(perYear(s.sold)).toLocaleString('en-US'),
      Math.round(perYear(s.boughtInSurplus)).toLocaleString('en-US'),
      pct(service),
      `${(s.switches / s.days).toFixed(1)} (${(s.by.heat / s.days).toFixed(1)} / ${(s.by.ev / s.days).toFixed(1)} / ${(s.by.battery / s.days).toFixed(1)})`,
      s.medians.length ? `${median(s.medians).toFixed(0)} / ${s.max.toFixed(0)}` : '-',
    ];
  });
  const skill = HOMES.map((home) => {
    const csv = readFileSync(new URL(`${home}.csv`, DATA), 'utf8');
    const a = forecastErrors(csv, 'history', { from: HISTORY_DAYS, count: 330 });
    const b = forecastErrors(csv, 'skill', { from: HISTORY_DAYS, count: 330 });
    return [home, pct(a.pvNrmse), pct(a.pvDailyNrmse), pct(a.loadNrmse), pct(b.pvNrmse), pct(b.pvDailyNrmse), pct(b.loadNrmse)];
  });
  const body = `
**Captured saving** (cost_none - cost_planner) / (cost_none - cost_optimum): **${pct(captured('planner'))}** with forecasts from the home's own history (a), **${pct(captured('planner_b'))}** with forecasts of published day-ahead skill (b); the aim is 90 %: (a) ${captured('planner') >= 0.9 ? 'meets' : 'is under'} it, (b) ${captured('planner_b') >= 0.9 ? 'meets' : 'is under'} it. Planner service ${pct(Math.min(1 - sums.planner.shortDays / sums.planner.days, 1 - sums.planner.missed / Math.max(1, sums.planner.departures)))}, ${(sums.planner.switches / sums.planner.days).toFixed(1)} switches/day (the aim is fewer than 6: ${sums.planner.switches / sums.planner.days < 6 ? 'met' : 'not met'}), re-plan median ${median(sums.planner.medians).toFixed(0)} ms.

Data: ${HOMES.length} homes (${HOMES.join(', ')}), each replayed for ${DAYS} days from ${results[0]!.firstDay} after ${HISTORY_DAYS} days of history the forecasts learn from (${homeDays} home-days); per home: ${results.map((r, k) => `${HOMES[k]} ${pct(r.captured_saving ?? NaN)} (a) / ${pct(r.captured_saving_b ?? NaN)} (b), ${(r.switches_per_day ?? NaN).toFixed(1)} switches/day`).join('; ')}; ${seconds.toFixed(0)} s for both, one process per home. Yen and kWh per year per home are scaled from the ${DAYS} days (x 365 / ${DAYS}). Costs are purchases at the tariff minus sales at 8.5 yen, corrected for the energy left in tank, battery and car at the end versus the start (valued at the night price); all strategies start from the same state.

${table(['strategy', 'cost yen/yr', 'saving yen/yr', 'captured', 'self-consumption', 'self-sufficiency', 'sold kWh/yr', 'bought in surplus kWh/yr', 'service', 'switches/day (heat / EV / battery)', 'plan ms median / max'], rows)}

Devices: 460 L EcoCute (26.7 kWh thermal, 1.25 kW heat pump, COP 3.5, night timer 01:00-06:00, half a tank of hot water a day, more in winter), EV 40 kWh on a 6 kW charger (min 1.2 kW, stepped), weekday commute 07:30-18:30 and outings on half the holidays, target 28 kWh at every departure, night timer to the target; 7 kWh battery (3 kW, 95 % one way, 10 % reserve) in economy mode (night charge, daytime discharge). Switches count heat-pump and EV on/off changes and battery mode changes. The planner (both forecast modes) plans on the PV quantile at which buying at night or heating from the grid breaks even with waiting for the sun, (night - sell) / (day - sell) = 75 % here, fitted to its own forecasts' actual/forecast ratios of the last two weeks; its battery charges from the grid only in blocks worth the mode's two changes (a binary per half-hour with the switching cost each way; at night one block at the end of the cheap hours); every departure target it has to charge for is planned with a 0.2 kWh margin. In both modes, as in the plugin, the next hours of load and PV are scaled by how the last six (load) and two (PV) hours compared with the forecast, the correction fading to 1/e over six hours ahead (forecast/recent-level.ts). As in the plugin, a run the plan made for forecast surplus goes through the regulator, which holds it back when the home buys more than the plan expected (the battery discharging counts as buying); in half-hours that caps the run at the half-hour's actual surplus plus the plan's own import, the heater first. The plan marks which runs may be held back: those for surplus, and of the car's only those it could still charge back before the departure. The optimum plans on the actual future with the same model and runs under the same regulator, which has nothing to correct there. Planning time is wall time per re-plan (every ${DEFAULT_REPLAY_CONFIG.replanEverySlots / 2} h, when the car arrives, when a half-hour misses the plan by more than 0.4 kWh and when the regulator held a run back; the max includes the first solves while V8 compiles the WebAssembly solver) on a shared machine.

Over these same years the planner captured, in mode (a) per home, ${BEFORE_CORRECTION} before the intraday correction (forecast/recent-level.ts), ${BEFORE_REGULATOR} before its surplus runs went through the regulator (executed as planned whatever the sun did), and ${BEFORE_BATTERY_MODE} before the battery's grid charge paid for its mode changes. That change also raised the optimum's cost (it plans with the same model) from 266,696 to 267,360 yen/yr; measured against the earlier optimum, the planner (a) of the run of 2026-11-26 captured 90.3 %.

Realised forecast errors (day-ahead at 00:00, hourly RMSE / mean; PV over daylight hours), days ${HISTORY_DAYS}-${HISTORY_DAYS + 330}:

${table(['home', '(a) PV hourly', '(a) PV daily', '(a) load hourly', '(b) PV hourly', '(b) PV daily', '(b) load hourly'], skill)}

Mode (b) is calibrated to day-ahead skill as reported for single sites: about 36 % hourly RMSE / mean for PV (Lorenz et al., IEEE J-STARS 2(1), 2-10, 2009) and 40-50 % for one home's load (Humeau et al., SustainIT 2013; Gerossier et al., Energies 11(12) 3503, 2018). Checked against stored public texts in 2026-11: the Gerossier paper was found as cited, the Lorenz and Humeau papers were not, and none of the percentages could be read there, so they are as remembered; the realised errors above are measured. The load figure is optimistic for these homes (mode (a)'s forecast, the best of several simple ones tried, reaches 57-87 % on the data set's buildings). See src/scheduler/replay/forecast.ts.
`;
  return { ...base, body };
}
