/**
 * `echonet-hems demo` as a newcomer runs it, inside a network namespace with only `lo` (the demo advertises
 * over mDNS and multicasts ECHONET Lite, which must not reach the machine's interfaces), on a fresh
 * temporary --storage, at its own 30x speed from a Sunday 10:30 JST (--start; the car is at home and the
 * midday surplus is near). It checks that:
 *  - the startup says what to do: the setup code, MQTT, where the plan shows;
 *  - the empty store gets the simulated home's own history, said to be simulated;
 *  - AI solar charge therefore plans on the first simulated day and acts on the surplus (a device switched
 *    with a surplus reason, confirmed by the device), in the log and in the retained MQTT status;
 *  - a store that already has recorded half-hours is left as it was.
 * Homebridge loads a private build of the plugin (--plugin-dir), so the demo does not rebuild dist/ under
 * anyone else.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchedulerStatus } from '../../../src/scheduler/service.js';
import { History, storeDirectory } from '../../../src/store/history.js';
import { silentLogger } from '../../../src/util/log.js';
import { parseJstLocal } from '../../../src/util/jst.js';
import { createLoopbackNamespace, execIn, NETNS_SKIP_REASON, spawnIn, type InNamespace, type LoopbackNamespace } from '../../helpers/netns.js';
import { buildPluginCopy } from '../../helpers/plugin-build.js';
import { PTY_SKIP_REASON } from '../../helpers/pty.js';
import { runCli } from '../../helpers/cli.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
/** Sunday 17 May 2026, 10:30 JST: a long sunny day, the car at home, noon 3 real minutes away. */
const START = '2026-05-17T10:30';
const STATUS_TOPIC = 'echonet-hems/scheduler/status';
const DAY_MS = 86_400_000;
const skip = NETNS_SKIP_REASON ?? PTY_SKIP_REASON;

let ns: LoopbackNamespace | undefined;
let plugin: { dir: string; remove(): void } | undefined;
const dirs: string[] = [];

before(async () => {
  if (skip) return;
  plugin = buildPluginCopy('demo');
  ns = await createLoopbackNamespace();
});

