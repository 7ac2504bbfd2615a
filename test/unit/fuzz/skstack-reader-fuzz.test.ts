/**
 * The dongle's byte stream under noise: seeded random and mutated SKSTACK lines (garbage, partial and
 * mis-sized ERXUDP, raw data with CR LF inside, overlong lines, EVENT with odd parameters, broken EPANDESC
 * blocks) cut into random chunks. The reader must never throw, must be back in step within a bounded
 * number of bytes of good lines, and must then deliver a valid ERXUDP byte for byte. Seeded (FUZZ_SEED,
 * FUZZ_SCALE; test/helpers/fuzz.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkstackReader, type ReaderItem } from '../../../src/wisun/skstack-reader.js';
import { toHex } from '../../../src/util/hex.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0x5c57ac);
const METER = 'FE80:0000:0000:0000:C2F9:4500:4012:3456';
const ME = 'FE80:0000:0000:0000:021D:1290:1234:5678';
const MAC = 'C0F9450040123456';
const J11_MAGIC = Buffer.from([0xd0, 0xea, 0x83, 0xfc]);
/** SKSTACK's largest UDP payload (SKSENDTO and ERXUDP datalen at most 0x4D0). */
const MAX_DATA = 0x4d0;

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** One well-formed thing a dongle prints, and the item it must become. */
interface Unit {
  bytes: Buffer;
  expect: (item: ReaderItem) => boolean;
  what: string;
}

function erxudp(f: Fuzz, data: Uint8Array, encoding: 'ascii' | 'binary'): Unit {
  const middle = f.pick(['1', '0', 'B4 1', 'B4 1 0', '9C 0 1']);
  const head = `ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} ${middle} ${hex4(data.length)} `;
  const body = encoding === 'ascii' ? latin1(toHex(data).toUpperCase()) : Buffer.from(data);
  return {
    bytes: Buffer.concat([latin1(head), body, latin1('\r\n')]),
    what: `ERXUDP ${encoding} ${data.length} bytes`,
    // empty data reads the same either way, so its encoding cannot be told
    expect: (i) => i.kind === 'udp' && (i.encoding === encoding || data.length === 0) && toHex(i.datagram.data) === toHex(data) && i.datagram.sender === METER && i.datagram.lport === 0x0e1a,
  };
}

function goodUnit(f: Fuzz): Unit {
  switch (f.int(4)) {
    case 0: {
      const code = f.pick([0x21, 0x22, 0x25, 0x29, 0x32]);
      const tail = f.pick(['', ' 00', ' 0 01', ' 1']);
      return {
        bytes: latin1(`EVENT ${code.toString(16).toUpperCase()} ${METER}${tail}\r\n`),
        what: `EVENT ${code.toString(16)}`,
        expect: (i) => i.kind === 'event' && i.event.code === code && i.event.sender === METER,
      };
    }
    case 1:
      return {
        bytes: latin1(`EPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:${MAC}\r\n  LQI:E1\r\n  PairID:00112233\r\n`),
        what: 'EPANDESC',
        // the block has no terminator: the next line ends it, which every stream below provides
        expect: (i) => i.kind === 'pan' && i.pan.addr === MAC && i.pan.panId === 0x8888 && i.pan.lqi === 0xe1,
      };
    default: {
      // data as the meter sends it: short frames, sometimes the largest, with CR LF and keywords inside
      const data = f.chance(0.05) ? f.bytes(MAX_DATA) : f.bytes(f.int(64));
      if (f.chance(0.3) && data.length > 0) {
        const at = f.int(data.length);
        data.set(latin1(f.pick(['\r\n', 'OK\r\n', 'EVENT ', 'ERXUDP '])).subarray(0, data.length - at), at);
      }
      return erxudp(f, data, f.chance(0.5) ? 'ascii' : 'binary');
    }
  }
}

/** Noise: random bytes, cut or mis-sized ERXUDPs, odd EVENTs, broken EPANDESC blocks, overlong lines. */
function garbage(f: Fuzz): Buffer {
  const good = goodUnit(f).bytes;
  let out: Buffer;
  switch (f.int(9)) {
    case 0:
      out = Buffer.from(f.bytes(f.int(80)));
      break;
    case 1:
      out = good.subarray(0, f.int(good.length)); // cut anywhere, no line end
      break;
    case 2: {
      // an ERXUDP header whose length is wrong (longer or shorter than the data), up to FFFF
      const len = f.pick([0, 1, f.int(MAX_DATA + 200), 0xffff, 0x4d1, 0x8000]);
      out = Buffer.concat([latin1(`ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} ${f.pick(['1', 'B4 1 0'])} ${hex4(len)} `), Buffer.from(f.bytes(f.int(40)))]);
      break;
    }
    case 3:
      out = latin1(f.pick(['EVENT', 'EVENT ', 'EVENT ZZ', 'EVENT 121 x', 'EVENT 21 a b c d e f', 'EVENT 21 x 0 00 0', 'EVENT -1', `EVENT 21 ${METER} 000`, 'EVENT\t21']));
      break;
    case 4:
      out = latin1(`EPANDESC\r\n  Channel:${f.pick(['ZZ', '', '21'])}\r\n  Pan ID:${f.text(6)}\r\n`);
      break;
    case 5:
      out = Buffer.alloc(4097 + f.int(3000), f.pick([0x41, 0x00, 0xff, 0x20])); // longer than any line
      break;
    case 6: {
      // one valid unit with a few bytes flipped
      const b = Buffer.from(good);
      for (let k = 1 + f.int(3); k > 0; k--) b[f.int(b.length)] = f.int(256);
      out = b;
      break;
    }
    case 7:
      out = latin1(`ERXUDP ${f.text(40)}`);
      break;
    default:
      out = latin1(f.text(60));
  }
  // the J11 magic makes the reader give up on the port for good, by design: not noise this test can use
  return out.includes(J11_MAGIC) ? Buffer.alloc(0) : out;
}

