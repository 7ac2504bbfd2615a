/**
 * `echonet-hems meter` end to end: the real CLI process opens one end of a pty pair with serialport;
 * the dongle simulator (fast timings) with a simulated home's meter sits on the other end.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPtyPair, PTY_SKIP_REASON, type PtyPair } from '../../helpers/pty.js';
import { runCli } from '../../helpers/cli.js';
import { startDongleSimulator, type DongleSimulator } from '../../../src/sim/dongle/index.js';
import { SimulatedHome } from '../../../src/sim/home.js';
import { systemClock } from '../../../src/util/clock.js';

const skip = PTY_SKIP_REASON;
const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'SECRETPASS12';
const dir = mkdtempSync(join(tmpdir(), 'hems-meter-cli-'));
const passwordFile = join(dir, 'password');
const cacheDir = join(dir, 'cache');
writeFileSync(passwordFile, `${PASSWORD}\n`);
let pty: PtyPair;
let dongle: DongleSimulator;
let home: SimulatedHome;

before(async () => {
  if (skip) return;
  pty = await createPtyPair();
  home = new SimulatedHome({ clock: systemClock, seed: 3 });
  dongle = startDongleSimulator({ path: pty.donglePath, family: 'single-hop', timing: 'fast', credentials: { id: ID, password: PASSWORD }, meter: home, clock: systemClock });
});

after(async () => {
  await dongle?.stop();
  await pty?.close();
});

const read = (...extra: string[]) => runCli(['meter', 'read', '--port', pty.hostPath, '--id', ID, '--password-file', passwordFile, '--cache-dir', cacheDir, '--json', ...extra]);

test('meter read --json joins, reads the meter and prints the documented fields', { skip }, async () => {
  const r = await read();
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const truth = home.meter();
  for (const key of ['power_w', 'current_r_a', 'current_t_a', 'bought_kwh', 'sold_kwh']) assert.ok(key in json, key);
  assert.equal(typeof json.power_w, 'number');
  assert.ok(Math.abs(json.power_w - truth.powerW) < 1500, `power ${json.power_w} vs ${truth.powerW}`);
  assert.ok(Math.abs(json.bought_kwh - truth.boughtKwh) < 1, `bought ${json.bought_kwh} vs ${truth.boughtKwh}`);
  assert.ok(Math.abs(json.sold_kwh - truth.soldKwh) < 1, `sold ${json.sold_kwh} vs ${truth.soldKwh}`);
  assert.equal(dongle.counters.scans >= 1, true, 'first run scans');
});

test('a second meter read uses the cached PAN and does not scan', { skip }, async () => {
  const scans = dongle.counters.scans;
  const r = await read();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(dongle.counters.scans, scans);
});

test('a wrong password fails with a clear message that never shows the secret', { skip }, async () => {
  const wrong = join(dir, 'wrong');
  writeFileSync(wrong, 'WRONGPASS999\n');
  const r = await runCli(['meter', 'read', '--port', pty.hostPath, '--id', ID, '--password-file', wrong, '--cache-dir', join(dir, 'other'), '--json', '--debug'], { timeoutMs: 120_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /password|rejected|credentials/i);
  assert.doesNotMatch(r.stderr + r.stdout, /WRONGPASS999|SECRETPASS12/);
  assert.doesNotMatch(r.stderr + r.stdout, new RegExp(ID, 'i'));
});
