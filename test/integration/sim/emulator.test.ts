/**
 * The device emulator as a process in its own network namespace, spoken to over real UDP by a raw
 * peer in another namespace (a veth pair), and once on loopback inside one namespace to prove that an
 * emulator (127.0.0.2) and a controller (127.0.0.1) can both own port 3610 on one host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, ESV, type Frame, type Property } from '../../../src/echonet/frame.js';
import { decodePropertyMap } from '../../../src/echonet/property-map.js';
import { describeProperty } from '../../../src/echonet/catalogue/index.js';
import { fromHex, toHex } from '../../../src/util/hex.js';
import { createLink, createLoopbackNamespace, NETNS_SKIP_REASON, type Link } from '../../helpers/netns.js';
import { UdpProbe, type Datagram } from '../../helpers/udp-probe.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';

const CONTROLLER = 0x05ff01;
const METER = 0x028801;
const WATER_HEATER = 0x026b01;
const EV = 0x027e01;
// A June Monday morning in Tokyo at 600x (a real second is ten minutes): the sun is up, nobody draws
// hot water until noon and the car is away until the evening, for far longer than the tests take.
const EMULATOR_ARGS = [
  ...['--devices', 'meter,solar,water-heater,ev-charger,battery'],
  ...['--speed', '600', '--seed', '1', '--start', '2026-06-15T09:00:00+09:00'],
];

let nextTid = 100;

function request(deoj: number, esv: number, properties: Property[], getProperties?: Property[]): Frame {
  return { tid: nextTid++, seoj: CONTROLLER, deoj, esv, properties, ...(getProperties ? { getProperties } : {}) };
}

const get = (...epcs: number[]): Property[] => epcs.map((epc) => ({ epc, edt: new Uint8Array(0) }));
const prop = (epc: number, hex: string): Property => ({ epc, edt: fromHex(hex)! });

function frameOf(d: Datagram): Frame {
  const r = decodeFrame(fromHex(d.hex)!);
  assert.ok(r.ok && !('arbitrary' in r.frame), `not a frame: ${d.hex}`);
  return r.frame as Frame;
}

function answerTo(req: Frame): (d: Datagram) => boolean {
  return (d) => {
    const r = decodeFrame(fromHex(d.hex)!);
    return r.ok && !('arbitrary' in r.frame) && r.frame.tid === req.tid && r.frame.deoj === req.seoj;
  };
}

const edtHex = (frame: Frame, epc: number): string | undefined => {
  const p = [...frame.properties, ...(frame.getProperties ?? [])].find((x) => x.epc === epc);
  return p && toHex(p.edt);
};

describe('device emulator over a veth pair', { skip: NETNS_SKIP_REASON }, () => {
  let link: Link;
  let probe: UdpProbe;
  let emulator: EmulatorProcess;
  let device: string;

  /** Sends a request to the emulator and waits for the first answer carrying its TID. */
  async function ask(req: Frame, timeoutMs = 3_000): Promise<{ frame: Frame; datagram: Datagram }> {
    const answer = probe.receive(answerTo(req), timeoutMs);
    probe.send(device, toHex(encodeFrame(req)));
    const datagram = await answer;
    return { frame: frameOf(datagram), datagram };
  }

  async function faults(f: Record<string, unknown>): Promise<void> {
    await emulator.command({ cmd: 'faults', faults: f });
  }

  before(async () => {
    link = await createLink();
    device = link.dev.address;
    probe = await UdpProbe.start(link.ctl.ns, link.ctl.address);
    emulator = await EmulatorProcess.start(link.dev.ns, ['--address', device, ...EMULATOR_ARGS]);
  });

  after(async () => {
    await link?.cleanup();
  });

  test('announces its instance list (INF of D5) by multicast at start', async () => {
    const inf = frameOf(await probe.receive((d) => d.via === 'multicast' && frameOf(d).esv === ESV.INF, 5_000));
    assert.equal(inf.seoj, 0x0ef001);
    assert.equal(edtHex(inf, 0xd5), '05028801027901026b01027e01027d01');
  });

  test('answers a multicast Get of D6 with its instance list, from its address and port 3610', async () => {
    const req = request(0x0ef001, ESV.Get, get(0xd6, 0xd3, 0xd7));
    const answer = probe.receive(answerTo(req));
    probe.send('224.0.23.0', toHex(encodeFrame(req)));
    const d = await answer;
    assert.equal(d.from, device);
    assert.equal(d.port, 3610);
    const frame = frameOf(d);
    assert.equal(frame.esv, ESV.Get_Res);
    assert.equal(edtHex(frame, 0xd6), '05028801027901026b01027e01027d01');
    assert.equal(edtHex(frame, 0xd3), '000005');
    assert.equal(edtHex(frame, 0xd7), '0502880279026b027e027d', 'count byte then the class codes');
  });

  test('Get of several meter EPCs gives values consistent with the model', async () => {
    const { frame } = await ask(request(METER, ESV.Get, get(0x80, 0xd7, 0xe1, 0xe0, 0xe7, 0xe8)));
    assert.equal(frame.esv, ESV.Get_Res);
    assert.deepEqual(frame.properties.map((p) => p.epc), [0x80, 0xd7, 0xe1, 0xe0, 0xe7, 0xe8]);
    assert.equal(edtHex(frame, 0x80), '30');
    assert.equal(edtHex(frame, 0xe1), '01', '0.1 kWh');
    const { state } = await emulator.command<{ state: { meter: { boughtKwh: number } } }>({ cmd: 'state' });
    const context = new Map(frame.properties.map((p) => [p.epc, p.edt]));
    const bought = describeProperty(0x0288, 0xe0, context.get(0xe0)!, context).value as number;
    assert.ok(Math.abs(bought - state.meter.boughtKwh) < 0.5, `E0 ${bought} kWh vs model ${state.meter.boughtKwh}`);
    assert.equal(frame.properties.find((p) => p.epc === 0xe8)!.edt.length, 4);
  });

  test('the control channel refuses unknown faults and reports the model', async () => {
    await assert.rejects(emulator.command({ cmd: 'faults', faults: { lossy: true } }), /unknown fault "lossy"/);
    const { state } = await emulator.command<{ state: { solar: { powerW: number }; tank: { capacityL: number } } }>({ cmd: 'state' });
    assert.ok(state.solar.powerW > 0, 'the sun is up');
    assert.equal(state.tank.capacityL, 460);
  });

  test('property maps are true to what the object serves', async () => {
    const { frame } = await ask(request(WATER_HEATER, ESV.Get, get(0x9d, 0x9e, 0x9f)));
    const map = (epc: number) => decodePropertyMap(frame.properties.find((p) => p.epc === epc)!.edt)!;
    assert.deepEqual(map(0x9e).epcs, [0x81, 0xb0, 0xc0]);
    assert.ok(map(0x9d).epcs.includes(0xb0) && map(0x9d).epcs.includes(0x80));
    const getMap = map(0x9f);
    assert.equal(getMap.countMismatch, false);
    const all = await ask(request(WATER_HEATER, ESV.Get, get(...getMap.epcs)));
    assert.equal(all.frame.esv, ESV.Get_Res, 'every EPC of the Get map answers');
  });

  test('Get_SNA for an unknown EPC keeps the good EDTs and gives PDC 0 for the failed one', async () => {
    const { frame } = await ask(request(METER, ESV.Get, get(0x80, 0xf5, 0xd7)));
    assert.equal(frame.esv, ESV.Get_SNA);
    assert.deepEqual(frame.properties.map((p) => [p.epc, toHex(p.edt)]), [[0x80, '30'], [0xf5, ''], [0xd7, '06']]);
  });

  test('SetC B0=42 starts manual heating: Set_Res, an INF of the change, and the tank heats', async () => {
    const before = await ask(request(WATER_HEATER, ESV.Get, get(0xe1, 0xb2)));
    assert.equal(edtHex(before.frame, 0xb2), '42', 'not heating in the morning');
    const litres = Number.parseInt(edtHex(before.frame, 0xe1)!, 16);
    const inf = probe.receive((d) => d.via === 'multicast' && frameOf(d).esv === ESV.INF && frameOf(d).seoj === WATER_HEATER);
    const { frame } = await ask(request(WATER_HEATER, ESV.SetC, [prop(0xb0, '42')]));
    assert.equal(frame.esv, ESV.Set_Res);
    assert.deepEqual(frame.properties.map((p) => [p.epc, p.edt.length]), [[0xb0, 0]]);
    const announced = frameOf(await inf);
    assert.equal(edtHex(announced, 0xb0), '42');
    assert.equal(edtHex(announced, 0xb2), '41');
    await new Promise((r) => setTimeout(r, 2_000)); // 20 simulated minutes
    const later = await ask(request(WATER_HEATER, ESV.Get, get(0xe1, 0xb2, 0xb0)));
    assert.equal(edtHex(later.frame, 0xb2), '41');
    const more = Number.parseInt(edtHex(later.frame, 0xe1)!, 16);
    assert.ok(more > litres + 10, `remaining hot water ${litres} -> ${more} L`);
    const { state } = await emulator.command<{ state: { flows: { waterHeaterW: number } } }>({ cmd: 'state' });
    assert.equal(state.flows.waterHeaterW, 1200);
  });

  test('SetC_SNA echoes refused EPCs with their EDT and gives PDC 0 to accepted ones', async () => {
    const { frame } = await ask(request(WATER_HEATER, ESV.SetC, [prop(0xc0, '41'), prop(0xb0, '50'), prop(0xe1, '0010')]));
    assert.equal(frame.esv, ESV.SetC_SNA);
    assert.deepEqual(frame.properties.map((p) => [p.epc, toHex(p.edt)]), [[0xc0, ''], [0xb0, '50'], [0xe1, '0010']]);
  });

  test('SetI answers only on failure; SetGet sets then gets; INF_REQ is answered with INF', async () => {
    const silentOk = request(EV, ESV.SetI, [prop(0xda, '44')]);
    probe.send(device, toHex(encodeFrame(silentOk)));
    assert.deepEqual(await probe.collect(500, answerTo(silentOk)), []);
    const refused = await ask(request(EV, ESV.SetI, [prop(0xda, '99')]));
    assert.equal(refused.frame.esv, ESV.SetI_SNA);
    const setGet = await ask(request(EV, ESV.SetGet, [prop(0xda, '42')], get(0xda, 0xc7)));
    assert.equal(setGet.frame.esv, ESV.SetGet_Res);
    assert.equal(toHex(setGet.frame.getProperties!.find((p) => p.epc === 0xda)!.edt), '42');
    assert.equal(toHex(setGet.frame.getProperties!.find((p) => p.epc === 0xc7)!.edt), '30', 'the car is out on a Monday morning');
    const inf = await ask(request(METER, ESV.INF_REQ, get(0x80)));
    assert.equal(inf.frame.esv, ESV.INF);
    assert.equal(edtHex(inf.frame, 0x80), '30');
  });

  test('fault: silence', async (t) => {
    t.after(() => faults({}));
    await faults({ silent: true });
    const req = request(METER, ESV.Get, get(0x80));
    probe.send(device, toHex(encodeFrame(req)));
    assert.deepEqual(await probe.collect(700, answerTo(req)), []);
  });

  test('fault: Get_SNA for listed EPCs', async (t) => {
    t.after(() => faults({}));
    await faults({ getSnaEpcs: ['e7'] });
    const { frame } = await ask(request(METER, ESV.Get, get(0x80, 0xe7)));
    assert.equal(frame.esv, ESV.Get_SNA);
    assert.equal(edtHex(frame, 0xe7), '');
    assert.equal(edtHex(frame, 0x80), '30');
  });

  test('fault: slow answers', async (t) => {
    t.after(() => faults({}));
    await faults({ delayMs: 800 });
    const started = Date.now();
    await ask(request(METER, ESV.Get, get(0x80)));
    assert.ok(Date.now() - started >= 750, `answered after ${Date.now() - started} ms`);
  });

  test('fault: wrong property-map count byte', async (t) => {
    t.after(() => faults({}));
    await faults({ wrongMapCount: true });
    const { frame } = await ask(request(METER, ESV.Get, get(0x9f, 0x9e)));
    for (const epc of [0x9f, 0x9e]) {
      const map = decodePropertyMap(frame.properties.find((p) => p.epc === epc)!.edt)!;
      assert.equal(map.countMismatch, true, `map ${epc.toString(16)}`);
    }
  });

  test('fault: answers from source port 23610', async (t) => {
    t.after(() => faults({}));
    await faults({ replyFromPort: 23610 });
    const { datagram, frame } = await ask(request(METER, ESV.Get, get(0x80)));
    assert.equal(datagram.port, 23610);
    assert.equal(datagram.from, device);
    assert.equal(frame.esv, ESV.Get_Res);
  });

  test('fault: at most N EPCs per request, refused whole or answered in part', async (t) => {
    t.after(() => faults({}));
    await faults({ maxEpcs: { limit: 2, answer: 'sna' } });
    const refused = await ask(request(METER, ESV.Get, get(0x80, 0xe7, 0xe8)));
    assert.equal(refused.frame.esv, ESV.Get_SNA);
    assert.ok(refused.frame.properties.every((p) => p.edt.length === 0));
    const small = await ask(request(METER, ESV.Get, get(0x80, 0xe7)));
    assert.equal(small.frame.esv, ESV.Get_Res);
    await faults({ maxEpcs: { limit: 2, answer: 'fewer' } });
    const fewer = await ask(request(METER, ESV.Get, get(0x80, 0xe7, 0xe8)));
    assert.equal(fewer.frame.esv, ESV.Get_Res);
    assert.deepEqual(fewer.frame.properties.map((p) => p.epc), [0x80, 0xe7]);
  });

  test('fault: a partly failed Get is answered as a Get_Res and then a separate Get_SNA', async (t) => {
    t.after(() => faults({}));
    await faults({ splitAnswers: true });
    const req = request(METER, ESV.Get, get(0x80, 0xf5));
    const first = probe.receive((d) => answerTo(req)(d) && frameOf(d).esv === ESV.Get_Res);
    const second = probe.receive((d) => answerTo(req)(d) && frameOf(d).esv === ESV.Get_SNA);
    probe.send(device, toHex(encodeFrame(req)));
    assert.deepEqual(frameOf(await first).properties.map((p) => [p.epc, toHex(p.edt)]), [[0x80, '30']]);
    assert.deepEqual(frameOf(await second).properties.map((p) => [p.epc, toHex(p.edt)]), [[0xf5, '']]);
  });

});

