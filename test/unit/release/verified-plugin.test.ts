/**
 * Homebridge's verified-plugin requirements that a machine can check, on package.json, config.schema.json
 * and the entry point as it is published (the built dist/index.js from the packed tarball, see packed.ts).
 *
 * Decided here, with reasons:
 * - `homebridge` is neither a dependency nor a peer dependency. Homebridge finds out which versions a plugin
 *   supports from `engines.homebridge`, and npm 7+ installs peer dependencies, which would put a second
 *   Homebridge into the plugin's folder (homebridge/homebridge-plugin-template#15; Homebridge's reviewers
 *   tell plugin authors the peer dependency is not needed, homebridge/plugins#813). It stays a dev
 *   dependency for the types and the end-to-end tests; the plugin imports nothing from it at run time
 *   (checked on the built files in pack.test.ts).
 * - No install-time scripts at all: `prepare` counts too, since npm runs it when installing from git.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLATFORM_NAME, PLUGIN_NAME } from '../../../src/settings.js';
import { manifest, packed, REPO } from './packed.js';

type Json = Record<string, unknown>;
const pkg = manifest();
const schemaFile = JSON.parse(readFileSync(join(REPO, 'config.schema.json'), 'utf8')) as Json;

/** Whether `version` satisfies a range made only of caret comparators joined by `||` (the form engines use here). */
function satisfies(range: string, version: string): boolean {
  const v = version.split('.').map(Number);
  return range.split('||').some((part) => {
    const m = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    assert.ok(m, `"${part.trim()}" is not a caret range; extend this check before using another form`);
    const [major, minor, patch] = m.slice(1).map(Number) as [number, number, number];
    if (v[0] !== major) return false;
    return v[1]! > minor || (v[1] === minor && v[2]! >= patch);
  });
}

test('package.json names the plugin as Homebridge and npm expect it', () => {
  assert.equal(pkg.name, PLUGIN_NAME, 'src/settings.ts registers accessories under the package name');
  assert.match(String(pkg.name), /^(@[a-z0-9-]+\/)?homebridge-[a-z0-9-]+$/, 'Homebridge only loads packages named homebridge-*');
  assert.ok(typeof pkg.displayName === 'string' && pkg.displayName.trim() !== '', 'displayName is what the Homebridge UI shows');
  assert.ok(typeof pkg.description === 'string' && pkg.description.length > 20);
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('homebridge-plugin'), 'the UI searches npm by the homebridge-plugin keyword');
  assert.equal(pkg.type, 'module');
});

