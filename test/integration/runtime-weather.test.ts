/**
 * The dashboard's weather with AI solar charge off: the runtime fetches the configured area's JMA forecast
 * and warnings from a local server holding the recorded files, writes them into the status file with
 * their issue time, keeps to the scheduler's 30-minute cadence, falls back to the last forecast when JMA
 * fails (and says so), and requests nothing at all when no area is set.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import type { Home } from '../../src/home/index.js';
import { Runtime } from '../../src/runtime.js';
import { statusFilePath, type UiStatus } from '../../src/ui-status/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import type { Forecast } from '../../src/scheduler/forecast/types.js';
import { startWeatherWatch } from '../../src/ui-status/weather.js';
import { ScriptedHome } from '../helpers/mqtt.js';
import { RECORDED_ISSUED_AT, startJmaServer, type JmaServer } from '../helpers/jma-server.js';

/** An hour after the recorded forecast was issued. */
const T0 = RECORDED_ISSUED_AT + 3_600_000;
const MIN = 60_000;

async function started(t: TestContext, raw: Record<string, unknown>): Promise<{ clock: ManualClock; storage: string; runtime: Runtime }> {
  const storage = mkdtempSync(join(tmpdir(), 'hems-weather-'));
  const parsed = parseConfig({ echonet: {}, ...raw });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.equal(parsed.config.scheduler, undefined, 'AI solar charge is off');
  const clock = new ManualClock(T0);
  const runtime = new Runtime({ home: new ScriptedHome() as unknown as Home, config: parsed.config, storagePath: storage, clock, log: silentLogger, name: (d) => d.kind });
  await runtime.start();
  // one hook, in this order: after hooks run first-registered first, and a running runtime still writes
  t.after(async () => {
    await runtime.stop();
    rmSync(storage, { recursive: true, force: true });
  });
  return { clock, storage, runtime };
}

/** Lets the requests finish, then the dashboard's next minute write, and reads the file once it satisfies `done`. */
async function nextStatus(clock: ManualClock, storage: string, done: (s: UiStatus) => boolean): Promise<UiStatus> {
  let status: UiStatus | undefined;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(0);
    if (i % 10 === 9) clock.advance(MIN);
    try {
      status = JSON.parse(readFileSync(statusFilePath(storage), 'utf8')) as UiStatus;
      if (done(status)) return status;
    } catch {
      // not written yet
    }
  }
  assert.fail(`the status file never got there: ${JSON.stringify(status?.weather)} ${JSON.stringify(status?.warnings)}`);
}

/** Waits until the server has answered `n` requests. */
async function requested(server: JmaServer, n: number): Promise<void> {
  for (let i = 0; i < 100 && server.requests.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.requests.length, n);
}

const area = (server: JmaServer, jma: Record<string, unknown> = { office: '130000', area: '130010' }) => ({ scheduler: { enabled: false, forecast: { jma, baseUrl: server.url } } });

test('with AI solar charge off, the area\'s forecast and warnings reach the status file with their issue time, every 30 minutes', async (t) => {
  const server = await startJmaServer();
  t.after(() => server.close());
  const { clock, storage } = await started(t, area(server));
  await requested(server, 2);
  assert.deepEqual([...server.requests].sort(), ['/bosai/forecast/data/forecast/130000.json', '/bosai/warning/data/warning/130000.json']);

  const status = await nextStatus(clock, storage, (s) => s.weather !== null);
  assert.equal(status.scheduler, null);
  assert.equal(status.weather!.source, 'jma');
  assert.equal(status.weather!.issuedAt, RECORDED_ISSUED_AT);
  // the recorded file's 東京地方: 2026-01-05 code 111 (10 %), 2026-01-06 code 101 (0 %)
  assert.deepEqual(status.weather!.today, { dateKey: '2026-01-05', weatherClass: 'sunny', code: '111', popPercent: 10 });
  assert.deepEqual(status.weather!.tomorrow, { dateKey: '2026-01-06', weatherClass: 'sunny', code: '101', popPercent: 0 });
  // in force for 130010: heavy rain warning (03), and the continued advisories 14 and 15; the cancelled 10 is not
  assert.deepEqual(status.weather!.warnings.map((w) => w.code).sort(), ['03', '14', '15']);
  assert.deepEqual(status.warnings, []);

  // the scheduler's cadence: nothing more within 30 minutes, then both files again
  clock.advance(28 * MIN);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.requests.length, 2);
  clock.advance(2 * MIN);
  await requested(server, 4);

  // JMA fails: the last forecast stays, and the status file says so
  server.mode = 503;
  clock.advance(30 * MIN);
  await requested(server, 6);
  const fallback = await nextStatus(clock, storage, (s) => s.warnings.some((w) => w.code === 'weather-fallback'));
  assert.equal(fallback.weather!.issuedAt, RECORDED_ISSUED_AT);
  const said = fallback.warnings.find((w) => w.code === 'weather-fallback')!;
  assert.match(said.text, /^Fetching the forecast failed \(127\.0\.0\.1:\d+ answered HTTP 503\); using the last forecast from jma, issued 2 h ago\.$/);
  assert.match(said.textJa!, /予報を取得できませんでした/);
});

