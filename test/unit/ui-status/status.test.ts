/**
 * The dashboard's status document without a browser: today's series and its marks (live, back-filled
 * from the meter, missing), consumption by purchase mode, costs and month comparisons, plan windows,
 * the file's atomic replacement and the reader's version check. (Pure and fast; it sits beside the
 * browser tests because it pins the document they render.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStatus, readStatus, startStatusPublisher, statusFilePath, writeStatus, type StatusInput } from '../../../src/ui-status/index.js';
import { HALF_HOUR_MS, jstMidnight } from '../../../src/scheduler/calendar.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';
import type { HomeDevice } from '../../../src/home/index.js';
import type { SlotDecision } from '../../../src/scheduler/planner/types.js';
import type { SchedulerStatus } from '../../../src/scheduler/service.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { assertWaitsFor, gate } from '../../helpers/gate.js';

const DAY = jstMidnight({ year: 2026, month: 1, day: 15 });
const NOW = DAY + 5 * HALF_HOUR_MS + 10 * 60_000; // 02:40 JST: five half-hours are over
const tariff = makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!);

function device(kind: HomeDevice['kind'], readings: Record<string, unknown>, online = true): HomeDevice {
  const stamped = Object.fromEntries(Object.entries(readings).map(([k, v]) => [k, { value: v, at: NOW - 1000 }]));
  return { identity: `id-${kind}`, kind, source: 'echonet', online, readings: stamped, offers: new Set(), commands: new Set() } as HomeDevice;
}

const base: StatusInput = {
  now: NOW,
  purchaseMode: 'surplus',
  devices: [],
  slots: [
    { start: DAY, kwh: { bought: 0.4, sold: 0, generated: 0 } },
    { start: DAY + HALF_HOUR_MS, kwh: { bought: 0.3, sold: 0.1, generated: 0.5 } },
  ],
  // slots 2 and 3 only in the meter's memory, read back afterwards; slot 4 nowhere
  meterRecords: [
    { slotStart: DAY + 2 * HALF_HOUR_MS, boughtKwh: 100, soldKwh: 10, source: 'backfill' },
    { slotStart: DAY + 3 * HALF_HOUR_MS, boughtKwh: 100.5, soldKwh: 10, source: 'backfill' },
    { slotStart: DAY + 4 * HALF_HOUR_MS, boughtKwh: 100.7, soldKwh: 10.2, source: 'poll' },
  ],
  tariff,
};

test('today has 48 half-hours marked live, back-filled from the meter, missing or not over yet', () => {
  const st = buildStatus(base);
  assert.equal(st.today.slots.length, 48);
  assert.deepEqual(st.today.slots.slice(0, 6).map((s) => s.mark), ['live', 'live', 'backfill', 'backfill', 'missing', 'future']);
  assert.deepEqual(st.completeness, { finished: 5, live: 2, backfill: 2, missing: 1 });
  assert.deepEqual([st.today.slots[2]!.boughtKwh, st.today.slots[3]!.boughtKwh, st.today.slots[3]!.soldKwh], [0.5, 0.2, 0.2]);
  // surplus purchase: the home used what it bought plus what it generated and did not sell
  assert.equal(st.today.slots[1]!.consumedKwh, 0.7);
  // a back-filled half-hour has no solar figure: selling means its use is unknown, not guessed
  assert.equal(st.today.slots[2]!.consumedKwh, 0.5);
  assert.equal(st.today.slots[3]!.consumedKwh, null);
});

test('a half-hour the store filled from the meter counters (grid: backfill) is marked back-filled, one it made exact (meter) live', () => {
  const st = buildStatus({
    ...base,
    slots: [{ ...base.slots[0]!, grid: 'meter' }, base.slots[1]!, { start: DAY + 2 * HALF_HOUR_MS, kwh: { bought: 0.5, sold: 0 }, grid: 'backfill' }],
    meterRecords: [],
  });
  assert.deepEqual(st.today.slots.slice(0, 4).map((s) => s.mark), ['live', 'live', 'backfill', 'missing']);
  assert.equal(st.today.slots[2]!.boughtKwh, 0.5);
});

test('full purchase (全量買取): the home uses what it buys', () => {
  const st = buildStatus({ ...base, purchaseMode: 'full' });
  assert.equal(st.today.slots[1]!.consumedKwh, 0.3);
});

test('costs and CO2 follow the tariff; this month against the same days of last month', () => {
  const lastMonth = jstMidnight({ year: 2025, month: 12, day: 1 });
  const st = buildStatus({
    ...base,
    slots: [
      ...base.slots,
      { start: lastMonth + 20 * HALF_HOUR_MS, kwh: { bought: 2, sold: 0 } }, // Dec 1, 10:00: day rate
      { start: lastMonth + 30 * 86_400_000, kwh: { bought: 1, sold: 0 } }, // Dec 31: after the same point of the month
      { start: jstMidnight({ year: 2026, month: 1, day: 3 }) + 4 * HALF_HOUR_MS, kwh: { bought: 1, sold: 0 } }, // Jan 3, 02:00: night rate
    ],
  });
  const day = tariff.buyPrice(lastMonth + 20 * HALF_HOUR_MS);
  const night = tariff.buyPrice(DAY + 4 * HALF_HOUR_MS);
  assert.ok(day > night);
  const todayBought = 0.4 + 0.3 + 0.5 + 0.2;
  assert.equal(st.totals.today.boughtKwh, todayBought);
  assert.equal(st.totals.thisMonth.boughtKwh, todayBought + 1);
  assert.equal(st.totals.lastMonthToDate.boughtKwh, 2);
  assert.equal(st.totals.lastMonth.boughtKwh, 3);
  assert.ok(Math.abs(st.totals.lastMonthToDate.costYen! - 2 * day) < 0.01);
  assert.ok(Math.abs(st.totals.lastMonth.co2Kg! - 3 * tariff.co2KgPerKwh) < 0.001);
  assert.deepEqual(st.tariff, { id: 'tepco-smartlife-s', name: tariff.name, nameJa: tariff.nameJa });
  assert.equal(buildStatus({ ...base, tariff: undefined }).totals.today.costYen, null);
});

test('power flow: grid from the meter, home = grid + solar - battery - EV, offline devices left out', () => {
  const st = buildStatus({
    ...base,
    devices: [
      device('meter', { powerW: -800 }),
      device('solar', { powerW: 3000 }),
      device('battery', { powerW: 1000, socPct: 55 }),
      device('ev-charger', { powerW: 0, socPct: 80, vehicle: 'connected' }),
      device('water-heater', { heating: true, tankTempC: 62, remainingHotWaterL: 300 }),
      device('solar', { powerW: 999 }, false),
    ],
  });
  assert.deepEqual(st.flow, {
    at: NOW - 1000,
    gridW: -800,
    solarW: 3000,
    homeW: 1200,
    battery: { w: 1000, socPct: 55 },
    ev: { w: 0, socPct: 80, vehicle: 'connected' },
    ecocute: { w: null, heating: true, tankTempC: 62, remainingHotWaterL: 300 },
  });
  assert.equal(st.devices.length, 6);
});

test('power flow: an EcoCute that measures its draw (84) shows it, and only then is it taken out of the home figure', () => {
  const devices = [device('meter', { powerW: 1500 }), device('solar', { powerW: 0 })];
  const measured = buildStatus({ ...base, devices: [...devices, device('water-heater', { heating: true, powerW: 1180 })] }).flow;
  assert.deepEqual([measured.ecocute?.w, measured.ecocute?.heating, measured.homeW], [1180, true, 320]);
  const unmeasured = buildStatus({ ...base, devices: [...devices, device('water-heater', { heating: true })] }).flow;
  assert.deepEqual([unmeasured.ecocute?.w, unmeasured.homeW], [null, 1500], 'nothing unmeasured is subtracted');
});

test('the plan becomes windows of the same action per device, idle left out; its warnings are shown', () => {
  const decision = (i: number, heat: boolean, ev: number): SlotDecision => ({
    start: DAY + i * HALF_HOUR_MS,
    ecocute: { heat, kwh: heat ? 0.5 : 0, reason: { code: heat ? 'heat-surplus' : 'idle', text: heat ? 'surplus' : 'full' }, followsSurplus: heat },
    ev: { kw: ev, reason: { code: 'x', text: 'ev' }, followsSurplus: false },
    importKwh: 0,
    exportKwh: 0,
  });
  const scheduler: SchedulerStatus = {
    enabled: true,
    mode: 'planner',
    updatedAt: NOW,
    forecast: { status: 'none', message: 'no forecast', messageJa: '予報なし' },
    warning: { active: true, names: ['大雨警報'], message: 'heavy rain warning: the tank is kept full', messageJa: '大雨警報のため満タンを維持します' },
    gates: [],
    plan: { createdAt: NOW, status: 'optimal', replaced: false, gainYen: 10, solveMs: 5, shortfalls: [], text: 'plan', textJa: '計画', next: [decision(20, true, 0), decision(21, true, 3), decision(22, false, 3), decision(23, true, 0)] },
    devices: [{ identity: 'eco', role: 'ecocute', code: 'in-state', text: 'EcoCute: already automatic', textJa: 'エコキュート：すでに自動です' }],
    decisions: [],
  };
  const st = buildStatus({ ...base, scheduler });
  // the dashboard has its own language toggle: every sentence reaches it in both languages
  assert.deepEqual([st.scheduler!.summary, st.scheduler!.summaryJa], ['plan', '計画']);
  assert.deepEqual(st.scheduler!.steps.map((x) => x.textJa), ['エコキュート：すでに自動です']);
  assert.deepEqual(
    st.scheduler!.plan.map((w) => [w.device, w.action, (w.from - DAY) / HALF_HOUR_MS, (w.to - DAY) / HALF_HOUR_MS, w.reason.code]),
    [
      ['ecocute', 'heat', 20, 22, 'heat-surplus'],
      ['ev', 'charge', 21, 23, 'x'],
      ['ecocute', 'heat', 23, 24, 'heat-surplus'],
    ],
  );
  assert.deepEqual(st.warnings.map((w) => [w.code, w.textJa]), [['forecast-none', '予報なし'], ['weather-warning', '大雨警報のため満タンを維持します']]);
  assert.equal(buildStatus(base).scheduler, null);
});

test('the file is replaced whole, and the reader refuses what it does not understand', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-ui-status-'));
  try {
    const file = statusFilePath(dir);
    assert.equal(file, join(dir, 'echonet-hems', 'status.json'));
    assert.deepEqual(await readStatus(file), { ok: false, reason: 'absent', detail: file });
    const st = buildStatus(base);
    await writeStatus(file, st);
    assert.deepEqual(await readStatus(file), { ok: true, status: JSON.parse(JSON.stringify(st)) });
    writeFileSync(file, JSON.stringify({ ...st, version: 99 }));
    const other = await readStatus(file);
    assert.equal(other.ok, false);
    assert.equal(!other.ok && other.reason, 'invalid');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the publisher writes at once and then every interval, from the sources as they are then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-ui-publisher-'));
  const clock = new ManualClock(NOW);
  let devices = [device('meter', { powerW: 500 })];
  const file = statusFilePath(dir);
  const publisher = startStatusPublisher({ file, clock, log: silentLogger, intervalMs: 60_000, sources: { home: { devices: () => devices }, purchaseMode: 'surplus', history: { slots: async () => base.slots.slice() } } });
  try {
    await publisher.publish();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).flow.gridW, 500);
    devices = [device('meter', { powerW: -200 })];
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 100));
    const st = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(st.flow.gridW, -200);
    assert.equal(st.generatedAt, NOW + 60_000);
    assert.equal(st.completeness.live, 2);
  } finally {
    await publisher.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stop() returns once the write under way is on disk, and nothing is written after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-ui-publisher-'));
  const clock = new ManualClock(NOW);
  const file = statusFilePath(dir);
  // a history that answers only when let go: the first write is held half-way
  const history = gate();
  const publisher = startStatusPublisher({ file, clock, log: silentLogger, intervalMs: 60_000, sources: { home: { devices: () => [device('meter', { powerW: 500 })] }, purchaseMode: 'surplus', history: { slots: async () => (await history.held, base.slots.slice()) } } });
  try {
    await assertWaitsFor(publisher.stop(), history, 'stop waits for the write it interrupted');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).flow.gridW, 500, 'the interrupted write completed');
    rmSync(file);
    await publisher.publish();
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(file), false, 'no write after stop, asked or timed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
