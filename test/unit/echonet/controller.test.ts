import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EchonetController, type ControllerOptions } from '../../../src/echonet/controller.js';
import { EchonetError } from '../../../src/echonet/errors.js';
import { ESV, type Frame } from '../../../src/echonet/frame.js';
import { CONTROLLER_EOJ } from '../../../src/echonet/eoj.js';
import { ManualClock } from '../../../src/util/clock.js';
import { toHex } from '../../../src/util/hex.js';
import { FakeTransport, fakeDevice, reply } from '../../helpers/fake-transport.js';

const HEATER = 0x026b01;
const A = '192.0.2.10';
const B = '192.0.2.11';

function setup(options: Partial<ControllerOptions> = {}) {
  const transport = new FakeTransport();
  const clock = new ManualClock(0);
  const controller = new EchonetController({ transport, clock, ...options });
  return { transport, clock, controller };
}

/** Lets queued promise callbacks and the fake network's microtasks run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

/** Awaits a promise while moving the manual clock on, for answers that wait on timers. */
async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs = 100): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 1000 && !settled; i++) {
    await flush();
    if (!settled) clock.advance(stepMs);
  }
  return promise;
}

const bytes = (...b: number[]) => Uint8Array.from(b);

test('an answer with the request TID from the asked address and object completes the Get', async () => {
  const { transport, controller } = setup();
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0x80, bytes(0x30)], [0xe1, bytes(0x01, 0x2c)]])));
  const r = await controller.get(A, HEATER, [0x80, 0xe1]);
  assert.equal(r.esv, ESV.Get_Res);
  assert.deepEqual(r.properties.map((p) => [p.epc, toHex(p.edt)]), [[0x80, '30'], [0xe1, '012c']]);
  assert.deepEqual(r.failed, []);
  const sent = transport.requests(ESV.Get)[0]!;
  assert.equal(sent.to, A);
  assert.equal(sent.frame.seoj, CONTROLLER_EOJ);
  assert.equal(sent.frame.deoj, HEATER);
});

test('stray, spoofed and mismatched answers are counted and never trusted', async () => {
  const { transport, controller } = setup();
  const pending = controller.get(A, HEATER, [0x80]);
  await flush();
  const request = transport.requests(ESV.Get)[0]!.frame;
  const good = reply(request, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x30) }]);
  transport.deliver(A, { ...good, tid: (request.tid + 1) & 0xffff }); // unknown TID
  transport.deliver(B, { ...good, properties: [{ epc: 0x80, edt: bytes(0x31) }] }); // right TID, other host
  transport.deliver(A, { ...good, seoj: 0x027901, properties: [{ epc: 0x80, edt: bytes(0x31) }] }); // other object
  transport.deliver(A, { ...good, esv: ESV.Set_Res }); // not an answer to a Get
  transport.deliver(A, good);
  const r = await pending;
  assert.equal(toHex(r.properties[0]!.edt), '30');
  const s = controller.stats();
  assert.equal(s.unknownTid, 1);
  assert.equal(s.wrongSource, 1);
  assert.equal(s.wrongSeoj, 1);
  assert.equal(s.wrongEsv, 1);
});

test('answers from any source port are accepted', async () => {
  const { transport, controller } = setup();
  const pending = controller.get(A, HEATER, [0x80]);
  await flush();
  const request = transport.requests()[0]!.frame;
  transport.deliver(A, reply(request, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x30) }]), 23610);
  assert.equal((await pending).esv, ESV.Get_Res);
});

test('one outstanding request per node, FIFO; different nodes run in parallel', async () => {
  const { transport, controller } = setup();
  const first = controller.get(A, HEATER, [0x80]);
  const second = controller.get(A, HEATER, [0xe1]);
  const other = controller.get(B, HEATER, [0x80]);
  await flush();
  assert.deepEqual(transport.sent.map((s) => [s.to, s.frame.properties[0]!.epc]), [[A, 0x80], [B, 0x80]]);
  const [reqA1, reqB] = transport.sent.map((s) => s.frame) as [Frame, Frame];
  transport.deliver(A, reply(reqA1, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x30) }]));
  await first;
  await flush();
  const reqA2 = transport.sent[2]!;
  assert.equal(reqA2.to, A);
  assert.equal(reqA2.frame.properties[0]!.epc, 0xe1);
  assert.notEqual(reqA2.frame.tid, reqA1.tid);
  transport.deliver(A, reply(reqA2.frame, ESV.Get_Res, [{ epc: 0xe1, edt: bytes(1) }]));
  transport.deliver(B, reply(reqB, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x31) }]));
  assert.equal(toHex((await second).properties[0]!.edt), '01');
  assert.equal(toHex((await other).properties[0]!.edt), '31');
});

