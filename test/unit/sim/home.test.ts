import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import { SimulatedHome } from '../../../src/sim/home.js';

const HOUR = 3_600_000;
const HALF_HOUR = 1_800_000;
const STEP = 10_000;
const MONDAY_JST = Date.parse('2026-06-14T15:00:00Z'); // Monday 00:00 JST

function home(seed = 1, start = MONDAY_JST + 7 * HOUR + 123_456) {
  const clock = new ManualClock(start);
  return { clock, home: new SimulatedHome({ clock, seed, historyDays: 2 }) };
}

test('energy balance: grid = load + devices - solar every step, and the counters integrate it', () => {
  const { clock, home: h } = home();
  clock.advance(STEP - (clock.now() % STEP)); // onto the step grid
  let expectBought = h.meter().boughtKwh;
  let expectSold = h.meter().soldKwh;
  let sawExport = false;
  let sawDevices = false;
  for (let i = 0; i < 6 * 360; i++) {
    clock.advance(STEP);
    const f = h.flows();
    assert.ok(Math.abs(f.gridW - (f.loadW + f.waterHeaterW + f.evW + f.batteryW - f.solarW)) < 1e-9);
    const kwh = (f.gridW * STEP) / 3.6e9;
    if (kwh > 0) expectBought += kwh;
    else expectSold -= kwh;
    const m = h.meter();
    assert.equal(m.powerW, f.gridW);
    assert.ok(Math.abs(m.boughtKwh - expectBought) < 1e-9 && Math.abs(m.soldKwh - expectSold) < 1e-9);
    sawExport ||= f.gridW < 0;
    sawDevices ||= f.evW !== 0 || f.waterHeaterW !== 0 || f.batteryW !== 0;
  }
  assert.ok(sawExport, 'a June morning exports at some point');
  assert.ok(sawDevices);
});

test('meter currents follow the power on a single-phase 3-wire service; 2-wire has no T current', () => {
  const { home: h, clock } = home();
  clock.advance(HOUR);
  const m = h.meter();
  assert.ok(Math.abs(m.currentRA + (m.currentTA ?? 0) - m.powerW / 100) < 0.11);
  const two = new SimulatedHome({ clock, wiring: 'single-phase-2-wire', historyDays: 0 });
  clock.advance(HOUR);
  assert.equal(two.meter().currentTA, null);
});

test('cumulativeAt equals the live meter read at each half-hour boundary, history joins without a jump', () => {
  const { clock, home: h } = home(4);
  const start = h.startedAt;
  const firstBoundary = Math.ceil(start / HALF_HOUR) * HALF_HOUR;
  const seen = new Map<number, { boughtKwh: number; soldKwh: number }>();
  clock.advance(firstBoundary - clock.now());
  for (let b = firstBoundary; b <= firstBoundary + 20 * HALF_HOUR; b += HALF_HOUR) {
    clock.advance(b - clock.now());
    const m = h.meter();
    seen.set(b, { boughtKwh: m.boughtKwh, soldKwh: m.soldKwh });
    clock.advance(7 * 60_000); // read the boundary back later, after more integration
  }
  for (const [b, value] of seen) assert.deepEqual(h.cumulativeAt(b), value);
  assert.equal(h.cumulativeAt(firstBoundary + 60_000), undefined, 'not a boundary');
  assert.equal(h.cumulativeAt(Math.ceil(clock.now() / HALF_HOUR) * HALF_HOUR + HALF_HOUR), undefined, 'future');
  assert.equal(h.cumulativeAt(start - 3 * 24 * HOUR), undefined, 'before the history');
  // history: present for every boundary of the last two days, never decreasing, continuous into live
  let previous = { boughtKwh: -Infinity, soldKwh: -Infinity };
  for (let b = firstBoundary - 2 * 24 * HOUR; b <= firstBoundary + 20 * HALF_HOUR; b += HALF_HOUR) {
    const c = h.cumulativeAt(b);
    assert.ok(c, `boundary ${new Date(b).toISOString()}`);
    assert.ok(c.boughtKwh >= previous.boughtKwh - 1e-9 && c.soldKwh >= previous.soldKwh - 1e-9);
    const stepKwh = c.boughtKwh - previous.boughtKwh + (c.soldKwh - previous.soldKwh);
    if (b > firstBoundary - 2 * 24 * HOUR) assert.ok(stepKwh < 5, `half-hour of ${stepKwh} kWh`);
    previous = c;
  }
});

test('a seed makes the home deterministic whatever the query pattern', () => {
  const a = home(9);
  const b = home(9);
  const c = home(10);
  const readings = (x: ReturnType<typeof home>, every: number) => {
    const out: number[] = [];
    for (let t = every; t <= 12 * HOUR; t += every) {
      x.clock.advance(every);
      if (t % HOUR === 0) out.push(x.home.meter().boughtKwh, x.home.meter().soldKwh, x.home.tank()!.remainingL);
    }
    return out;
  };
  const ra = readings(a, 60_000);
  assert.deepEqual(ra, readings(b, 600_000));
  assert.notDeepEqual(ra, readings(c, 60_000));
  assert.deepEqual(a.home.cumulativeAt(MONDAY_JST), b.home.cumulativeAt(MONDAY_JST));
});

test('setters change the model from now: manual heating raises the grid draw by the heat-pump input', () => {
  const { clock, home: h } = home(1, MONDAY_JST + 13 * HOUR);
  clock.advance(STEP);
  const before = h.flows();
  assert.equal(before.waterHeaterW, 0);
  assert.equal(h.setWaterHeaterMode('manual_heating'), true);
  assert.equal(h.tank()!.heating, true);
  clock.advance(STEP);
  const after = h.flows();
  assert.equal(after.waterHeaterW, 1200);
  assert.equal(h.setBatteryMode('standby'), true);
  clock.advance(STEP);
  assert.equal(h.flows().batteryW, 0);
  assert.equal(h.setEvMode('standby'), true);
  assert.equal(h.setEvChargePowerW(100), false);
  const bare = new SimulatedHome({ clock, historyDays: 0, waterHeater: false, ev: false, battery: false, solar: false });
  assert.equal(bare.setWaterHeaterMode('manual_heating'), false);
  assert.equal(bare.tank(), undefined);
  assert.equal(bare.solar(), undefined);
});
