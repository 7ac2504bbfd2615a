import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { u32, u8 } from '../../../src/echonet/edt.js';
import { ESV } from '../../../src/echonet/frame.js';
import {
  backfillRecords,
  findMissingSlots,
  formatJst,
  jstDayStart,
  MemoryHalfHourSink,
  parseJstLocal,
  planBackfill,
  slotAtOrBefore,
  SLOT_MS,
} from '../../../src/wisun/history.js';
import { BrouteSession } from '../../../src/wisun/session.js';
import { MemoryPanCache } from '../../../src/wisun/pan-cache.js';
import { SmartMeterClient } from '../../../src/wisun/meter.js';
import { advance, FakeDongle, METER_IPV6, METER_PAN } from '../../helpers/fake-skstack.js';
import { FakeMeter, fixedTimeEdt, meterNotification, NO_DATA_U32 } from '../../helpers/fake-meter.js';

/** Epoch ms of a JST wall-clock time. */
const jst = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour - 9, minute);

test('slot and day arithmetic is in Japan local time', () => {
  assert.equal(slotAtOrBefore(jst(26, 10, 44) + 1234), jst(26, 10, 30));
  assert.equal(jstDayStart(jst(26, 0, 10)), jst(26, 0));
  assert.equal(jstDayStart(jst(26, 8, 59)), jst(26, 0), 'UTC is still on the 25th, JST already on the 26th');
  assert.equal(jstDayStart(jst(26, 23, 59)), jst(26, 0));
  assert.equal(parseJstLocal('2026-11-26T10:30:00'), jst(26, 10, 30));
  assert.equal(parseJstLocal('2026-11-26T10:30'), jst(26, 10, 30));
  assert.equal(parseJstLocal('26/11/2026'), undefined);
  assert.equal(formatJst(jst(26, 0, 30)), '2026-11-26T00:30:00+09:00');
});

test('missing slots are those after the last known one that the sink lacks', async () => {
  const sink = new MemoryHalfHourSink();
  for (const slot of [jst(26, 9), jst(26, 10)]) await sink.put({ slotStart: slot, boughtKwh: 1, soldKwh: 0, source: 'inf' });
  assert.deepEqual(await findMissingSlots(sink, jst(26, 8, 30), jst(26, 10, 30)), [jst(26, 9, 30), jst(26, 10, 30)]);
  assert.deepEqual(await findMissingSlots(sink, jst(26, 10), jst(26, 10)), []);
});

test('a 2-hour gap crossing midnight is planned as yesterday (E5=1) then today (E5=0)', () => {
  const missing = [jst(25, 23), jst(25, 23, 30), jst(26, 0), jst(26, 0, 30), jst(26, 1)];
  const plan = planBackfill(missing, jst(26, 1, 10));
  assert.deepEqual(plan.tooOld, []);
  assert.deepEqual(plan.days, [
    { dayStart: jst(25, 0), dayOffset: 1, slots: [jst(25, 23), jst(25, 23, 30)] },
    { dayStart: jst(26, 0), dayOffset: 0, slots: [jst(26, 0), jst(26, 0, 30), jst(26, 1)] },
  ]);
});

test('slots older than the meter keeps (99 days back) are reported, not fetched', () => {
  const now = jst(26, 12);
  const old = now - 100 * 86_400_000;
  const plan = planBackfill([old, now - 99 * 86_400_000], now);
  assert.deepEqual(plan.tooOld, [old]);
  assert.deepEqual(plan.days.map((d) => d.dayOffset), [99]);
});

test('backfill records take the asked slots by index and leave gaps the meter lacks', () => {
  const day = { dayStart: jst(26, 0), dayOffset: 0, slots: [jst(26, 0), jst(26, 0, 30), jst(26, 23, 30)] };
  const bought = Array.from({ length: 48 }, (_, i) => (i === 1 ? null : 100 + i));
  const sold = Array.from({ length: 48 }, (_, i) => i / 10);
  assert.deepEqual(backfillRecords(day, bought, sold), [
    { slotStart: jst(26, 0), boughtKwh: 100, soldKwh: 0, source: 'backfill' },
    { slotStart: jst(26, 23, 30), boughtKwh: 147, soldKwh: 4.7, source: 'backfill' },
  ]);
  assert.equal(backfillRecords(day, bought, undefined)[0]!.soldKwh, null);
});

