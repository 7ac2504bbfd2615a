import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSimulatedTime, parseSimulatedTime, ScaledClock } from '../../../src/util/clock.js';

test('a simulated time survives its text form, and processes given it share one clock', () => {
  const time = { start: Date.UTC(2026, 4, 9, 15), speed: 1000, realStart: Date.now() - 2_000 };
  const parsed = parseSimulatedTime(formatSimulatedTime(time));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.time, time);
  // two seconds of real time since realStart: about 2000 simulated seconds
  const elapsed = parsed.clock.now() - time.start;
  assert.ok(elapsed >= 2_000_000 && elapsed < 2_500_000, `elapsed ${elapsed}`);
});

test('a malformed simulated time is refused with the expected form', () => {
  for (const text of ['', '1:2', 'a:1000:0', '0:0:0', '0:-5:0', '0:1000:0:1']) {
    const parsed = parseSimulatedTime(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.reason, /<simulated start ms>:<speed>:<real start ms>/);
  }
});

const realDelay = async (clock: ScaledClock, ms: number): Promise<number> => {
  const from = performance.now();
  await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  return performance.now() - from;
};

test('a compressed timer never waits less real time than min(its length, minRealMs)', async () => {
  const clock = new ScaledClock(0, 10_000, { minRealMs: 100 });
  // 3 s of simulated time would be 0.3 ms: a request timeout that no real answer could meet
  assert.ok((await realDelay(clock, 3_000)) >= 95);
  // shorter than the floor: real time as asked
  assert.ok((await realDelay(clock, 30)) >= 25);
  // long timers stay compressed: 2000 s simulated is 200 ms
  const long = await realDelay(clock, 2_000_000);
  assert.ok(long >= 195 && long < 1_000, `long ${long}`);
});

test('without minRealMs a scaled clock compresses every timer', async () => {
  assert.ok((await realDelay(new ScaledClock(0, 10_000), 3_000)) < 50);
});
