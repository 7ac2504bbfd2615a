import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEmulatorArgs } from '../../../src/sim/emulator/main.js';
import { handleControlLine } from '../../../src/sim/emulator/control.js';
import type { EmulatorHandle } from '../../../src/sim/emulator/emulator.js';
import type { Faults } from '../../../src/sim/emulator/faults.js';
import { SimulatedHome } from '../../../src/sim/home.js';
import { ManualClock } from '../../../src/util/clock.js';

test('emulator arguments: defaults, every option, and errors that name the option', () => {
  assert.deepEqual(parseEmulatorArgs(['--address', '127.0.0.2'], 1000), {
    address: '127.0.0.2',
    devices: ['meter', 'solar', 'water-heater', 'ev-charger', 'battery'],
    speed: 1,
    start: 1000,
    seed: 1,
    debug: false,
  });
  const full = parseEmulatorArgs(
    ['--address', '198.18.10.2', '--interface', '198.18.10.2', '--devices', 'meter,ev-charger-only', '--speed', '60', '--seed', '4', '--start', '2026-06-15T09:00:00+09:00', '--debug'],
  );
  assert.deepEqual(full, {
    address: '198.18.10.2',
    multicastInterface: '198.18.10.2',
    devices: ['meter', 'ev-charger-only'],
    speed: 60,
    start: Date.parse('2026-06-15T00:00:00Z'),
    seed: 4,
    debug: true,
  });
  assert.equal(parseEmulatorArgs(['--address', '127.0.0.2', '--ev-fixed-power']).evFixedPower, true, 'a charger whose power is set on the unit only');
  const cases: [string[], RegExp][] = [
    [[], /--address/],
    [['--address', 'eth0'], /--address must be an IPv4/],
    [['--address', '127.0.0.2', '--devices', 'meter,fridge'], /unknown device "fridge"/],
    [['--address', '127.0.0.2', '--speed', '0'], /--speed/],
    [['--address', '127.0.0.2', '--start', 'tomorrow'], /--start/],
    [['--address', '127.0.0.2', '--seed', '1.5'], /--seed/],
    [['--address', '127.0.0.2', '--colour'], /Unknown option '--colour'[\s\S]*usage:/],
  ];
  for (const [args, message] of cases) assert.throws(() => parseEmulatorArgs(args), message, args.join(' '));
});

test('control lines: faults are validated and applied, state reports the model, stop asks to stop', () => {
  const clock = new ManualClock(Date.parse('2026-06-15T03:00:00Z'));
  const home = new SimulatedHome({ clock, historyDays: 0 });
  let applied: Faults | undefined;
  const handle: EmulatorHandle = { address: '127.0.0.2', objects: [], home, setFaults: (f) => (applied = f), stop: async () => {} };
  assert.deepEqual(handleControlLine(handle, '{"cmd":"faults","faults":{"silent":true},"id":3}', clock.now()), {
    ok: true,
    id: 3,
    faults: { silent: true },
  });
  assert.deepEqual(applied, { silent: true });
  const refused = handleControlLine(handle, '{"cmd":"faults","faults":{"delayMs":"slow"}}', clock.now());
  assert.equal(refused.ok, false);
  assert.deepEqual(applied, { silent: true }, 'a refused change leaves the faults as they were');
  const state = handleControlLine(handle, '{"cmd":"state"}', clock.now()) as { ok: boolean; state: { time: string; tank: { capacityL: number } } };
  assert.equal(state.state.time, '2026-06-15T03:00:00.000Z');
  assert.equal(state.state.tank.capacityL, 460);
  assert.equal(handleControlLine(handle, '{"cmd":"stop"}', clock.now()).stop, true);
  assert.equal(handleControlLine(handle, 'stop', clock.now()).ok, false);
  assert.match(String(handleControlLine(handle, '{"cmd":"dance"}', clock.now()).error), /unknown cmd/);
});
