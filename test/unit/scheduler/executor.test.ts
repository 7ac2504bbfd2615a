import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, DEFAULT_EXECUTOR_SETTINGS, Executor, type Step } from '../../../src/scheduler/executor.js';
import { ManualClock } from '../../../src/util/clock.js';
import { device, FakeHome } from '../../helpers/scheduler-home.js';

const T0 = Date.parse('2026-05-12T10:00:00+09:00');
const MIN = 60_000;
/** A want's reason in both languages (the Japanese marked so a test can tell them apart). */
const said = (text: string) => ({ text, textJa: `${text}（和）` });
const ON = { kind: 'on', reason: said('surplus 2.4 kWh') } as const;
const RELEASE = { kind: 'release', reason: said('nothing planned') } as const;

function rig(enabled: string[] = ['water-heater', 'ev-charger', 'battery']) {
  const clock = new ManualClock(T0);
  const home = new FakeHome(clock);
  home.add(device('eco', 'water-heater', { heatingMode: 'automatic' }, T0));
  home.add(device('ev', 'ev-charger', { operationMode: 'standby', vehicle: 'chargeable' }, T0));
  home.add(device('bat', 'battery', { operationMode: 'automatic' }, T0));
  const executor = new Executor(home, clock, enabled);
  return { clock, home, executor };
}

const codes = (steps: Step[]) => Object.fromEntries(steps.map((s) => [s.identity, s.code]));

test('turns heating on, confirms it, keeps it, and hands it back on release', async () => {
  const { home, executor } = rig();
  const first = await executor.apply({ ecocute: ON });
  assert.deepEqual(codes(first), { eco: 'write', ev: 'in-state', bat: 'in-state' });
  assert.match(first[0]!.text, /EcoCute: set manual_heating \(surplus 2\.4 kWh\): confirmed by the device/);
  assert.deepEqual(home.writes.map((w) => w.value), ['manual_heating']);
  assert.equal(codes(await executor.apply({ ecocute: ON })).eco, 'in-state');
  assert.deepEqual(executor.held().map((h) => h.value), ['manual_heating']);
  assert.equal(codes(await executor.apply({ ecocute: RELEASE })).eco, 'write');
  assert.deepEqual(home.writes.map((w) => w.value), ['manual_heating', 'automatic']);
  assert.deepEqual(executor.held(), []);
});

test('every step is said in Japanese too, in the units\' own words, with the want\'s Japanese reason', async () => {
  const { executor } = rig();
  const [eco] = await executor.apply({ ecocute: ON });
  assert.equal(eco!.textJa, 'エコキュート：沸き増しに設定（surplus 2.4 kWh（和））：機器で確認しました');
  const [, ev] = await executor.apply({ ecocute: ON, ev: ON });
  assert.equal(ev!.textJa, 'EV充電器：充電に設定（surplus 2.4 kWh（和））：機器で確認しました');
  for (const s of await executor.apply({ ecocute: ON, ev: ON })) assert.doesNotMatch(s.textJa, /already|set |manual_heating|charge\b/);
});

test('a device the user did not enable is never touched', async () => {
  const { home, executor } = rig(['water-heater']);
  const steps = await executor.apply({ ev: ON, battery: { kind: 'mode', mode: 'charge', reason: said('warning') } });
  assert.deepEqual(codes(steps), { eco: 'in-state', ev: 'not-enabled', bat: 'not-enabled' });
  assert.match(steps[1]!.text, /not enabled .* never touched/);
  assert.deepEqual(home.writes, []);
});

test('only what the scheduler started is stopped: the owner\'s own heating is left on', async () => {
  const { home, executor } = rig();
  home.update('eco', { heatingMode: 'manual_heating' });
  const steps = await executor.apply({ ecocute: RELEASE });
  assert.equal(codes(steps).eco, 'not-ours');
  assert.match(steps[0]!.text, /manual_heating was not started by the scheduler; left as it is/);
  assert.deepEqual(home.writes, []);
});