test('after a 2-hour outage across midnight the client back-fills exactly the missing slots', async () => {
  const clock = new ManualClock(jst(26, 1, 10));
  const dongle = new FakeDongle();
  const meter = new FakeMeter();
  meter.edts.set(0xd7, u8(6));
  meter.edts.set(0xe1, u8(0x01));
  for (const epc of [0xe7, 0xe0, 0xe3]) meter.edts.set(epc, u32(1));
  // raw counters: 10 steps (1 kWh) per half-hour; today's are known up to 01:00
  const day = (base: number, known: number) => Array.from({ length: 48 }, (_, i) => (i < known ? base + 10 * i : NO_DATA_U32));
  meter.history.set(1, { bought: day(100_000, 48), sold: day(5_000, 48) });
  meter.history.set(0, { bought: day(100_480, 3), sold: day(5_480, 3) });
  dongle.script.meter = meter.play;
  const sink = new MemoryHalfHourSink();
  for (let slot = jst(25, 20); slot <= jst(25, 22, 30); slot += SLOT_MS) {
    await sink.put({ slotStart: slot, boughtKwh: 0, soldKwh: 0, source: 'inf' });
  }
  const pan = { channel: METER_PAN.channel, channelPage: 9, panId: METER_PAN.panId, addr: METER_PAN.addr, ipv6: METER_IPV6 };
  const session = new BrouteSession({ id: 'X'.repeat(32), password: 'PASSWORD1234', openPort: dongle.openPort, openLink: dongle.openLink, panCache: new MemoryPanCache(pan), clock, log: silentLogger });
  const client = new SmartMeterClient({ session, clock, log: silentLogger, sink });
  session.start();
  client.start();
  await advance(clock, 1_000);

  const filled = sink.records().filter((r) => r.source === 'backfill');
  assert.deepEqual(filled, [
    { slotStart: jst(25, 23), boughtKwh: 10_046, soldKwh: 546, source: 'backfill' },
    { slotStart: jst(25, 23, 30), boughtKwh: 10_047, soldKwh: 547, source: 'backfill' },
    { slotStart: jst(26, 0), boughtKwh: 10_048, soldKwh: 548, source: 'backfill' },
    { slotStart: jst(26, 0, 30), boughtKwh: 10_049, soldKwh: 549, source: 'backfill' },
    { slotStart: jst(26, 1), boughtKwh: 10_050, soldKwh: 550, source: 'backfill' },
  ]);
  const e5 = meter.requests.filter((r) => r.esv === ESV.SetC).map((r) => r.properties[0]!.edt[0]);
  assert.deepEqual(e5, [1, 0], 'one SET E5 per day, yesterday first');

  // 01:30 is pushed by INF as usual; the 02:00 INF is lost and a Get of EA/EB fills it.
  await advance(clock, 20 * 60_000, 10_000);
  dongle.link.deliver(
    meterNotification([
      { epc: 0xea, edt: fixedTimeEdt(2026, 11, 26, 1, 30, 100_510) },
      { epc: 0xeb, edt: fixedTimeEdt(2026, 11, 26, 1, 30, 5_510) },
    ]),
  );
  meter.edts.set(0xea, fixedTimeEdt(2026, 11, 26, 2, 0, 100_520));
  meter.edts.set(0xeb, fixedTimeEdt(2026, 11, 26, 2, 0, 5_520));
  await advance(clock, 40 * 60_000, 10_000);
  assert.deepEqual(
    sink.records().slice(-2).map((r) => [r.slotStart, r.boughtKwh, r.source]),
    [
      [jst(26, 1, 30), 10_051, 'inf'],
      [jst(26, 2), 10_052, 'poll'],
    ],
  );
  assert.equal(meter.requests.filter((r) => r.esv === ESV.SetC).length, 2, 'no day history read when only the newest slot was missing');
  const slots = sink.records().map((r) => r.slotStart);
  for (let i = 1; i < slots.length; i++) assert.equal(slots[i]! - slots[i - 1]!, SLOT_MS, 'no gap');
  client.stop();
  await session.stop();
});