test('no answer: retransmits with the same TID, then rejects with a timeout a person can act on', async () => {
  const { transport, clock, controller } = setup({ timeoutMs: 1000, retries: 2 });
  const pending = controller.get(A, HEATER, [0x80]);
  const rejected = assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof EchonetError);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /026b01 at 192\.0\.2\.10 did not answer after 3 tries; check that it is switched on/);
    return true;
  });
  await flush();
  clock.advance(1000);
  await flush();
  clock.advance(1000);
  await flush();
  assert.equal(transport.sent.length, 3);
  assert.equal(new Set(transport.sent.map((s) => s.frame.tid)).size, 1);
  clock.advance(1000);
  await rejected;
  assert.equal(controller.stats().timeouts, 1);
  assert.equal(controller.stats().retransmissions, 2);
});

test('a late answer to the first try completes the request during a retry', async () => {
  const { transport, clock, controller } = setup({ timeoutMs: 1000, retries: 2 });
  const pending = controller.get(A, HEATER, [0x80]);
  await flush();
  clock.advance(1000);
  await flush();
  assert.equal(transport.sent.length, 2);
  transport.deliver(A, reply(transport.sent[0]!.frame, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x30) }]));
  assert.equal((await pending).esv, ESV.Get_Res);
});

test('a device that answers fewer properties than asked gets smaller batches, remembered per object', async () => {
  const { transport, clock, controller } = setup({ maxBatch: 24 });
  const values = new Map(Array.from({ length: 8 }, (_, i) => [0xe0 + i, bytes(i)] as [number, Uint8Array]));
  transport.responders.set(A, fakeDevice(HEATER, values, { truncateAfter: 3 }));
  const epcs = [...values.keys()];
  const r = await drive(clock, controller.get(A, HEATER, epcs));
  assert.equal(r.esv, ESV.Get_Res);
  assert.deepEqual(r.properties.map((p) => p.epc), epcs);
  assert.equal(controller.batchSize(A, HEATER), 3);
  assert.equal(controller.batchSize(B, HEATER), 24);
  transport.sent.length = 0;
  await controller.get(A, HEATER, epcs);
  assert.deepEqual(transport.sent.map((s) => s.frame.properties.length), [3, 3, 2]);
});

test('a device that refuses big Gets outright is read in halves; unsupported EPCs teach nothing', async () => {
  const { transport, controller } = setup({ maxBatch: 24 });
  const values = new Map(Array.from({ length: 6 }, (_, i) => [0xe0 + i, bytes(i)] as [number, Uint8Array]));
  transport.responders.set(A, fakeDevice(HEATER, values, { refuseMoreThan: 2 }));
  const r = await controller.get(A, HEATER, [...values.keys()]);
  assert.equal(r.properties.length, 6);
  assert.equal(controller.batchSize(A, HEATER), 2);

  const { transport: t2, controller: c2 } = setup({ maxBatch: 24 });
  t2.responders.set(A, fakeDevice(HEATER, new Map([[0x80, bytes(0x30)]])));
  const missing = await c2.get(A, HEATER, [0xf0, 0xf1, 0xf2, 0xf3]);
  assert.deepEqual(missing.failed, [0xf0, 0xf1, 0xf2, 0xf3]);
  assert.equal(missing.esv, ESV.Get_SNA);
  assert.equal(c2.batchSize(A, HEATER), 24);
  const partial = await c2.get(A, HEATER, [0x80, 0xf0]);
  assert.deepEqual(partial.properties.map((p) => p.epc), [0x80]);
  assert.deepEqual(partial.failed, [0xf0]);
  assert.equal(c2.stats().batchShrinks, 0);
});

