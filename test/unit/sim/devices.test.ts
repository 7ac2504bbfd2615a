import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaterHeater } from '../../../src/sim/water-heater.js';
import { ElectricVehicle } from '../../../src/sim/ev.js';
import { HomeBattery } from '../../../src/sim/battery.js';

const HOUR = 3_600_000;
const STEP = 10_000;
const MONDAY_JST = Date.parse('2026-06-14T15:00:00Z'); // Monday 00:00 JST
const SATURDAY_JST = MONDAY_JST + 5 * 24 * HOUR;

test('EcoCute: manual heating (B0=42) heats at the heat-pump input until full, then returns to automatic', () => {
  const tank = new WaterHeater({ initialFill: 0.3, heatPumpInputW: 1200 });
  const t0 = MONDAY_JST + 10 * HOUR; // daytime, nobody drawing water
  assert.equal(tank.setMode('manual_heating', t0), true);
  assert.equal(tank.state().heating, true, 'heating starts at once');
  const before = tank.state().remainingL;
  let t = t0;
  let inputWh = 0;
  for (; t < t0 + HOUR; t += STEP) inputWh += (tank.step(t, STEP) * STEP) / HOUR;
  assert.ok(Math.abs(inputWh - 1200) < 1e-6, `one hour of heating takes ${inputWh} Wh`);
  assert.ok(tank.state().remainingL > before + 60, `heated from ${before} to ${tank.state().remainingL} L`);
  for (; t < t0 + 12 * HOUR && tank.state().mode === 'manual_heating'; t += STEP) tank.step(t, STEP);
  assert.equal(tank.state().mode, 'automatic');
  assert.ok(tank.state().remainingL > 0.99 * 460);
  assert.ok(t - t0 < 7 * HOUR, `full after ${(t - t0) / HOUR} h`);
  assert.equal(tank.step(t, STEP), 0, 'a full tank does not heat');
});

test('EcoCute: daytime manual heating is refused while daytime reheating is not permitted (C0=42)', () => {
  const tank = new WaterHeater({ initialFill: 0.3 });
  tank.setDaytimeReheating(false);
  assert.equal(tank.setMode('manual_heating', MONDAY_JST + 11 * HOUR), false);
  assert.equal(tank.state().mode, 'automatic');
  assert.equal(tank.setMode('manual_heating', MONDAY_JST + 2 * HOUR), true, 'at night it is allowed');
  tank.setDaytimeReheating(true);
  assert.equal(tank.setMode('manual_heating', MONDAY_JST + 11 * HOUR), true);
});

test('EcoCute: the night timer fills the tank, draws empty it, manual stop keeps the pump off', () => {
  const tank = new WaterHeater({ initialFill: 0.2 });
  let t = MONDAY_JST; // 00:00
  let nightWh = 0;
  for (; t < MONDAY_JST + 7 * HOUR; t += STEP) nightWh += (tank.step(t, STEP) * STEP) / HOUR;
  assert.ok(nightWh > 4000 && nightWh <= 6000, `night heating took ${nightWh} Wh`);
  const morning = tank.state().remainingL;
  assert.ok(morning > 0.55 * 460, `after the night ${morning} L`);
  for (; t < MONDAY_JST + 24 * HOUR; t += STEP) tank.step(t, STEP);
  assert.ok(tank.state().remainingL < morning - 150, `evening baths drew it down to ${tank.state().remainingL} L`);
  tank.setMode('manual_stop', t);
  let stoppedWh = 0;
  for (; t < MONDAY_JST + 31 * HOUR; t += STEP) stoppedWh += tank.step(t, STEP);
  assert.equal(stoppedWh, 0);
});

test('EcoCute: a nearly empty tank is topped up in the daytime only when C0 permits it', () => {
  for (const permitted of [true, false]) {
    const tank = new WaterHeater({ initialFill: 0.05 });
    tank.setDaytimeReheating(permitted);
    let wh = 0;
    for (let t = MONDAY_JST + 9 * HOUR; t < MONDAY_JST + 11 * HOUR; t += STEP) wh += tank.step(t, STEP);
    assert.equal(wh > 0, permitted);
  }
});

