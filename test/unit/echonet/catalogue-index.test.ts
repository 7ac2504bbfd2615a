// The catalogue's public lookups (lookupClass, lookupProperty, describeProperty, encodeProperty), and
// the values a decoder must refuse or an encoder must not produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeProperty,
  encodeProperty,
  lookupClass,
  lookupProperty,
} from '../../../src/echonet/catalogue/index.js';
import type { PropertyValue } from '../../../src/echonet/catalogue/types.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

test('lookupClass knows the catalogued classes and nothing else', () => {
  const names = new Map([
    [0x0ef0, 'Node profile'],
    [0x0288, 'Low-voltage smart electric energy meter'],
    [0x0279, 'Household solar power generation'],
    [0x026b, 'Electric water heater'],
    [0x027e, 'EV charger/discharger'],
    [0x02a1, 'EV charger'],
    [0x027d, 'Storage battery'],
    [0x0287, 'Power distribution board metering'],
  ]);
  for (const [code, name] of names) {
    const c = lookupClass(code);
    assert.equal(c?.classCode, code);
    assert.equal(c?.name, name);
    assert.ok(c.nameJa.length > 0);
    for (const [epc, def] of c.properties) {
      assert.equal(def.epc, epc);
      assert.match(def.key, /^[a-z][a-z0-9_]*$/);
    }
  }
  for (const code of [0x0130, 0x0000, 0x0ef1, 0x0ff0, -1, 0x10000]) assert.equal(lookupClass(code), undefined);
});

test('keys are unique within a class', () => {
  for (const code of [0x0ef0, 0x0288, 0x0279, 0x026b, 0x027e, 0x02a1, 0x027d, 0x0287]) {
    const keys = [...lookupClass(code)!.properties.values()].map((d) => d.key);
    assert.equal(new Set(keys).size, keys.length, `duplicate key in 0x${code.toString(16)}`);
  }
});

test('lookupProperty: the class first, then the super class for every device class group', () => {
  assert.equal(lookupProperty(0x0288, 0xe7)?.key, 'instantaneous_power');
  assert.equal(lookupProperty(0x0288, 0x80)?.key, 'operation_status');
  assert.equal(lookupProperty(0x0288, 0x9f)?.key, 'get_property_map');
  // An uncatalogued air conditioner still has the super class.
  assert.equal(lookupProperty(0x0130, 0x80)?.key, 'operation_status');
  assert.equal(lookupProperty(0x0130, 0xb0), undefined);
  // The node profile has its own 80 and no super class; profile and user groups have nothing else.
  assert.equal(lookupProperty(0x0ef0, 0x80)?.name, 'Operating status');
  assert.equal(lookupProperty(0x0ef0, 0x81), undefined);
  assert.equal(lookupProperty(0x0ef1, 0x80), undefined);
  assert.equal(lookupProperty(0x0f00, 0x80), undefined);
  // A class-specific EPC of one class is not borrowed by another.
  assert.equal(lookupProperty(0x02a1, 0xd6), undefined);
  assert.equal(lookupProperty(0x027e, 0xd6)?.key, 'cumulative_discharge');
});

test('describeProperty: a known EPC carries name, key, value and unit', () => {
  assert.deepEqual(describeProperty(0x0288, 0xe7, fromHex('fffffe0c')!), {
    epc: 'e7',
    pdc: 4,
    edt: 'fffffe0c',
    name: 'Instantaneous electric power',
    key: 'instantaneous_power',
    value: -500,
    unit: 'W',
  });
  assert.deepEqual(describeProperty(0x0ef0, 0xd6, fromHex('01027901')!), {
    epc: 'd6',
    pdc: 4,
    edt: '01027901',
    name: 'Self-node instance list S',
    key: 'instance_list',
    value: ['027901'],
  });
  assert.deepEqual(describeProperty(0x0288, 0xe7, fromHex('7ffffffe')!).value, null);
});

