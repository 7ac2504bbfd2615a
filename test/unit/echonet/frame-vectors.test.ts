// Byte vectors for every ESV the specification defines: each hex string decodes to the listed
// structure, and both the decoded frame and a frame built by hand encode back to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, ESV, esvName, type Frame } from '../../../src/echonet/frame.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

/** [epc, edt hex] pairs: compact to read next to the wire bytes. */
type Block = [number, string][];

interface Vector {
  hex: string;
  tid: number;
  seoj: number;
  deoj: number;
  esv: number;
  props: Block;
  getProps?: Block;
}

const CTRL = 0x05ff01;
const join = (...parts: string[]) => parts.join('');

const vectors: Vector[] = [
  // Requests
  { hex: join('1081', '0001', '05ff01', '026b01', '60', '01', 'b00142'), tid: 1, seoj: CTRL, deoj: 0x026b01, esv: ESV.SetI, props: [[0xb0, '42']] },
  {
    hex: join('1081', '0002', '05ff01', '027d01', '61', '02', 'da0142', 'eb04000005dc'),
    tid: 2, seoj: CTRL, deoj: 0x027d01, esv: ESV.SetC, props: [[0xda, '42'], [0xeb, '000005dc']],
  },
  { hex: join('1081', '0003', '05ff01', '028801', '62', '02', 'e700', 'e800'), tid: 3, seoj: CTRL, deoj: 0x028801, esv: ESV.Get, props: [[0xe7, ''], [0xe8, '']] },
  { hex: join('1081', '0004', '05ff01', '0ef001', '63', '01', 'd500'), tid: 4, seoj: CTRL, deoj: 0x0ef001, esv: ESV.INF_REQ, props: [[0xd5, '']] },
  {
    hex: join('1081', '0005', '05ff01', '027d01', '6e', '01', 'da0142', '02', 'e400', 'd300'),
    tid: 5, seoj: CTRL, deoj: 0x027d01, esv: ESV.SetGet, props: [[0xda, '42']], getProps: [[0xe4, ''], [0xd3, '']],
  },
  // Responses and notifications
  {
    hex: join('1081', '0002', '027d01', '05ff01', '71', '02', 'da00', 'eb00'),
    tid: 2, seoj: 0x027d01, deoj: CTRL, esv: ESV.Set_Res, props: [[0xda, ''], [0xeb, '']],
  },
  {
    hex: join('1081', '0003', '028801', '05ff01', '72', '02', 'e704000001f4', 'e80400327ffe'),
    tid: 3, seoj: 0x028801, deoj: CTRL, esv: ESV.Get_Res, props: [[0xe7, '000001f4'], [0xe8, '00327ffe']],
  },
  {
    hex: join('1081', 'ffff', '0ef001', '0ef001', '73', '01', 'd50401027901'),
    tid: 0xffff, seoj: 0x0ef001, deoj: 0x0ef001, esv: ESV.INF, props: [[0xd5, '01027901']],
  },
  {
    hex: join('1081', '0006', '028801', '05ff01', '74', '01', 'ea0b07ea0b1a0a1e0000003039'),
    tid: 6, seoj: 0x028801, deoj: CTRL, esv: ESV.INFC, props: [[0xea, '07ea0b1a0a1e0000003039']],
  },
  { hex: join('1081', '0006', '05ff01', '028801', '7a', '01', 'ea00'), tid: 6, seoj: CTRL, deoj: 0x028801, esv: ESV.INFC_Res, props: [[0xea, '']] },
  {
    hex: join('1081', '0005', '027d01', '05ff01', '7e', '01', 'da00', '02', 'e40150', 'd304fffffc18'),
    tid: 5, seoj: 0x027d01, deoj: CTRL, esv: ESV.SetGet_Res, props: [[0xda, '']], getProps: [[0xe4, '50'], [0xd3, 'fffffc18']],
  },
  // Failures
  { hex: join('1081', '0001', '026b01', '05ff01', '50', '01', 'b00142'), tid: 1, seoj: 0x026b01, deoj: CTRL, esv: ESV.SetI_SNA, props: [[0xb0, '42']] },
  // SetC_SNA: the refused EB comes back with its EDT, the accepted DA with PDC 0.
  {
    hex: join('1081', '0002', '027d01', '05ff01', '51', '02', 'da00', 'eb04000005dc'),
    tid: 2, seoj: 0x027d01, deoj: CTRL, esv: ESV.SetC_SNA, props: [[0xda, ''], [0xeb, '000005dc']],
  },
  // Get_SNA: the good E7 with data, the failed E8 with PDC 0.
  {
    hex: join('1081', '0003', '028801', '05ff01', '52', '02', 'e704000001f4', 'e800'),
    tid: 3, seoj: 0x028801, deoj: CTRL, esv: ESV.Get_SNA, props: [[0xe7, '000001f4'], [0xe8, '']],
  },
  { hex: join('1081', '0004', '0ef001', '05ff01', '53', '01', 'd500'), tid: 4, seoj: 0x0ef001, deoj: CTRL, esv: ESV.INF_SNA, props: [[0xd5, '']] },
  {
    hex: join('1081', '0005', '027d01', '05ff01', '5e', '01', 'da0142', '02', 'e40150', 'd300'),
    tid: 5, seoj: 0x027d01, deoj: CTRL, esv: ESV.SetGet_SNA, props: [[0xda, '42']], getProps: [[0xe4, '50'], [0xd3, '']],
  },
  // Edge shapes: no properties at all; SetGet with an empty Get block; a 255-byte EDT.
  { hex: join('1081', '0007', '05ff01', '028801', '62', '00'), tid: 7, seoj: CTRL, deoj: 0x028801, esv: ESV.Get, props: [] },
  {
    hex: join('1081', '0008', '05ff01', '027d01', '6e', '01', 'da0144', '00'),
    tid: 8, seoj: CTRL, deoj: 0x027d01, esv: ESV.SetGet, props: [[0xda, '44']], getProps: [],
  },
  {
    hex: join('1081', '0009', '028801', '05ff01', '72', '01', 'ff', 'ff', 'ab'.repeat(255)),
    tid: 9, seoj: 0x028801, deoj: CTRL, esv: ESV.Get_Res, props: [[0xff, 'ab'.repeat(255)]],
  },
];

