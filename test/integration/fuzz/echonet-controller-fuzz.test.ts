/**
 * The ECHONET controller (over its real UDP transport) under malformed and spoofed datagrams from the LAN:
 * a seeded storm of noise, mutated frames, forged answers, requests and arbitrary-format frames, each one
 * counted in exactly the right place; discovery and a real device (the emulator) unaffected while it
 * lasts; and answers that carry the right TID from the right host but the wrong object, the wrong service
 * or a cut frame, all ignored until the real answer, which is still taken.
 *
 * Everything runs in a network namespace with only `lo`: controller 127.0.0.1, emulated solar inverter
 * 127.0.0.2, a scripted device 127.0.0.3, an attacker 127.0.0.4 (each its own process, port 3610).
 * Seeded (FUZZ_SEED, FUZZ_SCALE).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackNamespace, NETNS_SKIP_REASON, type LoopbackNamespace } from '../../helpers/netns.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';
import { AgentClient } from '../../helpers/echonet-agent-client.js';
import { UdpProbe } from '../../helpers/udp-probe.js';
import type { DeviceInfo } from '../../../src/echonet/discovery.js';
import type { ControllerStats } from '../../../src/echonet/controller.js';
import type { TransportStats } from '../../../src/echonet/transport.js';
import { decodeFrame, encodeFrame, ESV, isArbitrary, type Frame } from '../../../src/echonet/frame.js';
import { toHex } from '../../../src/util/hex.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0xec40);
const CONTROLLER = '127.0.0.1';
const DEVICE = '127.0.0.2';
const SCRIPTED = '127.0.0.3';
const ATTACKER = '127.0.0.4';
const SOLAR = 0x027901;
const CONTROLLER_EOJ = 0x05ff01;
const STATIC_EPCS = [0x80, 0x83, 0x8a, 0x9e, 0x9f];

type Stats = { controller: ControllerStats; transport: TransportStats };
interface Read {
  esv: number;
  properties: { epc: number; edt: string }[];
  failed: number[];
}

/** What the controller must do with one datagram, by the codec's verdict and the frame's service. */
type Fate = 'decodeErrors' | 'arbitraryIgnored' | 'notifications' | 'requestsIgnored' | 'unknownTid';

function fateOf(bytes: Uint8Array): Fate {
  const r = decodeFrame(bytes);
  if (!r.ok) return 'decodeErrors';
  if (isArbitrary(r.frame)) return 'arbitraryIgnored';
  const esv = (r.frame as Frame).esv;
  if (esv === ESV.INF || esv === ESV.INFC) return 'notifications';
  if (esv >= ESV.SetI && esv <= ESV.SetGet) return 'requestsIgnored';
  return 'unknownTid'; // an answer to nothing asked: no request is in flight during the storm
}

function stormDatagram(f: Fuzz): Uint8Array {
  const frame = (): Frame => ({
    tid: f.int(0x10000),
    seoj: f.pick([SOLAR, 0x0ef001, 0x026b01, f.int(0x1000000)]),
    // never the node profile's D5 announcement with a list: that would (rightly) make discovery probe the attacker
    deoj: f.pick([CONTROLLER_EOJ, 0x05ff00, f.int(0x1000000)]),
    esv: f.pick([ESV.Get_Res, ESV.Get_SNA, ESV.Set_Res, ESV.SetC_SNA, ESV.Get, ESV.SetC, ESV.SetI, ESV.INF_REQ, ESV.INF, ESV.INFC_Res, 0x00, 0x7f, 0xff]),
    properties: Array.from({ length: f.int(4) }, () => ({ epc: f.pick([0x80, 0xe0, 0x9e, 0x83, f.int(256)]), edt: f.bytes(f.int(10)) })),
  });
  const valid = () => encodeFrame(frame());
  switch (f.int(6)) {
    case 0:
      return f.bytes(f.int(80));
    case 1: {
      const b = valid();
      return b.subarray(0, f.int(b.length)); // cut short
    }
    case 2: {
      const b = valid().slice();
      for (let k = 1 + f.int(3); k > 0; k--) b[f.int(b.length)] = f.int(256);
      return b;
    }
    case 3:
      return Uint8Array.of(0x10, 0x82, f.int(256), f.int(256), ...f.bytes(f.int(40))); // arbitrary format
    case 4:
      return Uint8Array.of(...valid(), ...f.bytes(1 + f.int(5))); // trailing bytes after a valid frame
    default:
      return valid();
  }
}

