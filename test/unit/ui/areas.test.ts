/**
 * The wizard's static JMA area list (homebridge-ui/public/areas.js) against the facts it must agree with:
 * the class10 codes in the recorded office forecasts are exactly their office's areas, every area the
 * wizard can save passes the plugin's own checks and is found by the forecast parser, and
 * docs/jma-offices.md lists the same offices and areas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error the page's plain ES module has no type declarations
import { JMA_OFFICES } from '../../../homebridge-ui/public/areas.js';
// @ts-expect-error the page's plain ES module has no type declarations
import { applyWizard } from '../../../homebridge-ui/public/config.js';
import { parseJmaForecast } from '../../../src/scheduler/forecast/jma.js';
import { validateSchedulerConfig, weatherAreaOf } from '../../../src/scheduler/config.js';

interface Office {
  code: string;
  nameJa: string;
  name: string;
  areas: { code: string; nameJa: string }[];
}
const offices = JMA_OFFICES as Office[];
const recorded = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url), 'utf8'));

/** The class10 areas of a recorded office forecast: the entries of its first time series (weather codes). */
function class10Of(json: unknown): [string, string][] {
  const first = (json as { timeSeries: { areas: { area: { code: string; name: string } }[] }[] }[])[0]!.timeSeries[0]!;
  return first.areas.map((a) => [a.area.code, a.area.name]);
}

test('58 offices, each with its forecast areas, every code six digits and used once', () => {
  assert.equal(offices.length, 58);
  const codes = offices.flatMap((o) => o.areas.map((a) => a.code));
  assert.equal(codes.length, 142);
  assert.equal(new Set(codes).size, codes.length);
  for (const o of offices) {
    assert.match(o.code, /^\d{6}$/);
    assert.ok(o.areas.length >= 1, o.code);
    for (const a of o.areas) assert.match(a.code, /^\d{6}$/, `${o.code} ${a.nameJa}`);
  }
});

test('the recorded forecasts of Tokyo and Osaka hold exactly the areas the list gives their offices', () => {
  const areasOf = (office: string) => offices.find((o) => o.code === office)!.areas.map((a) => [a.code, a.nameJa]);
  assert.deepEqual(class10Of(recorded('jma_forecast_130000_2026-01-05T1700.json')), areasOf('130000'));
  assert.deepEqual(areasOf('130000'), [['130010', '東京地方'], ['130020', '伊豆諸島北部'], ['130030', '伊豆諸島南部'], ['130040', '小笠原諸島']]);
  assert.deepEqual(class10Of(recorded('jma_forecast_270000_2023-01-28T1100.json')), areasOf('270000'));
  // the parser finds each listed area in its office's file: the list and the parser use the same kind of code
  for (const [file, office] of [['jma_forecast_130000_2026-01-05T1700.json', '130000'], ['jma_forecast_270000_2023-01-28T1100.json', '270000']] as const) {
    for (const [code, name] of areasOf(office)) {
      const r = parseJmaForecast(recorded(file), code!);
      assert.ok(r.ok && r.areaName === name && r.days.length > 0, `${code}: ${JSON.stringify(r).slice(0, 200)}`);
    }
  }
});

test('every office and area the wizard can save is a config the plugin accepts', () => {
  const base = { platform: 'EchonetHems', name: 'ECHONET HEMS', tariff: { preset: 'tepco-smartlife-s' } };
  const wizard = { port: '', brouteId: '', broutePassword: '', iface: '', devices: [], picks: {}, purchaseMode: 'surplus', tariff: '' };
  for (const o of offices) {
    for (const a of o.areas) {
      const block = applyWizard(base, { ...wizard, office: o.code, area: a.code }) as { scheduler: { forecast: Record<string, unknown> } };
      assert.deepEqual(weatherAreaOf(block), { area: { office: o.code, area: a.code }, problems: [] });
      const forecast = { ...block.scheduler.forecast, solar: 'manual', manualProfileKwh: new Array(48).fill(0.1) };
      const scheduler = validateSchedulerConfig({ ...block, scheduler: { enabled: true, devices: { ecocute: true }, forecast } });
      assert.ok(scheduler.ok && scheduler.config?.forecast.jma.area === a.code, `${o.code}/${a.code}: ${JSON.stringify(scheduler)}`);
    }
  }
});

test('docs/jma-offices.md lists the same offices and areas', () => {
  const doc = readFileSync(new URL('../../../docs/jma-offices.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => /^\| \d{6} \|/.test(l));
  assert.deepEqual(
    rows,
    offices.map((o) => `| ${o.code} | ${o.nameJa} | ${o.name} | ${o.areas.map((a) => `${a.code} ${a.nameJa}`).join(', ')} |`),
  );
});