test('a forecast that never arrived is said, without talk of solar charging', async (t) => {
  const server = await startJmaServer();
  t.after(() => server.close());
  server.mode = 500;
  const { clock, storage } = await started(t, area(server));
  await requested(server, 2);
  const status = await nextStatus(clock, storage, (s) => s.warnings.length > 0);
  assert.equal(status.weather, null);
  assert.deepEqual(status.warnings.map((w) => w.code), ['weather-unavailable']);
  assert.match(status.warnings[0]!.text, /^The weather forecast for area 130010 could not be fetched \(127\.0\.0\.1:\d+ answered HTTP 500\); it is tried again every 30 min\.$/);
});

test('no forecast area: not a single request, and no weather', async (t) => {
  const server = await startJmaServer();
  t.after(() => server.close());
  const { clock, storage } = await started(t, { scheduler: { forecast: { baseUrl: server.url } } });
  clock.advance(2 * 60 * MIN);
  const status = await nextStatus(clock, storage, () => true);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(server.requests, []);
  assert.equal(status.weather, null);
});

test('a wrong area with AI solar charge off is a warning that names the field, not an error', () => {
  const parsed = parseConfig({ echonet: {}, scheduler: { forecast: { jma: { office: '13000', area: '130010' } } } });
  assert.ok(parsed.ok);
  assert.equal(parsed.config.weather, undefined);
  assert.deepEqual(parsed.warnings, ['the JMA forecast office must be its 6-digit code, such as 130000 for Tokyo (see the office list in the README); until then the dashboard shows no weather']);
  const single = parseConfig({ echonet: {}, scheduler: { forecast: { jma: { office: '270000' } } } });
  assert.ok(single.ok);
  assert.deepEqual(single.config.weather, { office: '270000', area: '270000' }, 'a single-area office is its own area');
});

test('while AI solar charge fetches, the dashboard asks JMA nothing and shows the scheduler\'s forecast; once it is off, its own', async (t) => {
  const server = await startJmaServer();
  t.after(() => server.close());
  const clock = new ManualClock(T0);
  let fetching = true;
  const planned: Forecast = { issuedAt: RECORDED_ISSUED_AT - 6 * 60 * MIN, source: 'open-meteo+jma', pv: [], days: [], warnings: [] };
  const watch = startWeatherWatch({ area: { office: '130000', area: '130010', baseUrl: server.url }, clock, log: silentLogger, scheduler: { fetching: () => fetching, forecast: () => planned } });
  t.after(() => watch.stop());
  clock.advance(2 * 60 * MIN);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(server.requests, [], 'the scheduler\'s rounds fetch the forecast');
  assert.equal(watch.forecast(), planned);
  // switched off: the next fetch keeps the cadence (30 minutes after the scheduler's last round at the latest)
  fetching = false;
  clock.advance(29 * MIN);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(server.requests, []);
  clock.advance(MIN);
  await requested(server, 2);
  for (let i = 0; i < 50 && watch.forecast() === planned; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(watch.forecast()?.issuedAt, RECORDED_ISSUED_AT, 'the newer forecast is shown');
});
