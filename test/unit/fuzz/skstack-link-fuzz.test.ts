/**
 * The SKSTACK link (skstack.ts) with seeded noise lines slipped into what the dongle prints: between and
 * inside its answers come random bytes, overlong lines, EVENTs with odd parameters, cut ERXUDP headers and
 * broken EPANDESC blocks. The link must not throw, must report the noise as garbage, and every command and
 * every reading must still come back right: a real join and reads from the in-memory dongle simulator.
 * The noise never contains what a dongle could really mean (OK, FAIL, a well-formed EVENT or ERXUDP),
 * because those the link must act on. Seeded (FUZZ_SEED, FUZZ_SCALE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDongleSimulator } from '../../../src/sim/dongle/index.js';
import { openSkstack, type SerialLike, type SkstackLink, type UdpDatagram } from '../../../src/wisun/skstack.js';
import { decodeFrame, encodeFrame, ESV, type Frame } from '../../../src/echonet/frame.js';
import { systemClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0x11c4);
const CREDS = { id: '0123456789ABCDEF0123456789ABCDEF', password: 'Pw0rdSecret9' };
const READING = { powerW: 1234, currentRA: 7.5, currentTA: 5.1, boughtKwh: 4321.7, soldKwh: 56.2 };
const METER = { meter: () => READING, cumulativeAt: () => undefined };
const J11_MAGIC = Buffer.from([0xd0, 0xea, 0x83, 0xfc]);

function noiseLine(f: Fuzz): Buffer {
  const latin1 = (s: string) => Buffer.from(s, 'latin1');
  let b: Buffer;
  switch (f.int(6)) {
    case 0:
      b = Buffer.from(f.bytes(1 + f.int(60)).filter((x) => x !== 0x0a && x !== 0x0d));
      break;
    case 1:
      b = Buffer.alloc(4100 + f.int(500), f.pick([0x58, 0x00, 0xfe])); // longer than any line
      break;
    case 2:
      b = latin1(f.pick(['EVENT', 'EVENT ZZ', 'EVENT 121 x', 'EVENT 21 a b c d e f', 'EVENT -1', 'EVENT 21 X 000']));
      break;
    case 3:
      b = latin1(`ERXUDP FE80:0000 ${f.text(20).replace(/[\r\n]/g, '')}`); // a header cut short
      break;
    case 4:
      b = latin1(`EPANDESC\r\n  Channel:ZZ\r\n  Addr:${f.text(6).replace(/[\r\n]/g, '')}`);
      break;
    default:
      b = latin1(`x${f.text(40).replace(/[\r\n]/g, '')}`);
  }
  return b.includes(J11_MAGIC) ? Buffer.alloc(0) : Buffer.concat([b, latin1('\r\n')]);
}

/** The simulator's port, with noise lines put before some of the chunks it delivers. */
function noisy(inner: SerialLike, f: Fuzz, probability: number): SerialLike & { injected: number } {
  const wrapped = new Map<(...args: never[]) => void, (chunk: Buffer) => void>();
  const port = {
    injected: 0,
    write: (data: Uint8Array) => inner.write(data),
    close: (cb?: (err?: Error | null) => void) => inner.close(cb),
    on(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void) {
      if (event !== 'data') return inner.on(event as 'close', listener as () => void);
      const w = (chunk: Buffer) => {
        if (f.chance(probability)) {
          const noise = noiseLine(f);
          if (noise.length > 0) {
            port.injected++;
            (listener as (c: Buffer) => void)(noise);
          }
        }
        (listener as (c: Buffer) => void)(chunk);
      };
      wrapped.set(listener, w);
      return inner.on('data', w);
    },
    removeListener(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void) {
      return inner.removeListener(event, (event === 'data' ? wrapped.get(listener) : undefined) ?? listener);
    },
  };
  return port as SerialLike & { injected: number };
}

function nextFrame(link: SkstackLink, tid: number): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to TID ${tid}`)), 5_000);
    const on = (d: UdpDatagram) => {
      const r = d.lport === 0x0e1a ? decodeFrame(d.data) : undefined;
      if (r?.ok && (r.frame as Frame).tid === tid) {
        clearTimeout(timer);
        link.off('udp', on);
        resolve(r.frame as Frame);
      }
    };
    link.on('udp', on);
  });
}

const RUNS = fuzzCases(12);

test(`${RUNS} sessions with noise in the dongle's output (seed 0x${SEED.toString(16)}): open, join and read as if it were not there`, { timeout: 60_000 }, async () => {
  for (let run = 0; run < RUNS; run++) {
    const f = new Fuzz((SEED + run) >>> 0);
    const where = `seed 0x${((SEED + run) >>> 0).toString(16)} (run ${run})`;
    const family = f.pick(['single-hop', 'dual-stack'] as const);
    const sim = startDongleSimulator({ family, timing: 'fast', credentials: CREDS, meter: METER, clock: systemClock, asciiMode: f.chance(0.5) });
    const port = noisy(sim.hostPort!, f, 0.5);
    const lines: string[] = [];
    const log: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const garbage: string[] = [];
    try {
      const link = await openSkstack(port, { clock: systemClock, log, commandTimeoutMs: 2_000 });
      link.on('garbage', (g: string) => garbage.push(g));
      assert.equal(link.family, family, where);
      await link.setCredentials(CREDS.id, CREDS.password);
      const pans = await link.scan(6);
      assert.equal(pans.length, 1, `the meter is found despite the noise: ${where}`);
      const ip = await link.linkLocal(pans[0]!.addr);
      assert.equal(ip, sim.meterAddress, where);
      await link.setChannelAndPan(pans[0]!.channel, pans[0]!.panId);
      assert.equal(await link.join(ip), 'joined', where);
      for (let i = 0; i < 5; i++) {
        const tid = 0x100 + i;
        const answer = nextFrame(link, tid);
        await link.sendUdp(ip, encodeFrame({ tid, seoj: 0x05ff01, deoj: 0x028801, esv: ESV.Get, properties: [{ epc: 0xe7, edt: new Uint8Array() }] }));
        const frame = await answer;
        assert.equal(frame.esv, ESV.Get_Res, where);
        assert.equal(Buffer.from(frame.properties[0]!.edt).readInt32BE(), READING.powerW, where);
      }
      assert.ok(port.injected > 0, `noise was injected: ${where}`);
      assert.ok(garbage.length > 0, `and seen as garbage: ${where}`);
      assert.ok(!lines.join('\n').includes(CREDS.password), where);
      await link.close();
    } finally {
      await sim.stop();
    }
  }
});
