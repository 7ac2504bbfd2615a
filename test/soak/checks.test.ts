/** The soak's plan and checks on made-up data: each check must fail on what it is there to catch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionProblems, historyProblems, logProblems, type StoreAtEnd } from './checks.js';
import { FAULTS } from './faults.js';
import { rssTrend } from './memory.js';
import { planFaults, stepsOf, type Episode } from './plan.js';

const HALF_HOUR = 1_800_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 9, 15);

function store(slotKwh: (i: number) => number | undefined, n = 4): StoreAtEnd {
  const meter: StoreAtEnd['meter'] = {};
  for (let i = 0; i <= n; i++) meter[T0 + i * HALF_HOUR] = { boughtKwh: 100 + i * 0.5, soldKwh: 50 };
  const slots = [];
  for (let i = 0; i < n; i++) {
    const kwh = slotKwh(i);
    if (kwh !== undefined) slots.push({ start: T0 + i * HALF_HOUR, kwh: { bought: kwh, sold: 0 }, grid: 'meter' as const });
  }
  return { slots, meterRecords: [], decisions: [], meter };
}

test('the history check wants every half-hour, equal to the meter', () => {
  assert.deepEqual(historyProblems(store(() => 0.5), T0, T0 + 4 * HALF_HOUR), []);
  assert.match(historyProblems(store((i) => (i === 2 ? undefined : 0.5)), T0, T0 + 4 * HALF_HOUR).join(), /no grid energy/);
  assert.match(historyProblems(store((i) => (i === 1 ? 0.4 : 0.5)), T0, T0 + 4 * HALF_HOUR).join(), /bought 0.4 kWh in the history, the meter says 0.5/);
});

const entry = (at: number, about: string, code: string, text = '') => ({ at, decision: { about, code, text } });

test('a write that takes a device over while its gates are closed is a problem; a hand-back is not', () => {
  const decisions = [
    entry(1, 'ev', 'gate-closed'),
    entry(2, 'ev', 'write', 'EV charger: set standby (blocked)'),
    entry(3, 'ev', 'write', 'EV charger: set charge (surplus)'),
    entry(4, 'ev', 'gate-open'),
    entry(5, 'ev', 'write', 'EV charger: set charge (surplus)'),
  ];
  const result = decisionProblems(decisions, []);
  assert.equal(result.writes, 3);
  assert.equal(result.problems.length, 1);
  assert.match(result.problems[0]!, /set charge/);
  // the verdict before a disk-full window may be stale: not judged
  assert.deepEqual(decisionProblems(decisions.slice(0, 3), [{ start: 1.5, end: 2.5 }]).problems, []);
});

test('the log check wants a line per unmasked episode and no unhandled error', () => {
  const silent: Episode = { kind: 'devices-silent', index: 0, start: 0, end: 10 };
  const line = 'Solar is not answering, shown as "No Response" until it does';
  const shadow = { killMs: 5, recoveryMs: 0 };
  assert.deepEqual(logProblems(line, [silent], shadow), []);
  assert.match(logProblems('', [silent], shadow).join(), /devices-silent: injected 1/);
  // a SIGKILL shortly before hides the episode
  assert.deepEqual(logProblems('', [silent, { kind: 'homebridge-kill', index: 0, start: -3, end: -3 }], shadow), []);
  assert.match(logProblems(`${line}\nUnhandled rejection: boom`, [silent], shadow).join(), /unhandled errors/);
  // an expiry 2 ms after a replug: masked while the plugin rejoins (recoveryMs), seen after that
  const expiry: Episode = { kind: 'session-expiry', index: 0, start: 12, end: 12 };
  const unplug: Episode = { kind: 'dongle-unplug', index: 0, start: 0, end: 10 };
  assert.deepEqual(logProblems('', [expiry, unplug], { killMs: 0, recoveryMs: 5 }).filter((p) => p.startsWith('session')), []);
  assert.match(logProblems('', [expiry, unplug], { killMs: 0, recoveryMs: 1 }).join(), /session-expiry: injected 1 time\(s\) \(1 unmasked\)/);
});

test('memory: flat passes, a steady climb fails, too few samples fail', () => {
  const samples = (f: (i: number) => number, n = 200) => Array.from({ length: n }, (_, i) => ({ pid: 7, rssMb: f(i) }));
  assert.equal(rssTrend(samples((i) => 200 + (i % 5))).problem, undefined);
  assert.match(rssTrend(samples((i) => 200 + i)).problem ?? '', /memory grew/);
  assert.match(rssTrend(samples(() => 200, 10)).problem ?? '', /only 8 RSS samples/);
  // an earlier process (before a SIGKILL) does not count
  assert.equal(rssTrend([...samples((i) => 100 + i).map((s) => ({ ...s, pid: 6 })), ...samples(() => 200)]).problem, undefined);
});

test('the plan: reproducible by seed, one kind never overlaps itself, SIGKILLs in the first half', () => {
  const period = 3 * DAY;
  const plan = planFaults(42, period, 0.5);
  assert.deepEqual(planFaults(42, period, 0.5), plan);
  assert.notDeepEqual(planFaults(43, period, 0.5), plan);
  for (const kind of Object.keys(FAULTS)) {
    const own = plan.filter((e) => e.kind === kind).sort((a, b) => a.start - b.start);
    assert.ok(own.length >= 3, kind);
    for (let i = 1; i < own.length; i++) assert.ok(own[i]!.start > own[i - 1]!.end, `${kind} overlaps itself`);
  }
  assert.ok(plan.filter((e) => e.kind === 'homebridge-kill').every((e) => e.start < period / 2));
  const steps = stepsOf(plan);
  assert.ok(steps.every((s, i) => i === 0 || s.at >= steps[i - 1]!.at));
  assert.equal(steps.filter((s) => s.action === 'clear').length, plan.filter((e) => FAULTS[e.kind].clear).length);
});
