/** The devices as the live plan sees them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveInput } from '../../../src/scheduler/live-input.js';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../../src/scheduler/service.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';
import { device } from '../../helpers/scheduler-home.js';

test('a battery in charge mode is grid charging already: the plan does not count a start for keeping it on', () => {
  const now = Date.parse('2026-05-12T03:00:00+09:00');
  const settings = { ...DEFAULT_SCHEDULER_SETTINGS, tariff: makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!), enabled: ['battery'] };
  const battery = (operationMode: string) => liveInput(now, [device('bat', 'battery', { operationMode, remainingWh: 3500 }, now)], undefined, [], settings, undefined).input.battery;
  assert.equal(battery('charge')?.gridCharging, true);
  assert.equal(battery('charge')?.storedKwh, 3.5);
  assert.equal(battery('automatic')?.gridCharging, false);
  assert.equal(battery('standby')?.gridCharging, false);
});
