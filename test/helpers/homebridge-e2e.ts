/**
 * The life of one end-to-end Homebridge run: a private copy of the built plugin, fresh storage and a
 * network namespace with only lo, the rig started in it before the tests and everything torn down after
 * them (also when a test fails). Call it where before/after hooks belong (top level or in a describe).
 */
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
}

export function homebridgeInNamespace(name: string, config: Omit<RigConfig, 'storage' | 'pluginDir'>, skip: string | undefined): HomebridgeRun {
  const run = {} as HomebridgeRun;
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
