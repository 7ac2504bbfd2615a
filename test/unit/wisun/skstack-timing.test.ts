/**
 * Realistic timing and radio faults, on a ManualClock shared by the link and the simulator: every
 * delay goes through the injected clock, so minutes of radio time take no real time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSkstack, SkstackError, type SkstackEvent, type SkstackLink } from '../../../src/wisun/skstack.js';
import { startDongleSimulator } from '../../../src/sim/dongle/index.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

const CREDS = { id: 'FFEEDDCCBBAA99887766554433221100', password: 'abcDEF123456' };
const METER = { meter: () => ({ powerW: 300, currentRA: 3, currentTA: 0, boughtKwh: 1, soldKwh: 0 }), cumulativeAt: () => undefined };

/** Lets the in-memory wire (setImmediate) and promise chains run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Advances the clock in steps until the promise settles; returns the clock time it took. */
async function timeOf<T>(clock: ManualClock, p: Promise<T>, stepMs = 100, limitMs = 600_000): Promise<{ value: T; ms: number }> {
  let done = false;
  let value!: T;
  p.then((v) => ((done = true), (value = v)), () => (done = true));
  const start = clock.now();
  while (!done && clock.now() - start < limitMs) {
    await settle();
    if (!done) clock.advance(stepMs);
  }
  await p;
  return { value, ms: clock.now() - start };
}

async function setup(timing: 'fast' | 'realistic' = 'realistic') {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 3, 0, 0));
  const sim = startDongleSimulator({ family: 'single-hop', timing, credentials: CREDS, meter: METER, clock, asciiMode: true });
  const link = await openSkstack(sim.hostPort!, { clock, log: silentLogger, commandTimeoutMs: 5_000, joinTimeoutMs: 60_000 });
  return { clock, sim, link };
}

async function joinNow(clock: ManualClock, link: SkstackLink) {
  await timeOf(clock, link.setCredentials(CREDS.id, CREDS.password));
  const { value: pans } = await timeOf(clock, link.scan(6));
  const ip = await timeOf(clock, link.linkLocal(pans[0]!.addr));
  await timeOf(clock, link.setChannelAndPan(pans[0]!.channel, pans[0]!.panId));
  const joined = await timeOf(clock, link.join(ip.value));
  return { ip: ip.value, joinMs: joined.ms, result: joined.value };
}

test('realistic timing: a duration-6 scan takes 28 x 0.01 s x 65 = 18.2 s, a join 2 to 10 s', async () => {
  const { clock, sim, link } = await setup();
  const short = await timeOf(clock, link.scan(4));
  assert.deepEqual(short.value, []);
  assert.ok(Math.abs(short.ms - 28 * 10 * 17) <= 100, `duration 4 took ${short.ms} ms`);
  const { joinMs, result } = await joinNow(clock, link);
  assert.equal(result, 'joined');
  assert.ok(joinMs >= 2_000 && joinMs <= 10_100, `join took ${joinMs} ms`);
  assert.equal(sim.counters.scans, 2);
  await sim.stop();
});

test('a Get is answered about 1.2 s after it is sent', async () => {
  const { clock, sim, link } = await setup();
  const { ip } = await joinNow(clock, link);
  const answered = new Promise<number>((r) => link.once('udp', () => r(clock.now())));
  const sentAt = clock.now();
  await timeOf(clock, link.sendUdp(ip, Uint8Array.from(Buffer.from('1081000105ff010288016201e700', 'hex'))));
  const { value: at } = await timeOf(clock, answered);
  assert.ok(at - sentAt >= 1_200 && at - sentAt <= 1_400, `answer after ${at - sentAt} ms`);
  assert.equal(sim.counters.getsServed, 1);
  await sim.stop();
});

test('a silent dongle makes commands time out typed, after the configured time', async () => {
  const { clock, sim, link } = await setup('fast');
  sim.setFaults({ silent: true });
  const r = await timeOf(clock, link.terminate().catch((e: unknown) => e));
  assert.ok(r.value instanceof SkstackError && r.value.code === 'timeout');
  assert.ok(r.ms >= 5_000 && r.ms <= 5_100);
  await sim.stop();
});

test('a join nobody answers times out typed after joinTimeoutMs', async () => {
  const { clock, sim, link } = await setup('fast');
  await timeOf(clock, link.setCredentials(CREDS.id, CREDS.password));
  const join = link.join('FE80:0000:0000:0000:0000:0000:0000:0001');
  await settle(); // SKJOIN gets its OK...
  sim.setFaults({ silent: true }); // ...then nothing more is said
  const r = await timeOf(clock, join.catch((e: unknown) => e), 1_000);
  assert.ok(r.value instanceof SkstackError && r.value.code === 'timeout', String(r.value));
  assert.ok(r.ms >= 60_000 && r.ms <= 61_000, `gave up after ${r.ms} ms`);
  await sim.stop();
});

test('session events reach the link: 26 (termination request) is followed by 27', async () => {
  const { clock, sim, link } = await setup('fast');
  await joinNow(clock, link);
  const events: SkstackEvent[] = [];
  link.on('event', (e: SkstackEvent) => events.push(e));
  sim.injectSessionEvent(0x26);
  await settle();
  assert.deepEqual(events.map((e) => e.code), [0x26, 0x27]);
  await sim.stop();
});