test('describeProperty: an unknown class or EPC gives only epc, pdc and edt', () => {
  assert.deepEqual(describeProperty(0x0130, 0xb0, fromHex('41')!), { epc: 'b0', pdc: 1, edt: '41' });
  assert.deepEqual(describeProperty(0x0ff0, 0x80, fromHex('30')!), { epc: '80', pdc: 1, edt: '30' });
  assert.deepEqual(describeProperty(0x0288, 0x0a, new Uint8Array(0)), { epc: '0a', pdc: 0, edt: '' });
});

test('describeProperty: a decode failure sets error and no value', () => {
  const d = describeProperty(0x0288, 0xe7, fromHex('0001')!);
  assert.equal(d.name, 'Instantaneous electric power');
  assert.equal(d.pdc, 2);
  assert.match(d.error!, /4 data bytes/);
  assert.ok(!('value' in d) && !('unit' in d));
  // Get_SNA answers failed EPCs with PDC 0: that is an error too, not a value.
  assert.ok(describeProperty(0x0288, 0xe8, new Uint8Array(0)).error);
});

/** [class, epc, hex, reason pattern]: EDTs that must decode to ok:false. */
const REFUSED_EDTS: [number, number, string, RegExp][] = [
  [0x0288, 0xe7, '7fffffff', /overflow/],
  [0x0288, 0xe7, '80000000', /underflow/],
  [0x0288, 0xe8, '7fff0000', /overflow/],
  [0x0288, 0xe8, '00008000', /underflow/],
  [0x0288, 0xe1, '05', /unknown unit/],
  [0x0288, 0xe5, '64', /range/],
  [0x0288, 0xd7, '00', /range/],
  [0x0288, 0xe0, '05f5e100', /range/],
  [0x0288, 0xed, '07ea0b1a0a1e00', /slots/],
  [0x0288, 0xec, '07ea0b1a0a1e0d', /slots/],
  [0x0130, 0x82, '00000000', /letter/],
  [0x0130, 0x97, '1800', /time/],
  [0x0130, 0x98, '07e9021d', /date/],
  [0x0130, 0x8c, '010000000000000000000000', /ASCII/],
  [0x0130, 0x9f, '027f80', /not an EPC/],
  [0x0130, 0x8a, '0000', /3 data bytes/],
  [0x0130, 0x83, '00'.repeat(18), /1\.\.17/],
  [0x0ef0, 0xd6, '010279', /3-byte codes/],
  [0x0ef0, 0xd7, '09' + '0288'.repeat(9), /8 2-byte codes/],
  [0x0279, 0xe0, 'fffe', /range/],
  [0x026b, 0xb3, '65', /range/],
  [0x026b, 0xca, '08', /range/],
  [0x027d, 0xe4, '65', /range/],
  [0x0287, 0xb7, '010200000001', /announces 2 channels/],
  [0x0287, 0xc8, 'ffff0000', /overflow/],
];

test('EDTs outside the specification decode to ok:false with a reason', () => {
  for (const [cls, epc, hex, reason] of REFUSED_EDTS) {
    const r = lookupProperty(cls, epc)!.decode(fromHex(hex)!);
    assert.ok(!r.ok, `0x${cls.toString(16)}/${epc.toString(16)} ${hex} decoded`);
    assert.match(r.reason, reason, `0x${cls.toString(16)}/${epc.toString(16)} ${hex}`);
  }
});

