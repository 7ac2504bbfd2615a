/**
 * A controller and an emulator on one host, each on its own loopback address but both on port 3610:
 * possible because neither binds 0.0.0.0:3610 (unicast sockets on their own address, a shared
 * reuseAddr socket on the multicast group). Runs in a namespace that has only `lo`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackNamespace, NETNS_SKIP_REASON, type LoopbackNamespace } from '../../helpers/netns.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';
import { AgentClient } from '../../helpers/echonet-agent-client.js';
import type { DeviceInfo } from '../../../src/echonet/discovery.js';
import { ESV } from '../../../src/echonet/frame.js';

describe('controller on 127.0.0.1:3610 and emulator on 127.0.0.2:3610 in one namespace', { skip: NETNS_SKIP_REASON }, () => {
  let ns: LoopbackNamespace;
  let agent: AgentClient;

  before(async () => {
    ns = await createLoopbackNamespace();
    await EmulatorProcess.start(ns.ns, ['--address', '127.0.0.2', '--devices', 'solar,battery']);
    agent = await AgentClient.start(ns.ns, { address: '127.0.0.1', discovery: { searchWindowMs: 1000 } });
  });

  after(async () => {
    await ns?.cleanup();
  });

  test('multicast search and unicast requests each reach the right socket', async () => {
    const found = await agent.call<DeviceInfo[]>('poll');
    assert.deepEqual(found.map((d) => [d.address, d.eoj]).sort(), [
      ['127.0.0.2', 0x027901],
      ['127.0.0.2', 0x027d01],
    ]);
    const r = await agent.call<{ esv: number }>('get', { address: '127.0.0.2', eoj: 0x027901, epcs: [0x80, 0xe0] });
    assert.equal(r.esv, ESV.Get_Res);
    const { controller } = await agent.call<{ controller: { requestsIgnored: number; unknownTid: number } }>('stats');
    assert.equal(controller.unknownTid, 0, 'no answer went astray');
  });
});
