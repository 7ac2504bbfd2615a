/**
 * The energy dashboard in a real browser against the simulated home: the ECHONET emulator and a process
 * doing what the platform does (home model over ECHONET Lite, history, startStatusPublisher) share a
 * network namespace; the UI server reads the status file they write. The page must show that file's
 * numbers, and the file's live powers must match the emulator's true state.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, FrameLocator } from 'playwright-core';
import { createLoopbackNamespace, spawnIn, type InNamespace, type LoopbackNamespace } from '../helpers/netns.js';
import { EmulatorProcess } from '../helpers/emulator-process.js';
import { statusFilePath, type UiStatus } from '../../src/ui-status/index.js';
import { startUiHost, type UiHost } from './ui-host.js';
import { parseConfig } from '../../src/config.js';
import type { Home } from '../../src/home/index.js';
import { Runtime } from '../../src/runtime.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { ScriptedHome } from '../helpers/mqtt.js';
import { RECORDED_ISSUED_AT, startJmaServer } from '../helpers/jma-server.js';
import { buildUi, launchBrowser, openPage, readSchema, screenshot, UI_SKIP_REASON, VIEWPORTS } from './ui-support.js';

const skip = UI_SKIP_REASON;
const STATUS_MAIN = fileURLToPath(new URL('./ui-status-main.ts', import.meta.url));
const CONFIG = [{ platform: 'EchonetHems', name: 'ECHONET HEMS', echonet: { interface: '127.0.0.1' } }];

interface Truth {
  flows: { gridW: number; solarW: number; batteryW: number; evW: number; waterHeaterW: number };
  tank: { tankTempC: number; remainingL: number; heating: boolean };
  ev: { socPct: number };
  battery: { socPct: number };
}

let build: ReturnType<typeof buildUi>;
let space: LoopbackNamespace;
let emulator: EmulatorProcess;
let writer: InNamespace;
let host: UiHost;
let browser: Browser;
let storage: string;
let layout: { backfill: number[]; missing: number[] };

before(async () => {
  if (skip) return;
  build = buildUi();
  storage = mkdtempSync(join(tmpdir(), 'hems-ui-dashboard-'));
  space = await createLoopbackNamespace();
  emulator = await EmulatorProcess.start(space.ns, ['--address', '127.0.0.2', '--interface', '127.0.0.1', '--seed', '3']);
  writer = spawnIn(space.ns, process.execPath, ['--import', 'tsx', STATUS_MAIN, storage, '127.0.0.1', '127.0.0.2']);
  ({ layout } = JSON.parse(await writer.nextLine((l) => l.includes('"ready":true'), 60_000)) as { layout: typeof layout });
  host = await startUiHost({ uiDir: build.uiDir, storagePath: storage, config: CONFIG, schema: readSchema() });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await space?.cleanup();
  if (storage) rmSync(storage, { recursive: true, force: true });
  build?.cleanup();
});

test('the dashboard shows the status file, and the file matches the emulator', { skip, timeout: 120_000 }, async () => {
  // hold the file still, and read the emulator's truth at the same moment
  const frozen = writer.nextLine((l) => l.includes('"frozen":true'));
  writer.child.stdin!.write('freeze\n');
  await frozen;
  const { state } = await emulator.command<{ state: Truth }>({ cmd: 'state' });
  const status = JSON.parse(readFileSync(statusFilePath(storage), 'utf8')) as UiStatus;

  // the file against the emulator: the readings are at most a poll (1 s) old
  const near = (a: number | null | undefined, b: number, tolerance: number, what: string) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= tolerance, `${what}: status ${a} vs emulator ${b}`);
  near(status.flow.solarW, state.flows.solarW, Math.max(150, 0.15 * state.flows.solarW), 'solar W');
  near(status.flow.gridW, state.flows.gridW, 600, 'grid W');
  near(status.flow.battery?.socPct, state.battery.socPct, 2, 'battery SoC');
  near(status.flow.ev?.socPct, state.ev.socPct, 2, 'EV SoC');
  near(status.flow.ecocute?.tankTempC, state.tank.tankTempC, 1.5, 'tank temperature');
  // the emulated EcoCute measures its heat pump's draw (84): the file has its watts, and the home figure is without them
  near(status.flow.ecocute?.w, state.flows.waterHeaterW, 0, 'EcoCute W');
  assert.equal(status.flow.ecocute?.heating, state.tank.heating);
  assert.equal(status.flow.homeW, Math.round(status.flow.gridW! + status.flow.solarW! - status.flow.battery!.w! - status.flow.ev!.w! - status.flow.ecocute!.w!));
  assert.equal(status.devices.length, 5);
  assert.equal(status.completeness.backfill, layout.backfill.length);
  assert.equal(status.completeness.missing, layout.missing.length);

  const { page, requests, errors } = await openPage(browser, VIEWPORTS.phone, 'en-GB');
  await page.goto(host.url);
  const ui = page.frameLocator('#plugin');
  await ui.getByTestId('flow').waitFor();

  // the page against the file
  near(watts(await tile(ui, 'solar')), status.flow.solarW ?? NaN, 50, 'solar tile');
  near(watts(await tile(ui, 'grid')), Math.abs(status.flow.gridW ?? NaN), 50, 'grid tile');
  near(watts(await tile(ui, 'home')), status.flow.homeW ?? NaN, 50, 'home tile');
  assert.match(await ui.getByTestId('flow-grid').textContent() ?? '', status.flow.gridW! > 0 ? /buying/ : status.flow.gridW! < 0 ? /selling/ : /idle/);
  assert.match(await ui.getByTestId('flow-battery').textContent() ?? '', new RegExp(`${Math.round(status.flow.battery!.socPct!)}%`));
  assert.match(await ui.getByTestId('flow-ecocute').textContent() ?? '', new RegExp(`tank ${status.flow.ecocute!.tankTempC!.toFixed(1).replace(/\.0$/, '')}℃`));
  near(watts(await tile(ui, 'ecocute')), status.flow.ecocute!.w!, 50, 'EcoCute tile');
  const ecocuteDetail = (await ui.getByTestId('flow-ecocute').locator('.eh-tile-detail').textContent()) ?? '';
  assert.ok(ecocuteDetail.startsWith(status.flow.ecocute!.heating ? 'heating · ' : 'not heating · '), ecocuteDetail);
  assert.match(await ui.getByTestId('flow-home').textContent() ?? '', /without the EcoCute/);

  const cells = await ui.getByTestId('totals-today').locator('td').allTextContents();
  assert.equal(cells[2], `¥${Math.round(status.totals.today.costYen!).toLocaleString('en-GB')}`);
  const monthCells = await ui.getByTestId('totals-lastMonth').locator('td').allTextContents();
  assert.equal(monthCells[0], `${status.totals.lastMonth.boughtKwh.toLocaleString('en-GB', { maximumFractionDigits: 1 })} kWh`);

  assert.equal(await ui.locator('rect[data-mark="backfill"]').count(), layout.backfill.length);
  assert.equal(await ui.locator('rect[data-mark="missing"]').count(), layout.missing.length);
  const c = status.completeness;
  assert.equal(await ui.getByTestId('completeness-text').textContent(), `${c.finished} half-hours so far today: ${c.live} recorded live, ${c.backfill} back-filled from the meter, ${c.missing} missing.`);

  const windows = await ui.getByTestId('plan-window').locator('strong').allTextContents();
  assert.deepEqual(windows, ['10:00–12:00 EcoCute: heat (沸き増し)', '11:00–13:30 EV: charge']);
  assert.match(await ui.getByTestId('gates-battery').textContent() ?? '', /blocked.*not in a mode that follows surplus/);
  assert.match(await ui.getByTestId('weather').textContent() ?? '', /sunny.*10% chance of rain.*rain.*Thunderstorm advisory/);
  assert.match(await ui.getByTestId('warnings').textContent() ?? '', /History is kept for 13 months\..*JMA did not answer: planning with the forecast from 6 hours ago/);
  assert.match(await ui.getByTestId('scheduler').textContent() ?? '', /42 yen better than selling it/);

  await screenshot(page, 'dashboard-phone-en');
  await page.setViewportSize(VIEWPORTS.desktop);
  await screenshot(page, 'dashboard-desktop-en');

  await ui.getByTestId('lang').click();
  await ui.getByText('現在の電力').waitFor();
  assert.match(await ui.getByTestId('weather').textContent() ?? '', /晴れ.*雷注意報/);
  assert.match(await ui.getByTestId('gates-battery').textContent() ?? '', /見送り.*蓄電池が余剰充電に対応する運転モードではありません/);
  assert.match(await ui.getByTestId('warnings').textContent() ?? '', /気象庁から応答がないため/);
  // the plan, its reasons and the steps are the scheduler's Japanese sentences, not its English ones
  assert.equal(await ui.getByTestId('plan-summary').textContent(), '余剰電力でエコキュートを沸き増しし、EVを充電します：売電より42円お得です');
  const reasonsJa = await ui.getByTestId('plan-reason').allTextContents();
  assert.deepEqual(reasonsJa.map((r) => r.split('：')[0]), ['エコキュートを沸き増しします', 'EVを充電します']);
  for (const text of [...reasonsJa, ...(await ui.getByTestId('step').allTextContents())]) assert.doesNotMatch(text, /\b(heating|charging|surplus|selling|yen|the|already)\b/i, text);
  await screenshot(page, 'dashboard-desktop-ja');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'dashboard-phone-ja');

  assert.deepEqual(requests.filter((u) => !u.startsWith(host.url)), [], 'no request leaves the host');
  assert.deepEqual(errors, []);
  await page.context().close();

  // the Homebridge UI in dark mode: the page follows its body class
  const dark = await openPage(browser, VIEWPORTS.desktop, 'en-GB');
  await dark.page.goto(`${host.url}?dark=1`);
  await dark.page.frameLocator('#plugin').getByTestId('flow').waitFor();
  await screenshot(dark.page, 'dashboard-desktop-en-dark');
  await dark.page.context().close();
});

test('while the plugin holds the ECHONET port, the wizard lists the devices the plugin found', { skip, timeout: 60_000 }, async () => {
  // the UI server beside the running "plugin" (the status writer's home model owns 127.0.0.1:3610)
  const beside = await startUiHost({ uiDir: build.uiDir, storagePath: storage, config: CONFIG, schema: readSchema(), netns: space.ns });
  try {
    const { page } = await openPage(browser, VIEWPORTS.phone, 'en-GB');
    await page.goto(beside.url);
    const ui = page.frameLocator('#plugin');
    await ui.getByTestId('tab-setup').click();
    assert.equal(await ui.getByTestId('iface').inputValue(), '127.0.0.1', 'the configured address is preselected');
    await ui.getByTestId('search').click();
    await ui.getByTestId('from-plugin').waitFor({ timeout: 20_000 });
    assert.deepEqual((await ui.getByTestId('device').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort(), ['battery', 'ev-charger', 'meter', 'solar', 'water-heater']);
    await page.context().close();
  } finally {
    await beside.close();
  }
});

test('with AI solar charge off, the weather card shows the forecast area\'s weather and warnings with their issue time', { skip, timeout: 90_000 }, async () => {
  // the recorded Tokyo files, moved by whole days so that they were issued within the last day
  const shiftDays = Math.floor((Date.now() - RECORDED_ISSUED_AT) / 86_400_000);
  const jma = await startJmaServer({ shiftDays });
  const dir = mkdtempSync(join(tmpdir(), 'hems-ui-weather-'));
  const raw = { ...CONFIG[0], scheduler: { enabled: false, forecast: { jma: { office: '130000', area: '130010' }, baseUrl: jma.url } } };
  const parsed = parseConfig(raw);
  assert.ok(parsed.ok && !parsed.config.scheduler, JSON.stringify(parsed));
  // the plugin's runtime itself, on a home with no devices: only the weather matters here
  const runtime = new Runtime({ home: new ScriptedHome() as unknown as Home, config: parsed.config, storagePath: dir, clock: systemClock, log: silentLogger, name: (d) => d.kind });
  const weatherHost = await startUiHost({ uiDir: build.uiDir, storagePath: dir, config: [raw], schema: readSchema() });
  try {
    await runtime.start();
    let status: UiStatus | undefined;
    for (let i = 0; i < 100 && !status?.weather; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        status = JSON.parse(readFileSync(statusFilePath(dir), 'utf8')) as UiStatus;
      } catch {
        // not written yet
      }
    }
    const w = status!.weather!;
    assert.equal(w.issuedAt, RECORDED_ISSUED_AT + shiftDays * 86_400_000);
    assert.ok(w.today && w.tomorrow, JSON.stringify(w));
    assert.equal(status!.scheduler, null);

    const { page, requests, errors } = await openPage(browser, VIEWPORTS.phone, 'en-GB');
    await page.goto(weatherHost.url);
    const ui = page.frameLocator('#plugin');
    const card = ui.getByTestId('weather');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    const pop = (d: { popPercent?: number }) => (d.popPercent === undefined ? '' : `${d.popPercent}% chance of rain`);
    assert.ok(text.includes(`Today${w.today.weatherClass}${pop(w.today)}Tomorrow${w.tomorrow.weatherClass}${pop(w.tomorrow)}`), text);
    assert.match(text, /Heavy rain warning.*(Thunderstorm advisory.*Gale advisory|Gale advisory.*Thunderstorm advisory)/);
    assert.equal(w.warnings.length, 3);
    const issued = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo', hourCycle: 'h23' }).format(w.issuedAt);
    assert.equal(await ui.getByTestId('weather-issued').textContent(), `Forecast issued ${issued} · Source: Japan Meteorological Agency`);
    assert.match(issued, /17:00$/, 'JMA\'s 17:00 report');
    assert.match(await ui.getByTestId('plan-summary').textContent() ?? '', /AI solar charge is not running: it is off in the settings/);
    await screenshot(page, 'dashboard-weather-scheduler-off-phone-en');
    await ui.getByTestId('lang').click();
    await ui.getByText('現在の電力').waitFor();
    assert.match(await ui.getByTestId('weather').textContent() ?? '', /大雨警報/);
    assert.match(await ui.getByTestId('weather-issued').textContent() ?? '', /17:00発表の予報 · 出典：気象庁ホームページ$/);
    assert.deepEqual(requests.filter((u) => !u.startsWith(weatherHost.url)), [], 'the page itself asks JMA nothing');
    assert.deepEqual(errors, []);
    await page.context().close();
  } finally {
    await runtime.stop();
    await weatherHost.close();
    await jma.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a status file the dashboard says what to do', { skip, timeout: 60_000 }, async () => {
  const empty = mkdtempSync(join(tmpdir(), 'hems-ui-empty-'));
  const bare = await startUiHost({ uiDir: build.uiDir, storagePath: empty, config: CONFIG, schema: readSchema() });
  try {
    const { page } = await openPage(browser, VIEWPORTS.phone, 'ja-JP');
    await page.goto(bare.url);
    const notice = page.frameLocator('#plugin').getByTestId('status-missing');
    await notice.waitFor();
    assert.match(await notice.textContent() ?? '', /プラグインからのデータはまだありません/, 'Japanese for a Japanese browser');
    await page.context().close();
  } finally {
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  }
});

async function tile(ui: FrameLocator, key: string): Promise<string> {
  return (await ui.getByTestId(`flow-${key}`).locator('.eh-tile-value').textContent()) ?? '';
}

/** "1.2 kW" -> 1200, "850 W" -> 850. */
function watts(text: string): number {
  const m = /(-?[\d.,]+)\s*(k?)W/.exec(text);
  if (!m) return NaN;
  return Number(m[1]!.replace(/,/g, '')) * (m[2] ? 1000 : 1);
}