/** [class, epc, value]: values an encoder must refuse rather than write something the device misreads. */
const REFUSED_VALUES: [number, number, PropertyValue][] = [
  [0x0130, 0x80, 'ON'],
  [0x0130, 0x80, 'unknown_0x30'], // 0x30 has a name; one spelling per byte
  [0x0130, 0x80, 'unknown_0x3'],
  [0x0130, 0x80, 1],
  [0x0130, 0x81, { location: 'kitchen', number: 8 }],
  [0x0130, 0x81, { location: 'attic', number: 0 }],
  [0x0130, 0x81, 'unknown_0x08'], // a room code: must be spelt {location, number}
  [0x0130, 0x82, { release: 'j', revision: 0 }],
  [0x0130, 0x83, ''],
  [0x0130, 0x8a, 'ABCDEF'],
  [0x0130, 0x8a, '0000160'],
  [0x0130, 0x8c, 'x'.repeat(13)],
  [0x0130, 0x8c, 'trailing '],
  [0x0130, 0x8c, 'ü'],
  [0x0130, 0x97, '24:00'],
  [0x0130, 0x97, '9:30'],
  [0x0130, 0x98, '2026-02-30'],
  [0x0130, 0x9e, [0x7f]],
  [0x0130, 0x9e, 'b0'],
  [0x0ef0, 0xd6, Array<string>(85).fill('027901')],
  [0x0ef0, 0xd6, ['0x027901']],
  [0x0ef0, 0xd7, ['028801']],
  [0x0288, 0xd3, 0],
  [0x0288, 0xe5, 100],
  [0x0288, 0xe5, -1],
  [0x0288, 0xe7, 0.5],
  [0x0288, 0xe7, 2147483646], // the no-data code is null, not a number
  [0x0288, 0xe7, 2147483648],
  [0x0288, 0xe7, Number.NaN],
  [0x0288, 0xe7, '500'],
  [0x0288, 0xe8, { r: 1 }],
  [0x0288, 0xe8, { r: 0.05, t: 0 }],
  [0x0288, 0xe1, 0.5],
  [0x0288, 0xe2, { day: 0, values: Array<number>(47).fill(0) }],
  [0x0288, 0xea, { time: '2026-11-26T10:30', value: 1 }],
  [0x0288, 0xea, { time: '2026-11-26T10:30:00' }],
  [0x0288, 0xec, { time: '2026-11-26T10:30', values: [{ bought: 1 }] }],
  [0x0288, 0xec, { time: '2026-11-26T10:30', values: Array(13).fill({ bought: 0, sold: 0 }) }],
  [0x0288, 0xed, { time: '2026-11-26T10:30', slots: 13 }],
  [0x0279, 0xe1, 0.0001],
  [0x026b, 0xb0, 'manual'],
  [0x026b, 0xb3, 101],
  [0x026b, 0xca, 8],
  [0x02a1, 0xda, 'discharge'],
  [0x02a1, 0xc7, 'dischargeable'],
  [0x027d, 0xe4, 101],
  [0x027d, 0xeb, -1],
  [0x0287, 0xb3, { start: 1, values: Array<number>(64).fill(0) }], // 258 bytes: more than a PDC can announce
  [0x0287, 0xb2, { start: 0, count: 1 }],
];

test('encoders refuse values outside the specification, never throw', () => {
  for (const [cls, epc, value] of REFUSED_VALUES) {
    const r = encodeProperty(cls, epc, value);
    assert.ok(!r.ok, `0x${cls.toString(16)}/${epc.toString(16)} encoded ${JSON.stringify(value)}`);
    assert.ok(r.reason.length > 0);
  }
});

test('encodeProperty writes settable values and explains unknown EPCs', () => {
  const hex = (cls: number, epc: number, v: PropertyValue) => {
    const r = encodeProperty(cls, epc, v);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return toHex(r.edt);
  };
  assert.equal(hex(0x026b, 0xb0, 'manual_heating'), '42');
  assert.equal(hex(0x026b, 0xc0, 'permitted'), '41');
  assert.equal(hex(0x027d, 0xda, 'charge'), '42');
  assert.equal(hex(0x027e, 0xeb, 3000), '00000bb8');
  assert.equal(hex(0x02a1, 0xda, 'idle'), '47');
  assert.equal(hex(0x0288, 0xe5, 1), '01');
  assert.equal(hex(0x0288, 0xed, { time: '2026-11-26T10:30', slots: 6 }), '07ea0b1a0a1e06');
  assert.equal(hex(0x0130, 0x80, 'off'), '31');
  const unknown = encodeProperty(0x0130, 0xb0, 'on');
  assert.ok(!unknown.ok);
  assert.match(unknown.reason, /0xb0.*0x0130/);
});
