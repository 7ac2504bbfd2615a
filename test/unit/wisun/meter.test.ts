import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { decodeFrame, encodeFrame, ESV, isArbitrary } from '../../../src/echonet/frame.js';
import { u16, u32, u8 } from '../../../src/echonet/edt.js';
import { BrouteError, BrouteSession } from '../../../src/wisun/session.js';
import { MemoryPanCache } from '../../../src/wisun/pan-cache.js';
import { MemoryHalfHourSink } from '../../../src/wisun/history.js';
import { counterDeltaKwh, counterModulusKwh, SmartMeterClient, type MeterReading } from '../../../src/wisun/meter.js';
import { advance, FakeDongle, METER_IPV6, METER_PAN } from '../../helpers/fake-skstack.js';
import { FakeMeter, fixedTimeEdt, meterNotification, NO_DATA_U32 } from '../../helpers/fake-meter.js';

const PAN = { channel: METER_PAN.channel, channelPage: 9, panId: METER_PAN.panId, addr: METER_PAN.addr, ipv6: METER_IPV6 };

function lines(): Logger & { lines: string[] } {
  const all: string[] = [];
  return { lines: all, debug: (m) => all.push(m), info: (m) => all.push(m), warn: (m) => all.push(m), error: (m) => all.push(m) };
}

async function setup(opts: { pollIntervalMs?: number; sink?: MemoryHalfHourSink; start?: number } = {}) {
  const clock = new ManualClock(opts.start ?? Date.UTC(2026, 10, 26, 3, 0, 0));
  const dongle = new FakeDongle();
  const meter = new FakeMeter();
  meter.edts.set(0xd7, u8(6));
  meter.edts.set(0xe1, u8(0x01)); // 0.1 kWh
  meter.edts.set(0xe7, u32(1234));
  meter.edts.set(0xe8, Uint8Array.from([...u16(123), ...u16(0x7ffe)]));
  meter.edts.set(0xe0, u32(123_456));
  meter.edts.set(0xe3, u32(789));
  dongle.script.meter = meter.play;
  const log = lines();
  const session = new BrouteSession({ id: 'X'.repeat(32), password: 'PASSWORD1234', openPort: dongle.openPort, openLink: dongle.openLink, panCache: new MemoryPanCache(PAN), clock, log });
  const client = new SmartMeterClient({ session, clock, log, sink: opts.sink, pollIntervalMs: opts.pollIntervalMs });
  const readings: MeterReading[] = [];
  client.on('reading', (r) => readings.push(r));
  return { clock, dongle, meter, session, client, readings, log };
}

test('reads D3/D7/E1 once, then E7+E8+E0+E3 in one Get per interval, never faster than 10 s', async () => {
  const t = await setup({ pollIntervalMs: 1_000 });
  assert.ok(t.log.lines.some((l) => l.includes('below the 10 s floor')));
  t.session.start();
  t.client.start();
  await advance(t.clock, 500);
  assert.deepEqual(t.meter.gets(), [
    [0xd3, 0xd7, 0xe1],
    [0xe7, 0xe8, 0xe0, 0xe3],
  ]);
  await advance(t.clock, 30_000, 500);
  assert.equal(t.meter.gets().length, 2 + 3);
  assert.ok(t.meter.gets().slice(1).every((g) => g.join() === [0xe7, 0xe8, 0xe0, 0xe3].join()));
  assert.deepEqual(
    { ...t.readings[0]!, at: 0 },
    { at: 0, powerW: 1234, currentRA: 12.3, currentTA: null, boughtKwh: 12345.6, soldKwh: 78.9 },
  );
  t.client.stop();
  await t.session.stop();
});

test('sentinels read as null, and energy is raw x unit x coefficient (D3 optional)', async () => {
  const t = await setup();
  t.meter.edts.set(0xd3, u32(10));
  t.meter.edts.set(0xe1, u8(0x02)); // 0.01 kWh x 10
  t.meter.edts.set(0xe7, u32(0x7ffffffe));
  t.meter.edts.set(0xe8, Uint8Array.from([...u16(0x7ffe), ...u16(0x7ffe)]));
  t.meter.edts.set(0xe3, u32(NO_DATA_U32));
  await t.session.connect();
  const r = await t.client.read();
  assert.deepEqual({ ...r, at: 0 }, { at: 0, powerW: null, currentRA: null, currentTA: null, boughtKwh: 12345.6, soldKwh: null });
  assert.deepEqual(t.client.scale, { kwhPerStep: 0.1, coefficient: 10, modulusKwh: 100_000 });
  await t.session.stop();
});

test('a meter that refuses D3 counts with coefficient 1; one that refuses E3 gives sold = null', async () => {
  const t = await setup();
  t.meter.edts.delete(0xe3);
  await t.session.connect();
  const r = await t.client.read();
  assert.equal(r.boughtKwh, 12345.6);
  assert.equal(r.soldKwh, null);
  assert.equal(t.client.scale!.coefficient, 1);
  await t.session.stop();
});

