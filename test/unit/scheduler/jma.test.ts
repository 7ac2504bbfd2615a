import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inForce, JMA_ATTRIBUTION, jmaForecastUrl, jmaWarningUrl, parseJmaForecast, parseJmaWarnings, warningLevelOfCode, weatherClassOfCode } from '../../../src/scheduler/forecast/jma.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url), 'utf8'));

test('URLs follow the bosai layout', () => {
  assert.equal(jmaForecastUrl('130000'), 'https://www.jma.go.jp/bosai/forecast/data/forecast/130000.json');
  assert.equal(jmaWarningUrl('270000'), 'https://www.jma.go.jp/bosai/warning/data/warning/270000.json');
});

test('weather class comes from the first digit of the code', () => {
  assert.deepEqual(['100', '111', '201', '302', '400', '999', '5', '', 'abc'].map(weatherClassOfCode), ['sunny', 'sunny', 'cloudy', 'rain', 'snow', 'unknown', 'unknown', 'unknown', 'unknown']);
});

test('real Tokyo forecast: 3-day forecast first, weekly for the rest, daily max pop', () => {
  const r = parseJmaForecast(fixture('jma_forecast_130000_2026-01-05T1700.json'), '130010');
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.reportedAt, Date.parse('2026-01-05T17:00:00+09:00'));
  assert.equal(r.areaName, '東京地方');
  assert.equal(r.office, '気象庁');
  assert.deepEqual(r.days.map((d) => `${d.dateKey} ${d.code} ${d.weatherClass} ${d.popPercent}`), [
    '2026-01-05 111 sunny 10',
    '2026-01-06 101 sunny 0',
    '2026-01-07 211 cloudy 20',
    '2026-01-08 201 cloudy 30',
    '2026-01-09 101 sunny 20',
    '2026-01-10 201 cloudy 30',
    '2026-01-11 101 sunny 20',
    '2026-01-12 101 sunny 20',
  ]);
  assert.deepEqual(r.problems, []);
});

test('real Osaka forecast (single-area office)', () => {
  const r = parseJmaForecast(fixture('jma_forecast_270000_2023-01-28T1100.json'), '270000');
  assert.ok(r.ok);
  assert.equal(r.office, '大阪管区気象台');
  assert.deepEqual(r.days.slice(0, 3).map((d) => [d.dateKey, d.weatherClass, d.popPercent]), [
    ['2023-01-28', 'cloudy', 30],
    ['2023-01-29', 'sunny', 10],
    ['2023-01-30', 'cloudy', 30],
  ]);
  assert.equal(r.days.length, 8);
});

test('unknown weather codes and odd pops do not break parsing', () => {
  const json = fixture('jma_forecast_130000_2026-01-05T1700.json') as any;
  json[0].timeSeries[0].areas[0].weatherCodes[1] = '999';
  json[0].timeSeries[1].areas[0].pops[0] = 'n/a';
  json[1].timeSeries.push('garbage', { timeDefines: 'x' });
  const r = parseJmaForecast(json, '130010');
  assert.ok(r.ok);
  assert.equal(r.days[1]!.weatherClass, 'unknown');
  assert.equal(r.days[1]!.code, '999');
  assert.equal(r.days[0]!.popPercent, undefined);
  assert.ok(r.problems.some((p) => p.includes('999')));
  assert.ok(r.problems.some((p) => p.includes('"n/a"')));
});

test('a missing area or a broken file is an error that says what is there', () => {
  const r = parseJmaForecast(fixture('jma_forecast_130000_2026-01-05T1700.json'), '999999');
  assert.ok(!r.ok && r.error.includes('130010 東京地方'));
  assert.ok(!parseJmaForecast({}, '130010').ok);
  assert.ok(!parseJmaForecast([{ reportDatetime: 'yesterday' }], '130010').ok);
});

test('warning levels follow the code ranges', () => {
  assert.deepEqual(['02', '08', '10', '27', '32', '38', '01', '09', '28', '31', '39', '99', '3'].map(warningLevelOfCode), [
    'warning', 'warning', 'advisory', 'advisory', 'emergency', 'emergency', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown',
  ]);
});

test('constructed warnings: statuses, levels and what is in force', () => {
  const json = fixture('jma_warning_130000_constructed.json');
  const r = parseJmaWarnings(json, '130010');
  assert.ok(r.ok);
  assert.deepEqual(r.warnings.map((w) => [w.code, w.level, w.status, w.nameJa]), [
    ['03', 'warning', 'issued', '大雨警報'],
    ['15', 'advisory', 'continued', '強風注意報'],
    ['14', 'advisory', 'continued', '雷注意報'],
    ['10', 'advisory', 'cancelled', '大雨注意報'],
  ]);
  assert.deepEqual(inForce(r.warnings).map((w) => w.code), ['03', '15', '14']);
  const none = parseJmaWarnings(json, '130020');
  assert.ok(none.ok && none.warnings[0]!.status === 'none' && inForce(none.warnings).length === 0);
  const emergency = parseJmaWarnings(json, '130030');
  assert.ok(emergency.ok && emergency.warnings[0]!.level === 'emergency' && emergency.warnings[0]!.name === 'Heavy rain emergency warning');
  const city = parseJmaWarnings(json, '1310100');
  assert.ok(city.ok && inForce(city.warnings).length === 2);
});

test('constructed warnings with unknown codes, statuses and junk entries still parse', () => {
  const r = parseJmaWarnings(fixture('jma_warning_130000_unknown-codes_constructed.json'), '130010');
  assert.ok(r.ok, JSON.stringify(r));
  const byCode = new Map(r.warnings.map((w) => [w.code, w]));
  assert.equal(byCode.get('51')!.level, 'unknown');
  assert.equal(byCode.get('51')!.nameJa, 'コード51');
  assert.equal(byCode.get('11')!.level, 'advisory');
  assert.equal(byCode.get('05')!.status, 'unknown');
  assert.deepEqual(inForce(r.warnings).map((w) => w.code), ['51', '11', '05']);
  assert.ok(r.problems.some((p) => p.includes('code 51')));
  assert.ok(r.problems.some((p) => p.includes('特別警報から警報')));
  const empty = parseJmaWarnings(fixture('jma_warning_130000_unknown-codes_constructed.json'), '130020');
  assert.ok(empty.ok && empty.warnings.length === 0);
  assert.ok(!parseJmaWarnings({ areaTypes: [], reportDatetime: '2026-01-01T00:00:00+09:00' }, '130010').ok);
  assert.ok(!parseJmaWarnings([], '130010').ok);
});

test('the attribution JMA terms of use require is available for display', () => {
  assert.match(JMA_ATTRIBUTION, /気象庁/);
});