test('EV: away on weekday working hours, plugged in evenings and at weekends', () => {
  const car = new ElectricVehicle({ seed: 2, mode: 'standby' });
  const connectedAt = (t: number): boolean => {
    car.step(t, STEP, 0);
    return car.state(t).connected;
  };
  assert.equal(connectedAt(MONDAY_JST + 5 * HOUR), true);
  assert.equal(connectedAt(MONDAY_JST + 12 * HOUR), false);
  assert.equal(connectedAt(MONDAY_JST + 21 * HOUR), true);
  assert.equal(connectedAt(SATURDAY_JST + 24 * HOUR + 12 * HOUR), true, 'Sunday noon');
});

test('EV: a commute takes energy out on arrival; charge mode charges at the set power until full', () => {
  const car = new ElectricVehicle({ seed: 2, initialSocPct: 90, chargePowerW: 3000, mode: 'standby' });
  let t = MONDAY_JST + 6 * HOUR;
  for (; t < MONDAY_JST + 21 * HOUR; t += STEP) car.step(t, STEP, 0);
  const soc = car.state(t).socPct;
  assert.ok(soc < 90 - 8, `commute left ${soc} %`);
  assert.equal(car.setMode('charge'), true);
  assert.equal(car.step(t, STEP, 0), 3000);
  assert.equal(car.setChargePowerW(1000), false, 'below the 1.2 kW minimum');
  assert.equal(car.setChargePowerW(6500), false, 'above the charger');
  assert.equal(car.setChargePowerW(6000), true);
  const fixed = new ElectricVehicle({ chargePowerSettable: false });
  assert.equal(fixed.setChargePowerW(2000), false, 'a charger whose power is set on the unit only');
  assert.equal(fixed.state(t).chargePowerW, 3000);
  for (; t < MONDAY_JST + 30 * HOUR; t += STEP) car.step(t, STEP, 0);
  assert.equal(car.state(t).full, true);
  assert.equal(car.step(t, STEP, 0), 0, 'a full car draws nothing');
  car.setMode('standby');
  assert.equal(car.step(t, STEP, 0), 0);
});

test('EV: a V2H unit discharges against the home load only; a plain charger refuses to discharge', () => {
  const v2h = new ElectricVehicle({ initialSocPct: 80, maxDischargeW: 6000 });
  assert.equal(v2h.setMode('discharge'), true);
  const night = MONDAY_JST + 2 * HOUR;
  assert.equal(v2h.step(night, STEP, 800), -800);
  assert.equal(v2h.step(night, STEP, -500), 0, 'no export');
  assert.equal(v2h.step(night, STEP, 9000), -6000);
  const charger = new ElectricVehicle({ maxDischargeW: 0 });
  assert.equal(charger.setMode('discharge'), false);
  assert.equal(charger.state(night).canDischarge, false);
});

test('battery: power limits, efficiency, full and reserve stops, no export', () => {
  const battery = new HomeBattery({ capacityWh: 5000, initialSocPct: 50, maxChargeW: 2000, maxDischargeW: 2500, efficiency: 0.9, reservePct: 10 });
  battery.setMode('charge');
  assert.equal(battery.step(HOUR, 0), 2000);
  assert.ok(Math.abs(battery.state().remainingWh - (2500 + 1800)) < 1e-6, 'one hour at 2 kW stores 1.8 kWh at 90 %');
  battery.step(HOUR, 0);
  assert.ok(Math.abs(battery.state().remainingWh - 5000) < 1e-6, 'stops at full');
  assert.equal(battery.step(STEP, 0), 0);
  battery.setMode('discharge');
  assert.equal(battery.step(STEP, 900), -900, 'follows the load');
  assert.equal(battery.step(STEP, -300), 0, 'never exports');
  assert.equal(battery.step(STEP, 4000), -2500, 'capped at its discharge limit');
  for (let i = 0; i < 1000; i++) battery.step(STEP, 4000);
  assert.ok(Math.abs(battery.state().socPct - 10) < 1e-6, `stops at the reserve, at ${battery.state().socPct} %`);
  battery.setMode('automatic');
  assert.equal(battery.step(STEP, -1500), 1500, 'auto charges from surplus');
  assert.equal(battery.step(STEP, -5000), 2000);
  battery.setMode('standby');
  assert.equal(battery.step(STEP, -5000), 0);
  const s = battery.state();
  assert.ok(s.chargedKwh > 0 && s.dischargedKwh > 0);
});
