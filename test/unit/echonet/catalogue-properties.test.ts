// Every property of the catalogue, table-driven: each row is an EDT and the value it means (without a
// DecodeContext), checked in both directions. A coverage test makes sure no catalogued EPC lacks a row;
// a sweep then throws random and mutated EDTs at every decoder: none may throw, and whatever decodes
// must re-encode (to the same bytes, except for the few shapes that normalise, listed below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupClass, lookupProperty } from '../../../src/echonet/catalogue/index.js';
import type { PropertyDef, PropertyValue } from '../../../src/echonet/catalogue/types.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

/** Any device class the catalogue does not know: its lookups are the bare super class. */
const SUPER = 0x0130;
const CLASS_CODES = [0x0ef0, 0x0288, 0x0279, 0x026b, 0x027e, 0x02a1, 0x027d, 0x0287];

type Row = readonly [classCode: number, epc: number, hex: string, value: PropertyValue];

const u32 = (v: number | null) => (v === null ? 'fffffffe' : v.toString(16).padStart(8, '0'));
const HISTORY_VALUES = Array.from({ length: 48 }, (_, i) => (i === 47 ? null : i * 1000));
const HISTORY_HEX = '0001' + HISTORY_VALUES.map(u32).join('');
const ID_83 = 'fe000016' + '0102030405060708090a0b0c0d';