test('a partial answer in two frames (Get_Res then Get_SNA) is merged without retransmitting', async () => {
  const { transport, clock, controller } = setup({ timeoutMs: 1000, partialWaitMs: 500 });
  const pending = controller.get(A, HEATER, [0x80, 0xe1, 0xf0]);
  await flush();
  const request = transport.sent[0]!.frame;
  transport.deliver(A, reply(request, ESV.Get_Res, [{ epc: 0x80, edt: bytes(0x30) }, { epc: 0xe1, edt: bytes(1) }]));
  clock.advance(400);
  transport.deliver(A, reply(request, ESV.Get_SNA, [{ epc: 0xf0, edt: new Uint8Array(0) }]));
  const r = await pending;
  assert.deepEqual(r.properties.map((p) => p.epc), [0x80, 0xe1]);
  assert.deepEqual(r.failed, [0xf0]);
  assert.equal(transport.sent.length, 1);
  assert.equal(controller.batchSize(A, HEATER), 24);
});

test('INF becomes a notification; INFC is acknowledged with INFC_Res', async () => {
  const { transport, controller } = setup();
  const seen: number[] = [];
  controller.on('notification', (n) => seen.push(n.esv));
  transport.deliver(A, { tid: 7, seoj: HEATER, deoj: 0x0ef001, esv: ESV.INF, properties: [{ epc: 0x80, edt: bytes(0x30) }] });
  transport.deliver(A, { tid: 8, seoj: HEATER, deoj: CONTROLLER_EOJ, esv: ESV.INFC, properties: [{ epc: 0xb2, edt: bytes(0x41) }] });
  assert.deepEqual(seen, [ESV.INF, ESV.INFC]);
  const ack = transport.sent[0]!;
  assert.equal(ack.to, A);
  assert.equal(ack.frame.esv, ESV.INFC_Res);
  assert.equal(ack.frame.tid, 8);
  assert.equal(ack.frame.seoj, CONTROLLER_EOJ);
  assert.equal(ack.frame.deoj, HEATER);
  assert.deepEqual(ack.frame.properties.map((p) => [p.epc, p.edt.length]), [[0xb2, 0]]);
  assert.equal(controller.stats().notifications, 2);
});

test('requests from other nodes are ignored', async () => {
  const { transport, controller } = setup();
  transport.deliver(A, { tid: 1, seoj: CONTROLLER_EOJ, deoj: 0x0ef001, esv: ESV.Get, properties: [{ epc: 0xd6, edt: new Uint8Array(0) }] });
  assert.equal(controller.stats().requestsIgnored, 1);
  assert.equal(transport.sent.length, 0);
});

test('setVerified: reads the Set map once, writes, reads back', async () => {
  const { transport, controller } = setup();
  const values = new Map([[0xb0, bytes(0x41)], [0x9e, bytes(1, 0xb0)]]);
  transport.responders.set(A, fakeDevice(HEATER, values));
  assert.deepEqual(await controller.setVerified(A, HEATER, 0xb0, bytes(0x42)), { ok: true, confirmed: true });
  assert.equal(toHex(values.get(0xb0)!), '42');
  const asked = () => transport.sent.map((s) => [s.frame.esv, s.frame.properties[0]!.epc]);
  assert.deepEqual(asked(), [[ESV.Get, 0x9e], [ESV.SetC, 0xb0], [ESV.Get, 0xb0]]);
  transport.sent.length = 0;
  assert.deepEqual(await controller.setVerified(A, HEATER, 0xb0, bytes(0x41)), { ok: true, confirmed: true });
  assert.deepEqual(asked(), [[ESV.SetC, 0xb0], [ESV.Get, 0xb0]]);
});

test('setVerified: a refusal (SetC_SNA) is reported as refused', async () => {
  const { transport, controller } = setup();
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)]]), { refuseSet: [0xb0] }));
  const r = await controller.setVerified(A, HEATER, 0xb0, bytes(0x42));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'refused');
  assert.match(!r.ok ? r.message : '', /refused to set property 0xb0 of object 026b01 at 192\.0\.2\.10 to 42/);
});

test('setVerified: accepted but unchanged after every read-back is not-applied', async () => {
  const { transport, clock, controller } = setup({ verifyDelayMs: 1000, verifyReads: 3 });
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)]]), { ignoreSet: [0xb0] }));
  const pending = controller.setVerified(A, HEATER, 0xb0, bytes(0x42));
  for (let i = 0; i < 4; i++) {
    await flush();
    clock.advance(1000);
  }
  const r = await pending;
  assert.equal(!r.ok && r.reason, 'not-applied');
  assert.match(!r.ok ? r.message : '', /accepted 42 .* still reports 41/);
  assert.equal(transport.requests(ESV.Get).filter((s) => s.frame.properties[0]!.epc === 0xb0).length, 3);
});

