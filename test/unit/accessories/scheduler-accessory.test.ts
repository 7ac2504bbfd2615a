/**
 * The scheduler's HomeKit accessory in process, on Homebridge 1.x's own API and HAP (no server), against
 * a scripted scheduler: the "AI solar charge" switch reads and sets the scheduler without making the Home
 * app wait for a planning round, the weather-warning sensor follows the scheduler's status events, names
 * follow the language, and a cached accessory keeps its identity and loses services it no longer has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { HomebridgeAPI } from 'homebridge/lib/api.js';
import type { Characteristic, PlatformAccessory, Service, WithUUID } from 'homebridge';
import { isSchedulerAccessory, schedulerAccessory, schedulerAccessoryUuid, type SchedulerView } from '../../../src/accessories/scheduler.js';
import type { SchedulerService, SchedulerStatus } from '../../../src/scheduler/index.js';
import { silentLogger } from '../../../src/util/log.js';

const api = new HomebridgeAPI();
const { Service: S, Characteristic: C } = api.hap;

// the real service is what the platform passes
const _fits: (s: SchedulerService) => SchedulerView = (s) => s;

const STORM = { active: true, names: ['Heavy rain warning'], message: 'weather warning in force', messageJa: '気象警報発表中' };
const CALM = { active: false, names: [], message: 'no weather warning in force for the area', messageJa: '地域に気象警報は出ていません' };

class FakeScheduler extends EventEmitter implements SchedulerView {
  on_ = true;
  warning: SchedulerStatus['warning'] = CALM;
  readonly calls: boolean[] = [];
  enabled(): boolean {
    return this.on_;
  }
  /** Like the real one: the switch flips at once, the planning round it starts takes its time. */
  setEnabled(on: boolean): Promise<void> {
    this.calls.push(on);
    this.on_ = on;
    return new Promise(() => undefined);
  }
  status(): SchedulerStatus {
    return { enabled: this.on_, mode: 'planner', updatedAt: 0, forecast: { status: 'fresh', message: '', messageJa: '' }, warning: this.warning, gates: [], devices: [], decisions: [] };
  }
  push(): void {
    this.emit('status', this.status());
  }
}

function characteristic(accessory: PlatformAccessory, name: string, type: WithUUID<new () => Characteristic>): Characteristic {
  // the information service carries the accessory's name too
  const service = accessory.services.find((s: Service) => s.UUID !== S.AccessoryInformation.UUID && s.getCharacteristic(C.Name).value === name);
  assert.ok(service, `a service named ${name}; have ${accessory.services.map((s) => s.getCharacteristic(C.Name).value).join(', ')}`);
  return service.getCharacteristic(type);
}

test('the switch shows and sets AI solar charge, answering HomeKit at once', async () => {
  const scheduler = new FakeScheduler();
  const shown = schedulerAccessory(api, undefined, scheduler, 'en', silentLogger);
  assert.equal(shown.created, true);
  assert.equal(shown.accessory.UUID, schedulerAccessoryUuid(api));
  assert.ok(isSchedulerAccessory(shown.accessory));
  const on = characteristic(shown.accessory, 'AI Solar Charge', C.On);
  assert.equal(await on.handleGetRequest(), true);
  // the scheduler's round never finishes here: the set must not wait for it
  await on.handleSetRequest(false);
  assert.deepEqual(scheduler.calls, [false]);
  assert.equal(await on.handleGetRequest(), false);
  shown.stop();
});

test('the weather-warning sensor trips while a warning is in force, and is inactive while the switch is off', async () => {
  const scheduler = new FakeScheduler();
  const shown = schedulerAccessory(api, undefined, scheduler, 'en', silentLogger);
  const detected = characteristic(shown.accessory, 'Weather Warning', C.OccupancyDetected);
  const active = characteristic(shown.accessory, 'Weather Warning', C.StatusActive);
  assert.equal(detected.value, C.OccupancyDetected.OCCUPANCY_NOT_DETECTED);

  scheduler.warning = STORM;
  scheduler.push();
  assert.equal(detected.value, C.OccupancyDetected.OCCUPANCY_DETECTED, 'pushed on the status event');
  assert.equal(await detected.handleGetRequest(), C.OccupancyDetected.OCCUPANCY_DETECTED);
  assert.equal(active.value, true);

  // switched off elsewhere (MQTT): the scheduler no longer fetches warnings, so the sensor says it does not know
  scheduler.on_ = false;
  scheduler.push();
  assert.equal(characteristic(shown.accessory, 'AI Solar Charge', C.On).value, false);
  assert.equal(detected.value, C.OccupancyDetected.OCCUPANCY_NOT_DETECTED);
  assert.equal(active.value, false);

  shown.stop();
  assert.equal(scheduler.listenerCount('status'), 0, 'stopped: no longer follows the scheduler');
});

test('Japanese names; a cached accessory keeps its identity, its renamed services and loses stale ones', async () => {
  const scheduler = new FakeScheduler();
  const first = schedulerAccessory(api, undefined, scheduler, 'ja', silentLogger);
  first.stop();
  const cached = first.accessory as PlatformAccessory;
  assert.ok(characteristic(cached, 'AIソーラーチャージ', C.On));
  assert.ok(characteristic(cached, '気象警報', C.OccupancyDetected));
  cached.getServiceById(S.Switch, 'ai-solar-charge')!.setCharacteristic(C.ConfiguredName, 'ソーラー充電');
  cached.addService(S.MotionSensor, 'old', 'old-sensor');

  const again = schedulerAccessory(api, cached, scheduler, 'ja', silentLogger);
  assert.equal(again.created, false);
  assert.equal(again.accessory.UUID, first.accessory.UUID);
  assert.equal(again.accessory.services.length, 3, 'information, switch and sensor only');
  assert.equal(again.accessory.getServiceById(S.Switch, 'ai-solar-charge')!.getCharacteristic(C.ConfiguredName).value, 'ソーラー充電', 'the Home app rename is kept');
  assert.equal(isSchedulerAccessory(new api.platformAccessory('Grid', api.hap.uuid.generate('meter'))), false);
  again.stop();
});