function feed(reader: SkstackReader, f: Fuzz, input: Buffer, where: string): ReaderItem[] {
  const items: ReaderItem[] = [];
  for (let at = 0; at < input.length; ) {
    const n = 1 + f.int(f.chance(0.5) ? 8 : 400);
    try {
      items.push(...reader.push(input.subarray(at, at + n)));
    } catch (err) {
      assert.fail(`the reader threw ${String(err)}: ${where}`);
    }
    at += n;
  }
  return items;
}

/** Good lines after the noise: more bytes than the longest ERXUDP the noise may have started (ASCII 0x4D0). */
const MARKER = latin1(`EVENT 21 ${METER} 0 00\r\n`);
const RESYNC_BYTES = 2 * MAX_DATA + 400;
const TAIL = Buffer.concat(Array.from({ length: Math.ceil(RESYNC_BYTES / MARKER.length) + 3 }, () => MARKER));

const CASES = fuzzCases(3_000);

test(`noise of every kind (${CASES} streams, seed 0x${SEED.toString(16)}): never throws, back in step within ${RESYNC_BYTES} bytes, then a valid ERXUDP arrives intact`, () => {
  const f = new Fuzz(SEED);
  for (let i = 0; i < CASES; i++) {
    const reader = new SkstackReader();
    const noise = Buffer.concat(Array.from({ length: 1 + f.int(4) }, () => garbage(f)));
    const where = `seed 0x${SEED.toString(16)} case ${i}: noise ${toHex(noise.subarray(0, 120))}${noise.length > 120 ? '...' : ''} (${noise.length} bytes)`;
    const items = feed(reader, f, Buffer.concat([noise, latin1('\r\n'), TAIL]), where);
    const last = items.at(-1);
    assert.ok(last?.kind === 'event' && last.event.code === 0x21, `not back in step after the good lines: ${where}; last ${JSON.stringify(last)}`);
    const after = goodUnit(f);
    const data = f.bytes(1 + f.int(40));
    const udp = erxudp(f, data, f.chance(0.5) ? 'ascii' : 'binary');
    const next = feed(reader, f, Buffer.concat([after.bytes, udp.bytes, latin1('OK\r\n')]), where);
    assert.equal(next.length, 3, `${after.what}, ${udp.what} and OK after the noise: ${where}; got ${JSON.stringify(next.map((x) => x.kind))}`);
    assert.ok(after.expect(next[0]!), `${after.what} after the noise: ${where}`);
    assert.ok(udp.expect(next[1]!), `${udp.what} after the noise: ${where}`);
    assert.deepEqual(next[2], { kind: 'line', line: 'OK' }, where);
  }
});

test(`noise lines between good ones (${CASES} streams, seed 0x${SEED.toString(16)}): every good item is delivered, in order`, () => {
  const f = new Fuzz(SEED ^ 0x77);
  for (let i = 0; i < CASES; i++) {
    const units: Unit[] = [];
    const parts: Buffer[] = [];
    for (let k = 1 + f.int(8); k > 0; k--) {
      // a noise line that ends where a line ends: random bytes or text, no line feed inside, not a keyword
      if (f.chance(0.5)) {
        const noise = Buffer.from(f.bytes(f.int(60)).filter((b) => b !== 0x0a));
        if (noise.length > 0 && noise[0] !== 0x20 && noise[0] !== 0x09 && !noise.includes(J11_MAGIC) && !/ERXUDP|EVENT|EPANDESC/.test(noise.toString('latin1'))) parts.push(noise, latin1('\r\n'));
      }
      const u = goodUnit(f);
      units.push(u);
      parts.push(u.bytes);
    }
    parts.push(latin1('OK\r\n')); // ends a trailing EPANDESC block
    const where = `seed 0x${SEED.toString(16)} (second test) case ${i}`;
    const items = feed(new SkstackReader(), f, Buffer.concat(parts), where).filter((x) => x.kind === 'udp' || x.kind === 'event' || x.kind === 'pan');
    assert.equal(items.length, units.length, `${units.map((u) => u.what).join(', ')}: got ${items.map((x) => x.kind).join(', ')}: ${where}`);
    units.forEach((u, k) => assert.ok(u.expect(items[k]!), `${u.what} (#${k}): ${where}`));
  }
});

test('an ERXUDP header announcing more than SKSTACK can carry is noise at once, not a wait for 64 KB', () => {
  const reader = new SkstackReader();
  const items = reader.push(latin1(`ERXUDP ${METER} ${ME} 0E1A 0E1A ${MAC} 1 FFFF 10\r\nOK\r\n`));
  assert.equal(items[0]?.kind, 'garbage');
  assert.deepEqual(items.at(-1), { kind: 'line', line: 'OK' }, 'the answer right after it is not swallowed');
});