test('package.json links to the source, the issues and the home page, and names a licence that ships', () => {
  const repository = pkg.repository as Json;
  assert.equal(repository.type, 'git');
  assert.match(String(repository.url), /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/, 'verification needs the source on GitHub');
  const bugs = pkg.bugs as Json;
  assert.match(String(bugs.url), /^https:\/\/github\.com\/[^/]+\/[^/]+\/issues$/, 'issues must be enabled and linked');
  assert.match(String(pkg.homepage), /^https:\/\//);
  const repoPath = String(repository.url).replace(/^git\+https:\/\/github\.com\//, '').replace(/\.git$/, '');
  assert.ok(String(bugs.url).includes(repoPath) && String(pkg.homepage).includes(repoPath), 'the three links name the same repository');
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(join(REPO, 'LICENSE'), 'utf8'), /MIT License/);
});

test('engines: Node 20.18+, 22.10+ and 24; Homebridge 1.8+ and 2', () => {
  const engines = pkg.engines as Json;
  const node = String(engines.node);
  for (const ok of ['20.18.0', '20.20.2', '22.10.0', '22.21.1', '24.0.0', '24.11.0']) assert.ok(satisfies(node, ok), `Node ${ok} must be accepted`);
  for (const no of ['18.20.0', '20.17.0', '21.7.0', '22.9.0', '23.1.0', '25.0.0']) assert.ok(!satisfies(node, no), `Node ${no} must be refused`);
  assert.ok(satisfies(node, process.versions.node), `this test runs on Node ${process.versions.node}, outside engines.node`);
  const homebridge = String(engines.homebridge);
  for (const ok of ['1.8.0', '1.11.4', '2.0.0', '2.4.0']) assert.ok(satisfies(homebridge, ok), `Homebridge ${ok} must be accepted`);
  for (const no of ['1.7.0', '1.6.1', '3.0.0']) assert.ok(!satisfies(homebridge, no), `Homebridge ${no} must be refused`);
});

test('nothing runs at install time, and neither Homebridge nor HAP is installed with the plugin', () => {
  const scripts = (pkg.scripts ?? {}) as Json;
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(scripts[hook], undefined, `"${hook}" runs on the homeowner's machine`);
  const runtime = ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies'];
  for (const field of runtime) {
    const deps = (pkg[field] ?? {}) as Json;
    const names = Array.isArray(deps) ? (deps as string[]) : Object.keys(deps);
    for (const banned of ['homebridge', 'hap-nodejs', '@homebridge/hap-nodejs', 'matter.js', '@matter/main']) {
      assert.ok(!names.includes(banned), `${banned} in ${field}: the plugin must use the running Homebridge's copy`);
    }
  }
  assert.ok(Object.hasOwn(pkg.devDependencies as Json, 'homebridge'), 'the types come from the dev dependency');
});

test('config.schema.json: the platform this plugin registers, one instance, the custom UI present', () => {
  assert.equal(schemaFile.pluginAlias, PLATFORM_NAME, 'pluginAlias must be the platform name index.ts registers');
  assert.equal(schemaFile.pluginType, 'platform');
  assert.equal(schemaFile.singular, true, 'one platform drives the one ECHONET port and the one dongle');
  assert.equal(schemaFile.customUi, true);
  assert.ok(existsSync(join(REPO, 'homebridge-ui', 'server.js')) && existsSync(join(REPO, 'homebridge-ui', 'public', 'index.html')), 'customUi needs homebridge-ui/server.js and public/index.html');
  for (const key of ['headerDisplay', 'footerDisplay']) if (key in schemaFile) assert.equal(typeof schemaFile[key], 'string');
  const schema = schemaFile.schema as Json;
  assert.equal(schema.type, 'object');
  const name = (schema.properties as Record<string, Json>).name;
  assert.ok(name, 'verification asks for schema.properties.name');
  assert.equal(name.type, 'string');
});

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Problems with one schema node and everything below it; `at` is the path for the message. */
function schemaProblems(node: Json, at: string): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${at}: ${what}`);
  const type = node.type;
  if (type === undefined && node.oneOf === undefined && node.enum === undefined) say('has no type');
  if (type !== undefined && !(typeof type === 'string' && TYPES.has(type))) say(`type ${JSON.stringify(type)} is not a JSON Schema type`);
  if (node.required !== undefined && typeof node.required !== 'boolean' && !Array.isArray(node.required)) say('required must be a boolean (form style) or a list');
  if (typeof node.pattern === 'string') {
    try {
      new RegExp(node.pattern);
    } catch {
      say(`pattern ${node.pattern} is not a regular expression`);
    }
  }
  if (typeof node.minimum === 'number' && typeof node.maximum === 'number' && node.minimum > node.maximum) say('minimum is above maximum');
  if ('default' in node && node.default !== undefined && typeof type === 'string') {
    const d = node.default;
    const fits =
      (type === 'string' && typeof d === 'string') ||
      (type === 'boolean' && typeof d === 'boolean') ||
      (type === 'integer' && Number.isInteger(d)) ||
      (type === 'number' && typeof d === 'number') ||
      (type === 'array' && Array.isArray(d)) ||
      (type === 'object' && typeof d === 'object' && d !== null && !Array.isArray(d));
    if (!fits) say(`default ${JSON.stringify(d)} is not a ${type}`);
    if (typeof d === 'number' && ((typeof node.minimum === 'number' && d < node.minimum) || (typeof node.maximum === 'number' && d > node.maximum))) say(`default ${d} is out of range`);
    if (typeof d === 'string' && typeof node.pattern === 'string' && d !== '' && !new RegExp(node.pattern).test(d)) say(`default "${d}" does not match its own pattern`);
    const choices = Array.isArray(node.oneOf) ? (node.oneOf as Json[]).flatMap((o) => (Array.isArray(o.enum) ? o.enum : [])) : Array.isArray(node.enum) ? node.enum : undefined;
    if (choices && !choices.includes(d)) say(`default ${JSON.stringify(d)} is not one of the choices`);
  }
  if (Array.isArray(node.oneOf)) for (const [i, o] of (node.oneOf as Json[]).entries()) if (!Array.isArray(o.enum) || typeof o.title !== 'string') say(`oneOf[${i}] needs a title and an enum (a dropdown entry)`);
  if (type === 'object') {
    if (typeof node.properties !== 'object' || node.properties === null) say('an object without properties');
    else for (const [k, v] of Object.entries(node.properties as Record<string, Json>)) problems.push(...schemaProblems(v, `${at}.${k}`));
  }
  if (type === 'array') {
    if (typeof node.items !== 'object' || node.items === null || Array.isArray(node.items)) say('an array without one items schema');
    else problems.push(...schemaProblems(node.items as Json, `${at}[]`));
  }
  return problems;
}

test('config.schema.json: every setting is a well-formed JSON Schema node whose defaults fit it', () => {
  assert.deepEqual(schemaProblems(schemaFile.schema as Json, 'schema'), []);
});

/** The schema node a form key such as "meter.brouteId", "devices[].id" or "echonet.hosts[]" names. */
function nodeAt(schema: Json, key: string): Json | undefined {
  let node: Json | undefined = schema;
  for (const part of key.split('.')) {
    const m = /^([^[\]]+)((?:\[\])*)$/.exec(part);
    if (!m || !node) return undefined;
    node = (node.properties as Record<string, Json> | undefined)?.[m[1]!];
    for (let i = 0; i < m[2]!.length / 2; i++) node = node?.items as Json | undefined;
  }
  return node;
}

function layoutKeys(items: readonly unknown[]): string[] {
  return items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    if (typeof item !== 'object' || item === null) return [];
    const i = item as Json;
    return [...(typeof i.key === 'string' ? [i.key] : []), ...(Array.isArray(i.items) ? layoutKeys(i.items) : [])];
  });
}

/** Every setting a homeowner can fill in: a leaf of the schema, as a form key. */
function leafKeys(node: Json, at: string): string[] {
  if (node.type === 'object' && node.properties) return Object.entries(node.properties as Record<string, Json>).flatMap(([k, v]) => leafKeys(v, at ? `${at}.${k}` : k));
  if (node.type === 'array' && (node.items as Json | undefined)?.type === 'object') return leafKeys(node.items as Json, `${at}[]`);
  return [at];
}

test('config.schema.json: the layout names only settings that exist, and shows every setting', () => {
  const schema = schemaFile.schema as Json;
  const keys = layoutKeys(schemaFile.layout as unknown[]);
  assert.ok(keys.length > 0);
  assert.deepEqual(keys.filter((k) => !nodeAt(schema, k)), [], 'layout keys without a schema node');
  // with a layout, a setting it does not name is not shown at all: it could only be set by editing config.json
  const shown = new Set(keys.flatMap((k) => [k, k.replace(/\[\]$/, '')]));
  assert.deepEqual(leafKeys(schema, '').filter((k) => !shown.has(k)), [], 'settings missing from the layout');
});

test(
  'config.schema.json: the B-route and MQTT passwords are masked in the settings form',
  () => {
    const masked = new Set(
      (function walk(items: readonly unknown[]): string[] {
        return items.flatMap((item) => {
          if (typeof item !== 'object' || item === null) return [];
          const i = item as Json;
          return [...(i.type === 'password' && typeof i.key === 'string' ? [i.key] : []), ...(Array.isArray(i.items) ? walk(i.items) : [])];
        });
      })(schemaFile.layout as unknown[]),
    );
    for (const key of ['meter.broutePassword', 'mqtt.password']) assert.ok(masked.has(key), `${key} is shown in clear text`);
  },
);

interface Registration {
  readonly identifier: string | undefined;
  readonly platform: string;
  readonly constructor: unknown;
}

/** A stand-in for Homebridge's API that records what the plugin registers and listens to. */
function fakeApi() {
  const registrations: Registration[] = [];
  const listeners: string[] = [];
  const api = {
    version: 2.7,
    serverVersion: '1.11.4',
    registerPlatform: (...args: unknown[]) => {
      // both forms Homebridge accepts: (platformName, constructor) and (pluginIdentifier, platformName, constructor)
      if (typeof args[1] === 'function') registrations.push({ identifier: undefined, platform: String(args[0]), constructor: args[1] });
      else registrations.push({ identifier: String(args[0]), platform: String(args[1]), constructor: args[2] });
    },
    registerAccessory: () => assert.fail('a dynamic platform registers no accessory plugin'),
    on: (event: string) => listeners.push(event),
    user: { storagePath: () => assert.fail('an unconfigured plugin must not touch the storage directory') },
  };
  return { api, registrations, listeners };
}

function fakeLogging() {
  const lines: { level: string; text: string }[] = [];
  const at = (level: string) => (text: string) => lines.push({ level, text });
  const log = Object.assign(at('log'), { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), success: at('success'), log: (level: string, text: string) => lines.push({ level, text }), prefix: PLATFORM_NAME });
  return { log, lines };
}

async function publishedEntry(): Promise<(api: unknown) => void> {
  const { installed } = packed();
  const main = String(pkg.main);
  assert.ok(existsSync(join(installed, main)), `package.json main (${main}) is not in the package`);
  const mod = (await import(pathToFileURL(join(installed, main)).href)) as { default: unknown };
  assert.equal(typeof mod.default, 'function', 'Homebridge calls the default export with its API');
  return mod.default as (api: unknown) => void;
}

test('the published entry point registers exactly the platform config.schema.json configures', async () => {
  const init = await publishedEntry();
  const { api, registrations } = fakeApi();
  init(api);
  assert.equal(registrations.length, 1);
  const [r] = registrations;
  assert.equal(r!.platform, schemaFile.pluginAlias);
  if (r!.identifier !== undefined) assert.equal(r!.identifier, pkg.name, 'the plugin identifier is the package name');
  assert.equal(typeof r!.constructor, 'function');
  assert.match(String(r!.constructor), /^class\b/, 'a platform is constructed with new');
  // a dynamic platform, as verification requires: Homebridge hands it the cached accessories
  assert.equal(typeof (r!.constructor as { prototype: Record<string, unknown> }).prototype.configureAccessory, 'function');
});

test('installed but not configured, the plugin says so and starts nothing', async () => {
  const init = await publishedEntry();
  const { api, registrations, listeners } = fakeApi();
  init(api);
  const Platform = registrations[0]!.constructor as new (log: unknown, config: unknown, api: unknown) => unknown;
  const { log, lines } = fakeLogging();
  new Platform(log, { platform: PLATFORM_NAME }, api);
  assert.deepEqual(listeners, [], 'no didFinishLaunching: nothing opens a port, a socket or a file');
  assert.deepEqual(lines.map((l) => l.level), ['info']);
  assert.match(lines[0]!.text, /not configured/);
});

test('with wrong settings the plugin logs what to fix, without the secrets, and starts nothing', async () => {
  const init = await publishedEntry();
  const { api, registrations, listeners } = fakeApi();
  init(api);
  const Platform = registrations[0]!.constructor as new (log: unknown, config: unknown, api: unknown) => unknown;
  const { log, lines } = fakeLogging();
  const id = '0123456789ABCDEF0123456789ABCDE'; // 31 characters: one short
  const password = 'pw-with-dash'; // 12 characters, but a dash is not allowed
  const mqttPassword = 'mqtt secret 9';
  assert.doesNotThrow(() =>
    new Platform(log, { platform: PLATFORM_NAME, meter: { serialPort: '/dev/ttyUSB0', brouteId: id, broutePassword: password }, mqtt: { enabled: true, password: mqttPassword, url: 'mqtt://u:%zz@host' } }, api),
  );
  assert.deepEqual(listeners, []);
  assert.ok(lines.some((l) => l.level === 'error' && /B-route ID/.test(l.text)), JSON.stringify(lines));
  assert.ok(lines.some((l) => l.level === 'error' && /B-route password/.test(l.text)), JSON.stringify(lines));
  const all = lines.map((l) => l.text).join('\n').toLowerCase();
  for (const secret of [id, password, mqttPassword]) assert.ok(!all.includes(secret.toLowerCase()), `"${secret}" reached the log`);
});
