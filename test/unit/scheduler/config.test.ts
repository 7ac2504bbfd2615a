/**
 * The scheduler's settings as a homeowner writes them (or the Homebridge UI saves them): off unless
 * turned on, sensible defaults, every problem reported at once in words that say what to change, the
 * tariff built from a preset with the bill's figures or from the homeowner's own prices, and the schema
 * fragment's dropdowns and defaults agreeing with the validator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateSchedulerConfig, type SchedulerConfig } from '../../../src/scheduler/config.js';
import { makeTariff, TARIFF_PRESETS } from '../../../src/scheduler/tariff.js';

const VALID = {
  purchaseMode: 'surplus',
  tariff: { preset: 'tepco-smartlife-s' },
  scheduler: {
    enabled: true,
    devices: { ev: true },
    forecast: { jma: { office: '130000', area: '130010' }, latitude: 35.68, longitude: 139.77, arrays: [{ kwp: 5.5 }] },
  },
};

function config(raw: unknown): SchedulerConfig {
  const r = validateSchedulerConfig(raw);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  assert.ok(r.config);
  return r.config;
}

function errors(raw: unknown): string[] {
  const r = validateSchedulerConfig(raw);
  assert.ok(!r.ok, 'expected the settings to be refused');
  return r.errors;
}

test('without a scheduler section, or with it off, there is nothing to run and nothing to complain about', () => {
  assert.deepEqual(validateSchedulerConfig({}), { ok: true, config: null });
  assert.deepEqual(validateSchedulerConfig({ scheduler: { enabled: false, devices: 'nonsense' } }), { ok: true, config: null });
  assert.deepEqual(validateSchedulerConfig(undefined), { ok: true, config: null });
});

test('a minimal setup gets the documented defaults; the roof bearing becomes Open-Meteo\'s azimuth', () => {
  const c = config(VALID);
  assert.equal(c.mode, 'planner');
  assert.equal(c.language, 'en');
  assert.equal(config({ ...VALID, language: 'ja' }).language, 'ja', 'the plugin-wide language speaks the scheduler\'s log');
  assert.deepEqual(c.devices, { ecocute: false, battery: false, ev: true });
  assert.equal(c.purchaseMode, 'surplus');
  assert.equal(c.tariff.id, 'tepco-smartlife-s');
  assert.deepEqual(c.forecast.jma, { office: '130000', area: '130010' });
  assert.deepEqual(c.forecast.solar, { kind: 'open-meteo', arrays: [{ latitude: 35.68, longitude: 139.77, tiltDeg: 25, azimuthDeg: 0, kwp: 5.5, losses: 0.14 }] });
  assert.deepEqual(c.ev, { departureHours: [null, 7.5, 7.5, 7.5, 7.5, 7.5, null], targetKwh: 28, capacityKwh: 40, chargerKw: 6 });
  assert.equal(c.aiseg2DecisionHour, 0.5, 'the AiSEG2-compatible day is decided at 00:30');
  assert.deepEqual(c.battery, { capacityKwh: 7, chargeKw: 3, appMode: 'eco' });
  assert.deepEqual(c.warnings, { enabled: true, topUpHotWater: true, chargeBattery: true, levels: ['emergency', 'warning', 'unknown'] });

  const west = config({ ...VALID, scheduler: { ...VALID.scheduler, forecast: { ...VALID.scheduler.forecast, jma: { office: '270000' }, arrays: [{ kwp: 3, bearingDeg: 270, tiltDeg: 30, lossesPercent: 10 }] } } });
  assert.equal(west.forecast.jma.area, '270000', 'a single-area office stands for its area');
  assert.equal(west.forecast.solar.kind === 'open-meteo' && west.forecast.solar.arrays[0]!.azimuthDeg, 90);
  assert.equal(west.forecast.solar.kind === 'open-meteo' && west.forecast.solar.arrays[0]!.losses, 0.1);
});

test('every problem is reported at once, each saying what to change', () => {
  const e = errors({
    tariff: {},
    scheduler: {
      enabled: true,
      devices: {},
      mode: 'clever',
      forecast: { jma: { office: 'Tokyo' }, arrays: [{ kwp: 80 }] },
      ev: { departureTime: '07:15', capacityKwh: 30, targetKwh: 35, departures: { tue: '8am', sat: '09:00', holiday: '10:00' } },
      aiseg2DecisionTime: '0:45',
    },
  });
  const expect = [
    /controls no device: turn on the EcoCute, the battery or the EV charger/,
    /AI solar charge mode must be one of "planner", "aiseg2"/,
    /choose your electricity plan .*スマートライフS/,
    /JMA forecast office must be its 6-digit code, such as 130000 for Tokyo/,
    /latitude of the house .* is needed/,
    /longitude of the house .* is needed/,
    /size \(kW of panels, up to 30\) of solar panels 1 must be a number from 0.1 to 30/,
    /EV weekday departure time must be a time on the hour or half-hour, such as 07:30/,
    /EV departure time on Tuesday must be a time on the hour or half-hour, such as 07:30, or "none" when the car stays home that day/,
    /EV departures by day know only sun, mon, tue, wed, thu, fri, sat; remove "holiday"/,
    /AiSEG2-compatible decision time must be a time on the hour or half-hour/,
    /EV charge needed at departure .* must be a number from 1 to 30/,
  ];
  for (const re of expect) assert.ok(e.some((m) => re.test(m)), `${re} in:\n${e.join('\n')}`);
  assert.equal(e.length, expect.length + 1, `the JMA area is refused too (it defaults to the bad office):\n${e.join('\n')}`);
});

test('the car\'s week: a usual weekday time, and any day its own time or none', () => {
  const c = config({ ...VALID, scheduler: { ...VALID.scheduler, ev: { departureTime: '08:00', departures: { wed: 'none', fri: '06:30', sat: '09:30', sun: '' } } } });
  assert.deepEqual(c.ev.departureHours, [null, 8, 8, null, 8, 6.5, 9.5]);
});

test('a preset takes the bill\'s sell price, CO2 factor and fuel-cost adjustment', () => {
  const c = config({ ...VALID, tariff: { preset: 'tepco-smartlife-s', sellYenPerKwh: 16, co2KgPerKwh: 0.43, fuelAdjustmentYen: -1.5 } });
  assert.equal(c.tariff.sellYenPerKwh, 16);
  assert.equal(c.tariff.co2KgPerKwh, 0.43);
  const base = makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!);
  const mine = makeTariff(c.tariff);
  const noon = Date.parse('2026-05-12T12:00:00+09:00');
  assert.ok(Math.abs(mine.buyPrice(noon) - (base.buyPrice(noon) - 1.5)) < 1e-9);
  assert.equal(mine.sellPrice(noon), 16);
  assert.match(errors({ ...VALID, tariff: { preset: 'tepco-smartlife-s', fuelAdjustmentYen: 99 } }).join('\n'), /fuel-cost adjustment must be .* between -20 and 20/);
  assert.match(errors({ ...VALID, tariff: { preset: 'tepco-smartlife-s', co2KgPerKwh: 5 } }).join('\n'), /co2KgPerKwh" must be between 0 and 2/);
  assert.match(errors({ ...VALID, tariff: { preset: 'tepco-gold' } }).join('\n'), /Unknown tariff preset "tepco-gold"/);
});

test('my own plan: weekday and holiday bands from the form; gaps are named by time', () => {
  const own = {
    preset: 'custom',
    sellYenPerKwh: 8.5,
    custom: {
      name: 'Octopus Green',
      kind: 'time-of-use',
      weekday: [
        { from: '07:00', to: '23:00', yenPerKwh: 32 },
        { from: '23:00', to: '07:00', yenPerKwh: 20 },
      ],
      holiday: [{ from: '00:00', to: '24:00', yenPerKwh: 22 }],
    },
  };
  const c = config({ ...VALID, tariff: own });
  assert.equal(c.tariff.name, 'Octopus Green');
  const t = makeTariff(c.tariff);
  assert.equal(t.buyPrice(Date.parse('2026-05-12T12:00:00+09:00')), 32, 'a Tuesday noon');
  assert.equal(t.buyPrice(Date.parse('2026-05-16T12:00:00+09:00')), 22, 'a Saturday noon');

  const gap = { ...own, custom: { ...own.custom, weekday: [{ from: '07:00', to: '23:00', yenPerKwh: 32 }] } };
  assert.match(errors({ ...VALID, tariff: gap }).join('\n'), /season "all year", weekdays: no price for the half-hour\(s\) starting 00:00, 00:30, 01:00, 01:30 and 12 more/);
  assert.match(errors({ ...VALID, tariff: { preset: 'custom', sellYenPerKwh: 8 } }).join('\n'), /enter its prices/);
});

test('full purchase mode is carried to the scheduler (it then refuses solar charging and says why)', () => {
  assert.equal(config({ ...VALID, purchaseMode: 'full' }).purchaseMode, 'full');
  assert.match(errors({ ...VALID, purchaseMode: 'both' }).join('\n'), /purchase mode must be one of "surplus", "full"/);
});

test('a fixed solar profile needs 48 half-hours of kWh', () => {
  const manual = (profile: unknown) => ({ ...VALID, scheduler: { ...VALID.scheduler, forecast: { jma: { office: '130000', area: '130010' }, solar: 'manual', manualProfileKwh: profile } } });
  const c = config(manual(new Array(48).fill(0.5)));
  assert.deepEqual(c.forecast.solar, { kind: 'manual', profileKwh: new Array(48).fill(0.5) });
  assert.match(errors(manual(new Array(47).fill(0.5))).join('\n'), /48 half-hour values/);
  assert.match(errors(manual([...new Array(47).fill(0.5), -1])).join('\n'), /position\(s\) 48/);
});

test('advisories count only when asked; the battery mode and EcoCute facts are read', () => {
  const c = config({ ...VALID, scheduler: { ...VALID.scheduler, warnings: { includeAdvisories: true, chargeBattery: false }, battery: { appMode: 'other' }, ecocute: { ownSolarCharge: true } } });
  assert.deepEqual(c.warnings.levels, ['emergency', 'warning', 'advisory', 'unknown']);
  assert.equal(c.warnings.chargeBattery, false);
  assert.equal(c.battery.appMode, 'other');
  assert.equal(c.ecocute.ownSolarCharge, true);
});

test('config.schema.json offers exactly the presets, and its defaults make a valid setup', () => {
  const fragment = JSON.parse(readFileSync(new URL('../../../config.schema.json', import.meta.url), 'utf8')).schema;
  const presets = fragment.properties.tariff.properties.preset.oneOf.map((o: { enum: string[] }) => o.enum[0]);
  assert.deepEqual(presets.filter((p: string) => p !== 'custom').sort(), Object.keys(TARIFF_PRESETS).sort());
  // every default the form would save, plus what a homeowner must type
  const defaults = (node: { properties?: Record<string, unknown>; default?: unknown }): unknown => {
    if (!node.properties) return node.default;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node.properties)) {
      const d = defaults(v as typeof node);
      if (d !== undefined) out[k] = d;
    }
    return out;
  };
  const s = defaults(fragment.properties.scheduler) as Record<string, Record<string, unknown>>;
  const c = config({
    tariff: { preset: 'kepco-hapie-time-r' },
    scheduler: { ...s, enabled: true, devices: { ...s.devices, ecocute: true }, forecast: { ...s.forecast, jma: { office: '270000' }, latitude: 34.69, longitude: 135.5, arrays: [{ kwp: 4 }] } },
  });
  assert.equal(c.forecast.solar.kind, 'open-meteo');
  assert.deepEqual(c.ev.departureHours, [null, 7.5, 7.5, 7.5, 7.5, 7.5, null]);
  assert.equal(c.aiseg2DecisionHour, 0.5);
  assert.equal(c.ecocute.heatPumpKw, 1.25);
});

test('a forecast base URL (a local mirror of JMA and Open-Meteo) is kept when it is http(s), refused otherwise', () => {
  const withBase = (baseUrl: unknown) => ({ ...VALID, scheduler: { ...VALID.scheduler, forecast: { ...VALID.scheduler.forecast, baseUrl } } });
  assert.equal(config(VALID).forecast.baseUrl, undefined);
  assert.equal(config(withBase('')).forecast.baseUrl, undefined);
  assert.equal(config(withBase('http://127.0.0.1:8080')).forecast.baseUrl, 'http://127.0.0.1:8080');
  assert.equal(config(withBase('https://mirror.example/jma')).forecast.baseUrl, 'https://mirror.example/jma');
  for (const bad of ['ftp://mirror.example', '127.0.0.1:8080', 'not a url']) {
    assert.match(errors(withBase(bad)).join('\n'), /forecast base URL must be an http/, bad);
  }
});

test('tick boxes written as text are named, not silently read as off (or on)', () => {
  assert.match(errors({ ...VALID, scheduler: { ...VALID.scheduler, enabled: 'true' } }).join('\n'), /AI solar charge "enabled" setting must be true or false/);
  const wrong = errors({
    ...VALID,
    scheduler: { ...VALID.scheduler, devices: { ev: true, battery: 'yes' }, warnings: { enabled: 'false', includeAdvisories: 1 } },
  }).join('\n');
  assert.match(wrong, /battery setting must be true or false/);
  assert.match(wrong, /weather-warning linkage "enabled" setting must be true or false/);
  assert.match(wrong, /"include advisories" setting must be true or false/);
  // the ones left out keep their defaults: linkage on, advisories not counted
  assert.deepEqual(config(VALID).warnings.levels, ['emergency', 'warning', 'unknown']);
  assert.equal(config(VALID).warnings.enabled, true);
});
