import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkstackReader, parseEvent, type ReaderItem } from '../../../src/wisun/skstack-reader.js';
import { dialectFor, familyFromEinfo } from '../../../src/wisun/dialects.js';
import { toHex } from '../../../src/util/hex.js';

const METER = 'FE80:0000:0000:0000:C2F9:4500:4012:3456';
const ME = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const MAC = 'C0F9450040123456';
/** A Get_Res of E7 = 500 W whose bytes include CR LF (0x0d 0x0a in the TID and the EDT). */
const FRAME = Buffer.from('10810d0a02880105ff017201e704000d0a01', 'hex');

const bytes = (...parts: (string | Uint8Array)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function readAll(input: Buffer, chunkSize = input.length): ReaderItem[] {
  const r = new SkstackReader();
  const out: ReaderItem[] = [];
  for (let i = 0; i < input.length; i += chunkSize) out.push(...r.push(input.subarray(i, i + chunkSize)));
  return out;
}

function udpOf(items: ReaderItem[]) {
  return items.filter((i) => i.kind === 'udp').map((i) => (i as Extract<ReaderItem, { kind: 'udp' }>));
}

test('9-field ERXUDP (single-hop) with ASCII hex data', () => {
  const line = `ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} 1 ${FRAME.length.toString(16).padStart(4, '0').toUpperCase()} ${toHex(FRAME).toUpperCase()}\r\n`;
  const [u, ...rest] = udpOf(readAll(bytes(line)));
  assert.equal(rest.length, 0);
  assert.equal(u!.encoding, 'ascii');
  assert.deepEqual(u!.datagram, { sender: METER, rport: 0x0e1a, lport: 0x0e1a, secured: true, data: new Uint8Array(FRAME) });
});

test('10-field ERXUDP (dual-stack, LQI, no side) and 11-field (LQI and side), binary data with CR LF inside', () => {
  for (const middle of ['B4 1', 'B4 1 0']) {
    const input = bytes(`ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} ${middle} 0012 `, FRAME, '\r\nOK\r\n');
    const items = readAll(input);
    const [u] = udpOf(items);
    assert.equal(u!.encoding, 'binary', middle);
    assert.equal(u!.datagram.lqi, 0xb4);
    assert.equal(u!.datagram.secured, true);
    assert.equal(toHex(u!.datagram.data), toHex(FRAME));
    assert.deepEqual(items.at(-1), { kind: 'line', line: 'OK' }, 'the line after the data is read normally');
  }
});

test('binary data that contains "EVENT ", "ERXUDP" and the J11 magic is taken by length, not interpreted', () => {
  const data = bytes('EVENT 21 \r\nERXUDP x', Uint8Array.of(0xd0, 0xea, 0x83, 0xfc));
  const len = data.length.toString(16).padStart(4, '0');
  const items = readAll(bytes(`ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} B4 1 0 ${len} `, data, '\r\n'));
  assert.equal(items.length, 1);
  assert.equal(toHex(udpOf(items)[0]!.datagram.data), toHex(data));
});

test('every split of the input across chunks gives the same items', () => {
  const input = bytes(
    `EVENT 21 ${METER} 0 00\r\n`,
    `ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} B4 1 0 0012 `,
    FRAME,
    `\r\nERXUDP ${METER} ${ME} 02CC 02CC ${MAC} 0 0002 0D0A\r\n`,
    'EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n',
    `  Addr:${MAC}\r\n  LQI:E1\r\n  PairID:89ABCDEF\r\nEVENT 22 ${ME} 0\r\nOK\r\n`,
  );
  const whole = readAll(input);
  assert.deepEqual(
    whole.map((i) => i.kind),
    ['event', 'udp', 'udp', 'pan', 'event', 'line'],
  );
  for (const size of [1, 2, 3, 7, 50]) assert.deepEqual(readAll(input, size), whole, `chunks of ${size}`);
});

test('EPANDESC block becomes one PAN descriptor, with or without PairID', () => {
  const block = (pair: string) =>
    `EPANDESC\r\n  Channel:3B\r\n  Channel Page:09\r\n  Pan ID:1A2B\r\n  Addr:${MAC}\r\n  LQI:7F\r\n${pair}EVENT 22 ${ME}\r\n`;
  const withPair = readAll(bytes(block('  PairID:0123ABCD\r\n')));
  assert.deepEqual(withPair[0], {
    kind: 'pan',
    pan: { channel: 0x3b, channelPage: 9, panId: 0x1a2b, addr: MAC, lqi: 0x7f, pairId: '0123ABCD' },
  });
  const without = readAll(bytes(block('')));
  assert.equal((without[0] as Extract<ReaderItem, { kind: 'pan' }>).pan.pairId, undefined);
});

test('a truncated EPANDESC block is garbage, not a half-filled descriptor', () => {
  const items = readAll(bytes('EPANDESC\r\n  Channel:21\r\n  Pan ID:8888\r\nOK\r\n'));
  assert.equal(items[0]!.kind, 'garbage');
  assert.deepEqual(items[1], { kind: 'line', line: 'OK' });
});

test('EVENT lines: single-hop param, dual-stack side, side and param, no sender', () => {
  assert.deepEqual(parseEvent(`EVENT 21 ${METER} 02`), { code: 0x21, sender: METER, param: 2 });
  assert.deepEqual(parseEvent(`EVENT 25 ${METER} 0`), { code: 0x25, sender: METER, side: 0 });
  assert.deepEqual(parseEvent(`EVENT 21 ${METER} 1 01`), { code: 0x21, sender: METER, side: 1, param: 1 });
  assert.deepEqual(parseEvent('EVENT 32'), { code: 0x32 });
  assert.equal(parseEvent('EVENT zz'), undefined);
  assert.equal(parseEvent(`EVENT 21 ${METER} 0 00 junk`), undefined);
});

test('noise lines become garbage and reading resumes on the next line', () => {
  const items = readAll(bytes(Uint8Array.of(0x15, 0xfe, 0x00, 0x0d, 0x0a), 'EVENT 2', `EVENT 25 ${METER}\r\n`, 'OK\r\n'));
  assert.deepEqual(items, [
    { kind: 'garbage', line: '\\x15\\xfe\\x00' },
    { kind: 'garbage', line: 'EVENT 2' },
    { kind: 'event', event: { code: 0x25, sender: METER } },
    { kind: 'line', line: 'OK' },
  ]);
});

test('an ERXUDP cut short by a fresh ERXUDP keeps the fresh one', () => {
  const full = `ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} 1 0002 0D0A\r\n`;
  const items = readAll(bytes(full.slice(0, 20), full));
  assert.equal(items[0]!.kind, 'garbage');
  assert.equal(toHex(udpOf(items)[0]!.datagram.data), '0d0a');
});

test('a malformed ERXUDP header is garbage, and the next line is still read', () => {
  const items = readAll(bytes(`ERXUDP ${METER} nonsense here 0004 xx\r\nOK\r\n`));
  assert.equal(items[0]!.kind, 'garbage');
  assert.deepEqual(items[1], { kind: 'line', line: 'OK' });
});

test('J11 binary frames are recognised as such', () => {
  const items = readAll(Buffer.from('d0ea83fc6fff0004043d0000', 'hex'));
  assert.deepEqual(items, [{ kind: 'binary-protocol' }]);
});

test('endless noise without a line end is dropped as garbage instead of filling memory', () => {
  const r = new SkstackReader();
  const items = r.push(Buffer.alloc(5000, 0x41));
  assert.equal(items.length, 1);
  assert.equal(items[0]!.kind, 'garbage');
  assert.deepEqual(r.push(Buffer.from('OK\r\n')), [{ kind: 'line', line: 'OK' }]);
});

test('family from EINFO: FFFE short address = single-hop, a side digit or extra fields = dual-stack', () => {
  assert.equal(familyFromEinfo(`EINFO ${ME} 001D129012345678 21 8888 FFFE`), 'single-hop');
  assert.equal(familyFromEinfo(`EINFO ${ME} 001D129012345678 21 8888 0`), 'dual-stack');
  assert.equal(familyFromEinfo(`EINFO ${ME} 001D129012345678 21 8888 FFFE 0`), 'dual-stack');
  assert.equal(familyFromEinfo('EVER 1.2.10'), undefined);
});

test('dialects add the side argument only on dual-stack dongles', () => {
  assert.equal(dialectFor('single-hop').scanCommand(6), 'SKSCAN 2 FFFFFFFF 6');
  assert.equal(dialectFor('dual-stack').scanCommand(10), 'SKSCAN 2 FFFFFFFF A 0');
  assert.equal(dialectFor('single-hop').sendToHeader(METER, 14), `SKSENDTO 1 ${METER} 0E1A 1 000E`);
  assert.equal(dialectFor('dual-stack').sendToHeader(METER, 300), `SKSENDTO 1 ${METER} 0E1A 1 0 012C`);
});
