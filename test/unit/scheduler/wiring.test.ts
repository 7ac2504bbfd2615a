/**
 * The scheduler as the plugin runs it, on a fake home with a manual clock, a real store in a temp dir, a
 * fake MQTT mirror that captures what is published, and a local HTTP server on 127.0.0.1 serving the
 * recorded JMA forecast and the constructed warnings file (never the network): the feeds are built from
 * the settings, the warning reaches MQTT and the devices, every decision is kept in the store and
 * published, the weather of the day is remembered, and the switch survives a restart.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSchedulerConfig, type SchedulerConfig } from '../../../src/scheduler/config.js';
import { STATE_KEY } from '../../../src/scheduler/inputs/recorded.js';
import { SCHEDULER_TOPICS, schedulerSettings, startSchedulerRuntime } from '../../../src/scheduler/wiring.js';
import type { DecisionEntry, SchedulerStatus } from '../../../src/scheduler/service.js';
import { History } from '../../../src/store/history.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { device, FakeHome } from '../../helpers/scheduler-home.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url));
const ROUTES: Record<string, Buffer> = {
  '/bosai/forecast/data/forecast/130000.json': fixture('jma_forecast_130000_2026-01-05T1700.json'),
  '/bosai/warning/data/warning/130000.json': fixture('jma_warning_130000_constructed.json'),
  '/v1/forecast': fixture('openmeteo_forecast_berlin_2025-11-26_tilt35.json'),
};
const requests: URL[] = [];
/** The morning after the recorded forecast (issued 2026-01-05 17:00 JST), a Tuesday. */
const NOW = Date.parse('2026-01-06T10:00:00+09:00');
const H = 3_600_000;

