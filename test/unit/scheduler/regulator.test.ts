import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REGULATOR, REGULATOR_OFF, regulate, type RegulatorState } from '../../../src/scheduler/regulator.js';

const EV = { ...DEFAULT_REGULATOR, minKw: 1.2, maxKw: 6 }; // 1 min enable delay, 3 min disable delay, 0 kW import
const S = 1000;

/** Runs the regulator once a second over `seconds`, with the home's surplus (before the device) given per second. */
function drive(surplusKw: (s: number) => number, seconds: number, start: RegulatorState = REGULATOR_OFF) {
  let state = start;
  const states: RegulatorState[] = [];
  for (let s = 0; s < seconds; s++) {
    state = regulate(state, s * S, surplusKw(s) - state.kw, EV);
    states.push(state);
  }
  return states;
}

const switches = (states: RegulatorState[]) => states.filter((s, i) => i > 0 && s.on !== states[i - 1]!.on).length;

test('starts only after the export has covered the minimum power for the enable delay', () => {
  const states = drive(() => 2, 120);
  assert.equal(states[58]!.on, false);
  assert.equal(states[58]!.reason.code, 'enable-pending');
  assert.equal(states[60]!.on, true);
  assert.equal(states[60]!.kw, 2);
});

test('a surplus below the minimum never starts it, and says why', () => {
  const states = drive(() => 1.0, 600);
  assert.ok(states.every((s) => !s.on));
  assert.match(states.at(-1)!.reason.text, /surplus 1\.0 kW < minimum 1\.2 kW/);
});

test('follows the surplus between minimum and maximum power while running', () => {
  const states = drive((s) => (s < 100 ? 3 : s < 200 ? 9 : 1.5), 300);
  assert.equal(states[90]!.kw, 3);
  assert.equal(states[150]!.kw, 6);
  assert.equal(states[250]!.kw, 1.5);
});

test('stops only after importing for the disable delay', () => {
  const states = drive((s) => (s < 120 ? 3 : 0.5), 400);
  assert.equal(states[119 + 179]!.on, true, 'still on just before the disable delay');
  assert.equal(states[119 + 181]!.on, false);
  assert.equal(states[119 + 181]!.reason.code, 'import');
});

test('no flapping under alternating cloud: 3-minute sun/shade cycles keep it on once started', () => {
  // sun (4 kW surplus) and cloud (0.3 kW) alternate every 90 s for an hour
  const states = drive((s) => (Math.floor(s / 90) % 2 === 0 ? 4 : 0.3), 3600);
  assert.equal(switches(states), 1, 'switched on once, never off');
});

test('short sunny gaps in a cloudy hour never start it', () => {
  // 40 s of sun every 3 minutes: shorter than the 60 s enable delay
  const states = drive((s) => (s % 180 < 40 ? 3 : 0.2), 3600);
  assert.equal(switches(states), 0);
});
