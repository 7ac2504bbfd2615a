/**
 * A private built copy of the plugin for one e2e test file: package.json and dist/ in a directory of its
 * own under test-artifacts/ (where Node still finds the repository's node_modules). Homebridge loads it
 * from there, so `npm run build` elsewhere (another test file, another developer) cannot delete the
 * plugin under a running Homebridge.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from '../../src/cli/demo-rig.js';

export function buildPluginCopy(name: string): { dir: string; remove(): void } {
  const dir = join(REPO_DIR, 'test-artifacts', `plugin-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(REPO_DIR, 'package.json'), join(dir, 'package.json'));
  const tsc = join(REPO_DIR, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['-p', join(REPO_DIR, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { cwd: REPO_DIR, encoding: 'utf8' });
  // Type errors elsewhere in the tree (work in progress) still emit JavaScript; only a missing entry point is fatal.
  if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`building the plugin failed:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) console.error(`note: the plugin compiled with type errors:\n${r.stdout}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