function toBlock(props: readonly { epc: number; edt: Uint8Array }[] | undefined): Block | undefined {
  return props?.map((p) => [p.epc, toHex(p.edt)]);
}

function build(v: Vector): Frame {
  const block = (b: Block) => b.map(([epc, edt]) => ({ epc, edt: fromHex(edt)! }));
  const base = { tid: v.tid, seoj: v.seoj, deoj: v.deoj, esv: v.esv, properties: block(v.props) };
  return v.getProps ? { ...base, getProperties: block(v.getProps) } : base;
}

test('the vectors cover every ESV the specification defines', () => {
  const covered = new Set(vectors.map((v) => v.esv));
  for (const code of Object.values(ESV)) assert.ok(covered.has(code), `no vector for ${esvName(code)}`);
});

for (const v of vectors) {
  test(`${esvName(v.esv)} (${v.hex.slice(0, 40)}${v.hex.length > 40 ? '...' : ''}) decodes and round-trips`, () => {
    const r = decodeFrame(fromHex(v.hex)!);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const f = r.frame as Frame;
    assert.equal(f.tid, v.tid);
    assert.equal(f.seoj, v.seoj);
    assert.equal(f.deoj, v.deoj);
    assert.equal(f.esv, v.esv);
    assert.deepEqual(toBlock(f.properties), v.props);
    assert.deepEqual(toBlock(f.getProperties), v.getProps);
    assert.equal(toHex(encodeFrame(f)), v.hex);
    assert.equal(toHex(encodeFrame(build(v))), v.hex);
  });
}

test('a frame inside a larger buffer (non-zero byteOffset) decodes the same', () => {
  const v = vectors[6]!;
  const bytes = fromHex('deadbeef' + v.hex)!;
  const r = decodeFrame(bytes.subarray(4));
  assert.ok(r.ok);
  assert.equal(toHex(encodeFrame(r.frame)), v.hex);
});

test('a SetGet-family frame without its OPCGet count is truncated, other families reject the extra byte', () => {
  const cut = decodeFrame(fromHex(join('1081', '0005', '027d01', '05ff01', '7e', '01', 'da00'))!);
  assert.ok(!cut.ok && cut.error.code === 'truncated');
  const extra = decodeFrame(fromHex(join('1081', '0002', '027d01', '05ff01', '71', '01', 'da00', '00'))!);
  assert.ok(!extra.ok && extra.error.code === 'trailing-bytes');
});

test('encodeFrame refuses values our own code could build wrongly', () => {
  const f = build(vectors[0]!);
  assert.throws(() => encodeFrame({ ...f, tid: 0x10000 }), RangeError);
  assert.throws(() => encodeFrame({ ...f, properties: [{ epc: 0x80, edt: new Uint8Array(256) }] }), RangeError);
  assert.throws(() => encodeFrame({ ...f, properties: Array.from({ length: 256 }, () => ({ epc: 0x80, edt: new Uint8Array(0) })) }), RangeError);
});
