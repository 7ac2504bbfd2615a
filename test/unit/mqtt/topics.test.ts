import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Topics, topicSegment } from '../../../src/mqtt/topics.js';
import { READING_KEYS, VALUE_SPECS, valuePayload } from '../../../src/mqtt/values.js';

test('topic layout and safe levels', () => {
  const t = new Topics('home/hems');
  assert.equal(t.status, 'home/hems/status');
  assert.equal(t.state('fe:01/02+#'), 'home/hems/fe_01_02/state');
  assert.equal(t.value('b-route-meter', 'power'), 'home/hems/b-route-meter/power');
  assert.equal(t.command('x', 'ev_charging'), 'home/hems/x/ev_charging/set');
  assert.equal(t.path('/scheduler//decision/'), 'home/hems/scheduler/decision');
  assert.deepEqual(t.parseCommand('home/hems/x/ev_charging/set'), { device: 'x', command: 'ev_charging' });
  assert.equal(t.parseCommand('home/hems/x/set'), undefined);
  assert.equal(t.parseCommand('home/hemsx/y/z/set'), undefined);
  assert.equal(topicSegment('***'), '_');
  assert.throws(() => new Topics('a/+/b'), /prefix/);
  assert.throws(() => new Topics('a//b'), /prefix/);
  assert.throws(() => t.path('///'), /names no topic/);
});

test('every reading has a distinct topic name; energy counters are what the HA Energy dashboard takes', () => {
  const names = READING_KEYS.map((k) => VALUE_SPECS[k].name);
  assert.equal(new Set(names).size, names.length);
  for (const key of ['boughtKwh', 'soldKwh', 'generatedKwh'] as const) {
    assert.deepEqual([VALUE_SPECS[key].deviceClass, VALUE_SPECS[key].stateClass, VALUE_SPECS[key].unit], ['energy', 'total_increasing', 'kWh']);
  }
  for (const key of READING_KEYS) {
    const s = VALUE_SPECS[key];
    if (s.stateClass) assert.equal(s.component, 'sensor');
    if (s.component === 'binary_sensor') assert.equal(s.unit, undefined);
  }
  assert.equal(valuePayload(true), 'ON');
  assert.equal(valuePayload(12.5), '12.5');
  assert.equal(valuePayload('manual_heating'), 'manual_heating');
});