const ROWS: readonly Row[] = [
  // Super class (via an uncatalogued device class)
  [SUPER, 0x80, '30', 'on'],
  [SUPER, 0x80, '31', 'off'],
  [SUPER, 0x80, '45', 'unknown_0x45'],
  [SUPER, 0x81, '08', { location: 'living_room', number: 0 }],
  [SUPER, 0x81, '7f', { location: 'other', number: 7 }],
  [SUPER, 0x81, '1a', { location: 'kitchen', number: 2 }],
  [SUPER, 0x81, '00', 'not_set'],
  [SUPER, 0x81, 'ff', 'undetermined'],
  [SUPER, 0x81, '03', 'unknown_0x03'],
  [SUPER, 0x81, '80', 'unknown_0x80'],
  [SUPER, 0x82, '00004a00', { release: 'J', revision: 0 }],
  [SUPER, 0x82, '0000510a', { release: 'Q', revision: 10 }],
  [SUPER, 0x83, ID_83, ID_83],
  [SUPER, 0x83, '01', '01'],
  [SUPER, 0x84, '0000', 0],
  [SUPER, 0x84, 'fffd', 65533],
  [SUPER, 0x85, '00003039', 12.345],
  [SUPER, 0x85, '3b9ac9ff', 999999.999],
  [SUPER, 0x88, '41', 'fault'],
  [SUPER, 0x88, '42', 'no_fault'],
  [SUPER, 0x8a, '000016', '000016'],
  [SUPER, 0x8a, 'ffffff', 'ffffff'],
  [SUPER, 0x8c, '4b502d414243313200000000', 'KP-ABC12'],
  [SUPER, 0x8c, '313233343536373839303132', '123456789012'],
  [SUPER, 0x8c, '000000000000000000000000', ''],
  [SUPER, 0x8d, '414220434400000000000000', 'AB CD'],
  [SUPER, 0x8e, '07e9040f', '2025-04-15'],
  [SUPER, 0x97, '0a1e', '10:30'],
  [SUPER, 0x97, '173b', '23:59'],
  [SUPER, 0x97, '0000', '00:00'],
  [SUPER, 0x98, '07ea0b1a', '2026-11-26'],
  [SUPER, 0x98, '07e8021d', '2024-02-29'],
  [SUPER, 0x9d, '03808a9f', [0x80, 0x8a, 0x9f]],
  [SUPER, 0x9e, '00', []],
  [SUPER, 0x9f, '10' + '01'.repeat(16), Array.from({ length: 16 }, (_, i) => 0x80 + i)],

  // Node profile 0x0EF0
  [0x0ef0, 0x80, '30', 'booting'],
  [0x0ef0, 0x80, '31', 'not_booting'],
  [0x0ef0, 0x82, '010d0100', { major: 1, minor: 13, formats: 0x0100 }],
  [0x0ef0, 0xd3, '000002', 2],
  [0x0ef0, 0xd3, 'ffffff', 0xffffff],
  [0x0ef0, 0xd4, '0003', 3],
  [0x0ef0, 0xd5, '01027901', ['027901']],
  [0x0ef0, 0xd5, '00', []],
  [0x0ef0, 0xd6, '02027901028801', ['027901', '028801']],
  [0x0ef0, 0xd7, '0202790288', ['0279', '0288']],

  // Smart meter 0x0288 (energy values are raw counts without a context)
  [0x0288, 0xd3, '00000001', 1],
  [0x0288, 0xd3, '000f423f', 999999],
  [0x0288, 0xd7, '06', 6],
  [0x0288, 0xe0, '00003039', 12345],
  [0x0288, 0xe0, '05f5e0ff', 99999999],
  [0x0288, 0xe0, 'fffffffe', null],
  [0x0288, 0xe1, '00', 1],
  [0x0288, 0xe1, '01', 0.1],
  [0x0288, 0xe1, '04', 0.0001],
  [0x0288, 0xe1, '0a', 10],
  [0x0288, 0xe1, '0d', 10000],
  [0x0288, 0xe2, HISTORY_HEX, { day: 1, values: HISTORY_VALUES }],
  [0x0288, 0xe3, '00000000', 0],
  [0x0288, 0xe4, HISTORY_HEX, { day: 1, values: HISTORY_VALUES }],
  [0x0288, 0xe5, '00', 0],
  [0x0288, 0xe5, '63', 99],
  [0x0288, 0xe5, 'ff', null],
  [0x0288, 0xe7, '000001f4', 500],
  [0x0288, 0xe7, 'fffffe0c', -500],
  [0x0288, 0xe7, '7ffffffe', null],
  [0x0288, 0xe7, '7ffffffd', 2147483645],
  [0x0288, 0xe7, '80000001', -2147483647],
  [0x0288, 0xe8, '00327ffe', { r: 5, t: null }],
  [0x0288, 0xe8, 'ff9c0014', { r: -10, t: 2 }],
  [0x0288, 0xe8, '7ffe7ffe', { r: null, t: null }],
  [0x0288, 0xea, '07ea0b1a0a1e0000003039', { time: '2026-11-26T10:30:00', value: 12345 }],
  [0x0288, 0xeb, '07ea0b1a000000fffffffe', { time: '2026-11-26T00:00:00', value: null }],
  [
    0x0288,
    0xec,
    '07ea0b1a0a1e' + '02' + '0000000100000002' + '00000003fffffffe',
    { time: '2026-11-26T10:30', values: [{ bought: 1, sold: 2 }, { bought: 3, sold: null }] },
  ],
  [0x0288, 0xed, '07ea0b1a0a1e0c', { time: '2026-11-26T10:30', slots: 12 }],

  // Solar 0x0279
  [0x0279, 0xd0, '00', 'reverse_power_flow_acceptable'],
  [0x0279, 0xd0, '02', 'reverse_power_flow_not_acceptable'],
  [0x0279, 0xd1, '41', 'restrained_by_output_control'],
  [0x0279, 0xd1, '44', 'not_restrained'],
  [0x0279, 0xd1, 'ff', 'unknown'],
  [0x0279, 0xe0, '0000', 0],
  [0x0279, 0xe0, 'fffd', 65533],
  [0x0279, 0xe1, '00003039', 12.345],
  [0x0279, 0xe3, '3b9ac9ff', 999999.999],
  [0x0279, 0xe8, '1130', 4400],

  // Water heater 0x026B
  [0x026b, 0xb0, '41', 'automatic'],
  [0x026b, 0xb0, '42', 'manual_heating'],
  [0x026b, 0xb0, '43', 'manual_stop'],
  [0x026b, 0xb2, '41', 'heating'],
  [0x026b, 0xb2, '42', 'not_heating'],
  [0x026b, 0xb3, '41', 65],
  [0x026b, 0xb3, '64', 100],
  [0x026b, 0xc0, '41', 'permitted'],
  [0x026b, 0xc0, '42', 'not_permitted'],
  [0x026b, 0xc1, '37', 55],
  [0x026b, 0xc3, '41', 'supplying'],
  [0x026b, 0xc7, '01', 'participating'],
  [0x026b, 0xc7, '00', 'not_participating'],
  [0x026b, 0xc8, '17', 23],
  [0x026b, 0xc9, '02', 2],
  [0x026b, 0xca, '00', null],
  [0x026b, 0xca, '09', 9],
  [0x026b, 0xcd, '11', 17],
  [0x026b, 0xe1, '00b4', 180],
  [0x026b, 0xe2, '01cc', 460],
  [0x026b, 0xe3, '41', 'on'],
  [0x026b, 0xe3, '42', 'off'],

  // Storage battery 0x027D
  [0x027d, 0xa8, '0001e240', 123.456],
  [0x027d, 0xa9, '00000000', 0],
  [0x027d, 0xcf, '46', 'automatic'],
  [0x027d, 0xcf, '44', 'standby'],
  [0x027d, 0xd0, '00002710', 10000],
  [0x027d, 0xd3, '000005dc', 1500],
  [0x027d, 0xd3, 'fffffa24', -1500],
  [0x027d, 0xd3, '7ffffffe', null],
  [0x027d, 0xda, '41', 'rapid_charge'],
  [0x027d, 0xda, '42', 'charge'],
  [0x027d, 0xda, '43', 'discharge'],
  [0x027d, 0xda, '49', 'capacity_recalculation'],
  [0x027d, 0xda, '47', 'unknown_0x47'],
  [0x027d, 0xdb, '01', 'independent'],
  [0x027d, 0xe2, '00001388', 5000],
  [0x027d, 0xe4, '32', 50],
  [0x027d, 0xe4, '64', 100],
  [0x027d, 0xeb, '000007d0', 2000],
  [0x027d, 0xec, '3b9ac9ff', 999999999],

  // EV charger/discharger 0x027E
  [0x027e, 0xc5, '00001770', 6000],
  [0x027e, 0xc7, '30', 'not_connected'],
  [0x027e, 0xc7, '40', 'connected'],
  [0x027e, 0xc7, '41', 'chargeable'],
  [0x027e, 0xc7, '42', 'dischargeable'],
  [0x027e, 0xc7, '43', 'chargeable_dischargeable'],
  [0x027e, 0xc7, '44', 'status_unknown'],
  [0x027e, 0xc7, 'ff', 'undefined'],
  [0x027e, 0xd0, '00009c40', 40000],
  [0x027e, 0xd2, '00ca', 202],
  [0x027e, 0xd3, 'ffffe890', -6000],
  [0x027e, 0xd6, '000003e8', 1],
  [0x027e, 0xd8, '000007d0', 2],
  [0x027e, 0xda, '42', 'charge'],
  [0x027e, 0xda, '46', 'charge_discharge'],
  [0x027e, 0xda, '47', 'idle'],
  [0x027e, 0xda, '49', 'automatic'],
  [0x027e, 0xdb, '00', 'reverse_power_flow_acceptable'],
  [0x027e, 0xe1, '48', 'preparation'],
  [0x027e, 0xe2, '00004e20', 20000],
  [0x027e, 0xe4, '50', 80],
  [0x027e, 0xeb, '00000bb8', 3000],
  [0x027e, 0xec, '00000bb8', 3000],

  // EV charger 0x02A1: fewer states and modes
  [0x02a1, 0xc5, '00001770', 6000],
  [0x02a1, 0xc7, '40', 'connected'],
  [0x02a1, 0xc7, '41', 'chargeable'],
  [0x02a1, 0xc7, '42', 'unknown_0x42'],
  [0x02a1, 0xd0, '00009c40', 40000],
  [0x02a1, 0xd2, '00c8', 200],
  [0x02a1, 0xd3, '00000bb8', 3000],
  [0x02a1, 0xd8, '000007d0', 2],
  [0x02a1, 0xda, '42', 'charge'],
  [0x02a1, 0xda, '44', 'standby'],
  [0x02a1, 0xda, '47', 'idle'],
  [0x02a1, 0xda, '40', 'other'],
  [0x02a1, 0xda, '43', 'unknown_0x43'],
  [0x02a1, 0xe1, '42', 'charge'],
  [0x02a1, 0xe2, '00004e20', 20000],
  [0x02a1, 0xe4, '00', 0],
  [0x02a1, 0xeb, '00000bb8', 3000],

  // Distribution board 0x0287 (energy values are raw counts without a context)
  [0x0287, 0xb1, '04', 4],
  [0x0287, 0xb1, 'fd', null],
  [0x0287, 0xb2, '0104', { start: 1, count: 4 }],
  [0x0287, 0xb2, 'fdfd', { start: null, count: null }],
  [0x0287, 0xb3, '0102' + '00000064' + 'fffffffe', { start: 1, values: [100, null] }],
  [0x0287, 0xb3, '0100', { start: 1, values: [] }],
  [0x0287, 0xb6, '0302', { start: 3, count: 2 }],
  [0x0287, 0xb7, '0302' + '000003e8' + 'fffffc18', { start: 3, values: [1000, -1000] }],
  [0x0287, 0xb7, '0101' + '7ffffffe', { start: 1, values: [null] }],
  [0x0287, 0xc0, '00000064', 100],
  [0x0287, 0xc1, 'fffffffe', null],
  [0x0287, 0xc2, '02', 0.01],
  [0x0287, 0xc3, HISTORY_HEX, { day: 1, values: HISTORY_VALUES }],
  [0x0287, 0xc4, HISTORY_HEX, { day: 1, values: HISTORY_VALUES }],
  [0x0287, 0xc5, '01', 1],
  [0x0287, 0xc6, 'fffffc18', -1000],
  [0x0287, 0xc7, '00320014', { r: 5, t: 2 }],
  [0x0287, 0xc8, '04b004b0', { r_s: 120, s_t: 120 }],
  [0x0287, 0xc8, 'fffe04b0', { r_s: null, s_t: 120 }],
];