describe('ECHONET controller under malformed and spoofed datagrams', { skip: NETNS_SKIP_REASON }, () => {
  let ns: LoopbackNamespace;
  let agent: AgentClient;
  let attacker: UdpProbe;
  let scripted: UdpProbe;
  let emulator: EmulatorProcess;
  const stats = () => agent.call<Stats>('stats');
  const read = (address: string, epcs: number[], timeoutMs?: number) => agent.call<Read>('get', { address, eoj: SOLAR, epcs }, timeoutMs);

  before(async () => {
    ns = await createLoopbackNamespace();
    emulator = await EmulatorProcess.start(ns.ns, ['--address', DEVICE, '--devices', 'solar', '--seed', '3']);
    agent = await AgentClient.start(ns.ns, {
      address: CONTROLLER,
      controller: { timeoutMs: 800, retries: 1, partialWaitMs: 300 },
      discovery: { searchWindowMs: 500, probeRetries: 0 },
    });
    attacker = await UdpProbe.start(ns.ns, ATTACKER);
    scripted = await UdpProbe.start(ns.ns, SCRIPTED);
  });

  after(async () => {
    await ns?.cleanup(); // stops every process started in it, even when a test failed
  });

  const STORM = fuzzCases(2_000);

  test(`${STORM} datagrams of noise, mutations and forgeries (seed 0x${SEED.toString(16)}): each counted where it belongs, the device unchanged`, { timeout: 120_000 }, async () => {
    const found = await agent.call<DeviceInfo[]>('poll');
    assert.deepEqual(found.map((d) => [d.address, d.eoj]), [[DEVICE, SOLAR]]);
    const baseline = await read(DEVICE, STATIC_EPCS);
    assert.equal(baseline.esv, ESV.Get_Res);

    const f = new Fuzz(SEED);
    const expected: Record<Fate, number> = { decodeErrors: 0, arbitraryIgnored: 0, notifications: 0, requestsIgnored: 0, unknownTid: 0 };
    const before = await stats();
    const delta = (s: Stats): Record<Fate, number> => ({
      decodeErrors: s.transport.decodeErrors - before.transport.decodeErrors,
      arbitraryIgnored: s.transport.arbitraryIgnored - before.transport.arbitraryIgnored,
      notifications: s.controller.notifications - before.controller.notifications,
      requestsIgnored: s.controller.requestsIgnored - before.controller.requestsIgnored,
      unknownTid: s.controller.unknownTid - before.controller.unknownTid,
    });
    // in batches the socket buffers hold, each one fully counted before the next (UDP would drop a flood)
    const BATCH = 100;
    for (let sent = 0; sent < STORM; ) {
      for (let k = 0; k < BATCH && sent < STORM; k++, sent++) {
        const bytes = stormDatagram(f);
        expected[fateOf(bytes)]++;
        attacker.send(CONTROLLER, toHex(bytes));
      }
      let now = delta(await stats());
      for (let tries = 0; tries < 100 && JSON.stringify(now) !== JSON.stringify(expected); tries++) {
        await new Promise((r) => setTimeout(r, 50));
        now = delta(await stats());
      }
      assert.deepEqual(now, expected, `after ${sent} datagrams (seed 0x${SEED.toString(16)})`);
    }
    const after = await stats();
    assert.equal(after.controller.wrongSource - before.controller.wrongSource, 0);
    for (const fate of Object.keys(expected) as Fate[]) assert.ok(expected[fate] > 0, `the storm reached ${fate}`);
    // a homeowner sees that something sends garbage, once per sender, not a flood of warnings
    const warned = agent.output().split('\n').filter((l) => l.includes('WARN dropped a malformed datagram'));
    assert.equal(warned.length, 1, `one warning for the one sender, the rest at debug level:\n${warned.join('\n')}`);

    // the real device reads the same, and discovery still knows exactly it
    assert.deepEqual(await read(DEVICE, STATIC_EPCS), baseline);
    const devices = await agent.call<DeviceInfo[]>('devices');
    assert.deepEqual(devices.map((d) => [d.identity, d.address, d.eoj, d.online]), found.map((d) => [d.identity, d.address, d.eoj, d.online]));
  });

  test('during a storm with discovery running, reads of the real device go on and give the true values', { timeout: 60_000 }, async () => {
    await agent.call('start');
    try {
      const baseline = await read(DEVICE, STATIC_EPCS);
      // the device answers late, so the forgeries below arrive while its answer is awaited
      await emulator.command({ cmd: 'faults', faults: { delayMs: 150 } });
      const f = new Fuzz(SEED ^ 0x99);
      for (let round = 0; round < 10; round++) {
        const pending = read(DEVICE, STATIC_EPCS);
        // forged answers for the device's object with every kind of TID, from the wrong host, and noise
        for (let k = 0; k < 40; k++) {
          const forged: Frame = { tid: f.int(0x10000), seoj: SOLAR, deoj: CONTROLLER_EOJ, esv: ESV.Get_Res, properties: STATIC_EPCS.map((epc) => ({ epc, edt: f.bytes(1 + f.int(8)) })) };
          attacker.send(CONTROLLER, toHex(f.chance(0.7) ? encodeFrame(forged) : stormDatagram(f)));
        }
        assert.deepEqual(await pending, baseline, `round ${round}: a forged value was believed`);
      }
      const devices = await agent.call<DeviceInfo[]>('devices');
      assert.deepEqual(devices.map((d) => [d.address, d.eoj, d.online]), [[DEVICE, SOLAR, true]]);
      assert.ok(!agent.events.some((e) => e.event === 'device-added' && (e.data as DeviceInfo).address !== DEVICE), 'no device appeared from forged traffic');
    } finally {
      await emulator.command({ cmd: 'faults', faults: { delayMs: 0 } });
      await agent.call('stop');
    }
  });

  test('the right TID from the right host, but the wrong object, service or a cut frame: ignored until the real answer', { timeout: 30_000 }, async () => {
    await scripted.collect(0); // the searches of the test before reached it too (multicast): not this request
    const before = await stats();
    const pending = read(SCRIPTED, [0x80, 0xe0], 20_000);
    const request = await scripted.receive((d) => d.via === 'unicast' && d.from === CONTROLLER);
    const asked = decodeFrame(Buffer.from(request.hex, 'hex'));
    assert.ok(asked.ok && !isArbitrary(asked.frame));
    const tid = (asked.frame as Frame).tid;
    const answer = (over: Partial<Frame>): string =>
      toHex(
        encodeFrame({
          tid,
          seoj: SOLAR,
          deoj: CONTROLLER_EOJ,
          esv: ESV.Get_Res,
          properties: [
            { epc: 0x80, edt: Uint8Array.of(0x30) },
            { epc: 0xe0, edt: Uint8Array.of(0, 0, 0x30, 0x39) },
          ],
          ...over,
        }),
      );
    const forged = answer({ properties: [{ epc: 0x80, edt: Uint8Array.of(0x31) }, { epc: 0xe0, edt: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }] });
    attacker.send(CONTROLLER, forged); // right TID, wrong host
    scripted.send(CONTROLLER, answer({ seoj: 0x028801 })); // another object
    scripted.send(CONTROLLER, answer({ esv: ESV.Set_Res })); // answers another service
    scripted.send(CONTROLLER, answer({}).slice(0, 20)); // cut short
    scripted.send(CONTROLLER, answer({ esv: ESV.INF, properties: [{ epc: 0x80, edt: Uint8Array.of(0x31) }] })); // an INF with the same TID
    await new Promise((r) => setTimeout(r, 300)); // well within the 800 ms timeout: no retransmission yet
    scripted.send(CONTROLLER, answer({}));
    const r = await pending;
    assert.equal(r.esv, ESV.Get_Res);
    assert.deepEqual(r.properties, [
      { epc: 0x80, edt: '30' },
      { epc: 0xe0, edt: '00003039' },
    ]);
    scripted.send(CONTROLLER, answer({})); // a duplicate after completion
    let after = await stats();
    for (let i = 0; i < 40 && after.controller.unknownTid === before.controller.unknownTid; i++) {
      await new Promise((res) => setTimeout(res, 50));
      after = await stats();
    }
    const d = (k: keyof ControllerStats) => after.controller[k] - before.controller[k];
    assert.deepEqual(
      { wrongSource: d('wrongSource'), wrongSeoj: d('wrongSeoj'), wrongEsv: d('wrongEsv'), notifications: d('notifications'), unknownTid: d('unknownTid'), retransmissions: d('retransmissions') },
      { wrongSource: 1, wrongSeoj: 1, wrongEsv: 1, notifications: 1, unknownTid: 1, retransmissions: 0 },
    );
    assert.equal(after.transport.decodeErrors - before.transport.decodeErrors, 1);
  });
});
