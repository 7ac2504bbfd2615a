/**
 * The mirror against real brokers (the embedded aedes of broker.ts, and a mosquitto process) and real
 * mqtt.js clients: topic layout, retained state, discovery field by field, removal, HA restart, commands
 * and the LWT. Every test runs once per broker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient } from '../../../src/mqtt/broker.js';
import { MqttMirror } from '../../../src/mqtt/mirror.js';
import { systemClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { BROKERS, Recorder, ScriptedHome, batteryDevice, evDevice, freePort, meterDevice, solarDevice, waterHeaterDevice, type Broker } from '../../helpers/mqtt.js';

const AT = Date.parse('2026-11-26T03:00:00Z');

async function rig(start: () => Promise<Broker>, options: { scheduler?: boolean } = {}) {
  const broker = await start();
  const home = new ScriptedHome();
  home.put(meterDevice(AT, 1200, 12000.5, 3000.25));
  home.put(solarDevice(AT, 3400, 21000.75));
  home.put(waterHeaterDevice(AT));
  home.put(evDevice(AT));
  home.put(batteryDevice(AT));
  let schedulerOn = true;
  const mirror = new MqttMirror({
    source: home,
    commands: home.target,
    ...(options.scheduler ? { scheduler: { enabled: () => schedulerOn, setEnabled: (on: boolean) => void (schedulerOn = on) } } : {}),
    broker: { url: broker.url },
    clock: systemClock,
    log: silentLogger,
    version: '0.1.0-test',
    minBackoffMs: 50,
  });
  await mirror.start();
  await mirror.drained();
  return {
    broker,
    home,
    mirror,
    schedulerOn: () => schedulerOn,
    close: async () => {
      await mirror.stop();
      await broker.close();
    },
  };
}

for (const [name, start] of Object.entries(BROKERS)) {
  test(`${name}: topic layout: status, retained JSON state with units and times, per-value topics`, async (t) => {
      if (!start) return t.skip('mosquitto is not installed');
    const r = await rig(start);
    try {
      // a subscriber arriving later gets everything from the retained messages
      const sub = await Recorder.connect(r.broker.url, ['echonet-hems/#']);
      await sub.waitFor((m) => m.some((x) => x.topic === 'echonet-hems/b-route-meter/state') && m.some((x) => x.topic === 'echonet-hems/status'));
      await sub.quiet();
      assert.ok(sub.messages.every((m) => m.retain), 'everything present before subscribing is retained');
      assert.equal(sub.last('echonet-hems/status'), 'online');
      const state = JSON.parse(sub.last('echonet-hems/b-route-meter/state')!);
      assert.equal(state.device, 'b-route-meter');
      assert.equal(state.kind, 'meter');
      assert.equal(state.online, true);
      assert.ok(!Number.isNaN(Date.parse(state.at)));
      assert.deepEqual(state.values.power, { value: 1200, unit: 'W', at: new Date(AT).toISOString() });
      assert.deepEqual(state.values.bought_energy, { value: 12000.5, unit: 'kWh', at: new Date(AT).toISOString() });
      assert.deepEqual(state.values.sold_energy, { value: 3000.25, unit: 'kWh', at: new Date(AT).toISOString() });
      assert.equal(sub.last('echonet-hems/b-route-meter/power'), '1200');
      assert.equal(sub.last('echonet-hems/b-route-meter/bought_energy'), '12000.5');
      assert.equal(sub.last('echonet-hems/b-route-meter/availability'), 'online');
      // a device identity with ':' becomes one safe topic level
      assert.equal(sub.last('echonet-hems/fe00000b00000001_027901/generated_energy'), '21000.75');
      assert.equal(sub.last('echonet-hems/fe00000b00000002_026b01/heating'), 'OFF');
      assert.equal(sub.last('echonet-hems/fe00000b00000002_026b01/heating_mode'), 'automatic');
      const heater = JSON.parse(sub.last('echonet-hems/fe00000b00000002_026b01/state')!);
      assert.deepEqual(heater.values.tank_temperature.unit, '°C');
      assert.equal(heater.values.heating_mode.unit, undefined);

      // a change: only what changed is sent again, the state follows; offline shows on availability
      const before = sub.messages.length;
      r.home.put(meterDevice(AT + 30_000, 900, 12000.5, 3000.25, false));
      await sub.waitFor((m) => m.length > before && m.some((x) => x.topic === 'echonet-hems/b-route-meter/availability' && x.payload === 'offline'));
      await r.mirror.drained();
      await new Promise((res) => setTimeout(res, 100));
      const fresh = sub.messages.slice(before).map((m) => m.topic).sort();
      assert.deepEqual(fresh, ['echonet-hems/b-route-meter/availability', 'echonet-hems/b-route-meter/power', 'echonet-hems/b-route-meter/state']);
      assert.equal(JSON.parse(sub.last('echonet-hems/b-route-meter/state')!).online, false);
      await sub.close();
    } finally {
      await r.close();
    }
  });

  test(`${name}: Home Assistant discovery: Energy-dashboard classes, ids, device, origin and availability, field by field`, async (t) => {
      if (!start) return t.skip('mosquitto is not installed');
    const r = await rig(start, { scheduler: true });
    try {
      const sub = await Recorder.connect(r.broker.url, ['homeassistant/#']);
      await sub.waitFor((m) => m.length >= 20, 5_000, 'discovery configs');
      await sub.quiet();
      const config = (topic: string) => {
        const p = sub.last(topic);
        assert.ok(p, `no config on ${topic}`);
        return JSON.parse(p);
      };
      const bought = config('homeassistant/sensor/echonet-hems_b-route-meter/bought_energy/config');
      assert.equal(bought.device_class, 'energy');
      assert.equal(bought.state_class, 'total_increasing');
      assert.equal(bought.unit_of_measurement, 'kWh');
      assert.equal(bought.state_topic, 'echonet-hems/b-route-meter/bought_energy');
      assert.equal(bought.unique_id, 'echonet-hems_b-route-meter_bought_energy');
      assert.equal(bought.qos, 1);
      assert.deepEqual(bought.device.identifiers, ['echonet-hems_b-route-meter']);
      assert.equal(bought.device.name, 'Smart meter');
      assert.equal(bought.device.model, 'Smart electricity meter');
      assert.deepEqual(bought.origin, { name: 'homebridge-echonet-hems', sw_version: '0.1.0-test', support_url: 'https://github.com/homebridge-echonet-hems/homebridge-echonet-hems' });
      assert.deepEqual(bought.availability, [{ topic: 'echonet-hems/status' }, { topic: 'echonet-hems/b-route-meter/availability' }]);
      assert.equal(bought.availability_mode, 'all');

      const sold = config('homeassistant/sensor/echonet-hems_b-route-meter/sold_energy/config');
      assert.deepEqual([sold.device_class, sold.state_class, sold.unit_of_measurement], ['energy', 'total_increasing', 'kWh']);
      const solar = config('homeassistant/sensor/echonet-hems_fe00000b00000001_027901/generated_energy/config');
      assert.deepEqual([solar.device_class, solar.state_class, solar.unit_of_measurement], ['energy', 'total_increasing', 'kWh']);
      assert.equal(solar.device.manufacturer, 'ECHONET maker 0x00000b');
      const power = config('homeassistant/sensor/echonet-hems_b-route-meter/power/config');
      assert.deepEqual([power.device_class, power.state_class, power.unit_of_measurement], ['power', 'measurement', 'W']);
      const soc = config('homeassistant/sensor/echonet-hems_fe00000b00000004_027d01/state_of_charge/config');
      assert.deepEqual([soc.device_class, soc.state_class, soc.unit_of_measurement], ['battery', 'measurement', '%']);
      const heating = config('homeassistant/binary_sensor/echonet-hems_fe00000b00000002_026b01/heating/config');
      assert.equal(heating.device_class, 'heat');
      const mode = config('homeassistant/sensor/echonet-hems_fe00000b00000002_026b01/heating_mode/config');
      assert.equal(mode.device_class, undefined);
      assert.equal(mode.state_class, undefined);

      // commands: switches/select with command topics and the device's own state
      const manual = config('homeassistant/switch/echonet-hems_fe00000b00000002_026b01/manual_heating/config');
      assert.equal(manual.command_topic, 'echonet-hems/fe00000b00000002_026b01/manual_heating/set');
      assert.equal(manual.state_topic, 'echonet-hems/fe00000b00000002_026b01/heating_mode');
      assert.equal(sub.last('homeassistant/switch/echonet-hems_fe00000b00000002_026b01/daytime_reheating/config'), undefined, 'daytime reheating is HomeKit-only');
      const ev = config('homeassistant/switch/echonet-hems_fe00000b00000003_027e01/ev_charging/config');
      assert.equal(ev.command_topic, 'echonet-hems/fe00000b00000003_027e01/ev_charging/set');
      const battery = config('homeassistant/select/echonet-hems_fe00000b00000004_027d01/battery_mode/config');
      assert.deepEqual(battery.options, ['charge', 'rapid_charge', 'discharge', 'standby', 'automatic']);
      const scheduler = config('homeassistant/switch/echonet-hems_scheduler/enabled/config');
      assert.equal(scheduler.command_topic, 'echonet-hems/scheduler/enabled/set');
      assert.equal(scheduler.availability_topic, 'echonet-hems/status');

      // every unique_id is unique
      const ids = sub.messages.filter((m) => m.payload).map((m) => JSON.parse(m.payload).unique_id as string);
      assert.equal(new Set(ids).size, ids.length);

      // HA restarts: its birth message brings every config again
      const count = sub.messages.length;
      const ha = await Recorder.connect(r.broker.url, []);
      await ha.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
      await sub.waitFor((m) => m.length >= count * 2, 5_000, 'discovery sent again');
      await ha.close();

      // a device that no longer allows a command (its Set map read again): that entity alone is deleted
      r.home.put({ ...evDevice(AT), commands: new Set() });
      await sub.waitFor((m) => m.some((x) => x.topic === 'homeassistant/switch/echonet-hems_fe00000b00000003_027e01/ev_charging/config' && x.payload === ''), 5_000, 'the EV switch deleted');
      assert.ok(sub.last('homeassistant/sensor/echonet-hems_fe00000b00000003_027e01/power/config'), 'its sensors stay');

      // a device removed: its configs become empty retained messages, so HA deletes the entities
      const solarTopics = sub.messages.filter((m) => m.topic.includes('fe00000b00000001_027901')).map((m) => m.topic);
      r.home.remove('fe00000b00000001:027901');
      r.mirror.removeDevice('fe00000b00000001:027901');
      await r.mirror.drained();
      const late = await Recorder.connect(r.broker.url, ['homeassistant/#', 'echonet-hems/#']);
      await late.waitFor((m) => m.some((x) => x.topic.includes('b-route-meter')));
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(solarTopics.length >= 2);
      assert.ok(!late.messages.some((m) => m.topic.includes('fe00000b00000001_027901')), 'nothing retained is left of the removed device');
      await late.close();
      await sub.close();

      // after a restart, a device that is gone for good was never seen by the new run: its old entities go too
      const batteryNode = 'fe00000b00000004_027d01';
      await r.mirror.stop();
      r.home.remove('fe00000b00000004:027d01');
      const next = new MqttMirror({ source: r.home, commands: r.home.target, broker: { url: r.broker.url }, clock: systemClock, log: silentLogger, version: '0.1.0-test' });
      await next.start();
      next.removeDevice('fe00000b00000004:027d01');
      await next.drained();
      const later = await Recorder.connect(r.broker.url, ['homeassistant/#', 'echonet-hems/#']);
      await later.waitFor((m) => m.some((x) => x.topic.includes('b-route-meter')));
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(!later.messages.some((m) => m.topic.includes(batteryNode)), 'nothing retained is left of the battery from the earlier run');
      await later.close();
      await next.stop();
    } finally {
      await r.close();
    }
  });

  test(`${name}: commands: allowed ones reach the home; the rest are answered on errors and go nowhere`, async (t) => {
      if (!start) return t.skip('mosquitto is not installed');
    const r = await rig(start, { scheduler: true });
    try {
      const sub = await Recorder.connect(r.broker.url, ['echonet-hems/errors', 'echonet-hems/scheduler/#']);
      const cli = await Recorder.connect(r.broker.url, []);
      const send = (topic: string, payload: string | Buffer) => cli.client.publishAsync(`echonet-hems/${topic}`, payload, { qos: 1 });
      await send('fe00000b00000002_026b01/manual_heating/set', 'ON');
      await send('fe00000b00000003_027e01/ev_charging/set', 'OFF');
      await send('fe00000b00000004_027d01/battery_mode/set', 'charge');
      await send('scheduler/enabled/set', 'OFF');
      const good = 3;
      const bad: [string, string | Buffer][] = [
        ['fe00000b00000002_026b01/manual_heating/set', 'maybe'],
        ['fe00000b00000002_026b01/daytime_reheating/set', 'ON'], // allowed by the Set map, not offered on MQTT
        ['fe00000b00000002_026b01/tank_temperature/set', '90'],
        ['fe00000b00000004_027d01/battery_mode/set', 'overcharge'],
        ['fe00000b00000004_027d01/manual_heating/set', 'ON'], // not this device's command
        ['nosuchdevice/ev_charging/set', 'ON'],
        ['fe00000b00000003_027e01/ev_charging/set', Buffer.from([0xff, 0xfe, 0x4f, 0x4e])],
        ['fe00000b00000003_027e01/ev_charging/set', 'O'.repeat(1000)],
        ['b-route-meter/power/set', '0'],
      ];
      for (const [topic, payload] of bad) await send(topic, payload);
      await sub.waitFor((m) => m.filter((x) => x.topic === 'echonet-hems/errors').length >= bad.length, 5_000, 'errors');
      await sub.waitFor((m) => m.some((x) => x.topic === 'echonet-hems/scheduler/enabled' && x.payload === 'OFF'), 5_000, 'scheduler state');
      assert.deepEqual(r.home.calls.sort(), ['battery-mode fe00000b00000004:027d01 charge', 'ev-charging fe00000b00000003:027e01 false', 'manual-heating fe00000b00000002:026b01 true']);
      assert.equal(r.home.calls.length, good);
      assert.equal(r.schedulerOn(), false);
      const errors = sub.messages.filter((m) => m.topic === 'echonet-hems/errors').map((m) => JSON.parse(m.payload));
      for (const e of errors) {
        assert.equal(typeof e.error, 'string');
        assert.ok(!JSON.stringify(e).includes('OOOOOOOO'), 'payloads are not echoed');
        assert.ok(!Number.isNaN(Date.parse(e.at)));
      }
      assert.deepEqual(errors.map((e) => e.code).sort(), ['bad-payload', 'bad-payload', 'bad-payload', 'bad-payload', 'not-a-command', 'not-a-command', 'not-a-command', 'not-allowed', 'unknown-device']);
      assert.ok(sub.messages.filter((m) => m.topic === 'echonet-hems/errors').every((m) => !m.retain));

      // the home refuses: the refusal is published too
      r.home.refuse = 'the device did not take the new value';
      await send('fe00000b00000002_026b01/manual_heating/set', 'OFF');
      await sub.waitFor((m) => m.some((x) => x.payload.includes('did not take')), 5_000, 'refusal');
      assert.equal(r.mirror.stats().rejectedCommands, bad.length + 1);
      await cli.close();
      await sub.close();
    } finally {
      await r.close();
    }
  });

  test(`${name}: the last will: a connection that dies without a goodbye leaves status offline; stop() says offline itself`, async (t) => {
      if (!start) return t.skip('mosquitto is not installed');
    const r = await rig(start);
    try {
      const sub = await Recorder.connect(r.broker.url, ['echonet-hems/status', 'test/status']);
      const victim = connectClient({ url: r.broker.url }, { topic: 'test/status', payload: 'offline' });
      await new Promise<void>((resolve) => victim.once('connect', () => resolve()));
      victim.stream.destroy();
      await sub.waitFor((m) => m.some((x) => x.topic === 'test/status' && x.payload === 'offline'), 5_000, 'the will');
      victim.end(true);
      await r.mirror.stop();
      await sub.waitFor((m) => m.some((x) => x.topic === 'echonet-hems/status' && x.payload === 'offline'), 5_000, 'the goodbye');
      await sub.close();
    } finally {
      await r.close();
    }
  });
}