let server: Server;
let base = '';
let failing = false;
before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const body = ROUTES[url.pathname];
    if (failing || !body) res.writeHead(failing ? 503 : 404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function settings(jma: Record<string, string>, extra: Record<string, unknown> = {}): SchedulerConfig {
  const profile = Array.from({ length: 48 }, (_, i) => (i >= 18 && i < 30 ? 2 : 0));
  const r = validateSchedulerConfig({
    tariff: { preset: 'tepco-smartlife-s' },
    scheduler: { enabled: true, devices: { ecocute: true, battery: true }, forecast: { jma, solar: 'manual', manualProfileKwh: profile }, ...extra },
  });
  assert.ok(r.ok && r.config);
  return r.config;
}

class FakeMirror {
  readonly sent: { path: string; value: unknown }[] = [];
  publish(path: string, value: unknown): void {
    this.sent.push({ path, value: structuredClone(value) });
  }
  all(path: string): unknown[] {
    return this.sent.filter((m) => m.path === path).map((m) => m.value);
  }
}

async function rig(now = NOW) {
  const dir = mkdtempSync(join(tmpdir(), 'hems-wiring-'));
  const history = await History.open({ dir, log: silentLogger });
  const clock = new ManualClock(now);
  const home = new FakeHome(clock);
  home.add(device('meter', 'meter', { powerW: -1500 }, now));
  home.add(device('eco', 'water-heater', { heatingMode: 'automatic', remainingHotWaterL: 120, tankCapacityL: 460, daytimeReheating: true }, now));
  home.add(device('bat', 'battery', { operationMode: 'automatic', remainingWh: 2000 }, now));
  const mirror = new FakeMirror();
  const start = (config: SchedulerConfig) => startSchedulerRuntime({ home, history, mirror, config, clock, log: silentLogger, forecastBaseUrl: base });
  const cleanup = async () => {
    await history.settled();
    rmSync(dir, { recursive: true, force: true });
  };
  return { history, clock, home, mirror, start, cleanup };
}

test('the settings become the service\'s: devices by kind, the plan, the house and the car', () => {
  const s = schedulerSettings(settings({ office: '130000', area: '130010' }, { mode: 'aiseg2', ev: { departureTime: '08:00', chargerKw: 3 }, battery: { appMode: 'custom' } }));
  assert.equal(s.mode, 'aiseg2');
  assert.deepEqual(s.enabled, ['water-heater', 'battery']);
  assert.equal(s.tariff.id, 'tepco-smartlife-s');
  assert.equal(s.fullPurchaseMode, false);
  assert.equal(s.facts.batteryAppMode, 'custom');
  assert.deepEqual(s.evDepartureHours, [null, 8, 8, 8, 8, 8, null]);
  assert.equal(s.ev.maxKw, 3);
  assert.equal(s.ev.control, 'stepped', 'stepped where the charger takes a power; the service checks its Set map');
  assert.equal(schedulerSettings({ ...settings({ office: '130000' }), purchaseMode: 'full' }).fullPurchaseMode, true, 'full purchase: the gates refuse solar charging');
});

test('a warning for the area reaches MQTT and the devices; decisions are kept and published; the day\'s weather is remembered', async () => {
  const r = await rig();
  try {
    const runtime = await r.start(settings({ office: '130000', area: '130010' }));
    await runtime.service.planNow();
    await runtime.service.tickNow();

    const warnings = r.mirror.all(SCHEDULER_TOPICS.warning) as SchedulerStatus['warning'][];
    assert.equal(warnings.at(-1)!.active, true);
    assert.deepEqual(warnings.at(-1)!.names, ['Heavy rain warning']);
    assert.ok(r.home.writes.some((w) => w.identity === 'eco' && w.value === 'manual_heating'), 'hot water topped up for the storm');
    assert.ok(r.home.writes.some((w) => w.identity === 'bat' && w.value === 'charge'), 'battery charged for a possible outage');

    const statuses = r.mirror.all(SCHEDULER_TOPICS.status) as SchedulerStatus[];
    assert.equal(statuses.at(-1)!.plan!.status, 'suspended');
    assert.equal('decisions' in statuses.at(-1)!, false, 'decisions go to their own topic');
    const keys = statuses.map(({ updatedAt: _, ...rest }) => JSON.stringify(rest));
    assert.equal(new Set(keys).size, keys.length, 'an unchanged status is not sent again');

    const published = r.mirror.all(SCHEDULER_TOPICS.decision) as DecisionEntry[];
    await r.history.settled();
    const kept = (await r.history.decisions(NOW - H, NOW + H)).map((d) => d.decision as DecisionEntry);
    assert.ok(published.some((d) => d.about === 'warning' && d.code === 'active'));
    assert.deepEqual(kept, published, 'every published decision is in the store');
    // MQTT and the store carry every sentence in both languages, whatever the log speaks
    for (const d of published) assert.ok(d.text && /[ぁ-んァ-ン一-龥]/.test(d.textJa), JSON.stringify(d));
    assert.match(statuses.at(-1)!.plan!.textJa, /^ソーラー計画なし：気象警報発表中（大雨警報）/);
    assert.ok(statuses.at(-1)!.devices.every((s) => /[ぁ-んァ-ン一-龥]/.test(s.textJa)));

    // the EcoCute's hot-water readings are kept for the home's own draw profile: 20 L drawn in a minute
    r.clock.advance(60_000);
    r.home.update('eco', { remainingHotWaterL: 100 });
    r.clock.advance(60_000);
    r.home.update('eco', { remainingHotWaterL: 80 });
    await runtime.stop();
    const state = await r.history.storage.get<{ memory: { days: Record<string, { weatherClass?: string; pvForecastKwh?: number }> }; hotWater: { days: Record<string, (number | null)[]> } }>(STATE_KEY);
    assert.equal(Object.values(state!.hotWater.days)[0]!.reduce((a, v) => a! + (v ?? 0), 0), 40, 'from 120 L at the start to 80 L');
    assert.ok(state?.memory.days['2026-01-06']?.weatherClass, 'the weather JMA gave for today is kept for the load history');
    assert.ok(state?.memory.days['2026-01-07']?.pvForecastKwh === 24, 'and tomorrow\'s PV forecast for the correction');
    assert.equal(r.home.writes.filter((w) => w.identity === 'bat').at(-1)!.value, 'automatic', 'stopping hands the battery back');
  } finally {
    await r.cleanup();
  }
});

test('the switch survives a restart; a failing JMA is said on MQTT while the fixed PV profile still plans', async () => {
  const r = await rig();
  try {
    // the city has only advisories: nothing to prepare for
    const config = settings({ office: '130000', area: '130010', warningArea: '1310100' });
    const first = await r.start(config);
    await first.service.planNow();
    assert.equal((r.mirror.all(SCHEDULER_TOPICS.warning).at(-1) as SchedulerStatus['warning']).active, false);
    await first.service.setEnabled(false);
    await first.stop();

    const second = await r.start(config);
    assert.equal(second.service.enabled(), false, 'still off after the restart');
    assert.equal((r.mirror.all(SCHEDULER_TOPICS.status).at(-1) as SchedulerStatus).enabled, false);
    failing = true;
    await second.service.setEnabled(true);
    const status = second.service.status();
    assert.equal(status.forecast.status, 'fallback');
    assert.match(status.forecast.message, /Fetching the forecast failed \(127\.0\.0\.1:\d+ answered HTTP 503\)/);
    assert.ok(status.plan && status.plan.status !== 'suspended');
    assert.match((r.mirror.all(SCHEDULER_TOPICS.status).at(-1) as SchedulerStatus).forecast.message, /HTTP 503/);
    await second.stop();
    assert.equal((await r.history.storage.get<{ enabled: boolean }>(STATE_KEY))?.enabled, true);
  } finally {
    failing = false;
    await r.cleanup();
  }
});

test('Open-Meteo settings: the roof is asked for as entered, and its day-ahead PV is remembered for the correction', async () => {
  // the recorded Open-Meteo answer starts 2025-11-26 00:00 UTC
  const r = await rig(Date.parse('2025-11-26T10:00:00+09:00'));
  try {
    const raw = {
      tariff: { preset: 'tepco-smartlife-s' },
      scheduler: { enabled: true, devices: { battery: true }, forecast: { jma: { office: '130000', area: '130010' }, latitude: 35.68, longitude: 139.77, arrays: [{ kwp: 5, tiltDeg: 35, bearingDeg: 135 }] } },
    };
    const v = validateSchedulerConfig(raw);
    assert.ok(v.ok && v.config);
    requests.length = 0;
    const runtime = await r.start(v.config);
    await runtime.service.planNow();
    const q = requests.find((u) => u.pathname === '/v1/forecast')!.searchParams;
    assert.equal(q.get('tilt'), '35');
    assert.equal(q.get('azimuth'), '-45', 'south-east as Open-Meteo counts it');
    assert.match(runtime.service.status().forecast.message, /Forecast from open-meteo/);
    await runtime.stop();
    const state = await r.history.storage.get<{ memory: { days: Record<string, { pvForecastKwh?: number }> } }>(STATE_KEY);
    assert.ok((state?.memory.days['2025-11-27']?.pvForecastKwh ?? 0) > 0);
    assert.equal(state?.memory.days['2025-11-26']?.pvForecastKwh, undefined, 'not for the day already begun');
  } finally {
    await r.cleanup();
  }
});
