/**
 * Stepped EV charging live, over real UDP: the scheduler's executor on the real home model in one
 * namespace, the device emulator's EV charger in another (a veth pair). A charger whose Set map has the
 * charging power (EB) is set to the plan's power before charging starts, changed alone when the plan
 * changes it, and handed back; a charger that sets its power on the unit only is switched on and off,
 * and both the step and the home model say why.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createLink, NETNS_SKIP_REASON, spawnIn, type Link } from '../../helpers/netns.js';
import { EmulatorProcess } from '../../helpers/emulator-process.js';
import type { Step } from '../../../src/scheduler/executor.js';
import type { EvState } from '../../../src/sim/ev.js';

const MAIN = fileURLToPath(new URL('../../helpers/ev-power-main.ts', import.meta.url));
// a Sunday morning: the simulated car is at home and plugged in
const EMULATOR_ARGS = ['--devices', 'ev-charger-only', '--speed', '1', '--start', '2026-06-14T10:00:00+09:00'];

interface Pass {
  kw?: number;
  commands?: string[];
  steps?: Step[];
  released?: Step[];
  direct?: string;
}

describe('stepped EV charging through the home model to the emulated charger', { skip: NETNS_SKIP_REASON }, () => {
  let link: Link;

  before(async () => {
    link = await createLink();
  });

  after(async () => {
    await link?.cleanup();
  });

  /** Runs the executor against an emulator started with `extra`, checking the emulated car after each pass. */
  async function run(extra: string[], kws: number[], check: (pass: Pass, ev: EvState) => void): Promise<Pass> {
    const emulator = await EmulatorProcess.start(link.dev.ns, ['--address', link.dev.address, ...EMULATOR_ARGS, ...extra]);
    try {
      const controller = spawnIn(link.ctl.ns, process.execPath, ['--import', 'tsx', MAIN, JSON.stringify({ interface: link.ctl.address, host: link.dev.address, kws })]);
      try {
        const isPass = (l: string): boolean => l.startsWith('{"kw"') || l.startsWith('{"released"');
        let next = controller.nextLine(isPass, 30_000);
        for (let i = 0; ; i++) {
          const pass = JSON.parse(await next) as Pass;
          const { state } = await emulator.command<{ state: { ev: EvState } }>({ cmd: 'state' });
          check(pass, state.ev);
          if (pass.released) return pass;
          next = controller.nextLine(isPass, 30_000);
          controller.child.stdin!.write('\n');
          assert.ok(i < kws.length, controller.output());
        }
      } finally {
        await controller.stop();
      }
    } finally {
      await emulator.stop();
    }
  }

  test('a charger that takes a power gets the plan\'s before charging, a new one alone, and is handed back', { timeout: 90_000 }, async () => {
    const seen: string[] = [];
    const last = await run([], [2.44, 1.5], (pass, ev) => {
      if (pass.kw === 2.44) {
        assert.ok(pass.commands!.includes('ev-charge-power'), `EB is in the Set map: ${pass.commands!.join(', ')}`);
        assert.equal(pass.steps![0]!.text, 'EV charger: set charge at 2.4 kW (test): confirmed by the device');
        assert.deepEqual([ev.mode, ev.chargePowerW], ['charge', 2400]);
      } else if (pass.kw === 1.5) {
        assert.equal(pass.steps![0]!.text, 'EV charger: charging power set to 1.5 kW (test): confirmed by the device');
        assert.deepEqual([ev.mode, ev.chargePowerW], ['charge', 1500]);
      } else {
        assert.equal(pass.released![0]!.code, 'write');
        assert.equal(ev.mode, 'standby');
      }
      seen.push(pass.kw === undefined ? 'released' : String(pass.kw));
    });
    assert.deepEqual(seen, ['2.44', '1.5', 'released']);
    assert.equal(last.direct, 'accepted');
  });

  test('a charger that sets its power on the unit only is switched on and off, and says so', { timeout: 90_000 }, async () => {
    const last = await run(['--ev-fixed-power'], [2.4], (pass, ev) => {
      if (pass.kw === undefined) return assert.equal(ev.mode, 'standby');
      assert.ok(!pass.commands!.includes('ev-charge-power'), 'EB is not in the Set map');
      assert.equal(pass.steps![0]!.text, 'EV charger: set charge; its charging power cannot be set over the network, so it is only switched on and off (test): confirmed by the device');
      assert.deepEqual([ev.mode, ev.chargePowerW], ['charge', 3000], 'it charges at its own power');
    });
    assert.match(last.direct!, /does not allow this to be changed over the network/);
  });
});