/** Shapes whose encoder writes a canonical form: decode(encode(v)) = v holds, encode(decode(edt)) = edt may not. */
const NORMALISING = new Set([
  'standard_version', // bytes 0..1 are written as 00 00
  'product_code', // NUL padding
  'production_number',
  'announcement_property_map', // sorted, count recomputed
  'set_property_map',
  'get_property_map',
  'instance_list_notification', // count recomputed
  'instance_list',
  'class_list',
  'energy_history_2', // bytes after the announced slots are dropped
]);

/** Shapes whose length varies: only the empty EDT is certain to be wrong. */
const VARIABLE_LENGTH = new Set([
  'identification_number',
  'announcement_property_map',
  'set_property_map',
  'get_property_map',
  'instance_list_notification',
  'instance_list',
  'class_list',
  'energy_history_2',
  'channel_energy',
  'channel_power',
]);

const name = (classCode: number, epc: number) => `0x${classCode.toString(16).padStart(4, '0')}/0x${epc.toString(16)}`;

function def(classCode: number, epc: number): PropertyDef {
  const d = lookupProperty(classCode, epc);
  assert.ok(d, `${name(classCode, epc)} is not catalogued`);
  return d;
}

test('every catalogued property has at least one row', () => {
  const covered = new Set(ROWS.map(([c, e]) => name(c, e)));
  for (const code of CLASS_CODES) {
    for (const [epc, d] of lookupClass(code)!.properties) {
      // Definitions shared with the super class are covered by its rows.
      const shared = lookupProperty(SUPER, epc) === d;
      assert.ok(covered.has(name(code, epc)) || shared, `no row for ${name(code, epc)} (${d.key})`);
    }
  }
});

