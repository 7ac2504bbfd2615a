import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePropertyMap, encodePropertyMap } from '../../../src/echonet/property-map.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('fewer than 16 EPCs: a count byte and the list', () => {
  assert.equal(toHex(encodePropertyMap([0x9f, 0x80, 0x8a])), '03808a9f');
  assert.deepEqual(decodePropertyMap(fromHex('03808a9f')!), { epcs: [0x80, 0x8a, 0x9f], countMismatch: false });
  assert.equal(toHex(encodePropertyMap([])), '00');
  assert.deepEqual(decodePropertyMap(fromHex('00')!), { epcs: [], countMismatch: false });
});

test('16 or more EPCs: a count byte and a 16-byte bitmap, bit j of byte i = EPC 0x80 + 0x10 j + i', () => {
  // 0x80..0x8F: bit 0 of every byte.
  assert.equal(toHex(encodePropertyMap(range(0x80, 0x8f))), '10' + '01'.repeat(16));
  // Adding 0xFF sets bit 7 of the last byte.
  assert.equal(toHex(encodePropertyMap([...range(0x80, 0x8f), 0xff])), '11' + '01'.repeat(15) + '81');
  // 0xF0..0xFF: bit 7 of every byte.
  assert.equal(toHex(encodePropertyMap(range(0xf0, 0xff))), '10' + '80'.repeat(16));
  // A hand-built map of a smart meter: 80 81 82 88 8A 8D 97 98 9D 9E 9F D3 D7 E0 E1 E2 E3 E4 E5 E7 E8 EA EB.
  const meter = [0x80, 0x81, 0x82, 0x88, 0x8a, 0x8d, 0x97, 0x98, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe7, 0xe8, 0xea, 0xeb];
  //             i:  0    1    2    3    4    5    6    7    8    9    a    b    c    d    e    f
  const bitmap = ['41', '41', '41', '60', '40', '40', '00', '62', '43', '00', '41', '40', '00', '03', '02', '02'];
  assert.equal(toHex(encodePropertyMap(meter)), '17' + bitmap.join(''));
  assert.deepEqual(decodePropertyMap(fromHex('17' + bitmap.join(''))!), { epcs: meter, countMismatch: false });
});

test('the 15/16 boundary switches form', () => {
  assert.equal(encodePropertyMap(range(0x80, 0x8e)).length, 16);
  assert.equal(encodePropertyMap(range(0x80, 0x8f)).length, 17);
});

test('encode sorts, removes duplicates and drops values that are not EPCs', () => {
  assert.equal(toHex(encodePropertyMap([0x81, 0x80, 0x81, 0x7f, 0x100])), '028081');
});

test('a wrong count byte is reported, and the list or bitmap is trusted', () => {
  assert.deepEqual(decodePropertyMap(fromHex('058081')!), { epcs: [0x80, 0x81], countMismatch: true });
  assert.deepEqual(decodePropertyMap(fromHex('20' + '01'.repeat(16))!), { epcs: range(0x80, 0x8f), countMismatch: true });
});

test('an empty EDT is no map', () => {
  assert.equal(decodePropertyMap(new Uint8Array(0)), undefined);
});

test('every subset size 0..128 round-trips (sorted, unique)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  for (let size = 0; size <= 128; size++) {
    const all = range(0x80, 0xff);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const epcs = all.slice(0, size);
    const decoded = decodePropertyMap(encodePropertyMap(epcs));
    assert.deepEqual(decoded, { epcs: [...epcs].sort((a, b) => a - b), countMismatch: false }, `size ${size}`);
  }
});
