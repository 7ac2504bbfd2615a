import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inForce, parseJmaWarnings } from '../../../src/scheduler/forecast/jma.js';
import { DEFAULT_WARNING_LINKAGE, reheatStarted, warningLinkage } from '../../../src/scheduler/warning-linkage.js';
import type { WeatherWarning } from '../../../src/scheduler/forecast/types.js';

const NOW = Date.parse('2026-01-05T17:00:00+09:00');
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/forecast/${name}`, import.meta.url), 'utf8')) as unknown;

function warningsFor(area: string, file = 'jma_warning_130000_constructed.json'): WeatherWarning[] {
  const parsed = parseJmaWarnings(fixture(file), area);
  assert.ok(parsed.ok);
  return inForce(parsed.warnings);
}

test('a heavy rain warning tops up hot water, charges the battery and suspends solar scheduling', () => {
  const l = warningLinkage(warningsFor('130010'), NOW, {}, DEFAULT_WARNING_LINKAGE);
  assert.equal(l.active, true);
  assert.equal(l.suspendSolar, true);
  // the advisories in force (gale, thunderstorm) do not count; the cancelled one is gone already
  assert.deepEqual(l.warnings.map((w) => w.code), ['03']);
  assert.deepEqual(l.wants.ecocute, { kind: 'on', reason: { text: 'topping up hot water ahead of the storm: Heavy rain warning', textJa: '荒天に備えて沸き増しします：大雨警報' } });
  assert.deepEqual(l.wants.battery, { kind: 'mode', mode: 'charge', reason: { text: 'charging the battery to full for a possible outage: Heavy rain warning', textJa: '停電に備えて蓄電池を満充電します：大雨警報' } });
  assert.equal(l.reheatDoneToday, false);
  assert.equal(l.message, 'weather warning in force (Heavy rain warning): solar scheduling suspended; topping up hot water, charging the battery to full');
  assert.match(l.messageJa, /大雨警報/);
});

test('the top-up runs once a day; afterwards the EcoCute is left to finish and the gate learns it', () => {
  const state = reheatStarted({}, NOW);
  const l = warningLinkage(warningsFor('130010'), NOW + 3_600_000, state, DEFAULT_WARNING_LINKAGE);
  assert.equal(l.wants.ecocute?.kind, 'leave');
  assert.equal(l.reheatDoneToday, true);
  // the next day it counts again
  const tomorrow = warningLinkage(warningsFor('130010'), NOW + 10 * 3_600_000, state, DEFAULT_WARNING_LINKAGE);
  assert.equal(tomorrow.reheatDoneToday, false);
  assert.equal(tomorrow.wants.ecocute?.kind, 'on');
});

test('advisories only, no warnings, or the linkage turned off: nothing happens and solar scheduling goes on', () => {
  const advisoriesOnly = warningLinkage(warningsFor('1310100'), NOW, {}, DEFAULT_WARNING_LINKAGE);
  assert.equal(advisoriesOnly.active, false);
  assert.deepEqual(advisoriesOnly.wants, {});
  assert.equal(advisoriesOnly.message, 'no weather warning in force for the area');
  assert.equal(warningLinkage(warningsFor('130020'), NOW, {}, DEFAULT_WARNING_LINKAGE).suspendSolar, false);
  const off = warningLinkage(warningsFor('130010'), NOW, {}, { ...DEFAULT_WARNING_LINKAGE, enabled: false });
  assert.equal(off.suspendSolar, false);
  assert.equal(off.message, 'weather-warning linkage is turned off');
});

test('each action is configurable; emergency warnings and codes this version does not know count', () => {
  const batteryOnly = warningLinkage(warningsFor('130030'), NOW, {}, { ...DEFAULT_WARNING_LINKAGE, topUpHotWater: false });
  assert.equal(batteryOnly.active, true);
  assert.equal(batteryOnly.wants.ecocute, undefined);
  assert.equal(batteryOnly.wants.battery?.kind, 'mode');
  assert.match(batteryOnly.message, /Heavy rain emergency warning/);
  const unknown: WeatherWarning = { areaCode: '130010', code: '61', level: 'unknown', status: 'issued', statusJa: '発表', nameJa: 'コード61', name: 'JMA code 61' };
  assert.equal(warningLinkage([unknown], NOW, {}, DEFAULT_WARNING_LINKAGE).active, true);
  assert.equal(warningLinkage([unknown], NOW, {}, { ...DEFAULT_WARNING_LINKAGE, levels: ['warning', 'emergency'] }).active, false);
});