describe('emulator and controller sharing one host on loopback', { skip: NETNS_SKIP_REASON }, () => {
  let cleanup: (() => Promise<void>) | undefined;
  after(async () => cleanup?.());

  test('127.0.0.1:3610 (controller) and 127.0.0.2:3610 (emulator) both get unicast and multicast', async () => {
    const lo = await createLoopbackNamespace();
    cleanup = lo.cleanup;
    const probe = await UdpProbe.start(lo.ns, '127.0.0.1');
    await EmulatorProcess.start(lo.ns, ['--address', '127.0.0.2', '--devices', 'meter', '--seed', '2']);
    const inf = await probe.receive((d) => d.via === 'multicast' && frameOf(d).esv === ESV.INF);
    assert.equal(inf.from, '127.0.0.2');
    assert.equal(edtHex(frameOf(inf), 0xd5), '01028801');
    const unicast = request(METER, ESV.Get, get(0x80));
    const unicastAnswer = probe.receive(answerTo(unicast));
    probe.send('127.0.0.2', toHex(encodeFrame(unicast)));
    const u = await unicastAnswer;
    assert.equal(u.via, 'unicast');
    assert.equal(u.from, '127.0.0.2');
    const multicast = request(0x0ef001, ESV.Get, get(0xd6));
    const multicastAnswer = probe.receive(answerTo(multicast));
    probe.send('224.0.23.0', toHex(encodeFrame(multicast)));
    const m = await multicastAnswer;
    assert.equal(m.via, 'unicast', 'the answer to a multicast request comes back unicast');
    assert.equal(edtHex(frameOf(m), 0xd6), '01028801');
  });
});
