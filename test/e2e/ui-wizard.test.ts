/**
 * The setup wizard in a real browser (Debian chromium via playwright-core), against the simulated home:
 * the dongle simulator on a pty pair (listed to the UI server as a USB dongle), the ECHONET emulator and
 * the UI server inside a network namespace. The wizard must recognise the dongle, show the scan and the
 * join as they happen, pass the meter client's error for a wrong password through, find and name the
 * devices, and save a config that config.schema.json and the plugin's own parser both accept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createLoopbackNamespace, type LoopbackNamespace } from '../helpers/netns.js';
import { EmulatorProcess } from '../helpers/emulator-process.js';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { startDongleSimulator, type DongleSimulator } from '../../src/sim/dongle/index.js';
import { SimulatedHome } from '../../src/sim/home.js';
import { systemClock } from '../../src/util/clock.js';
import { parseConfig } from '../../src/config.js';
import { validateSchedulerConfig } from '../../src/scheduler/config.js';
import { startUiHost, type UiHost } from './ui-host.js';
import { buildUi, launchBrowser, openPage, readSchema, schemaProblems, screenshot, UI_SKIP_REASON, VIEWPORTS } from './ui-support.js';

const skip = UI_SKIP_REASON;
const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'SECRETPASS12';
const USB = { manufacturer: 'ROHM (simulated)', vendorId: '0403', productId: '6015', serialNumber: 'SIMWISUN01' };

let build: ReturnType<typeof buildUi>;
let pty: PtyPair;
let dongle: DongleSimulator;
let space: LoopbackNamespace;
let emulator: EmulatorProcess;
let host: UiHost;
let browser: Browser;
let storage: string;

before(async () => {
  if (skip) return;
  build = buildUi();
  storage = mkdtempSync(join(tmpdir(), 'hems-ui-wizard-'));
  pty = await createPtyPair();
  dongle = startDongleSimulator({ path: pty.donglePath, family: 'single-hop', timing: 'fast', credentials: { id: ID, password: PASSWORD }, meter: new SimulatedHome({ clock: systemClock, seed: 5 }), clock: systemClock });
  const portsFile = join(storage, 'ports.json');
  // the pty as udev would describe a USB dongle, and a built-in UART that is not one
  writeFileSync(portsFile, JSON.stringify([{ path: '/dev/ttyS0' }, { path: pty.hostPath, ...USB }]));
  space = await createLoopbackNamespace();
  emulator = await EmulatorProcess.start(space.ns, ['--address', '127.0.0.2', '--interface', '127.0.0.1', '--seed', '11']);
  host = await startUiHost({ uiDir: build.uiDir, storagePath: storage, config: [], schema: readSchema(), netns: space.ns, env: { ECHONET_HEMS_UI_PORTS_FILE: portsFile } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await space?.cleanup();
  await dongle?.stop();
  await pty?.close();
  if (storage) rmSync(storage, { recursive: true, force: true });
  build?.cleanup();
});

test('the wizard finds the dongle and the devices and saves a valid config', { skip, timeout: 120_000 }, async () => {
  const { page, requests, errors } = await openPage(browser, VIEWPORTS.phone, 'en-GB');
  await page.goto(host.url);
  const ui = page.frameLocator('#plugin');

  // no config yet: the setup opens first, with the dongle recognisable by its USB identity
  const port = ui.getByTestId('port');
  await port.waitFor();
  const options = await port.locator('option').allTextContents();
  assert.equal(options.length, 2, options.join('\n'));
  assert.match(options[0]!, new RegExp(`${pty.hostPath.replace(/[.]/g, '\\.')} · USB 0403:6015 · ROHM \\(simulated\\) · serial SIMWISUN01`));
  assert.match(options[1]!, /\/dev\/ttyS0 · not USB/);
  assert.equal(await port.inputValue(), pty.hostPath, 'the USB dongle is chosen first');

  // a wrong password: the meter client's own message reaches the page
  await ui.getByTestId('broute-id').fill(ID);
  await ui.getByTestId('broute-password').fill('WRONGPASS123');
  await ui.getByTestId('broute-test').click();
  const result = ui.getByTestId('broute-result');
  await result.waitFor({ timeout: 60_000 });
  assert.match(await result.textContent() ?? '', /The test failed: .*rejected by the meter/);

  // the right one: progress lines arrive while it runs, then the meter's reading
  await ui.getByTestId('broute-password').fill(PASSWORD);
  await ui.getByTestId('broute-test').click();
  await ui.getByTestId('broute-result').filter({ hasText: 'The meter answered' }).waitFor({ timeout: 60_000 });
  const progress = await ui.getByTestId('broute-progress').locator('li').allTextContents();
  assert.ok(progress.some((l) => /scanning for the meter/.test(l)), progress.join('\n'));
  assert.ok(progress.some((l) => /joining the meter on channel/.test(l)), progress.join('\n'));
  assert.ok(!progress.some((l) => l.includes(PASSWORD) || l.includes(ID)), 'no secret in the progress lines');
  assert.match(await ui.getByTestId('broute-result').textContent() ?? '', /The meter answered: -?[\d.,]+ k?W now, [\d.,]+ kWh bought in total/);

  // ECHONET Lite: search on the namespace's loopback address, name the solar, leave the battery out
  await ui.getByTestId('iface').selectOption('127.0.0.1');
  await ui.getByTestId('search').click();
  await ui.getByTestId('found').waitFor({ timeout: 20_000 });
  const devices = ui.getByTestId('device');
  assert.equal(await devices.count(), 5);
  assert.deepEqual((await devices.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).sort(), ['battery', 'ev-charger', 'meter', 'solar', 'water-heater']);
  await ui.locator('[data-testid="device"][data-kind="solar"] [data-testid="device-name"]').fill('屋根の太陽光');
  await ui.locator('[data-testid="device"][data-kind="battery"] input[type="checkbox"]').uncheck();

  await ui.getByTestId('purchase-surplus').check();
  await ui.getByTestId('tariff').selectOption('tepco-smartlife-s');
  // the forecast areas come with the page: choosing an office asks the server nothing
  const serverCalls = () => requests.filter((u) => u.includes('/host/request')).length;
  const callsBefore = serverCalls();
  const area = ui.getByTestId('area');
  await ui.getByTestId('office').selectOption('270000');
  assert.deepEqual(await area.locator('option').allTextContents(), ['大阪府 (270000)'], 'Osaka is one area, its own code');
  await ui.getByText('JMA gives this region one forecast area.').waitFor();
  await ui.getByTestId('office').selectOption('130000');
  assert.deepEqual(await area.locator('option').allTextContents(), ['東京地方 (130010)', '伊豆諸島北部 (130020)', '伊豆諸島南部 (130030)', '小笠原諸島 (130040)']);
  assert.equal(await area.inputValue(), '130010', 'the office\'s first area until one is picked');
  await area.selectOption('130030');
  await page.waitForFunction(() => (globalThis as unknown as { currentConfig: () => { scheduler?: { forecast?: { jma?: { area?: string } } } }[] }).currentConfig()[0]?.scheduler?.forecast?.jma?.area === '130030');
  await area.selectOption('130010');
  assert.equal(serverCalls(), callsBefore);
  await screenshot(page, 'wizard-phone-en');
  await page.setViewportSize(VIEWPORTS.desktop);
  await screenshot(page, 'wizard-desktop-en');

  // every choice already reached the Homebridge UI, so its own Save button would keep them too
  await page.waitForFunction(() => (globalThis as unknown as { currentConfig: () => { scheduler?: { forecast?: { jma?: { area?: string } } } }[] }).currentConfig()[0]?.scheduler?.forecast?.jma?.area === '130010');

  await ui.getByTestId('save').click();
  await waitFor(() => host.log.saved.length === 1 && host.log.toasts.length > 0);
  assert.deepEqual(host.log.toasts.map((x) => x.type), ['success']);

  const [block] = host.log.saved[0]!;
  assert.deepEqual(schemaProblems(readSchema().schema, block), []);
  const parsed = parseConfig(block as Record<string, unknown>);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.equal(parsed.config.meter?.serialPort, pty.hostPath);
  assert.equal(parsed.config.meter?.brouteId, ID);
  assert.equal(parsed.config.echonet?.interface, '127.0.0.1');
  assert.equal(parsed.config.purchaseMode, 'surplus');
  const solar = parsed.config.devices.find((d) => d.id.endsWith('/027901'));
  assert.deepEqual(solar && { name: solar.name, hide: solar.hide }, { name: '屋根の太陽光', hide: false });
  assert.equal(parsed.config.devices.find((d) => d.id.endsWith('/027d01'))?.hide, true);
  assert.equal(parsed.config.devices.length, 5);
  assert.deepEqual([block!.tariff, block!.scheduler], [{ preset: 'tepco-smartlife-s' }, { forecast: { jma: { office: '130000', area: '130010' } } }]);
  // what the scheduler reads once AI solar charge is on (the roof's panels are set in the plain form)
  const panels = { latitude: 35.68, longitude: 139.77, arrays: [{ kwp: 4.5 }] };
  const forecast = { ...(block!.scheduler as { forecast: object }).forecast, ...panels };
  const scheduler = validateSchedulerConfig({ ...block, scheduler: { enabled: true, devices: { ecocute: true }, forecast } });
  assert.ok(scheduler.ok && scheduler.config, JSON.stringify(scheduler));
  assert.equal(scheduler.config.tariff.id, 'tepco-smartlife-s');
  assert.deepEqual(scheduler.config.forecast.jma, { office: '130000', area: '130010' });

  // the plain form stays one click away, and what is changed there survives the wizard's next save
  await ui.getByTestId('schema-form').click();
  await waitFor(() => host.log.schemaShown);
  await page.evaluate((b) => (globalThis as unknown as { schemaFormEdit: (x: unknown) => void }).schemaFormEdit([{ ...b, solarLightSensor: true, name: 'My HEMS' }]), block!);
  await ui.getByTestId('tariff').selectOption('kepco-hapie-time-r');
  await ui.getByTestId('save').click();
  await waitFor(() => host.log.saved.length === 2);
  const [again] = host.log.saved[1]!;
  assert.deepEqual([again!.solarLightSensor, again!.name, (again!.tariff as { preset: string }).preset], [true, 'My HEMS', 'kepco-hapie-time-r']);
  assert.deepEqual(schemaProblems(readSchema().schema, again), []);

  // Japanese: the toggle switches every label without losing what was entered
  await ui.getByTestId('lang').click();
  await ui.getByText('1. スマートメーター（Bルート）').waitFor();
  assert.equal(await ui.getByTestId('broute-id').inputValue(), ID);
  await screenshot(page, 'wizard-desktop-ja');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'wizard-phone-ja');

  assert.deepEqual(requests.filter((u) => !u.startsWith(host.url)), [], 'no request leaves the host');
  assert.deepEqual(errors, []);
  await page.context().close();
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the host to see it');
    await new Promise((r) => setTimeout(r, 50));
  }
}