test('counter deltas handle the wrap at 10^D7', () => {
  const modulus = counterModulusKwh(6, { kwhPerStep: 0.1 });
  assert.equal(modulus, 100_000);
  assert.equal(counterDeltaKwh(99_999.9, 0.2, modulus), 0.3);
  assert.equal(counterDeltaKwh(1234.5, 1236.1, modulus), 1.6);
  assert.equal(counterModulusKwh(8, { kwhPerStep: 0.001 }), 100_000);
  assert.equal(counterDeltaKwh(5, 3, undefined), -2, 'without D7 a decrease is not guessed to be a wrap');
});

test('INF of EA+EB becomes an "inf" half-hour record; EA and EB in separate frames are merged', async () => {
  const sink = new MemoryHalfHourSink();
  const t = await setup({ sink, start: Date.UTC(2026, 10, 26, 1, 31) }); // 10:31 JST
  await sink.put({ slotStart: Date.UTC(2026, 10, 26, 1, 0), boughtKwh: 1, soldKwh: 0, source: 'inf' }); // 10:00 JST
  t.session.start();
  t.client.start();
  await advance(t.clock, 500);
  t.dongle.link.deliver(
    meterNotification([
      { epc: 0xea, edt: fixedTimeEdt(2026, 11, 26, 10, 30, 123_400) },
      { epc: 0xeb, edt: fixedTimeEdt(2026, 11, 26, 10, 30, 700) },
    ]),
  );
  await advance(t.clock, 500);
  assert.deepEqual(sink.records().at(-1), { slotStart: Date.UTC(2026, 10, 26, 1, 30), boughtKwh: 12_340, soldKwh: 70, source: 'inf' });

  await advance(t.clock, 29 * 60_000, 5_000);
  t.dongle.link.deliver(meterNotification([{ epc: 0xea, edt: fixedTimeEdt(2026, 11, 26, 11, 0, 123_500) }]));
  await advance(t.clock, 500);
  assert.equal(await sink.has(Date.UTC(2026, 10, 26, 2, 0)), false, 'waits for EB');
  t.dongle.link.deliver(meterNotification([{ epc: 0xeb, edt: fixedTimeEdt(2026, 11, 26, 11, 0, 701) }]));
  await advance(t.clock, 500);
  assert.deepEqual(sink.records().at(-1), { slotStart: Date.UTC(2026, 10, 26, 2, 0), boughtKwh: 12_350, soldKwh: 70.1, source: 'inf' });
  t.client.stop();
  await t.session.stop();
});

test('INFC is answered with INFC_Res carrying the same TID and EPCs', async () => {
  const t = await setup();
  await t.session.connect();
  t.dongle.link.deliver(meterNotification([{ epc: 0xea, edt: fixedTimeEdt(2026, 11, 26, 12, 0, 1) }], ESV.INFC, 0x0777));
  await advance(t.clock, 100);
  const res = t.meter.requests.find((r) => r.esv === ESV.INFC_Res);
  assert.ok(res);
  assert.equal(res.tid, 0x0777);
  assert.equal(res.deoj, 0x028801);
  assert.deepEqual(res.properties.map((p) => [p.epc, p.edt.length]), [[0xea, 0]]);
  await t.session.stop();
});

test('an unanswered request is retried once, then handed to the session, which rejoins', async () => {
  const t = await setup();
  t.session.start();
  await advance(t.clock, 100);
  const steps: string[] = [];
  t.session.on('state', (s) => s.step && steps.push(s.step));
  await t.client.read();
  t.meter.silent = true;
  const pending = t.client.read();
  const rejected = assert.rejects(pending, (err: unknown) => err instanceof BrouteError && err.code === 'timeout');
  await advance(t.clock, 21_000, 500);
  await rejected;
  const tids = t.meter.requests.slice(-2).map((r) => r.tid);
  assert.equal(tids[0], tids[1], 'the retry repeats the request');
  assert.deepEqual(steps, ['retry', 'rejoin']);
  assert.equal(t.dongle.count('join'), 2);
  t.meter.silent = false;
  assert.equal((await t.client.read()).powerW, 1234);
  await t.session.stop();
});

test('answers are matched by TID: a stale answer does not complete the request', async () => {
  const t = await setup();
  await t.session.connect();
  await t.client.read();
  const play = t.meter.play;
  t.dongle.script.meter = (data, link) => {
    // an answer to an earlier request arrives first, with an old TID and another value
    const request = decodeFrame(data);
    assert.ok(request.ok && !isArbitrary(request.frame));
    const stale = { tid: (request.frame.tid - 1) & 0xffff, seoj: 0x028801, deoj: 0x05ff01, esv: ESV.Get_Res, properties: [{ epc: 0xe7, edt: u32(-1) }] };
    link.deliver(encodeFrame(stale));
    play(data, link);
  };
  const r = await t.client.read();
  assert.equal(r.powerW, 1234);
  await t.session.stop();
});
