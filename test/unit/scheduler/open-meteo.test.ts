import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compassToOpenMeteoAzimuth, OPEN_METEO_ATTRIBUTION, openMeteoUrl, parseOpenMeteo, pvPowerKw, pvSlotsFromHours, type PvArray } from '../../../src/scheduler/forecast/open-meteo.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url), 'utf8'));
const BERLIN: PvArray = { latitude: 52.52, longitude: 13.42, tiltDeg: 35, azimuthDeg: 0, kwp: 5, losses: 0.14 };
const TOKYO: PvArray = { latitude: 35.6895, longitude: 139.6917, tiltDeg: 30, azimuthDeg: -15, kwp: 4.5, losses: 0.14 };

test('request URL for a Japanese array', () => {
  const url = new URL(openMeteoUrl(TOKYO, { forecastDays: 2, pastDays: 7 }));
  assert.equal(url.origin + url.pathname, 'https://api.open-meteo.com/v1/forecast');
  const p = Object.fromEntries(url.searchParams);
  assert.deepEqual(p, {
    latitude: '35.69', longitude: '139.69', hourly: 'global_tilted_irradiance,shortwave_radiation,temperature_2m',
    tilt: '30', azimuth: '-15', timezone: 'Asia/Tokyo', forecast_days: '2', past_days: '7',
  });
  assert.ok(!new URL(openMeteoUrl(TOKYO)).searchParams.has('past_days'));
});

test('the position sent is rounded to two decimals (about 1 km), not the house\'s own 10 m', () => {
  const at = (latitude: number, longitude: number) => Object.fromEntries(new URL(openMeteoUrl({ ...TOKYO, latitude, longitude })).searchParams);
  assert.deepEqual([at(35.68123, 139.76712).latitude, at(35.68123, 139.76712).longitude], ['35.68', '139.77']);
  assert.deepEqual([at(-33.8568, -151.2153).latitude, at(-33.8568, -151.2153).longitude], ['-33.86', '-151.22']);
  // two houses 300 m apart send the same request: the request no longer says which house
  assert.equal(openMeteoUrl({ ...TOKYO, latitude: 35.6812, longitude: 139.7671 }), openMeteoUrl({ ...TOKYO, latitude: 35.6838, longitude: 139.7689 }));
});

test('compass bearings convert to Open-Meteo azimuth (0 = south)', () => {
  assert.deepEqual([180, 90, 270, 165, 0, 360].map(compassToOpenMeteoAzimuth), [0, -90, 90, -15, 180, 180]);
});

test('PV power formula: nameplate, irradiance, temperature coefficient, losses', () => {
  assert.equal(pvPowerKw(BERLIN, 1000), 5 * 0.86); // 25 C cells when no temperature is known
  // 20 C air at 800 W/m2 -> cells at 45 C -> 8 % less.
  assert.ok(Math.abs(pvPowerKw(BERLIN, 800, 20) - 5 * 0.8 * (1 - 0.004 * 20) * 0.86) < 1e-12);
  // Cold cells give more than nameplate x irradiance.
  assert.ok(pvPowerKw(BERLIN, 500, -10) > 5 * 0.5 * 0.86);
  assert.equal(pvPowerKw(BERLIN, 0, 30), 0);
});

test('real Berlin forecast: hourly means become the two preceding half-hours', () => {
  const r = parseOpenMeteo(fixture('openmeteo_forecast_berlin_2025-11-26_tilt35.json'));
  assert.ok(r.ok);
  assert.equal(r.field, 'global_tilted_irradiance');
  assert.equal(r.hours.length, 168);
  assert.deepEqual(r.problems, []);
  const h = r.hours[11]!; // '2025-11-26T11:00' GMT: the mean of 10:00-11:00
  assert.equal(h.end, Date.UTC(2025, 10, 26, 11));
  assert.equal(h.wm2, 152.1);
  assert.equal(h.temperatureC, 3.2);
  const slots = pvSlotsFromHours(BERLIN, r.hours);
  assert.equal(slots.length, 336);
  const s = slots.filter((x) => x.start === Date.UTC(2025, 10, 26, 10) || x.start === Date.UTC(2025, 10, 26, 10, 30));
  const cell = 3.2 + (25 / 800) * 152.1;
  const expected = 5 * 0.1521 * (1 + -0.004 * (cell - 25)) * 0.86 * 0.5;
  assert.equal(s.length, 2);
  for (const x of s) assert.ok(Math.abs(x.kwh - expected) < 1e-12);
  const night = slots.find((x) => x.start === Date.UTC(2025, 10, 26, 2))!;
  assert.equal(night.kwh, 0);
  const day1 = slots.filter((x) => x.start < Date.UTC(2025, 10, 27)).reduce((a, x) => a + x.kwh, 0);
  assert.ok(day1 > 1 && day1 < 5, `a grey November day in Berlin gives little: ${day1}`);
});

test('real historical forecast parses all ten days', () => {
  const r = parseOpenMeteo(fixture('openmeteo_historical_forecast_berlin_2023-01-01_to_10.json'));
  assert.ok(r.ok);
  assert.equal(r.hours.length, 240);
  assert.ok(r.hours.every((h) => h.wm2 >= 0));
});

test('negatives are clamped, nulls skipped, local times use the offset, horizontal fallback is said', () => {
  const json = {
    utc_offset_seconds: 32400,
    hourly: { time: ['2025-06-01T11:00', '2025-06-01T12:00', '2025-06-01T13:00', 'bad'], shortwave_radiation: [-3, 700, null, 5] },
  };
  const r = parseOpenMeteo(json);
  assert.ok(r.ok);
  assert.equal(r.field, 'shortwave_radiation');
  assert.deepEqual(r.hours.map((h) => [h.end, h.wm2]), [[Date.UTC(2025, 5, 1, 2), 0], [Date.UTC(2025, 5, 1, 3), 700]]);
  assert.equal(r.hours[0]!.temperatureC, undefined);
  assert.equal(r.problems.length, 3);
  assert.ok(!parseOpenMeteo({ hourly: { time: [] } }).ok);
  assert.ok(!parseOpenMeteo(null).ok);
});

test('the CC BY 4.0 attribution is available for display', () => {
  assert.match(OPEN_METEO_ATTRIBUTION, /Open-Meteo.*CC BY 4\.0/);
});
