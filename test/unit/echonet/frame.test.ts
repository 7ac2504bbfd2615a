import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, ESV, type Frame } from '../../../src/echonet/frame.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

function decodeHex(hex: string) {
  return decodeFrame(fromHex(hex)!);
}

test('Get_Res for E7 decodes to its fields and re-encodes to the same bytes', () => {
  const hex = '1081000102880105ff017201e704000001f4';
  const r = decodeHex(hex);
  assert.ok(r.ok);
  const f = r.frame as Frame;
  assert.equal(f.tid, 1);
  assert.equal(f.seoj, 0x028801);
  assert.equal(f.deoj, 0x05ff01);
  assert.equal(f.esv, ESV.Get_Res);
  assert.equal(f.properties.length, 1);
  assert.equal(f.properties[0]!.epc, 0xe7);
  assert.equal(toHex(f.properties[0]!.edt), '000001f4');
  assert.equal(toHex(encodeFrame(f)), hex);
});

test('SetGet carries a Set block then a Get block', () => {
  const hex = '1081000505ff01027d016e01da0142' + '02e400d300';
  const r = decodeHex(hex);
  assert.ok(r.ok);
  const f = r.frame as Frame;
  assert.deepEqual(f.properties.map((p) => p.epc), [0xda]);
  assert.deepEqual(f.getProperties?.map((p) => p.epc), [0xe4, 0xd3]);
  assert.equal(toHex(encodeFrame(f)), hex);
});

test('malformed frames give typed errors', () => {
  const cases: [string, string][] = [
    ['1081', 'too-short'],
    ['2081000102880105ff017201e704000001f4', 'bad-ehd1'],
    ['1083000102880105ff017201e704000001f4', 'bad-ehd2'],
    ['1081000102880105ff017f01e704000001f4', 'unknown-esv'],
    ['1081000102880105ff017201e7040000', 'truncated'],
    ['1081000102880105ff017202e704000001f4', 'truncated'],
    ['1081000102880105ff017201e704000001f400', 'trailing-bytes'],
    ['1081000105ff01027d016e01da0142', 'truncated'],
  ];
  for (const [hex, code] of cases) {
    const r = decodeHex(hex);
    assert.ok(!r.ok, hex);
    assert.equal(r.error.code, code, hex);
  }
});

test('arbitrary-format frames pass through opaque', () => {
  const r = decodeHex('10820007deadbeef');
  assert.ok(r.ok && 'arbitrary' in r.frame);
  assert.equal(toHex(encodeFrame(r.frame)), '10820007deadbeef');
});