for (const code of [SUPER, ...CLASS_CODES]) {
  test(`${name(code, 0).slice(0, 6)}: every row decodes to its value and encodes back to its bytes`, () => {
    for (const [c, epc, hex, value] of ROWS.filter(([c]) => c === code)) {
      const d = def(c, epc);
      const decoded = d.decode(fromHex(hex)!);
      assert.ok(decoded.ok, `${name(c, epc)} ${hex}: ${decoded.ok ? '' : decoded.reason}`);
      assert.deepEqual(decoded.value, value, `${name(c, epc)} ${hex}`);
      const encoded = d.encode!(value);
      assert.ok(encoded.ok, `${name(c, epc)} ${JSON.stringify(value)}: ${encoded.ok ? '' : encoded.reason}`);
      assert.equal(toHex(encoded.edt), hex, `${name(c, epc)} ${JSON.stringify(value)}`);
    }
  });
}

test('an empty EDT, a short one or one with a byte too many is ok:false, never a throw', () => {
  for (const [c, epc, hex] of ROWS) {
    const d = def(c, epc);
    const edt = fromHex(hex)!;
    const empty = d.decode(new Uint8Array(0));
    assert.ok(!empty.ok && empty.reason.length > 0, `${name(c, epc)} accepted an empty EDT`);
    if (VARIABLE_LENGTH.has(d.key)) continue;
    for (let n = 1; n < edt.length; n++) assert.ok(!d.decode(edt.subarray(0, n)).ok, `${name(c, epc)} accepted ${n} of ${edt.length} bytes`);
    assert.ok(!d.decode(Uint8Array.from([...edt, 0])).ok, `${name(c, epc)} accepted a trailing byte`);
  }
});

