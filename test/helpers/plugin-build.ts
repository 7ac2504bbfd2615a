/**
 * A private plugin directory for one e2e test file, given to Homebridge as -P: a built copy of this plugin
 * (package.json and dist/, under test-artifacts/ where Node still finds the repository's node_modules)
 * and the test-only Matter probe beside it. Homebridge loads them from there, so `npm run build`
 * elsewhere (another test file, another developer) cannot delete the plugin under a running Homebridge.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_DIR } from '../../src/cli/demo-rig.js';

const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'matter-probe');

export function buildPluginCopy(name: string): { dir: string; remove(): void } {
  const dir = join(REPO_DIR, 'test-artifacts', `plugins-${name}-${process.pid}`);
  const plugin = join(dir, 'homebridge-echonet-hems');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(plugin, { recursive: true });
  copyFileSync(join(REPO_DIR, 'package.json'), join(plugin, 'package.json'));
  cpSync(PROBE, join(dir, 'homebridge-matter-probe'), { recursive: true });
  const tsc = join(REPO_DIR, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(REPO_DIR, 'tsconfig.build.json'), '--outDir', join(plugin, 'dist')], { cwd: REPO_DIR, encoding: 'utf8' });
  // Type errors elsewhere in the tree (work in progress) still emit JavaScript; only a missing entry point is fatal.
  if (!existsSync(join(plugin, 'dist', 'index.js'))) throw new Error(`building the plugin failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) console.error(`note: the plugin compiled with type errors:\n${r.stdout}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