after(async () => {
  if (ns) {
    // a demo killed mid-way would leave its Homebridge child in the namespace: nothing may outlive the test
    const pids = spawnSync('ip', ['netns', 'pids', ns.ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    await ns.cleanup();
  }
  plugin?.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function storage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'demo-test-'));
  dirs.push(dir);
  return dir;
}

function startDemo(store: string): InNamespace {
  return spawnIn(ns!.ns, process.execPath, ['--import', 'tsx', MAIN, 'demo', '--storage', store, '--start', START, '--plugin-dir', plugin!.dir]);
}

/** Stops the demo as Ctrl-C would (it stops Homebridge and the simulators itself) and waits for it. */
async function stopDemo(demo: InNamespace): Promise<void> {
  if (demo.child.exitCode !== null || demo.child.signalCode !== null) return;
  const exited = new Promise((r) => demo.child.once('exit', r));
  demo.child.kill('SIGINT');
  const killer = setTimeout(() => demo.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

/** The first output line matching `pattern`, waiting up to timeoutMs (lines before the call count too). */
async function line(demo: InNamespace, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = demo.output().split('\n').find((l) => pattern.test(l));
    if (found !== undefined) return found;
    if (demo.child.exitCode !== null) assert.fail(`the demo exited (${demo.child.exitCode}) before printing ${pattern}:\n${demo.output()}`);
    if (Date.now() > deadline) assert.fail(`no line matching ${pattern} within ${timeoutMs} ms:\n${demo.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The retained scheduler status on the demo's embedded broker, read from inside the namespace. */
async function retainedStatus(): Promise<SchedulerStatus> {
  const script = `
    import mqtt from 'mqtt';
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
    const timer = setTimeout(() => process.exit(2), 5000);
    client.on('message', (_topic, payload) => { process.stdout.write(payload.toString('utf8')); clearTimeout(timer); client.end(true, () => process.exit(0)); });
    await client.subscribeAsync('${STATUS_TOPIC}');
  `;
  const r = await execIn(ns!.ns, process.execPath, ['--input-type=module', '-e', script]);
  assert.equal(r.code, 0, `no retained ${STATUS_TOPIC}: ${r.stderr}`);
  return JSON.parse(r.stdout) as SchedulerStatus;
}

test('the demo seeds an empty store with simulated history, and AI solar charge plans and acts on the first simulated day', { skip, timeout: 150_000 }, async (t) => {
  const store = storage();
  const demo = startDemo(store);
  t.after(() => stopDemo(demo));

  assert.match(await line(demo, /\[demo\] usage history: /, 30_000), /the store had none, so it now holds 28 days of SIMULATED history/);
  assert.match(await line(demo, /\[demo\] simulated time: /, 5000), /10:30 JST on Sunday 2026-05-17, 30x .*plugin on this clock too/);
  assert.match(await line(demo, /\[demo\] ready to pair/, 30_000), /setup code 031-45-154 \(HAP port \d+\)/);
  assert.match(await line(demo, /\[demo\] MQTT: /, 5000), /mqtt:\/\/127\.0\.0\.1:1883/);
  assert.match(await line(demo, /\[demo\] AI solar charge: /, 5000), /echonet-hems\/scheduler\/status/);

  // the seeded weeks pass the data condition: the first plan is a real one, not a wait for usage data
  const plan = await line(demo, /\[AI solar charge\] plan: new plan \(/, 60_000);
  assert.match(plan, /new plan \((optimal|relax-and-fix), \d+ ms\): expected net cost -?\d+ yen/);
  // and it acts on the surplus: a device switched for it, with the reason and the device's confirmation
  const act = await line(demo, /\[AI solar charge\] (EcoCute|EV charger): set (manual_heating|charge)/, 60_000);
  assert.match(act, /solar surplus is forecast in this half-hour; selling it earns 8\.5 yen.*confirmed by the device/);
  t.diagnostic(plan);
  t.diagnostic(act);

  const status = await retainedStatus();
  assert.equal(status.enabled, true);
  for (const device of status.gates) assert.equal(device.allowed, true, `${device.device}: ${JSON.stringify(device.gates.filter((g) => !g.passed))}`);
  const usage = status.gates.flatMap((d) => d.gates).find((g) => g.code === 'usage-data');
  assert.match(usage?.message ?? '', /^\d+ sunny holidays of usage recorded \(5 needed\)\.$/);
  assert.ok(status.plan, 'the status carries the plan');
  // the rest of the day's plan, as MQTT carries it: a surplus run with its reason in both languages
  const runs = status.plan.next.flatMap((d) => [...(d.ecocute?.heat ? [d.ecocute.reason] : []), ...(d.ev && d.ev.kw > 0 ? [d.ev.reason] : [])]);
  const bySurplus = runs.filter((r) => r.code.includes('surplus'));
  assert.ok(bySurplus.length > 0, `no surplus run in the plan: ${JSON.stringify(runs)}`);
  for (const r of bySurplus) {
    assert.match(r.text, /\d\.\d kWh solar surplus is forecast/);
    assert.match(r.textJa ?? '', /余剰/);
  }
});

test('a store with recorded half-hours gets no simulated history', { skip, timeout: 60_000 }, async (t) => {
  const store = storage();
  // one recorded half-hour five days before the start, as a store that has run before has (the meter's
  // back-fill only reaches two days back)
  const recorded = parseJstLocal(`${START.slice(0, 10)}T12:00`)! - 5 * DAY_MS;
  const before = await History.open({ dir: storeDirectory(store), log: silentLogger });
  await before.recordSlot({ start: recorded, kwh: { bought: 1.234, sold: 0, generated: 0 } });
  await before.settled();

  const demo = startDemo(store);
  t.after(() => stopDemo(demo));
  assert.match(await line(demo, /\[demo\] usage history: /, 30_000), /has recorded half-hours in the 28 days before the start already, so no simulated history is added/);
  await line(demo, /\[demo\] ready to pair/, 30_000);
  await stopDemo(demo);

  const history = await History.open({ dir: storeDirectory(store), log: silentLogger });
  const slots = await history.slots(recorded - 30 * DAY_MS, recorded + 2 * DAY_MS);
  assert.deepEqual(
    slots.map((s) => [s.start, s.kwh.bought]),
    [[recorded, 1.234]],
  );
});

test('a --storage that holds a real Homebridge config.json is refused before anything starts, and left as it was', async (t) => {
  const storage = mkdtempSync(join(tmpdir(), 'hems-demo-foreign-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));
  const config = JSON.stringify({ bridge: { name: 'Homebridge 1A2B', username: '0E:11:22:33:44:55', pin: '123-45-678' }, platforms: [] });
  writeFileSync(join(storage, 'config.json'), config);
  const run = await runCli(['demo', '--storage', storage]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /is not the demo's .*would replace it.*empty folder/);
  assert.equal(readFileSync(join(storage, 'config.json'), 'utf8'), config);
});
