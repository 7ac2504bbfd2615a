/**
 * `simulate`: the year replay of reference/scheduler.md on a household CSV, every strategy side by side
 * (no control, AiSEG2 rules, reactive regulator, the planner, the perfect-foresight optimum), thin over
 * the replay's simulateYear.
 */
import { simulateYear, type StrategyMetrics } from '../scheduler/replay/index.js';
import { numberOption, parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';
import { onHousehold, replayOverrides } from './plan.js';

const SIMULATE_USAGE = 'echonet-hems simulate --year <csv> [--config <json>] [--days <n>] [--json]';

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);

export async function runSimulate(args: string[], out: Output): Promise<void> {
  const { values } = parse(args, { year: { type: 'string' }, config: { type: 'string' }, days: { type: 'string' } }, SIMULATE_USAGE);
  if (values.year === undefined) throw new CliError(`give the household data (time,load_kwh,pv_kwh) with --year <csv>\nusage: ${SIMULATE_USAGE}`, EXIT.usage);
  const days = values.days === undefined ? undefined : Math.floor(numberOption(values.days, 'days', 1, 1, 3660));
  const config = replayOverrides(values.config);
  const result = await onHousehold(values.year, 'year', (csv) => simulateYear(csv, config, days === undefined ? {} : { days }));
  out.result(result, () => {
    const row = (name: string, m: StrategyMetrics | undefined): string =>
      m === undefined
        ? ''
        : `${name.padEnd(10)} ${m.costYen.toFixed(0).padStart(9)} yen  self-consumption ${pct(m.selfConsumption)}  sold ${m.soldKwh.toFixed(0)} kWh  ` +
          `bought in surplus ${m.boughtInSurplusKwh.toFixed(1)} kWh  service ${pct(m.serviceMet)}  switches/day ${m.switchesPerDay.toFixed(1)}  plan ${m.planMsMedian.toFixed(0)}/${m.planMsMax.toFixed(0)} ms`;
    return [
      `${result.days} day(s) from ${result.firstDay}: captured saving ${pct(result.captured_saving)} (skill-model forecasts ${pct(result.captured_saving_b)}), ` +
        `service met ${pct(result.service_met)}, ${result.switches_per_day?.toFixed(1) ?? 'n/a'} switches/day`,
      ...Object.entries(result.strategies).map(([name, m]) => row(name, m)),
    ].join('\n');
  });
}
