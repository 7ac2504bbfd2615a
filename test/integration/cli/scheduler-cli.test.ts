/**
 * `echonet-hems plan` and `echonet-hems simulate` run as a user runs them, on four days of real household
 * data (test/fixtures/households): JSON shapes, sane values, config overrides and clear errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../helpers/cli.js';

const CSV = fileURLToPath(new URL('../../fixtures/households/citylearn-b01-4days.csv', import.meta.url));
let dir = '';
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scheduler-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface DayPlanJson {
  slots: { start: string; pvKwh: number; loadKwh: number; buyYen: number; sellYen: number }[];
  decisions: { start: number; ecocute?: { heat: boolean; kwh: number }; battery?: { command: string }; ev?: { kw: number }; importKwh: number; exportKwh: number }[];
  reasons: { start: string; device: string; code: string; text: string }[];
  objective: { totalYen: number; purchaseYen: number; saleYen: number };
  status: string;
}

test('plan --json: a decision and a reason for every half-hour of the data, at the default tariff', async () => {
  const run = await runCli(['plan', '--input', CSV, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as DayPlanJson;
  // 97 hourly rows become 194 half-hours, all planned
  assert.equal(plan.slots.length, 194);
  assert.equal(plan.decisions.length, 194);
  assert.match(plan.status, /^(relax-and-fix|optimal)$/);
  assert.equal(plan.slots[0]!.start, '2016-07-31T23:00:00+09:00');
  // スマートライフS with the renewable surcharge: 31.8 yen at night, 39.7 yen by day; the post-FIT 8.5 yen sell price
  assert.deepEqual([...new Set(plan.slots.map((s) => s.buyYen.toFixed(2)))].sort(), ['31.84', '39.74']);
  assert.ok(plan.slots.every((s) => s.sellYen === 8.5));
  assert.ok(Number.isFinite(plan.objective.totalYen));
  // every device has a reason in every half-hour, in words with numbers
  assert.equal(plan.reasons.length, 3 * 194);
  assert.ok(plan.reasons.every((r) => r.text.length > 10 && r.code.length > 0));
  // the EcoCute's extra heating runs (also) where solar exceeds the load
  const heated = plan.decisions.flatMap((d, i) => (d.ecocute?.heat ? [plan.slots[i]!] : []));
  assert.ok(heated.some((s) => s.pvKwh > s.loadKwh), `heated in ${heated.map((s) => s.start).join(', ')}`);
  assert.ok(plan.reasons.some((r) => /solar surplus is forecast in this half-hour; selling it earns 8\.5 yen/.test(r.text)));
});

test('plan without --json prints the planned half-hours and the reasons', async () => {
  const run = await runCli(['plan', '--input', CSV]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^plan (relax-and-fix|optimal): expected net cost -?\d+ yen \(bought \d+, sold \d+\)/);
  assert.match(run.stdout, /2016-08-0\dT\d\d:\d\d {2}pv \d\.\d\d {2}load \d\.\d\d {2}\d+\.\d yen {2}.*heat/);
  assert.match(run.stdout, /ecocute: heating: /);
});

test('plan --config: another tariff, the FIT sell price, no battery', async () => {
  const config = file('kansai.json', JSON.stringify({ tariff: 'kepco-hapie-time-r', sellYenPerKwh: 16, battery: null }));
  const run = await runCli(['plan', '--input', CSV, '--config', config, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as DayPlanJson;
  assert.ok(plan.slots.every((s) => s.sellYen === 16));
  assert.ok(new Set(plan.slots.map((s) => s.buyYen)).size >= 2);
  assert.ok(plan.decisions.every((d) => d.battery === undefined));
  assert.ok(plan.reasons.every((r) => r.device !== 'battery'));
});

test('simulate --json: every strategy side by side with the benchmark measures', async () => {
  const run = await runCli(['simulate', '--year', CSV, '--days', '2', '--json'], { timeoutMs: 180_000 });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as {
    captured_saving: number | null;
    service_met: number | null;
    switches_per_day: number | null;
    days: number;
    strategies: Record<string, { costYen: number; adjustedCostYen: number; selfConsumption: number; selfSufficiency: number; soldKwh: number; boughtInSurplusKwh: number; serviceMet: number; switchesPerDay: number; planMsMedian: number; planMsMax: number }>;
  };
  assert.equal(r.days, 2);
  for (const name of ['none', 'aiseg2', 'reactive', 'planner', 'optimum']) {
    const m = r.strategies[name];
    assert.ok(m, name);
    for (const key of ['costYen', 'selfConsumption', 'selfSufficiency', 'soldKwh', 'boughtInSurplusKwh', 'serviceMet', 'switchesPerDay', 'planMsMedian', 'planMsMax'] as const) {
      assert.ok(Number.isFinite(m[key]), `${name}.${key}`);
    }
    assert.ok(m.selfConsumption >= 0 && m.selfConsumption <= 1, `${name} self-consumption`);
  }
  const s = r.strategies;
  // perfect foresight is the physical limit; control saves over none
  assert.ok(s.optimum!.adjustedCostYen <= s.none!.adjustedCostYen);
  assert.ok(s.planner!.adjustedCostYen < s.none!.adjustedCostYen);
  assert.ok(s.planner!.selfConsumption > s.none!.selfConsumption);
  assert.equal(typeof r.captured_saving, 'number');
  assert.ok(r.captured_saving! > 0.5 && r.captured_saving! < 1.5, `captured saving ${r.captured_saving}`);
  assert.equal(r.service_met, 1);
  assert.ok(r.switches_per_day! >= 0 && r.switches_per_day! < 48);
});

test('bad input is said clearly, with exit 2 for usage and 1 for data', async () => {
  const missing = await runCli(['plan', '--json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^echonet-hems: give the household data \(time,load_kwh,pv_kwh\) with --input <csv>\nusage: echonet-hems plan --input <csv>/);

  const header = file('header.csv', 'time,load,pv\n2016-08-01T00:00:00+09:00,1,0\n');
  const badHeader = await runCli(['plan', '--input', header, '--json']);
  assert.equal(badHeader.code, 1);
  assert.equal(badHeader.stderr, `echonet-hems: ${header}: the first line must be "time,load_kwh,pv_kwh", not "time,load,pv"\n`);
  assert.equal(badHeader.stdout, '');

  const negative = file('negative.csv', 'time,load_kwh,pv_kwh\n2016-08-01T00:00:00+09:00,1,0\n2016-08-01T01:00:00+09:00,-1,0\n');
  const badRow = await runCli(['simulate', '--year', negative, '--json']);
  assert.equal(badRow.code, 1);
  assert.match(badRow.stderr, /line 3: expected "time,load_kwh,pv_kwh" with a valid time and non-negative numbers, got "2016-08-01T01:00:00\+09:00,-1,0"/);

  const gone = await runCli(['simulate', '--year', join(dir, 'nothing.csv')]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /cannot read the --year file ".*nothing\.csv": ENOENT/);

  const days = await runCli(['simulate', '--year', CSV, '--days', '0']);
  assert.equal(days.code, 2);
  assert.match(days.stderr, /--days must be a number from 1 to 3660, not "0"/);

  const config = file('typo.json', JSON.stringify({ tarif: 'tepco-smartlife-s' }));
  const typo = await runCli(['plan', '--input', CSV, '--config', config]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown --config field\(s\) tarif; known: tariff, sellYenPerKwh/);

  const preset = file('preset.json', JSON.stringify({ tariff: 'no-such-plan' }));
  const badPreset = await runCli(['plan', '--input', CSV, '--config', preset]);
  assert.equal(badPreset.code, 2);
  assert.match(badPreset.stderr, /Unknown tariff preset "no-such-plan"; choose one of: tepco-smartlife-s/);
});