test('an override by someone else backs off for the configured time, says until when, then resumes', async () => {
  const { clock, home, executor } = rig();
  await executor.apply({ ev: ON });
  clock.advance(5 * MIN);
  home.update('ev', { operationMode: 'standby' }); // the owner stops charging in the maker's app
  const override = await executor.apply({ ev: ON });
  assert.equal(codes(override).ev, 'override');
  assert.match(override[1]!.text, /changed to standby by someone else .* after we set charge; leaving it alone until 12:05/);
  assert.deepEqual(executor.backoffs().map((b) => b.identity), ['ev']);
  clock.advance(DEFAULT_EXECUTOR_SETTINGS.backoffMs - MIN);
  const waiting = await executor.apply({ ev: ON });
  assert.equal(codes(waiting).ev, 'backing-off');
  assert.match(waiting[1]!.text, /was changed to standby by someone else; leaving it alone until 12:05/);
  assert.equal(home.writes.length, 1);
  clock.advance(2 * MIN);
  assert.equal(codes(await executor.apply({ ev: ON })).ev, 'write');
  assert.equal(home.writes.length, 2);
});

test('a reading from a poll that crossed our write is not an override', async () => {
  const { clock, home, executor } = rig();
  await executor.apply({ ev: ON });
  clock.advance(10_000);
  home.update('ev', { operationMode: 'standby' }); // polled before the write landed
  assert.equal(codes(await executor.apply({ ev: ON })).ev, 'write');
});

test('a full tank ending manual heating is said as such', async () => {
  const { clock, home, executor } = rig();
  await executor.apply({ ecocute: ON });
  clock.advance(40 * MIN);
  home.update('eco', { heatingMode: 'automatic' });
  const steps = await executor.apply({ ecocute: ON });
  assert.match(steps[0]!.text, /by the unit itself \(a full tank ends manual heating\) or by someone else/);
});

test('a refused write is reported with its reason and retried after the retry time', async () => {
  const { clock, home, executor } = rig();
  home.refuse.set('bat', 'the battery did not take the new value');
  const failed = await executor.apply({ battery: { kind: 'mode', mode: 'charge', reason: said('x') } });
  assert.equal(codes(failed).bat, 'failed');
  assert.match(failed[2]!.text, /failed \(the battery did not take the new value\); trying again at 10:05/);
  clock.advance(MIN);
  assert.equal(codes(await executor.apply({ battery: { kind: 'mode', mode: 'charge', reason: said('x') } })).bat, 'retry-wait');
  home.refuse.clear();
  clock.advance(5 * MIN);
  assert.equal(codes(await executor.apply({ battery: { kind: 'mode', mode: 'charge', reason: said('x') } })).bat, 'write');
});

test('the battery goes back to the mode it had before the scheduler changed it', async () => {
  const { home, executor } = rig();
  home.update('bat', { operationMode: 'discharge' });
  await executor.apply({ battery: { kind: 'mode', mode: 'charge', reason: said('warning') } });
  await executor.apply({ battery: { kind: 'mode', mode: 'standby', reason: said('hold') } });
  await executor.apply({});
  assert.deepEqual(home.writes.map((w) => w.value), ['charge', 'standby', 'discharge']);
});

test('offline devices and devices whose Set map refuses the command are skipped with a reason', () => {
  const now = T0;
  const offline = device('ev', 'ev-charger', { operationMode: 'standby' }, now, false);
  const noSet = { ...device('eco', 'water-heater', { heatingMode: 'automatic' }, now), commands: new Set() } as typeof offline;
  const { steps } = decide({ now, wants: { ev: ON, ecocute: ON }, devices: [offline, noSet], enabled: ['ev', 'eco'], memory: new Map(), settings: DEFAULT_EXECUTOR_SETTINGS });
  assert.deepEqual(steps.map((s) => s.code), ['offline', 'not-settable']);
  assert.match(steps[0]!.text, /not answering; nothing sent \(surplus 2\.4 kWh\)/);
  assert.match(steps[1]!.text, /do not allow this to be changed over the network/);
});