test('an empty sink is filled from today\'s midnight on the first join', async () => {
  const clock = new ManualClock(jst(26, 1, 40));
  const dongle = new FakeDongle();
  const meter = new FakeMeter();
  meter.edts.set(0xe1, u8(0x00));
  meter.edts.set(0xd7, u8(8));
  meter.history.set(0, { bought: Array.from({ length: 48 }, (_, i) => (i < 4 ? 7 + i : NO_DATA_U32)), sold: [] });
  dongle.script.meter = meter.play;
  const sink = new MemoryHalfHourSink();
  const pan = { channel: METER_PAN.channel, channelPage: 9, panId: METER_PAN.panId, addr: METER_PAN.addr, ipv6: METER_IPV6 };
  const session = new BrouteSession({ id: 'X'.repeat(32), password: 'PASSWORD1234', openPort: dongle.openPort, openLink: dongle.openLink, panCache: new MemoryPanCache(pan), clock, log: silentLogger });
  const client = new SmartMeterClient({ session, clock, log: silentLogger, sink });
  session.start();
  client.start();
  await advance(clock, 1_000);
  assert.deepEqual(sink.records().map((r) => [r.slotStart, r.boughtKwh]), [
    [jst(26, 0), 7],
    [jst(26, 0, 30), 8],
    [jst(26, 1), 9],
    [jst(26, 1, 30), 10],
  ]);
  client.stop();
  await session.stop();
});

/** A started client over a fake dongle and meter, for the catch-up rules below. */
async function startClient(now: number, history: Map<number, { bought: number[]; sold: number[] }>, sink: MemoryHalfHourSink) {
  const clock = new ManualClock(now);
  const dongle = new FakeDongle();
  const meter = new FakeMeter();
  meter.edts.set(0xe1, u8(0x00));
  meter.edts.set(0xd7, u8(8));
  for (const [day, values] of history) meter.history.set(day, values);
  dongle.script.meter = meter.play;
  const pan = { channel: METER_PAN.channel, channelPage: 9, panId: METER_PAN.panId, addr: METER_PAN.addr, ipv6: METER_IPV6 };
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => warnings.push(m) };
  const session = new BrouteSession({ id: 'X'.repeat(32), password: 'PASSWORD1234', openPort: dongle.openPort, openLink: dongle.openLink, panCache: new MemoryPanCache(pan), clock, log });
  const client = new SmartMeterClient({ session, clock, log, sink });
  session.start();
  client.start();
  await advance(clock, 1_000);
  return { clock, meter, warnings, stop: async () => (client.stop(), await session.stop()) };
}

test('a restart mends a gap of today that lies behind the last slot (a crash after an INF)', async () => {
  const sink = new MemoryHalfHourSink();
  for (let slot = jst(26, 0); slot <= jst(26, 10); slot += SLOT_MS) {
    if (slot !== jst(26, 8) && slot !== jst(26, 8, 30)) await sink.put({ slotStart: slot, boughtKwh: 1, soldKwh: 0, source: 'inf' });
  }
  const today = Array.from({ length: 48 }, (_, i) => (i <= 20 ? 500 + i : NO_DATA_U32));
  const t = await startClient(jst(26, 10, 10), new Map([[0, { bought: today, sold: today }]]), sink);
  assert.deepEqual(
    sink.records().filter((r) => r.source === 'backfill').map((r) => [r.slotStart, r.boughtKwh]),
    [
      [jst(26, 8), 516],
      [jst(26, 8, 30), 517],
    ],
  );
  await t.stop();
});

