/**
 * The life of one end-to-end Homebridge run: a private copy of the built plugin, fresh storage and a
 * network namespace with only lo, the rig started in it before the tests and everything torn down after
 * them (also when a test fails). Call it where before/after hooks belong (top level or in a describe).
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoopbackNamespace, type LoopbackNamespace } from './netns.js';
import { RigClient } from './homebridge-rig-client.js';
import type { RigConfig } from './homebridge-rig.js';
import { buildPluginCopy } from './plugin-build.js';

export interface HomebridgeRun {
  /** Set by the before hook; use inside tests only. */
  rig: RigClient;
  /** Homebridge's storage directory (-U). */
  storage: string;
  /**
   * Retries `check` (a mismatch, or undefined when all is well) once a second until it passes; on time-out
   * fails with the last mismatch and the tail of the rig's output.
   */
  eventually(what: string, check: () => Promise<string | undefined>, timeoutMs?: number): Promise<void>;
}

export function homebridgeInNamespace(name: string, config: Omit<RigConfig, 'storage' | 'pluginDir'>, skip: string | undefined): HomebridgeRun {
  const run = {
    async eventually(what: string, check: () => Promise<string | undefined>, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let last: string | undefined;
        try {
          last = await check();
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
        }
        if (last === undefined) return;
        if (Date.now() > deadline) assert.fail(`${what}: ${last}\n--- rig output (tail) ---\n${run.rig.output().slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
  } as HomebridgeRun;
  let ns: LoopbackNamespace | undefined;
  let plugin: { dir: string; remove(): void } | undefined;
  before(async () => {
    if (skip) return;
    plugin = buildPluginCopy(name);
    run.storage = mkdtempSync(join(tmpdir(), `hems-e2e-${name}-`));
    ns = await createLoopbackNamespace();
    run.rig = await RigClient.start(ns.ns, { ...config, storage: run.storage, pluginDir: plugin.dir });
  });
  after(async () => {
    if (run.rig) await run.rig.call('shutdown', {}, 30_000).catch(() => undefined);
    if (ns) {
      // anything still running in the namespace would outlive it
      const pids = spawnSync('ip', ['netns', 'pids', ns.ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const pid of pids) spawnSync('kill', ['-9', pid]);
      await ns.cleanup();
    }
    if (run.storage) rmSync(run.storage, { recursive: true, force: true });
    plugin?.remove();
  });
  return run;
}
