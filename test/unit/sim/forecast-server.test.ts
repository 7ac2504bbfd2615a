/**
 * The simulated forecast server, read by the plugin's own providers and parsers (through the base URL,
 * as the demo and e2e tests configure it): JMA's files parse and say sunny for the area, warnings appear
 * when issued and go when lifted, and the Open-Meteo irradiance turned into PV by the planner's formula
 * gives the energy the simulated array actually produces (with losses = 1 - the array's performance ratio).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { inForce, parseJmaWarnings } from '../../../src/scheduler/forecast/jma.js';
import { jmaProvider, openMeteoProvider } from '../../../src/scheduler/providers.js';
import { startForecastServer, type ForecastServer } from '../../../src/sim/forecast-server.js';
import { jst, jstMidnight } from '../../../src/sim/jst.js';
import { PERFORMANCE_RATIO, SolarArray } from '../../../src/sim/sun.js';

/** 26 Nov 2026, 14:20 JST (the requester's "now"). */
const NOW = Date.UTC(2026, 10, 26, 5, 20);
const TODAY = jstMidnight(jst(NOW).day);
const HALF_HOUR = 1_800_000;
const sun = new SolarArray({ kWp: 5, clouds: false });
let server: ForecastServer;

before(async () => {
  server = await startForecastServer({ irradianceAt: (t) => sun.irradianceAt(t), area: '130010', now: () => NOW });
});
after(() => server.close());

const jma = () => jmaProvider({ office: '130000', area: '130010', baseUrl: server.url });

test('JMA: the forecast parses for the area and calls every day sunny, today first', async () => {
  const f = await jma().fetchForecast(NOW);
  assert.equal(f.source, 'jma');
  assert.equal(f.issuedAt, Date.UTC(2026, 10, 26, 2, 0), 'the 11:00 JST issue is the latest before 14:20');
  assert.equal(f.days[0]?.dateKey, '2026-11-26');
  assert.ok(f.days.length >= 7, `a week of days, got ${f.days.length}`);
  assert.ok(f.days.every((d) => d.weatherClass === 'sunny' && d.code === '100'));
  assert.deepEqual(f.warnings, []);
});

test('JMA: an issued warning is in force for the area, a lifted one is listed as cancelled and not in force', async () => {
  server.issueWarning('03');
  const issued = await jma().fetchForecast(NOW);
  assert.deepEqual(issued.warnings.map((w) => [w.code, w.level, w.status]), [['03', 'warning', 'issued']]);
  server.clearWarnings();
  const raw = (await (await fetch(`${server.url}/bosai/warning/data/warning/130000.json`)).json()) as unknown;
  const parsed = parseJmaWarnings(raw, '130010');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.warnings.map((w) => [w.code, w.status]), [['03', 'cancelled']]);
  assert.deepEqual(inForce(parsed.warnings), []);
  assert.deepEqual((await jma().fetchForecast(NOW)).warnings, []);
});

test('Open-Meteo: hourly irradiance from local midnight becomes the PV the simulated array produces', async () => {
  const array = { latitude: 35.68, longitude: 139.77, tiltDeg: 25, azimuthDeg: 0, kwp: 5, losses: 1 - PERFORMANCE_RATIO };
  const f = await openMeteoProvider({ arrays: [array], baseUrl: server.url }).fetchForecast(NOW);
  assert.equal(f.pv.length, 2 * 48, 'two days of half-hours');
  assert.equal(f.pv[0]!.start, TODAY - 2 * HALF_HOUR, 'the first hourly value (labelled 00:00) covers the hour before midnight');
  const simulatedKwh = (start: number): number => {
    // the two half-hours of an hour share its mean: compare hours
    let wh = 0;
    for (let t = start; t < start + 2 * HALF_HOUR; t += 60_000) wh += sun.powerAt(t) / 60;
    return wh / 1000;
  };
  const slot = (start: number) => f.pv.find((p) => p.start === start)!.kwh;
  for (const hour of [3, 7, 10, 12, 15]) {
    const start = TODAY + hour * 2 * HALF_HOUR;
    const forecastKwh = slot(start) + slot(start + HALF_HOUR);
    assert.ok(Math.abs(forecastKwh - simulatedKwh(start)) < 0.01, `${hour}:00-${hour + 1}:00: forecast ${forecastKwh.toFixed(3)} kWh, simulated ${simulatedKwh(start).toFixed(3)} kWh`);
  }
  const day = f.pv.filter((p) => p.start >= TODAY && p.start < TODAY + 48 * HALF_HOUR).reduce((s, p) => s + p.kwh, 0);
  assert.ok(day > 10 && day < 30, `a sunny late-November day on 5 kW: ${day.toFixed(1)} kWh`);
});

test('a forecast for a shifted simulated clock shows the sky of the simulated instant', async () => {
  const offset = 3 * 3_600_000;
  const shifted = await startForecastServer({ irradianceAt: (t) => sun.irradianceAt(t), simTimeOf: (t) => t + offset, area: '130010', now: () => NOW });
  try {
    const json = (await (await fetch(`${shifted.url}/v1/forecast?forecast_days=1`)).json()) as { hourly: { time: string[]; global_tilted_irradiance: number[] } };
    const plain = (await (await fetch(`${server.url}/v1/forecast?forecast_days=1`)).json()) as typeof json;
    assert.equal(json.hourly.time[9], '2026-11-26T09:00');
    assert.equal(json.hourly.global_tilted_irradiance[9], plain.hourly.global_tilted_irradiance[12]);
  } finally {
    await shifted.close();
  }
});

test('paths the real services do not have answer 404', async () => {
  assert.equal((await fetch(`${server.url}/bosai/forecast/data/overview_forecast/130000.json`)).status, 404);
});
