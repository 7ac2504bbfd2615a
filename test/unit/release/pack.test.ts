/**
 * What `npm pack` puts into the published tarball, checked on a build of the working tree (packed.ts):
 * everything Homebridge, the custom UI and the `echonet-hems` command need, nothing a homeowner's machine
 * should not get (tests, TypeScript sources, source maps that point at sources not shipped, test output,
 * a developer's demo storage, secrets), and every import of the shipped JavaScript resolvable from the
 * package itself or its declared dependencies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';
import { DECOYS, packed } from './packed.js';

/** The package.json that was packed (npm normalises it), not the working tree's, which may have moved on. */
const pkg = (): Record<string, unknown> => JSON.parse(readFileSync(join(packed().installed, 'package.json'), 'utf8')) as Record<string, unknown>;
const paths = () => packed().files.map((f) => f.path);

/** Credentials that are examples, not anyone's: the README's sample settings and the simulated meter of the demo. */
const PLACEHOLDERS = new Set(['0123456789ABCDEF0123456789ABCDEF', 'ABCDEFGH1234', 'DemoPass1234']);

/** A tarball this big holds something it should not (data, test output, a bundled dependency). */
const MAX_PACKED_BYTES = 1_000_000;

test('the package builds without type errors', () => {
  const { build } = packed();
  assert.equal(build.status, 0, `tsc -p tsconfig.build.json failed:\n${build.output}`);
});

test('the tarball holds the plugin, its settings form, the custom UI, the command and the documents', (t) => {
  const files = new Set(paths());
  // the tree as it was copied for the build: another developer may add a file to the real one meanwhile
  const { size, unpackedSize, stage } = packed();
  t.diagnostic(`packed ${size} bytes (${files.size} files, ${unpackedSize} bytes unpacked)`);
  const needed = [
    'package.json',
    String(pkg().main),
    'config.schema.json',
    'homebridge-ui/server.js',
    'homebridge-ui/public/index.html',
    'README.md',
    'LICENSE',
    ...Object.values(pkg().bin as Record<string, string>),
  ];
  assert.deepEqual(needed.filter((f) => !files.has(f)), [], 'missing from the tarball');
  // every page of the custom UI, not just its index
  for (const f of readdirSync(join(stage, 'homebridge-ui', 'public'))) assert.ok(files.has(`homebridge-ui/public/${f}`), `homebridge-ui/public/${f} is not packed`);
  // every readme at the top (README.ja.md too, once it exists), and whatever "files" names that exists
  for (const f of readdirSync(stage).filter((n) => /^README(\.[a-z]{2})?\.md$/.test(n))) assert.ok(files.has(f), `${f} is not packed`);
  for (const entry of pkg().files as string[]) {
    if (entry.startsWith('!') || !existsSync(join(stage, entry))) continue;
    assert.ok([...files].some((f) => f === entry || f.startsWith(`${entry}/`)), `"${entry}" is in package.json files but not packed`);
  }
  assert.ok(size < MAX_PACKED_BYTES, `the tarball is ${size} bytes`);
});

test('the tarball holds no tests, sources, maps, test output, local data or secrets', () => {
  const files = paths();
  const bad = (why: string, test: (f: string) => boolean) => assert.deepEqual(files.filter(test), [], why);
  bad('tests', (f) => /(^|\/)test\//.test(f) || /\.test\.[cm]?[jt]s$/.test(f));
  bad('TypeScript sources', (f) => f.startsWith('src/') || (/\.[cm]?ts$/.test(f) && !f.endsWith('.d.ts')));
  bad('source maps name src/*.ts, which is not shipped', (f) => f.endsWith('.map'));
  bad('development files', (f) => /^(bench|docs|types|\.ci)\//.test(f) || /^(tsconfig.*\.json|knip\.json|\.dependency-cruiser\.cjs|\.gitignore|BENCHMARKS\.md)$/.test(f));
  bad('planted decoys of test output, demo storage and logs', (f) => DECOYS.includes(f));
  bad('files that hold secrets or a home\'s data', (f) =>
    /(^|\/)(\.env(\..*)?|\.npmrc|id_[a-z0-9]+|config\.json|broute-pan\.json|mqtt-outbox\.json|status\.json)$/.test(f) || /\.(pem|key|crt|p12|log)$/.test(f),
  );
  // a credential written into a shipped file: "password": "..." with a value (labels have spaces)
  const { installed } = packed();
  const found: string[] = [];
  for (const f of files.filter((p) => /\.(js|json|html|md)$/.test(p))) {
    const text = readFileSync(join(installed, f), 'utf8');
    for (const m of text.matchAll(/["']?(?:broute_?id|broute_?password|password|passwd|secret|token)["']?\s*[:=]\s*["']([0-9A-Za-z+/=_-]{8,})["']/gi)) {
      if (!PLACEHOLDERS.has(m[1]!)) found.push(`${f}: ${m[0]}`);
    }
  }
  assert.deepEqual(found, [], 'shipped files that seem to hold a credential');
});

test('the command runs from the tarball, with a shebang and the bin mapping', () => {
  const { installed } = packed();
  const bin = pkg().bin as Record<string, string>;
  assert.deepEqual(Object.keys(bin), ['echonet-hems']);
  for (const target of Object.values(bin)) {
    assert.match(readFileSync(join(installed, target), 'utf8'), /^#!\/usr\/bin\/env node\n/, `${target} needs a shebang to run as a command`);
  }
  // a Get of the node profile's operation status, decoded offline by the packed command
  const r = spawnSync(process.execPath, [join(installed, bin['echonet-hems']!), 'decode', '1081000105ff010ef00162018000', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const decoded = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(decoded.tid, 1);
});

/** Module specifiers of static imports, re-exports and dynamic imports with a literal name (TypeScript's own scanner). */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

test('every import of the shipped JavaScript resolves inside the package or to a declared dependency', () => {
  const { installed } = packed();
  const deps = new Set(Object.keys(pkg().dependencies as Record<string, string>));
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  const files = new Set(paths());
  for (const f of paths().filter((p) => p.endsWith('.js'))) {
    // the custom UI's page scripts run in the browser and import each other only
    for (const spec of specifiers(readFileSync(join(installed, f), 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(f), spec));
        if (!files.has(target)) problems.push(`${f}: ${spec} (not packed)`);
        continue;
      }
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (spec.startsWith('node:') || builtins.has(name)) continue;
      if (!deps.has(name)) problems.push(`${f}: ${spec} (not in dependencies${name === 'homebridge' ? '; only types may come from homebridge' : ''})`);
    }
  }
  assert.deepEqual(problems, []);
  // the check above must have seen the imports it is about
  assert.ok(specifiers(readFileSync(join(installed, 'homebridge-ui', 'server.js'), 'utf8')).includes('@homebridge/plugin-ui-utils'));
  assert.ok(existsSync(join(dirname(join(installed, String(pkg().main))), 'platform.js')));
});
