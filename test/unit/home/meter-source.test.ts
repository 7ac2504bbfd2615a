import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { BROUTE_METER_IDENTITY, MeterSource } from '../../../src/home/meter-source.js';
import { DeviceStore } from '../../../src/home/store.js';
import type { MeterReading } from '../../../src/wisun/index.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

test('B-route readings become the meter device, which goes offline when they stop', () => {
  const clock = new ManualClock(1_000_000);
  const feed = new EventEmitter<{ reading: [MeterReading] }>();
  const store = new DeviceStore();
  const source = new MeterSource({ feed, store, clock, log: silentLogger, staleAfterMs: 120_000 });
  source.start();
  assert.equal(store.get(BROUTE_METER_IDENTITY), undefined, 'no meter before its first reading');

  feed.emit('reading', { at: clock.now(), powerW: -1200, currentRA: -6, currentTA: -6, boughtKwh: 12000.5, soldKwh: null });
  const meter = store.get(BROUTE_METER_IDENTITY)!;
  assert.equal(meter.kind, 'meter');
  assert.equal(meter.online, true);
  assert.equal(meter.readings.powerW?.value, -1200);
  assert.equal(meter.readings.boughtKwh?.value, 12000.5);
  assert.equal(meter.readings.soldKwh, undefined, 'no data is not a zero');

  clock.advance(119_000);
  assert.equal(store.get(BROUTE_METER_IDENTITY)!.online, true);
  clock.advance(2_000);
  assert.equal(store.get(BROUTE_METER_IDENTITY)!.online, false);

  feed.emit('reading', { at: clock.now(), powerW: 300, currentRA: 2, currentTA: 1, boughtKwh: 12000.6, soldKwh: 3000 });
  assert.equal(store.get(BROUTE_METER_IDENTITY)!.online, true);
  assert.equal(store.get(BROUTE_METER_IDENTITY)!.readings.soldKwh?.value, 3000);
  source.stop();
});
