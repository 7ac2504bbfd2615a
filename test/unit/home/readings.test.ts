import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeProperty, type PropertyValue } from '../../../src/echonet/catalogue/index.js';
import type { Property } from '../../../src/echonet/frame.js';
import { contextFrom, offeredReadings, pollEpcs, readingsFrom } from '../../../src/home/readings.js';
import { generationState } from '../../../src/home/generation.js';

function prop(classCode: number, epc: number, value: PropertyValue): Property {
  const encoded = encodeProperty(classCode, epc, value);
  assert.ok(encoded.ok, `encode ${epc.toString(16)}`);
  return { epc, edt: encoded.edt };
}

test('EcoCute properties become typed readings', () => {
  const c = 0x026b;
  const update = readingsFrom(c, [
    prop(c, 0xb0, 'manual_heating'),
    prop(c, 0xb2, 'heating'),
    prop(c, 0xc0, 'not_permitted'),
    prop(c, 0xc1, 63),
    prop(c, 0xe1, 210),
    prop(c, 0xe2, 370),
  ]);
  assert.deepEqual(update, {
    heatingMode: 'manual_heating',
    heating: true,
    daytimeReheating: false,
    tankTempC: 63,
    remainingHotWaterL: 210,
    tankCapacityL: 370,
  });
});

test('EV charger and battery share the store readings; both EV classes map', () => {
  for (const c of [0x027e, 0x02a1]) {
    assert.deepEqual(readingsFrom(c, [prop(c, 0xc7, 'chargeable'), prop(c, 0xd3, 3000), prop(c, 0xda, 'charge'), prop(c, 0xe4, 55)]), {
      vehicle: 'chargeable',
      powerW: 3000,
      operationMode: 'charge',
      socPct: 55,
    });
  }
  assert.deepEqual(readingsFrom(0x027d, [prop(0x027d, 0xd3, -800), prop(0x027d, 0xe4, 40)]), { powerW: -800, socPct: 40 });
});

test('meter counters are read in kWh with the unit and coefficient, also from a later INF', () => {
  const c = 0x0288;
  const first = [prop(c, 0xd3, 1), prop(c, 0xe1, 0.1), { epc: 0xe0, edt: Uint8Array.of(0, 0, 0x30, 0x39) }, prop(c, 0xe7, -1500)];
  assert.deepEqual(readingsFrom(c, first), { powerW: -1500, boughtKwh: 1234.5 });
  const context = contextFrom(c, first);
  assert.deepEqual([...context.keys()].sort(), [0xd3, 0xe1]);
  assert.deepEqual(readingsFrom(c, [{ epc: 0xe3, edt: Uint8Array.of(0, 0, 0, 10) }], context), { soldKwh: 1 });
});

test('failed and unknown properties are ignored', () => {
  assert.deepEqual(readingsFrom(0x0279, [{ epc: 0xe0, edt: new Uint8Array(0) }, { epc: 0xf0, edt: Uint8Array.of(1) }]), {});
  assert.deepEqual(readingsFrom(0x0130, [{ epc: 0x80, edt: Uint8Array.of(0x30) }]), {});
});

test('polling asks only for what the Get map lists, and offers follow it', () => {
  assert.deepEqual(pollEpcs(0x0279, [0x80, 0xe0]), [0xe0]);
  assert.deepEqual(pollEpcs(0x0279, undefined), [0xe0, 0xe1, 0x88, 0x89], 'without a Get map: every mapped EPC, the fault status and code included');
  assert.deepEqual(pollEpcs(0x0288, [0xd3, 0xe1, 0xe7]), [0xd3, 0xe1, 0xe7]);
  assert.deepEqual([...offeredReadings(0x026b, [0xb0, 0xc1])].sort(), ['heatingMode', 'tankTempC']);
});

test('generation indicator (seed item 7): solar, external only, both, none', () => {
  assert.equal(generationState(2500, undefined), 'solar');
  assert.equal(generationState(0, 700), 'external');
  assert.equal(generationState(2500, 700), 'both');
  assert.equal(generationState(3, undefined), 'none', 'a few watts at dusk are not generation');
  assert.equal(generationState(undefined, undefined), 'none');
});

test('every ECHONET device reports its fault status (88) and, where offered, the fault code (89)', () => {
  for (const c of [0x0288, 0x0279, 0x026b, 0x027e, 0x02a1, 0x027d]) {
    assert.deepEqual(readingsFrom(c, [{ epc: 0x88, edt: Uint8Array.of(0x41) }, { epc: 0x89, edt: Uint8Array.of(0x01, 0x04) }]), { fault: true, faultCode: '0104' });
    assert.deepEqual(readingsFrom(c, [{ epc: 0x88, edt: Uint8Array.of(0x42) }]), { fault: false });
  }
  assert.deepEqual(pollEpcs(0x026b, [0x88, 0xb0]), [0xb0, 0x88], 'polled with the rest, as the Get map allows');
  assert.deepEqual([...offeredReadings(0x026b, [0x88, 0x89, 0xb0])].sort(), ['fault', 'faultCode', 'heatingMode']);
});

test('the EcoCute\'s own draw (84, W) and energy (85, 0.001 kWh) are read only where its Get map lists them', () => {
  const withoutMap = pollEpcs(0x026b, undefined);
  assert.ok(!withoutMap.includes(0x84) && !withoutMap.includes(0x85), 'no Get map: not asked, many units lack them');
  assert.ok(!pollEpcs(0x026b, [0xb0, 0xb2, 0xc1]).includes(0x84), 'not in the map: not asked');
  assert.deepEqual(pollEpcs(0x026b, [0x84, 0xb2]), [0xb2, 0x84]);
  assert.deepEqual(pollEpcs(0x026b, [0x84, 0x85, 0xb2]), [0xb2, 0x84, 0x85]);
  assert.deepEqual([...offeredReadings(0x026b, [0x84, 0x85, 0xb2])].sort(), ['consumedKwh', 'heating', 'powerW']);
  assert.deepEqual([...offeredReadings(0x026b, undefined)].filter((k) => k === 'powerW' || k === 'consumedKwh'), []);
  // 1180 W, 12345.678 kWh
  assert.deepEqual(readingsFrom(0x026b, [{ epc: 0x84, edt: Uint8Array.of(0x04, 0x9c) }, { epc: 0x85, edt: Uint8Array.of(0x00, 0xbc, 0x61, 0x4e) }]), { powerW: 1180, consumedKwh: 12345.678 });
  // other classes keep their own power property: 84 is not read as a solar inverter's output
  assert.ok(!pollEpcs(0x0279, [0x84, 0xe0]).includes(0x84));
});
