/**
 * `plan`: the planner's decisions and reasons for a day (or two) of household data, thin over the
 * replay's planDay. Also the reading of the household CSV and of the --config overrides that `simulate`
 * shares.
 */
import { readFileSync } from 'node:fs';
import { planDay, HouseholdCsvError, type ReplayConfig } from '../scheduler/replay/index.js';
import { DEFAULT_REPLAY_CONFIG } from '../scheduler/replay/config.js';
import { makeTariff, validateTariffSpec } from '../scheduler/tariff.js';
import { isRecord } from '../util/json.js';
import { parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';

/** The text of a file named on the command line, or an error that names the option. */
function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the --${option} file "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * The --config JSON: any field of the replay's configuration (documented defaults: 460 L EcoCute, 6 kW EV
 * charger, 7 kWh battery, TEPCO スマートライフS, 8.5 yen sell price), devices merged field by field, null
 * removing a device, and `tariff` as a preset id ("kepco-hapie-time-r") or a plan as the tariff settings take it.
 */
export function replayOverrides(path: string | undefined): Partial<ReplayConfig> {
  if (path === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path, 'config'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`the --config file "${path}" is not JSON: ${err instanceof Error ? err.message : String(err)}`, EXIT.usage);
  }
  if (!isRecord(raw)) throw new CliError(`the --config file "${path}" must hold a JSON object`, EXIT.usage);
  const known = Object.keys(DEFAULT_REPLAY_CONFIG);
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new CliError(`unknown --config field(s) ${unknown.join(', ')}; known: ${known.join(', ')}`, EXIT.usage);
  const { tariff, ...rest } = raw;
  if (tariff === undefined) return rest as Partial<ReplayConfig>;
  const checked = validateTariffSpec(typeof tariff === 'string' ? { preset: tariff } : tariff);
  if (!checked.ok) throw new CliError(`the tariff in --config is not usable:\n${checked.errors.join('\n')}`, EXIT.usage);
  return { ...(rest as Partial<ReplayConfig>), tariff: makeTariff(checked.spec) };
}

/** Runs replay work on a household file, turning its data errors into CLI errors that name the file. */
export async function onHousehold<T>(path: string, option: string, work: (csv: string) => Promise<T>): Promise<T> {
  const csv = readText(path, option);
  try {
    return await work(csv);
  } catch (err) {
    if (err instanceof HouseholdCsvError || err instanceof RangeError) throw new CliError(`${path}: ${err.message}`, EXIT.failure);
    throw err;
  }
}

const PLAN_USAGE = 'echonet-hems plan --input <csv> [--config <json>] [--json]';

export async function runPlan(args: string[], out: Output): Promise<void> {
  const { values } = parse(args, { input: { type: 'string' }, config: { type: 'string' } }, PLAN_USAGE);
  if (values.input === undefined) throw new CliError(`give the household data (time,load_kwh,pv_kwh) with --input <csv>\nusage: ${PLAN_USAGE}`, EXIT.usage);
  const config = replayOverrides(values.config);
  const day = await onHousehold(values.input, 'input', (csv) => planDay(csv, config));
  out.result(day, () => {
    const lines = [`plan ${day.status}: expected net cost ${day.objective.totalYen.toFixed(0)} yen (bought ${day.objective.purchaseYen.toFixed(0)}, sold ${day.objective.saleYen.toFixed(0)})`];
    day.slots.forEach((s, i) => {
      const d = day.decisions[i]!;
      const what = [d.ecocute?.heat ? `heat ${d.ecocute.kwh.toFixed(2)} kWh` : '', d.ev && d.ev.kw > 0 ? `EV ${d.ev.kw.toFixed(1)} kW` : '', d.battery && d.battery.command !== 'auto' ? `battery ${d.battery.command}` : '']
        .filter(Boolean)
        .join(', ');
      if (what) lines.push(`${s.start.slice(0, 16)}  pv ${s.pvKwh.toFixed(2)}  load ${s.loadKwh.toFixed(2)}  ${s.buyYen.toFixed(1)} yen  ${what}`);
    });
    const said = new Set<string>();
    for (const r of day.reasons) {
      if (said.has(r.text)) continue;
      said.add(r.text);
      lines.push(`  ${r.start.slice(11, 16)} ${r.device}: ${r.text}`);
    }
    return lines.join('\n');
  });
}