test('setVerified: the Set map is checked first, from options or from a 9E read earlier', async () => {
  const { transport, controller } = setup();
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)], [0x9e, bytes(1, 0xb3)]])));
  const fromOption = await controller.setVerified(A, HEATER, 0xb0, bytes(0x42), { setMap: [0xb3] });
  assert.equal(!fromOption.ok && fromOption.reason, 'not-settable');
  assert.equal(transport.sent.length, 0);
  await controller.get(A, HEATER, [0x9e]);
  const learned = await controller.setVerified(A, HEATER, 0xb0, bytes(0x42));
  assert.equal(!learned.ok && learned.reason, 'not-settable');
  assert.match(!learned.ok ? learned.message : '', /cannot be changed over the network/);
  assert.equal(transport.requests(ESV.SetC).length, 0);
});

test('setVerified: no answer is a timeout result, not a rejection', async () => {
  const { clock, controller } = setup({ timeoutMs: 100, retries: 1 });
  const pending = controller.setVerified(A, HEATER, 0xb0, bytes(0x42));
  for (let i = 0; i < 3; i++) {
    await flush();
    clock.advance(100);
  }
  const r = await pending;
  assert.equal(!r.ok && r.reason, 'timeout');
  assert.match(!r.ok ? r.message : '', /was not changed: the device did not answer/);
});

test('setVerified: a write-only property is accepted but unconfirmed', async () => {
  const { transport, controller } = setup();
  const device = fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)]]));
  transport.responders.set(A, (req) =>
    req.esv === ESV.Get ? [reply(req, ESV.Get_SNA, req.properties)] : device(req),
  );
  assert.deepEqual(await controller.setVerified(A, HEATER, 0xb0, bytes(0x42)), { ok: true, confirmed: false });
});

test('setI: silence means accepted, SetI_SNA names the refused EPCs', async () => {
  const { transport, clock, controller } = setup({ partialWaitMs: 200 });
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)]]), { refuseSet: [0xb3] }));
  const quiet = controller.setI(A, HEATER, [{ epc: 0xb0, edt: bytes(0x42) }]);
  await flush();
  clock.advance(200);
  assert.deepEqual((await quiet).accepted, [0xb0]);
  const refused = await controller.setI(A, HEATER, [{ epc: 0xb3, edt: bytes(60) }]);
  assert.equal(refused.esv, ESV.SetI_SNA);
  assert.deepEqual(refused.refused, [0xb3]);
});

test('setGet writes and reads in one exchange', async () => {
  const { transport, controller } = setup();
  transport.responders.set(A, fakeDevice(HEATER, new Map([[0xb0, bytes(0x41)], [0xb2, bytes(0x42)]])));
  const r = await controller.setGet(A, HEATER, [{ epc: 0xb0, edt: bytes(0x42) }], [0xb0, 0xb2]);
  assert.equal(r.esv, ESV.SetGet_Res);
  assert.deepEqual(r.accepted, [0xb0]);
  assert.deepEqual(r.properties.map((p) => toHex(p.edt)), ['42', '42']);
});

test('multicastGet collects one answer per node within the window', async () => {
  const { transport, clock, controller } = setup();
  const nodeProfile = (req: Frame) => [reply(req, ESV.Get_Res, [{ epc: 0xd6, edt: bytes(1, 0x02, 0x6b, 0x01) }])];
  transport.responders.set(A, nodeProfile);
  transport.responders.set(B, nodeProfile);
  const pending = controller.multicastGet(0x0ef001, [0xd6], 3000);
  await flush();
  transport.deliver(A, reply(transport.sent[0]!.frame, ESV.Get_Res, [])); // a duplicate is dropped
  clock.advance(3000);
  const answers = await pending;
  assert.deepEqual(answers.map((a) => a.address).sort(), [A, B]);
  assert.equal(answers[0]!.frame.properties.length, 1);
});

test('close() rejects waiting requests with a closed error', async () => {
  const { controller } = setup();
  const first = controller.get(A, HEATER, [0x80]);
  const queued = controller.get(A, HEATER, [0x81]);
  await flush();
  controller.close();
  await assert.rejects(first, (e: unknown) => e instanceof EchonetError && e.code === 'closed');
  await assert.rejects(queued, (e: unknown) => e instanceof EchonetError && e.code === 'closed');
});
