import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, HALF_HOUR_MS } from '../../../src/store/history.js';
import { EnergyRecorder } from '../../../src/store/recorder.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { ScriptedHome, batteryDevice, meterDevice, solarDevice, waterHeaterDevice } from '../../helpers/mqtt.js';
import type { HomeDevice } from '../../../src/home/index.js';

const T0 = Date.UTC(2026, 5, 1, 3, 0); // on a half-hour boundary
const settle = () => new Promise((r) => setTimeout(r, 50));

function withPower(device: HomeDevice, w: number, at: number): HomeDevice {
  return { ...device, readings: { ...device.readings, powerW: { value: w, at } } };
}

test('counters give exact half-hour energies; power without a counter is held between readings; events follow changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-recorder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const history = await History.open({ dir, log: silentLogger });
  const clock = new ManualClock(T0 + 10 * 60_000); // starts 10 minutes into a half-hour
  const home = new ScriptedHome();
  home.put(meterDevice(clock.now(), 500, 1000, 200));
  home.put(solarDevice(clock.now(), 2000, 5000));
  const battery = batteryDevice(clock.now());
  home.put(withPower(battery, 1000, clock.now())); // charging 1 kW
  home.put(waterHeaterDevice(clock.now()));
  const recorder = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
  await recorder.start();

  // first (partial) half-hour: 20 minutes left
  clock.advance(10 * 60_000);
  home.put(meterDevice(clock.now(), 400, 1000.3, 200.1));
  home.put(solarDevice(clock.now(), 1800, 5000.5));
  home.put(withPower(battery, -600, clock.now())); // 10 min at +1 kW, then discharging
  clock.advance(10 * 60_000); // the boundary: T0 + 30 min
  await settle();
  home.put({ ...waterHeaterDevice(clock.now()), readings: { ...waterHeaterDevice(clock.now()).readings, heatingMode: { value: 'manual_heating', at: clock.now() } } });
  home.put(meterDevice(clock.now() + 1, 0, 1000.3, 200.1, false));
  // second half-hour: counters move by exactly 0.2 / 0.05 / 1.0; the battery's last reading (at 20 min)
  // was held for the 10-minute limit, up to the boundary, and not stretched into this half-hour
  clock.advance(20 * 60_000);
  home.put(meterDevice(clock.now(), 300, 1000.5, 200.15));
  home.put(solarDevice(clock.now(), 1000, 5001.5));
  clock.advance(10 * 60_000);
  await settle();
  await recorder.stop();
  await history.settled();

  const slots = await history.slots(T0, T0 + 2 * HALF_HOUR_MS);
  assert.deepEqual(slots.map((s) => s.start), [T0, T0 + HALF_HOUR_MS]);
  const [first, second] = slots;
  assert.deepEqual(first!.kwh, { bought: 0.3, sold: 0.1, generated: 0.5, 'device/fe00000b00000001:027901': 0.5, 'device/fe00000b00000004:027d01': 0.066667 });
  assert.deepEqual(second!.kwh, { bought: 0.2, sold: 0.05, generated: 1, 'device/fe00000b00000001:027901': 1, 'device/fe00000b00000004:027d01': 0 });
  const events = await history.events(T0, T0 + 2 * HALF_HOUR_MS);
  assert.deepEqual(
    events.map((e) => [e.device, e.kind, e.detail]),
    [
      ['fe00000b00000002:026b01', 'operation', 'heatingMode automatic -> manual_heating'],
      ['b-route-meter', 'offline', 'not answering'],
      ['b-route-meter', 'online', 'answering again'],
    ],
  );
});

test('stop writes the half-hour so far, and a restart within it adds to that instead of replacing it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-recorder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const history = await History.open({ dir, log: silentLogger });
  const clock = new ManualClock(T0);
  const home = new ScriptedHome();
  home.put(meterDevice(clock.now(), 500, 1000, 200));
  const first = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
  await first.start();
  clock.advance(10 * 60_000);
  home.put(meterDevice(clock.now(), 500, 1000.2, 200));
  await first.stop();
  assert.deepEqual((await history.slots(T0, T0 + HALF_HOUR_MS)).map((s) => s.kwh), [{ bought: 0.2, sold: 0 }], 'the partial half-hour is on disk after stop');

  // Homebridge restarted: the counters move on from where the new run first sees them
  clock.advance(60_000);
  home.put(meterDevice(clock.now(), 500, 1000.3, 200));
  const second = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
  await second.start();
  clock.advance(9 * 60_000);
  home.put(meterDevice(clock.now(), 500, 1000.4, 200.1));
  clock.advance(10 * 60_000); // the boundary
  await settle();
  await second.stop();
  await history.settled();
  const [slot] = await history.slots(T0, T0 + HALF_HOUR_MS);
  assert.deepEqual(slot?.kwh, { bought: 0.3, sold: 0.1 }, '0.2 kWh before the restart + 0.1 after; the minute it was down is not invented');
});

test('fault status and code changes become error events with the code', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-recorder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const history = await History.open({ dir, log: silentLogger });
  const clock = new ManualClock(T0);
  const home = new ScriptedHome();
  const heater = (fault: boolean, code?: string): HomeDevice => {
    const base = waterHeaterDevice(clock.now());
    const readings = { ...base.readings, fault: { value: fault, at: clock.now() }, ...(code ? { faultCode: { value: code, at: clock.now() } } : {}) };
    return { ...base, readings };
  };
  home.put(heater(false));
  const recorder = new EnergyRecorder({ source: home, history, clock, log: silentLogger });
  await recorder.start();
  for (const [fault, code] of [[false], [true, '0104'], [true, '0104'], [true, '0a01'], [false], [false]] as const) {
    clock.advance(60_000);
    home.put(heater(fault, code));
  }
  await settle();
  await recorder.stop();
  await history.settled();
  const events = await history.events(T0, T0 + HALF_HOUR_MS);
  assert.deepEqual(
    events.map((e) => [(e.at - T0) / 60_000, e.kind, e.detail]),
    [
      [2, 'error', 'fault, code 0104'],
      [4, 'error', 'fault, code 0a01'],
      [5, 'error', 'fault cleared'],
    ],
    'a fault, a new code while it stands, and its clearing; repeats and a fault-free start record nothing',
  );

  // a device already faulty when first seen (the fault began while the plugin was down) is recorded too
  const again = new ScriptedHome();
  const second = new EnergyRecorder({ source: again, history, clock, log: silentLogger });
  await second.start();
  again.put(heater(true));
  await settle();
  await second.stop();
  await history.settled();
  assert.equal((await history.events(clock.now(), clock.now() + 1)).map((e) => e.detail).join(), 'fault');
});