test('a slot the meter itself lacks is given up after an hour, once, not fetched forever', async () => {
  const sink = new MemoryHalfHourSink();
  await sink.put({ slotStart: jst(26, 7), boughtKwh: 1, soldKwh: 0, source: 'inf' });
  // the meter lost 08:00 (its own outage); everything else up to 10:00 is there
  const today = Array.from({ length: 48 }, (_, i) => (i <= 20 && i !== 16 ? 500 + i : NO_DATA_U32));
  const t = await startClient(jst(26, 10, 10), new Map([[0, { bought: today, sold: today }]]), sink);
  assert.equal(await sink.has(jst(26, 8)), false);
  assert.equal(await sink.has(jst(26, 10)), true);
  assert.equal(t.warnings.filter((w) => w.includes('no data for 1 half-hour(s) from 2026-11-26T08:00:00+09:00')).length, 1);
  const fetches = t.meter.requests.filter((r) => r.esv === ESV.SetC).length;
  await advance(t.clock, 30 * 60_000, 10_000); // the next catch-up (10:35)
  assert.equal(t.meter.requests.filter((r) => r.esv === ESV.SetC).length, fetches, 'no further day reads for the lost slot');
  await t.stop();
});

/** A sink that, like the store, remembers up to where the catch-up had every half-hour. */
class RememberingSink extends MemoryHalfHourSink {
  constructor(public upTo: number | undefined) {
    super();
  }
  async completeUpTo(): Promise<number | undefined> {
    return this.upTo;
  }
  async markComplete(slotStart: number): Promise<void> {
    this.upTo = slotStart;
  }
}

test('a restart mends an older gap an earlier run could not fill, from where that run got to', async () => {
  // the 25th: the dongle was away 01:00-10:30 and the run stopped before it could back-fill; today is whole
  const before = jst(25, 0, 30);
  const sink = new RememberingSink(before);
  for (let slot = jst(25, 0); slot <= jst(26, 10); slot += SLOT_MS) {
    if (slot <= before || slot > jst(25, 10, 30)) await sink.put({ slotStart: slot, boughtKwh: 1, soldKwh: 0, source: 'inf' });
  }
  const yesterday = Array.from({ length: 48 }, (_, i) => 400 + i);
  const today = Array.from({ length: 48 }, (_, i) => (i <= 20 ? 500 + i : NO_DATA_U32));
  const t = await startClient(jst(26, 10, 10), new Map([[0, { bought: today, sold: today }], [1, { bought: yesterday, sold: yesterday }]]), sink);
  const filled = sink.records().filter((r) => r.source === 'backfill');
  assert.deepEqual(
    filled.map((r) => [r.slotStart, r.boughtKwh]),
    Array.from({ length: 20 }, (_, i) => [jst(25, 1) + i * SLOT_MS, 402 + i]),
  );
  assert.equal(sink.upTo, jst(26, 10), 'the next run starts from here');
  await t.stop();
});

test('without a remembered point, a restart looks back only to today\'s midnight', async () => {
  const sink = new MemoryHalfHourSink();
  for (let slot = jst(25, 0); slot <= jst(26, 10); slot += SLOT_MS) {
    if (slot <= jst(25, 0, 30) || slot > jst(25, 10, 30)) await sink.put({ slotStart: slot, boughtKwh: 1, soldKwh: 0, source: 'inf' });
  }
  const yesterday = Array.from({ length: 48 }, (_, i) => 400 + i);
  const today = Array.from({ length: 48 }, (_, i) => (i <= 20 ? 500 + i : NO_DATA_U32));
  const t = await startClient(jst(26, 10, 10), new Map([[0, { bought: today, sold: today }], [1, { bought: yesterday, sold: yesterday }]]), sink);
  assert.equal(sink.records().filter((r) => r.source === 'backfill').length, 0);
  await t.stop();
});
