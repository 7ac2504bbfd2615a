/**
 * The forecast providers against a local HTTP server on 127.0.0.1 that serves the recorded JMA and
 * Open-Meteo responses of test/fixtures/forecast (never the network), and fails on demand.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ForecastFeed, jmaProvider, mergeForecasts, openMeteoProvider } from '../../../src/scheduler/providers.js';
import { ManualClock } from '../../../src/util/clock.js';
import type { PvArray } from '../../../src/scheduler/forecast/open-meteo.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url));
const ROUTES: Record<string, Buffer> = {
  '/bosai/forecast/data/forecast/130000.json': fixture('jma_forecast_130000_2026-01-05T1700.json'),
  '/bosai/warning/data/warning/130000.json': fixture('jma_warning_130000_constructed.json'),
  '/v1/forecast': fixture('openmeteo_forecast_berlin_2025-11-26_tilt35.json'),
};

let server: Server;
let base = '';
/** 'ok' serves the fixtures; a number answers that status; 'hang' never answers; 'html' sends a web page. */
let mode: 'ok' | number | 'hang' | 'html' = 'ok';
const requests: URL[] = [];

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    if (mode === 'hang') return;
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    }
    const body = ROUTES[url.pathname];
    if (mode !== 'ok' || !body) {
      res.writeHead(typeof mode === 'number' ? mode : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const ARRAY: PvArray = { latitude: 35.6812, longitude: 139.7671, tiltDeg: 30, azimuthDeg: 0, kwp: 5.5, losses: 0.14 };

test('JMA: the daily weather of the area and the warnings in force, from the office files', async () => {
  mode = 'ok';
  const f = await jmaProvider({ office: '130000', area: '130010', baseUrl: base }).fetchForecast(0);
  assert.equal(f.source, 'jma');
  assert.equal(f.issuedAt, Date.parse('2026-01-05T17:00:00+09:00'));
  assert.deepEqual(f.pv, []);
  assert.ok(f.days.length >= 3);
  assert.equal(f.days[0]!.dateKey, '2026-01-05');
  // the cancelled advisory (10) is not in force
  assert.deepEqual(f.warnings.map((w) => w.code).sort(), ['03', '14', '15']);
  const city = await jmaProvider({ office: '130000', area: '130010', warningArea: '1310100', baseUrl: base }).fetchForecast(0);
  assert.deepEqual(city.warnings.map((w) => w.code).sort(), ['14', '15']);
});

test('Open-Meteo: the request names the array, and the answer becomes half-hour PV energy; two roof faces add up', async () => {
  mode = 'ok';
  requests.length = 0;
  const now = Date.parse('2025-11-26T12:00:00Z');
  const one = await openMeteoProvider({ arrays: [ARRAY], baseUrl: base }).fetchForecast(now);
  const q = requests.find((r) => r.pathname === '/v1/forecast')!.searchParams;
  assert.equal(q.get('tilt'), '30');
  assert.equal(q.get('azimuth'), '0');
  // rounded to about 1 km: the weather cell, not the house
  assert.equal(q.get('latitude'), '35.68');
  assert.equal(q.get('longitude'), '139.77');
  assert.match(q.get('hourly')!, /global_tilted_irradiance/);
  assert.equal(one.source, 'open-meteo');
  assert.equal(one.issuedAt, now);
  assert.ok(one.pv.length > 0 && one.pv.length % 2 === 0);
  assert.ok(one.pv.every((s, i) => i === 0 || s.start - one.pv[i - 1]!.start === 1_800_000));
  const day = one.pv.reduce((a, s) => a + s.kwh, 0);
  assert.ok(day > 0 && day < 5.5 * 24 * one.pv.length / 48, `${day} kWh`);
  const two = await openMeteoProvider({ arrays: [ARRAY, { ...ARRAY, azimuthDeg: 90 }], baseUrl: base }).fetchForecast(now);
  assert.ok(Math.abs(two.pv.reduce((a, s) => a + s.kwh, 0) - 2 * day) < 1e-9);
  assert.throws(() => openMeteoProvider({ arrays: [] }), /at least one PV array/);
});

test('the merged forecast takes PV from Open-Meteo and weather and warnings from JMA', async () => {
  mode = 'ok';
  const jma = await jmaProvider({ office: '130000', area: '130010', baseUrl: base }).fetchForecast(0);
  const om = await openMeteoProvider({ arrays: [ARRAY], baseUrl: base }).fetchForecast(1);
  const merged = mergeForecasts([jma, om])!;
  assert.equal(merged.source, 'jma+open-meteo');
  assert.equal(merged.pv, om.pv);
  assert.equal(merged.days.length, jma.days.length);
  assert.equal(merged.warnings.length, 3);
  assert.equal(mergeForecasts([]), undefined);
});

test('a failing source falls back to its last forecast and says so; without one there is none', async () => {
  const clock = new ManualClock(Date.parse('2026-01-05T18:00:00+09:00'));
  const feed = new ForecastFeed(jmaProvider({ office: '130000', area: '130010', baseUrl: base }), clock);
  mode = 'ok';
  assert.equal((await feed.refresh()).status, 'fresh');
  mode = 503;
  clock.advance(3 * 3_600_000);
  const fallback = await feed.refresh();
  assert.equal(fallback.status, 'fallback');
  assert.equal(fallback.forecast?.source, 'jma');
  assert.match(fallback.message, /^Fetching the forecast failed \(127\.0\.0\.1:\d+ answered HTTP 503\); using the last forecast from jma, issued 4 h ago\.$/);
  assert.equal(feed.last(), fallback);
  const never = new ForecastFeed(openMeteoProvider({ arrays: [ARRAY], baseUrl: base }), clock);
  const none = await never.refresh();
  assert.equal(none.status, 'none');
  assert.match(none.message, /HTTP 503.*no forecast yet: solar charging waits for one/);
});

test('a server that does not answer times out with a clear message', async () => {
  mode = 'hang';
  const clock = new ManualClock(0);
  const feed = new ForecastFeed(openMeteoProvider({ arrays: [ARRAY], baseUrl: base, timeoutMs: 200 }), clock);
  const choice = await feed.refresh();
  assert.equal(choice.status, 'none');
  assert.match(choice.message, /127\.0\.0\.1:\d+ did not answer within 0\.2 s/);
  mode = 'ok';
});

test('an unreachable host, a non-JSON answer and an unknown area are said in words', async () => {
  const clock = new ManualClock(0);
  const closed = new ForecastFeed(jmaProvider({ office: '130000', area: '130010', baseUrl: 'http://127.0.0.1:9' }), clock);
  assert.match((await closed.refresh()).message, /cannot reach 127\.0\.0\.1:9/);
  mode = 'html';
  const page = new ForecastFeed(jmaProvider({ office: '130000', area: '130010', baseUrl: base }), clock);
  assert.match((await page.refresh()).message, /127\.0\.0\.1:\d+ sent something that is not JSON/);
  mode = 'ok';
  const wrongArea = new ForecastFeed(jmaProvider({ office: '130000', area: '999999', baseUrl: base }), clock);
  assert.match((await wrongArea.refresh()).message, /Area 999999 is not in this JMA forecast/);
});
