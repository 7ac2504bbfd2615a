import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { SkstackError } from '../../../src/wisun/skstack.js';
import { BAD_CREDENTIALS_MESSAGE, BrouteError, BrouteSession, choosePan, type SessionStateEvent } from '../../../src/wisun/session.js';
import { MemoryPanCache, type Pan } from '../../../src/wisun/pan-cache.js';
import { advance, FakeDongle, METER_IPV6, METER_PAN } from '../../helpers/fake-skstack.js';

const ID = '0123456789ABCDEF0123456789ABCDEF';
const PASSWORD = 'SECRETPASS12';
const CACHED: Pan = { channel: METER_PAN.channel, channelPage: 9, panId: METER_PAN.panId, addr: METER_PAN.addr, ipv6: METER_IPV6 };

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

function setup(opts: { cached?: Pan } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 3, 0));
  const dongle = new FakeDongle();
  const cache = new MemoryPanCache(opts.cached);
  const log = captureLog();
  const session = new BrouteSession({
    id: ID,
    password: PASSWORD,
    openPort: dongle.openPort,
    openLink: dongle.openLink,
    panCache: cache,
    clock,
    log,
  });
  const states: SessionStateEvent[] = [];
  session.on('state', (s) => states.push(s));
  let readies = 0;
  session.on('ready', () => readies++);
  return { clock, dongle, cache, log, session, states, readies: () => readies };
}

test('without a cached PAN it scans with growing durations, joins and caches the PAN', async () => {
  const t = setup();
  t.dongle.script.scan = (d) => (d < 6 ? [] : [METER_PAN]);
  t.session.start();
  await advance(t.clock, 1000);
  assert.ok(t.session.ready);
  assert.deepEqual(t.dongle.calls, [
    'setCredentials',
    'scan 4',
    'scan 5',
    'scan 6',
    `linkLocal ${METER_PAN.addr}`,
    `setChannelAndPan ${METER_PAN.channel} ${METER_PAN.panId}`,
    `join ${METER_IPV6}`,
  ]);
  assert.deepEqual(await t.cache.load(), CACHED);
  assert.equal(t.readies(), 1);
  await t.session.stop();
});

test('with a cached PAN it joins without scanning', async () => {
  const t = setup({ cached: CACHED });
  t.session.start();
  await advance(t.clock, 1000);
  assert.ok(t.session.ready);
  assert.equal(t.dongle.count('scan'), 0);
  assert.equal(t.dongle.count('join'), 1);
  await t.session.stop();
});

test('a cached PAN the meter rejects is dropped and one fresh scan decides', async () => {
  const stale: Pan = { ...CACHED, channel: 0x30, panId: 0x9999, addr: 'AAAAAAAAAAAAAAAA', ipv6: 'FE80::1' };
  const t = setup({ cached: stale });
  t.dongle.script.join = (ip) => (ip === METER_IPV6 ? 'joined' : 'rejected');
  t.session.start();
  await advance(t.clock, 1000);
  assert.ok(t.session.ready);
  assert.equal(t.dongle.count('scan'), 1);
  assert.deepEqual(await t.cache.load(), CACHED);
});

test('rejected credentials: a clear error, exponential backoff, and no secret in the log', async () => {
  const t = setup();
  t.dongle.script.join = () => 'rejected';
  t.session.start();
  await advance(t.clock, 1000);
  const bad = t.states.filter((s) => s.state === 'bad-credentials');
  assert.equal(bad.length, 1);
  assert.ok(bad[0]!.reason.includes(BAD_CREDENTIALS_MESSAGE), bad[0]!.reason);
  assert.equal(t.dongle.count('join'), 1);
  // 1 min, then 2 min, then 4 min between attempts: the meter is never hammered.
  await advance(t.clock, 58_000, 1000);
  assert.equal(t.dongle.count('join'), 1);
  await advance(t.clock, 2_000, 1000);
  assert.equal(t.dongle.count('join'), 2);
  await advance(t.clock, 118_000, 1000);
  assert.equal(t.dongle.count('join'), 2);
  await advance(t.clock, 2_000, 1000);
  assert.equal(t.dongle.count('join'), 3);
  await advance(t.clock, 240_000, 1000);
  assert.equal(t.dongle.count('join'), 4);
  assert.ok(!t.session.ready);
  // the credentials become right (registration went through): the next attempt joins
  t.dongle.script.join = () => 'joined';
  await advance(t.clock, 8 * 60_000, 1000);
  assert.ok(t.session.ready);
  const all = t.log.lines.join('\n');
  assert.ok(!all.includes(PASSWORD) && !all.includes(ID));
  await t.session.stop();
});

test('connect() rejects with a typed error for rejected credentials (the CLI path)', async () => {
  const t = setup();
  t.dongle.script.join = () => 'rejected';
  await assert.rejects(t.session.connect(), (err: unknown) => err instanceof BrouteError && err.code === 'bad-credentials');
  await t.session.stop();
});

