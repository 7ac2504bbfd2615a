// Energy EPCs whose unit lives in another EPC: the meter's E0/E3/E2/E4/EA/EB/EC (unit E1, coefficient
// D3) and the distribution board's C0/C1/C3/C4/B3 (unit C2), decoded with a DecodeContext.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProperty, lookupProperty } from '../../../src/echonet/catalogue/index.js';
import type { DecodeContext } from '../../../src/echonet/catalogue/types.js';
import { fromHex } from '../../../src/util/hex.js';

const METER = 0x0288;
const BOARD = 0x0287;

function context(entries: Record<number, string>): DecodeContext {
  return new Map(Object.entries(entries).map(([epc, hex]) => [Number(epc), fromHex(hex)!]));
}

function decode(classCode: number, epc: number, hex: string, ctx?: DecodeContext) {
  return lookupProperty(classCode, epc)!.decode(fromHex(hex)!, ctx);
}

test('without E1 in the context E0 is the raw count, in unit "count"', () => {
  assert.deepEqual(decode(METER, 0xe0, '00003039'), { ok: true, value: 12345, unit: 'count' });
  // A coefficient alone does not make a kWh figure either.
  assert.deepEqual(decode(METER, 0xe0, '00003039', context({ 0xd3: '0000000a' })), { ok: true, value: 12345, unit: 'count' });
  assert.deepEqual(describeProperty(METER, 0xe0, fromHex('00003039')!).unit, 'count');
});

test('E0/E3 scale by every unit code of E1, times the D3 coefficient (default 1)', () => {
  const cases: [unit: string, raw: string, kwh: number][] = [
    ['00', '00003039', 12345],
    ['01', '00003039', 1234.5],
    ['02', '00003039', 123.45],
    ['03', '00003039', 12.345],
    ['04', '05f5e0ff', 9999.9999],
    ['0a', '00003039', 123450],
    ['0b', '00000001', 100],
    ['0c', '00000001', 1000],
    ['0d', '05f5e0ff', 999999990000],
  ];
  for (const [unit, raw, kwh] of cases) {
    assert.deepEqual(decode(METER, 0xe0, raw, context({ 0xe1: unit })), { ok: true, value: kwh }, `E1=${unit}`);
    assert.deepEqual(decode(METER, 0xe3, raw, context({ 0xe1: unit })), { ok: true, value: kwh }, `E1=${unit}`);
  }
  assert.deepEqual(decode(METER, 0xe0, '00003039', context({ 0xe1: '02', 0xd3: '000003e8' })), { ok: true, value: 123450 });
  assert.deepEqual(decode(METER, 0xe0, '00000007', context({ 0xe1: '01', 0xd3: '00000003' })), { ok: true, value: 2.1 });
  // No data stays null whatever the unit.
  assert.deepEqual(decode(METER, 0xe0, 'fffffffe', context({ 0xe1: '01' })), { ok: true, value: null });
});

test('a unit or coefficient in the context that makes no sense fails instead of guessing', () => {
  const contexts: Record<number, string>[] = [{ 0xe1: '05' }, { 0xe1: '' }, { 0xe1: '0101' }, { 0xe1: '01', 0xd3: '00000000' }, { 0xe1: '01', 0xd3: '0001' }];
  for (const ctx of contexts) {
    const r = decode(METER, 0xe0, '00003039', context(ctx));
    assert.ok(!r.ok, JSON.stringify(ctx));
  }
});

test('E2/E4 history scales every slot and keeps missing ones null', () => {
  const hex = '0002' + '00000064'.repeat(47) + 'fffffffe';
  const r = decode(METER, 0xe2, hex, context({ 0xe1: '01' }));
  assert.ok(r.ok);
  assert.deepEqual(r.value, { day: 2, values: [...Array<number>(47).fill(10), null] });
  assert.equal(r.unit, undefined);
  const raw = decode(METER, 0xe4, hex);
  assert.ok(raw.ok && raw.unit === 'count');
});

test('EA/EB fixed-time readings carry local ISO time and the scaled value', () => {
  assert.deepEqual(decode(METER, 0xea, '07ea0b1a0a1e0000003039', context({ 0xe1: '02' })), {
    ok: true,
    value: { time: '2026-11-26T10:30:00', value: 123.45 },
  });
  assert.deepEqual(decode(METER, 0xeb, '07ea0b1a0a1e00fffffffe', context({ 0xe1: '02' })), {
    ok: true,
    value: { time: '2026-11-26T10:30:00', value: null },
  });
  // Month 13, hour 24, 31 November and 29 February of a common year are not times.
  for (const bad of ['07ea0d1a0a1e00', '07ea0b1a181e00', '07ea0b1f0a1e00', '07e9021d000000']) {
    assert.ok(!decode(METER, 0xea, bad + '00000001').ok, bad);
  }
});

test('EC history 2 scales each (bought, sold) pair; padding after the slots is ignored', () => {
  const hex = '07ea0b1a0a00' + '01' + '0000000a' + '00000014';
  const expected = { time: '2026-11-26T10:00', values: [{ bought: 1, sold: 2 }] };
  assert.deepEqual(decode(METER, 0xec, hex, context({ 0xe1: '01' })), { ok: true, value: expected });
  assert.deepEqual(decode(METER, 0xec, hex + '00'.repeat(88), context({ 0xe1: '01' })), { ok: true, value: expected });
  assert.ok(!decode(METER, 0xec, '07ea0b1a0a00' + '02' + '0000000a00000014').ok, 'announces two slots, carries one');
});

test('the distribution board scales C0/C1/C3/B3 with C2 and has no coefficient', () => {
  const ctx = context({ 0xc2: '01', 0xd3: '0000000a' });
  assert.deepEqual(decode(BOARD, 0xc0, '00000064', ctx), { ok: true, value: 10 });
  assert.deepEqual(decode(BOARD, 0xc1, '00000064'), { ok: true, value: 100, unit: 'count' });
  assert.deepEqual(decode(BOARD, 0xb3, '0102' + '00000064' + 'fffffffe', ctx), { ok: true, value: { start: 1, values: [10, null] } });
  const history = decode(BOARD, 0xc3, '0000' + '0000000a'.repeat(48), ctx);
  assert.ok(history.ok);
  assert.deepEqual(history.value, { day: 0, values: Array<number>(48).fill(1) });
});

test('describeProperty passes the context through', () => {
  assert.deepEqual(describeProperty(METER, 0xe0, fromHex('00003039')!, context({ 0xe1: '01' })), {
    epc: 'e0',
    pdc: 4,
    edt: '00003039',
    name: 'Cumulative energy bought (normal direction)',
    key: 'cumulative_energy_bought',
    value: 1234.5,
    unit: 'kWh',
  });
});
