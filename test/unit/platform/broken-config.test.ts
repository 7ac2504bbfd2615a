/**
 * Homebridge hands the platform whatever config.json holds. A broken one must not crash Homebridge (the
 * constructor runs inside Homebridge's own start-up): the platform logs each problem once, with no secret
 * in the log, and stays idle (it does not even ask to be started). Seeded (FUZZ_SEED, FUZZ_SCALE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { API, Logging, PlatformConfig } from 'homebridge';
import { EchonetHemsPlatform } from '../../../src/platform.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0xb0c0f19);
const SECRET_ID = '0123456789ABCDEF0123456789ABCDEF';
const SECRET_PASSWORD = 'Zq9wErTy1234';

function fakeHomebridge(): { log: Logging; lines: string[]; api: API; events: string[] } {
  const lines: string[] = [];
  const events: string[] = [];
  const push = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  const log = { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error'), success: push('info'), log: push('log') } as unknown as Logging;
  const api = { on: (event: string) => void events.push(event) } as unknown as API;
  return { log, lines, api, events };
}

test(`Homebridge starting with ${fuzzCases(1_500)} broken configs (seed 0x${SEED.toString(16)}): no throw, every problem logged, no secret, idle`, () => {
  const f = new Fuzz(SEED);
  let broken = 0;
  for (let i = 0; i < fuzzCases(1_500); i++) {
    const config: Record<string, unknown> = { platform: 'EchonetHems' };
    const meter: Record<string, unknown> = { serialPort: f.pick(['/dev/ttyUSB0', '', f.text()]), brouteId: f.spoil(SECRET_ID), broutePassword: f.spoil(SECRET_PASSWORD) };
    if (f.chance(0.3)) meter.brouteId = SECRET_ID;
    if (f.chance(0.3)) meter.broutePassword = SECRET_PASSWORD;
    if (f.chance(0.3)) meter.pollSeconds = f.value();
    config.meter = f.chance(0.9) ? meter : f.value();
    for (const key of ['echonet', 'mqtt', 'store', 'devices', 'language', 'scheduler', 'tariff', 'solarLightSensor']) if (f.chance(0.3)) config[key] = f.value();
    if (f.chance(0.2)) config.mqtt = { enabled: true, broker: 'url', url: `mqtt://u:${f.pick(['%zz', 'p%41ss', SECRET_PASSWORD])}@h`, password: f.value() };
    const hb = fakeHomebridge();
    const where = `seed 0x${SEED.toString(16)} case ${i}: ${JSON.stringify(config).slice(0, 200)}`;
    assert.doesNotThrow(() => new EchonetHemsPlatform(hb.log, config as PlatformConfig, hb.api), where);
    const errors = hb.lines.filter((l) => l.startsWith('error '));
    if (errors.length > 0) {
      broken++;
      assert.deepEqual(hb.events, [], `a broken config must leave the platform idle: ${where}`);
      for (const e of errors) assert.match(e, /^error settings: .+; the plugin stays idle until this is fixed$/s, where);
    }
    for (const l of hb.lines) {
      assert.ok(!l.includes(SECRET_ID) && !l.includes(SECRET_PASSWORD), `secret in "${l}": ${where}`);
      assert.doesNotMatch(l, /[\r\n\u0000]/, `a line break in one log line: ${where}`);
    }
  }
  assert.ok(broken > fuzzCases(1_500) / 2, `the broken path was reached (${broken})`);
});