test('the send gate follows the EVENTs: 26/27 pause until 25, 32 until 33, 24/28/29 rejoin', async () => {
  const t = setup({ cached: CACHED });
  t.session.start();
  await advance(t.clock, 500);
  assert.ok(t.session.ready);

  t.dongle.link.event(0x26);
  assert.ok(!t.session.ready);
  await assert.rejects(t.session.send(new Uint8Array([1])), (err: unknown) => err instanceof BrouteError && err.code === 'not-ready');
  t.dongle.link.event(0x25);
  assert.ok(t.session.ready);
  assert.equal(t.readies(), 2);

  t.dongle.link.event(0x32);
  assert.ok(!t.session.ready);
  await advance(t.clock, 60_000, 5000);
  assert.ok(!t.session.ready);
  t.dongle.link.event(0x33);
  assert.ok(t.session.ready);

  for (const code of [0x24, 0x28, 0x29]) {
    const joins = t.dongle.count('join');
    t.dongle.link.event(code);
    assert.ok(!t.session.ready, `gate closed by EVENT ${code.toString(16)}`);
    await advance(t.clock, 500);
    assert.ok(t.session.ready, `rejoined after EVENT ${code.toString(16)}`);
    assert.equal(t.dongle.count('join'), joins + 1);
  }
  assert.equal(t.dongle.count('scan'), 0);
  assert.equal(t.dongle.links.length, 1);

  // 27 with no 25 after it: the session is gone, so rejoin after the grace period
  const joins = t.dongle.count('join');
  t.dongle.link.event(0x27);
  await advance(t.clock, 5_000, 500);
  assert.equal(t.dongle.count('join'), joins);
  await advance(t.clock, 6_000, 500);
  assert.equal(t.dongle.count('join'), joins + 1);
  assert.ok(t.session.ready);
  await t.session.stop();
});

test('the ladder climbs retry -> rejoin -> rescan -> reopen -> backoff, and resets on success', async () => {
  const t = setup({ cached: CACHED });
  t.session.start();
  await advance(t.clock, 500);
  const steps: string[] = [];
  t.session.on('state', (s) => s.step && steps.push(s.step));

  assert.equal(t.session.reportFailure('no answer'), 'retry');
  assert.equal(t.session.reportFailure('no answer'), 'recovering');
  await advance(t.clock, 500);
  assert.equal(t.dongle.count('join'), 2);
  assert.equal(t.dongle.count('scan'), 0);

  assert.equal(t.session.reportFailure('no answer'), 'recovering');
  await advance(t.clock, 500);
  assert.equal(t.dongle.count('scan'), 1);

  assert.equal(t.session.reportFailure('no answer'), 'recovering');
  await advance(t.clock, 500);
  assert.equal(t.dongle.links.length, 2);
  assert.ok(t.dongle.links[0]!.closed);
  assert.equal(t.dongle.count('scan'), 1, 'a reopen joins with the cached PAN');

  assert.equal(t.session.reportFailure('no answer'), 'recovering');
  await advance(t.clock, 4_000, 500);
  assert.equal(t.dongle.links.length, 2, 'backoff waits before reopening');
  await advance(t.clock, 1_500, 500);
  assert.equal(t.dongle.links.length, 3);
  assert.ok(t.session.ready);

  assert.deepEqual(steps, ['retry', 'rejoin', 'rescan', 'reopen', 'backoff']);
  t.session.reportSuccess();
  assert.equal(t.session.reportFailure('no answer'), 'retry');
  await t.session.stop();
});

test('a failed step climbs on by itself: a rejoin that times out becomes a rescan', async () => {
  const t = setup({ cached: CACHED });
  t.session.start();
  await advance(t.clock, 500);
  const steps: string[] = [];
  t.session.on('state', (s) => s.step && steps.push(s.step));
  t.dongle.script.join = () => (steps.length === 1 ? new SkstackError('timeout', 'no answer to the join') : 'joined');
  t.dongle.link.event(0x29);
  await advance(t.clock, 1_000);
  assert.deepEqual(steps, ['rejoin', 'rescan']);
  assert.ok(t.session.ready);
  await t.session.stop();
});

test('an unplugged dongle is reopened with capped backoff until it is back, then joined from the cache', async () => {
  const t = setup({ cached: CACHED });
  t.session.start();
  await advance(t.clock, 500);
  const enoent = Object.assign(new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'), { code: 'ENOENT' });
  t.dongle.script.openError = enoent;
  t.dongle.link.unplug();
  await advance(t.clock, 500);
  assert.ok(!t.session.ready);
  const opensAfter = (ms: number) => advance(t.clock, ms, 1000).then(() => t.dongle.portOpens);
  const first = t.dongle.portOpens; // the immediate reopen attempt
  assert.equal(await opensAfter(5_500), first + 1);
  assert.equal(await opensAfter(10_000), first + 2);
  assert.equal(await opensAfter(20_000), first + 3);
  // the wait doubles up to the cap of 5 minutes and stays there
  await advance(t.clock, 40_000 + 80_000 + 160_000 + 300_000, 5000);
  const before = t.dongle.portOpens;
  assert.equal(await opensAfter(300_000), before + 1);
  t.dongle.script.openError = undefined;
  await advance(t.clock, 300_000, 5000);
  assert.ok(t.session.ready);
  assert.equal(t.dongle.count('scan'), 0);
  await t.session.stop();
});

test('stop() during a backoff ends promptly and never throws', async () => {
  const t = setup({ cached: CACHED });
  t.dongle.script.openError = new Error('gone');
  t.session.start();
  await advance(t.clock, 2_000);
  await t.session.stop();
  assert.equal(t.states.at(-1)!.state, 'stopped');
});

test('choosePan prefers the meter that echoes our pairing ID, then the strongest', () => {
  const ours = { ...METER_PAN, lqi: 40, pairId: ID.slice(-8) };
  const neighbour = { ...METER_PAN, addr: 'BBBBBBBBBBBBBBBB', lqi: 200, pairId: '99999999' };
  assert.equal(choosePan([neighbour, ours], ID), ours);
  const strong = { ...METER_PAN, lqi: 150 };
  assert.equal(choosePan([METER_PAN, strong], ID), strong);
  assert.equal(choosePan([neighbour], ID), undefined);
});
