/**
 * Our controller stack against our device emulator over real UDP: two network namespaces joined by a
 * veth pair, the controller (as a process, echonet-agent.ts) on 198.18.10.1, the emulator on 198.18.10.2.
 * Covers discovery, get/set with verification, INF, offline/online, batch adaptation, stray frames and
 * every fault mode the emulator has.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createLink, execIn, NETNS_SKIP_REASON, type Link } from '../../helpers/netns.js';
import { addAddress } from '../../helpers/netns-address.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';
import { UdpProbe } from '../../helpers/udp-probe.js';
import { AgentClient } from '../../helpers/echonet-agent-client.js';
import type { DeviceInfo } from '../../../src/echonet/discovery.js';
import type { ControllerStats } from '../../../src/echonet/controller.js';
import type { TransportStats } from '../../../src/echonet/transport.js';
import { encodeFrame, ESV } from '../../../src/echonet/frame.js';
import { toHex } from '../../../src/util/hex.js';

const ONE_SHOT = fileURLToPath(new URL('../../helpers/one-shot-main.ts', import.meta.url));
const HEATER = 0x026b01;
const SOLAR = 0x027901;
const BATTERY = 0x027d01;

interface Read {
  esv: number;
  properties: { epc: number; edt: string }[];
  failed: number[];
}
type Stats = { controller: ControllerStats; transport: TransportStats };

describe('our controller with our emulator over real UDP', { skip: NETNS_SKIP_REASON }, () => {
  let link: Link;
  let emulator: EmulatorProcess;
  let agent: AgentClient;
  let dev: string;

  const faults = (f: Record<string, unknown>) => emulator.command({ cmd: 'faults', faults: f });
  const get = (eoj: number, epcs: number[]) => agent.call<Read>('get', { address: dev, eoj, epcs });
  const stats = () => agent.call<Stats>('stats');
  const devices = () => agent.call<DeviceInfo[]>('devices');

  before(async () => {
    link = await createLink();
    dev = link.dev.address;
    emulator = await EmulatorProcess.start(link.dev.ns, ['--address', dev, '--devices', 'water-heater,solar,battery', '--speed', '60']);
    agent = await AgentClient.start(link.ctl.ns, {
      address: link.ctl.address,
      controller: { timeoutMs: 800, retries: 1, partialWaitMs: 300, verifyDelayMs: 300 },
      discovery: { searchWindowMs: 1200, offlineAfterMissedPolls: 2, intervalMs: 600_000 },
    });
  });

  afterEach(async () => {
    await faults({});
  });

  after(async () => {
    await link?.cleanup();
  });

  test('discovery finds every object, even with wrong map counts and answers from port 23610', async () => {
    await faults({ wrongMapCount: true, replyFromPort: 23610 });
    const found = await agent.call<DeviceInfo[]>('poll');
    assert.deepEqual(found.map((d) => d.eoj).sort(), [HEATER, SOLAR, BATTERY].sort(), agent.output());
    const heater = found.find((d) => d.eoj === HEATER)!;
    assert.equal(heater.address, dev);
    assert.match(heater.identity, /^fe[0-9a-f]{32}\/026b01$/, 'identity from the object 83');
    assert.ok(heater.maker !== undefined);
    assert.ok(heater.setMap?.includes(0xb0) && heater.setMap.includes(0xc0), `set map ${JSON.stringify(heater.setMap)}`);
    assert.ok(!heater.setMap!.includes(0xe1), 'measured remaining water is not settable');
    assert.ok(heater.getMap?.includes(0xe1));
    assert.equal(heater.online, true);
    assert.equal(agent.events.filter((e) => e.event === 'device-added').length, 3);
  });

  test('get reads values; set is verified by reading back', async () => {
    const r = await get(HEATER, [0x80, 0xb0, 0xe2]);
    assert.equal(r.esv, ESV.Get_Res);
    assert.deepEqual(r.properties.map((p) => p.epc), [0x80, 0xb0, 0xe2]);
    assert.deepEqual(await agent.call('setVerified', { address: dev, eoj: HEATER, epc: 0xc0, edt: '42' }), { ok: true, confirmed: true });
    assert.equal((await get(HEATER, [0xc0])).properties[0]!.edt, '42');
    assert.deepEqual(await agent.call('setVerified', { address: dev, eoj: HEATER, epc: 0xc0, edt: '41' }), { ok: true, confirmed: true });
  });

  test('set: a value the device rejects is refused, a read-only property is not settable', async () => {
    const refused = await agent.call<{ ok: false; reason: string; message: string }>('setVerified', { address: dev, eoj: HEATER, epc: 0xb0, edt: '99' });
    assert.equal(refused.reason, 'refused');
    assert.match(refused.message, /refused to set property 0xb0 of object 026b01 at 198\.18\.10\.2 to 99/);
    const readOnly = await agent.call<{ ok: false; reason: string }>('setVerified', { address: dev, eoj: HEATER, epc: 0xe1, edt: '0064' });
    assert.equal(readOnly.reason, 'not-settable');
  });

  test('INF_REQ is answered with an INF that reaches us as a notification', async () => {
    await agent.call('infReq', { address: dev, eoj: HEATER, epcs: [0xb0] });
    const event = await agent.waitForEvent((e) => {
      const d = e.data as { seoj?: number; esv?: number; properties?: { epc: number }[] };
      return e.event === 'notification' && d.seoj === HEATER && d.esv === ESV.INF && d.properties?.[0]?.epc === 0xb0;
    }, 5000);
    assert.equal((event.data as { address: string }).address, dev);
  });

  test('silent fault: requests time out with an actionable error; missed polls -> offline; back -> online', async () => {
    await faults({ silent: true });
    await assert.rejects(get(HEATER, [0x80]), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'timeout');
      assert.match(err.message, /026b01 at 198\.18\.10\.2 did not answer after 2 tries; check that it is switched on/);
      return true;
    });
    await agent.call('poll');
    assert.ok((await devices()).every((d) => d.online), 'one missed poll is not yet offline');
    await agent.call('poll');
    assert.ok((await devices()).every((d) => !d.online));
    assert.equal(agent.events.filter((e) => e.event === 'device-offline').length, 3);
    await faults({});
    await agent.call('poll');
    assert.ok((await devices()).every((d) => d.online));
    assert.equal(agent.events.filter((e) => e.event === 'device-online').length, 3);
  });

  test('delay fault: an answer later than the timeout still completes the request (same TID on retry)', async () => {
    const before = (await stats()).controller;
    await faults({ delayMs: 1000 });
    const r = await get(SOLAR, [0x80]);
    assert.equal(r.esv, ESV.Get_Res);
    const after = (await stats()).controller;
    assert.equal(after.retransmissions - before.retransmissions, 1);
    assert.equal(after.timeouts, before.timeouts);
  });

  test('getSnaEpcs + splitAnswers: a Get_Res and a separate Get_SNA are merged into one result', async () => {
    await faults({ getSnaEpcs: ['e2'], splitAnswers: true });
    const r = await get(HEATER, [0x80, 0xe2, 0xb0]);
    assert.equal(r.esv, ESV.Get_SNA);
    assert.deepEqual(r.properties.map((p) => p.epc), [0x80, 0xb0]);
    assert.deepEqual(r.failed, [0xe2]);
    assert.equal(await agent.call('batchSize', { address: dev, eoj: HEATER }), 24, 'a split answer is not a size limit');
  });

  test('maxEpcs "fewer" then "sna": batches shrink to what the device takes, and it is remembered', async () => {
    const heater = (await devices()).find((d) => d.eoj === HEATER)!;
    const readable = heater.getMap!.filter((e) => e < 0x9d || e > 0x9f);
    assert.ok(readable.length > 6, `get map ${JSON.stringify(heater.getMap)}`);
    await faults({ maxEpcs: { limit: 4, answer: 'fewer' } });
    const r = await get(HEATER, readable);
    assert.deepEqual(r.properties.map((p) => p.epc), readable);
    assert.equal(await agent.call('batchSize', { address: dev, eoj: HEATER }), 4);
    await faults({ maxEpcs: { limit: 2, answer: 'sna' } });
    const s = await get(HEATER, readable);
    assert.deepEqual(s.properties.map((p) => p.epc), readable);
    assert.equal(await agent.call('batchSize', { address: dev, eoj: HEATER }), 2);
    assert.equal(await agent.call('batchSize', { address: dev, eoj: SOLAR }), 24, 'remembered per object');
  });

  test('stray, spoofed and malformed datagrams are counted and never trusted', async () => {
    const strayAddress = '198.18.10.9';
    await addAddress(link.dev.ns, dev, strayAddress);
    const probe = await UdpProbe.start(link.dev.ns, strayAddress);
    try {
      // The probe hears the multicast search; TIDs are allocated in sequence, so the next request's
      // TID is close after the search's.
      const polled = agent.call('poll');
      const search = await probe.receive((d) => d.via === 'multicast' && d.hex.slice(20, 22) === '62');
      await polled;
      const searchTid = Number.parseInt(search.hex.slice(4, 8), 16);
      const before = await stats();
      await faults({ delayMs: 600 });
      const pending = get(HEATER, [0x80]);
      await new Promise((r) => setTimeout(r, 100));
      const forgedTids = Array.from({ length: 24 }, (_, i) => (searchTid - 3 + i) & 0xffff);
      for (const tid of forgedTids) {
        const forged = { tid, seoj: HEATER, deoj: 0x05ff01, esv: ESV.Get_Res, properties: [{ epc: 0x80, edt: Uint8Array.of(0x31) }] };
        probe.send(link.ctl.address, toHex(encodeFrame(forged)), 3610);
        await new Promise((r) => setTimeout(r, 5));
      }
      probe.send(link.ctl.address, 'deadbeef', 3610);
      const r = await pending;
      assert.deepEqual(r.properties, [{ epc: 0x80, edt: '30' }], 'the forged "off" was not believed');
      // The malformed datagram went last: once it is counted, the forged ones have been too.
      let after = await stats();
      for (let i = 0; i < 50 && after.transport.decodeErrors === before.transport.decodeErrors; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await stats();
      }
      assert.equal(after.transport.decodeErrors - before.transport.decodeErrors, 1);
      assert.equal(after.controller.wrongSource - before.controller.wrongSource, 1, 'the pending TID, from the wrong host');
      assert.equal(after.controller.unknownTid - before.controller.unknownTid, forgedTids.length - 1, 'every other forged TID');
    } finally {
      await probe.stop();
    }
  });

  test('a node that boots is found from its INF D5 announcement, without a search', async () => {
    await agent.call('start'); // listens for announcements; its first search runs now, the next in 10 minutes
    await agent.call('poll');
    const second = '198.18.10.3';
    await addAddress(link.dev.ns, dev, second);
    const booted = await EmulatorProcess.start(link.dev.ns, ['--address', second, '--devices', 'solar', '--seed', '2']);
    try {
      const added = await agent.waitForEvent((e) => e.event === 'device-added' && (e.data as DeviceInfo).address === second, 5000);
      assert.equal((added.data as DeviceInfo).eoj, SOLAR);
    } finally {
      await booted.stop();
      await agent.call('stop');
    }
  });

  test('one-shot calls for the CLI: discover, get, set (each opens and closes its own sockets)', async () => {
    const cli = '198.18.10.5';
    await addAddress(link.ctl.ns, link.ctl.address, cli);
    const run = async (op: string, args: Record<string, unknown>): Promise<unknown> => {
      const r = await execIn(link.ctl.ns, process.execPath, ['--import', 'tsx', ONE_SHOT, op, JSON.stringify({ interface: cli, ...args })]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    };
    const found = (await run('discover', { timeoutMs: 1000 })) as { address: string; eoj: string; class: string; identity: string; maker: string; online: boolean }[];
    const heater = found.find((d) => d.eoj === '026b01');
    assert.ok(heater, JSON.stringify(found));
    assert.equal(heater.address, dev);
    assert.match(heater.class, /water heater/i);
    assert.match(heater.maker, /^[0-9a-f]{6}$/);
    assert.equal(heater.online, true);
    const read = (await run('get', { host: dev, eoj: HEATER, epcs: [0x80, 0xc0] })) as Read;
    assert.equal(read.esv, ESV.Get_Res);
    assert.deepEqual(await run('set', { host: dev, eoj: HEATER, epc: 0xc0, edt: '42' }), { ok: true, confirmed: true });
    assert.deepEqual(await run('set', { host: dev, eoj: HEATER, epc: 0xe1, edt: '0001' }), {
      ok: false,
      reason: 'not-settable',
      message: 'property 0xe1 of object 026b01 at 198.18.10.2 cannot be changed over the network on this model (it is not in the device\'s list of settable properties)',
    });
  });
});
