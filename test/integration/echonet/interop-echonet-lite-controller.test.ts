/**
 * Our emulator against the independent `echonet-lite` npm package acting as a controller, over real UDP
 * between two network namespaces. The package sends its requests from port 23610 and listens on 3610,
 * so this also checks where the emulator sends its answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createLink, NETNS_SKIP_REASON, spawnIn, type InNamespace, type Link } from '../../helpers/netns.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';

const CONTROLLER_SCRIPT = fileURLToPath(new URL('../../helpers/echonet-lite-controller.ts', import.meta.url));

type Facilities = Record<string, Record<string, Record<string, string>>>;

describe('echonet-lite (npm) as a controller with our emulator', { skip: NETNS_SKIP_REASON }, () => {
  let link: Link;
  let emulator: EmulatorProcess;
  let controller: InNamespace;

  const send = (command: object): void => void controller.child.stdin!.write(`${JSON.stringify(command)}\n`);
  const facilities = async (): Promise<Facilities> => {
    const line = controller.nextLine((l) => l.startsWith('{"facilities"'));
    send({ cmd: 'facilities' });
    return (JSON.parse(await line) as { facilities: Facilities }).facilities;
  };

  before(async () => {
    link = await createLink();
    emulator = await EmulatorProcess.start(link.dev.ns, ['--address', link.dev.address, '--devices', 'water-heater,solar']);
    controller = spawnIn(link.ctl.ns, process.execPath, ['--import', 'tsx', CONTROLLER_SCRIPT, link.ctl.address]);
    await controller.nextLine((l) => l.includes('"ready":true'), 20_000);
  });

  after(async () => {
    await link?.cleanup();
  });

  test('its search finds the node and reads every object, maps and properties', async () => {
    send({ cmd: 'search' });
    const deadline = Date.now() + 15_000;
    let seen: Facilities = {};
    for (;;) {
      seen = await facilities();
      const node = seen[link.dev.address] ?? {};
      if (node['026b01']?.['e2'] && node['027901']?.['e0'] && node['0ef001']?.['d6']) break;
      if (Date.now() > deadline) assert.fail(`incomplete after 15 s: ${JSON.stringify(seen)}\n${emulator.output()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const node = seen[link.dev.address]!;
    assert.equal(node['0ef001']!['d6'], '02026b01027901');
    assert.match(node['026b01']!['83']!, /^fe[0-9a-f]{32}$/);
    assert.equal(node['026b01']!['80'], '30');
  });

  test('its SetC is answered with Set_Res and the value reads back', async () => {
    const answer = controller.nextLine((l) => l.includes('"seoj":"026b01"') && l.includes('"esv":"71"'), 5000);
    send({ cmd: 'set', to: link.dev.address, eoj: '026b01', epc: 'c0', edt: '42' });
    await answer;
    // The package reads a property back by itself after a Set_Res.
    const deadline = Date.now() + 5000;
    while ((await facilities())[link.dev.address]?.['026b01']?.['c0'] !== '42') {
      if (Date.now() > deadline) assert.fail('C0 was not read back as 42');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