test("'leave' forgets the device, so its own ending is not taken for an override", () => {
  const now = T0;
  const eco = device('eco', 'water-heater', { heatingMode: 'manual_heating' }, now);
  const memory = new Map([['eco', { set: { value: 'manual_heating', at: now - 10 * MIN } }]]);
  const r = decide({ now, wants: { ecocute: { kind: 'leave', reason: said('topped up for the warning') } }, devices: [eco], enabled: ['eco'], memory, settings: DEFAULT_EXECUTOR_SETTINGS });
  assert.equal(r.steps[0]!.code, 'left');
  assert.equal(r.memory.has('eco'), false);
});

test('a device that goes by itself where the scheduler wants it anyway is not an override', async () => {
  const { clock, home, executor } = rig();
  await executor.apply({ ev: ON });
  clock.advance(5 * MIN);
  home.update('ev', { operationMode: 'standby', vehicle: 'not_connected' }); // unplugged: the charger stops itself
  const steps = await executor.apply({ ev: { kind: 'release', reason: said('the car is away') } });
  assert.equal(codes(steps).ev, 'in-state');
  assert.deepEqual(executor.backoffs(), []);
  assert.deepEqual(executor.held(), []);
  assert.equal(home.writes.length, 1);
});

test('a charger that takes a charging power gets the plan\'s, set before charging starts and changed alone later', async () => {
  const clock = new ManualClock(T0);
  const home = new FakeHome(clock);
  home.add(device('ev', 'ev-charger', { operationMode: 'standby', vehicle: 'chargeable' }, T0, true, ['ev-charging', 'ev-charge-power']));
  const executor = new Executor(home, clock, ['ev-charger']);
  const [start] = await executor.apply({ ev: { ...ON, kw: 2.44 } });
  assert.deepEqual(home.writes.map((w) => w.value), ['2400 W', 'charge'], 'the power first, then charging');
  assert.equal(start!.text, 'EV charger: set charge at 2.4 kW (surplus 2.4 kWh): confirmed by the device');
  assert.equal(start!.textJa, 'EV充電器：充電に設定（2.4 kW）（surplus 2.4 kWh（和））：機器で確認しました');
  clock.advance(MIN);
  assert.equal(codes(await executor.apply({ ev: { ...ON, kw: 2.41 } })).ev, 'in-state', 'the same power in 100 W steps: nothing sent');
  const [lower] = await executor.apply({ ev: { ...ON, kw: 1.5 } });
  assert.equal(lower!.text, 'EV charger: charging power set to 1.5 kW (surplus 2.4 kWh): confirmed by the device');
  assert.deepEqual(home.writes.map((w) => w.value), ['2400 W', 'charge', '1500 W']);
  await executor.apply({ ev: RELEASE });
  assert.deepEqual(home.writes.map((w) => w.value).at(-1), 'standby');
  assert.deepEqual(executor.held(), []);
});

test('a charger whose power cannot be set is switched on and off only, and the step says so', async () => {
  const { home, executor } = rig(['ev-charger']);
  const [, ev] = await executor.apply({ ev: { ...ON, kw: 2.4 } });
  assert.deepEqual(home.writes.map((w) => w.value), ['charge']);
  assert.match(ev!.text, /^EV charger: set charge; its charging power cannot be set over the network, so it is only switched on and off \(surplus 2\.4 kWh\)/);
  assert.match(ev!.textJa, /この充電器は充電電力をネットワークから設定できないため、入・切のみで制御します/);
});

test('the owner\'s own charging keeps its power: only charging the scheduler runs is turned up or down', async () => {
  const clock = new ManualClock(T0);
  const home = new FakeHome(clock);
  home.add(device('ev', 'ev-charger', { operationMode: 'charge', vehicle: 'chargeable' }, T0, true, ['ev-charging', 'ev-charge-power']));
  const executor = new Executor(home, clock, ['ev-charger']);
  const [ev] = await executor.apply({ ev: { ...ON, kw: 2.4 } });
  assert.equal(ev!.code, 'in-state');
  assert.deepEqual(home.writes, []);
});
