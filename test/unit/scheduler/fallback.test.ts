import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseForecast } from '../../../src/scheduler/forecast/fallback.js';
import { manualForecast, manualProvider, validateManualProfile } from '../../../src/scheduler/forecast/manual.js';
import { jstMidnight } from '../../../src/scheduler/calendar.js';

const H = 3_600_000;
const forecast = { issuedAt: 0, source: 'open-meteo', pv: [], days: [], warnings: [] };

test('fresh, fallback with the age said, too old, none', () => {
  const latest = { issuedAt: 0, forecast };
  assert.equal(chooseForecast({ now: 10 * 60_000, latest }).status, 'fresh');
  const fb = chooseForecast({ now: 3 * H, latest, error: 'timeout' });
  assert.equal(fb.status, 'fallback');
  assert.equal(fb.forecast, forecast);
  assert.equal(fb.message, 'Fetching the forecast failed (timeout); using the last forecast from open-meteo, issued 3 h ago.');
  assert.ok(fb.messageJa.includes('3時間前'));
  const old = chooseForecast({ now: 40 * H, latest, error: 'HTTP 503' });
  assert.equal(old.status, 'none');
  assert.equal(old.forecast, undefined);
  assert.ok(old.message.includes('40 h old'));
  assert.equal(chooseForecast({ now: 40 * H, latest, error: 'x', maxAgeMs: 48 * H }).status, 'fallback');
  const none = chooseForecast({ now: 0, error: 'DNS' });
  assert.equal(none.status, 'none');
  assert.ok(none.message.startsWith('Fetching the forecast failed (DNS)'));
});

test('manual profile repeats per JST day and is validated', async () => {
  const profile = Array.from({ length: 48 }, (_, i) => (i >= 20 && i < 28 ? 1 : 0));
  const now = jstMidnight({ year: 2025, month: 5, day: 1 }) + 7 * H;
  const f = manualForecast(profile, now, 2);
  assert.equal(f.pv.length, 96);
  assert.equal(f.pv[0]!.start, jstMidnight({ year: 2025, month: 5, day: 1 }));
  assert.equal(f.pv[48 + 20]!.kwh, 1);
  assert.equal(f.pv.reduce((a, s) => a + s.kwh, 0), 16);
  assert.deepEqual((await manualProvider(profile).fetchForecast(now)).pv.length, 96);
  assert.equal(validateManualProfile([1, 2]).length, 1);
  assert.ok(validateManualProfile([...profile.slice(0, 47), -1])[0]!.includes('position(s) 48'));
  assert.throws(() => manualProvider([]));
});
