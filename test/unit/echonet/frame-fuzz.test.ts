// decodeFrame takes bytes straight off the network: it must never throw, and whatever it accepts must
// encode back to exactly the bytes it came from. The seeded generator (test/helpers/fuzz.ts, FUZZ_SEED)
// makes every failure reproducible: the assertion message carries the seed, the case number and the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, ESV, isSetGetFamily, type Frame, type Property } from '../../../src/echonet/frame.js';
import { toHex } from '../../../src/util/hex.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0x5eed2026);
const CASES = fuzzCases(100_000);

const fuzz = new Fuzz(SEED);
const rand = fuzz.random;
const int = (n: number) => fuzz.int(n);
const bytes = (n: number) => fuzz.bytes(n);
const ESVS = Object.values(ESV);

function randomProperties(): Property[] {
  // Mostly short EDTs like real traffic, sometimes long ones to reach the PDC limits.
  return Array.from({ length: int(6) }, () => ({ epc: 0x80 + int(128), edt: bytes(rand() < 0.9 ? int(12) : int(256)) }));
}

function randomFrame(): Frame {
  const esv = ESVS[int(ESVS.length)]!;
  const base = { tid: int(0x10000), seoj: int(0x1000000), deoj: int(0x1000000), esv, properties: randomProperties() };
  return isSetGetFamily(esv) ? { ...base, getProperties: randomProperties() } : base;
}

function validBytes(): Uint8Array {
  return rand() < 0.05 ? Uint8Array.of(0x10, 0x82, int(256), int(256), ...bytes(int(40))) : encodeFrame(randomFrame());
}

type Mutation = (b: Uint8Array) => Uint8Array;

const mutations: Mutation[] = [
  (b) => {
    const out = b.slice();
    for (let i = 1 + int(3); i > 0; i--) out[int(out.length)]! ^= 1 << int(8);
    return out;
  },
  (b) => b.slice(0, int(b.length)),
  (b) => {
    const out = b.slice();
    if (out.length > 11) out[11] = rand() < 0.5 ? (out[11]! + (rand() < 0.5 ? 1 : -1)) & 0xff : int(256);
    return out;
  },
  (b) => {
    const other = validBytes();
    const from = int(other.length);
    return Uint8Array.from([...b, ...other.subarray(from, from + 1 + int(other.length - from))]);
  },
  (b) => {
    // Change one PDC-ish byte (a byte inside the property area) to any value.
    const out = b.slice();
    if (out.length > 13) out[12 + int(out.length - 12)] = int(256);
    return out;
  },
  (b) => {
    const at = int(b.length + 1);
    return rand() < 0.5 ? Uint8Array.from([...b.subarray(0, at), int(256), ...b.subarray(at)]) : Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
  },
];

function randomInput(): { kind: string; buf: Uint8Array } {
  const r = rand();
  if (r < 0.15) {
    // Pure noise, half of it with a valid header start so decoding gets past EHD1/EHD2.
    const noise = bytes(int(64));
    if (rand() < 0.5 && noise.length >= 2) noise.set([0x10, 0x81]);
    return { kind: 'random', buf: noise };
  }
  if (r < 0.3) return { kind: 'valid', buf: validBytes() };
  const m = int(mutations.length);
  let buf = mutations[m]!(validBytes());
  if (rand() < 0.3) buf = mutations[int(mutations.length)]!(buf);
  return { kind: `mutation ${m}`, buf };
}

test(`decodeFrame survives ${CASES} random and mutated frames (seed 0x${SEED.toString(16)})`, () => {
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < CASES; i++) {
    const { kind, buf } = randomInput();
    const where = `seed 0x${SEED.toString(16)} case ${i} (${kind}): ${toHex(buf)}`;
    let r: ReturnType<typeof decodeFrame>;
    try {
      r = decodeFrame(buf);
    } catch (err) {
      assert.fail(`decodeFrame threw ${String(err)} on ${where}`);
    }
    if (kind === 'valid') assert.ok(r.ok, `a valid frame was rejected: ${where}`);
    if (r.ok) {
      accepted++;
      assert.equal(toHex(encodeFrame(r.frame)), toHex(buf), `re-encoding differs: ${where}`);
    } else {
      rejected++;
      assert.ok(r.error.offset >= 0 && r.error.offset <= buf.length, `error offset out of range: ${where}`);
    }
  }
  // Both paths must have been exercised for the test to mean anything.
  assert.ok(accepted > CASES / 10, `only ${accepted} accepted`);
  assert.ok(rejected > CASES / 10, `only ${rejected} rejected`);
});