test('random and mutated EDTs: no decoder throws, and every decoded value re-encodes', () => {
  let seed = 0x20261126;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(rand() * n);
  let decoded = 0;
  for (const [c, epc, hex] of ROWS) {
    const d = def(c, epc);
    const sample = fromHex(hex)!;
    for (let i = 0; i < 300; i++) {
      let edt: Uint8Array;
      if (i % 3 === 0) {
        edt = Uint8Array.from({ length: int(3) === 0 ? sample.length : int(24) }, () => int(256));
      } else {
        edt = sample.slice();
        for (let k = 1 + int(3); k > 0 && edt.length > 0; k--) edt[int(edt.length)] = i % 3 === 1 ? int(256) : edt[int(edt.length)]! ^ (1 << int(8));
      }
      const where = `${name(c, epc)} ${toHex(edt)}`;
      let r;
      try {
        r = d.decode(edt);
      } catch (err) {
        assert.fail(`decode threw ${String(err)} on ${where}`);
      }
      if (!r.ok) continue;
      decoded++;
      const back = d.encode!(r.value);
      assert.ok(back.ok, `${where} decoded to ${JSON.stringify(r.value)} which does not encode: ${back.ok ? '' : back.reason}`);
      assert.deepEqual(d.decode(back.edt), r, `${where}: value changed through encode`);
      if (!NORMALISING.has(d.key)) assert.equal(toHex(back.edt), toHex(edt), `${where}: bytes changed through decode/encode`);
    }
  }
  assert.ok(decoded > ROWS.length * 50, `only ${decoded} random EDTs decoded`);
});
