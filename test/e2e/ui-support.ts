/**
 * What the browser tests of the custom UI share: why they would skip, a build of the plugin beside a
 * copy of homebridge-ui/ (the layout of the published package: server.js imports ../dist/), the
 * browser, screenshots, and a check of a saved config against config.schema.json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { NETNS_SKIP_REASON } from '../helpers/netns.js';
import { PTY_SKIP_REASON } from '../helpers/pty.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'test-artifacts', 'ui');

/** Why the browser tests cannot run here, or undefined. */
export const UI_SKIP_REASON: string | undefined = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install -y chromium): skipping the browser tests of the custom UI`
  : (NETNS_SKIP_REASON ?? PTY_SKIP_REASON);

export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

/**
 * Compiles src/ into <dir>/dist and copies homebridge-ui/ beside it: server.js then finds ../dist as in
 * the published package, and node_modules through the repository. A directory per process, so test
 * files running in parallel never build over each other.
 */
export function buildUi(): { uiDir: string; cleanup: () => void } {
  const dir = join(ARTIFACTS, `build-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { encoding: 'utf8' });
  for (const needed of ['ui-status/index.js', 'wisun/index.js', 'echonet/one-shot.js', 'scheduler/tariff.js', 'home/kinds.js']) {
    if (!existsSync(join(dir, 'dist', needed))) throw new Error(`the build did not produce dist/${needed}:\n${tsc.stdout}${tsc.stderr}`);
  }
  cpSync(join(REPO, 'homebridge-ui'), join(dir, 'homebridge-ui'), { recursive: true });
  return { uiDir: join(dir, 'homebridge-ui'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records every request it makes, to prove nothing leaves the host. */
export async function openPage(browser: Browser, viewport: { width: number; height: number }, locale: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { page, requests, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

type Schema = Record<string, unknown>;

/**
 * The parts of JSON Schema that config.schema.json uses (type, properties, items, pattern, format ipv4,
 * minimum/maximum, enum, oneOf of consts, Homebridge's `required: true` on a property): the problems
 * found, empty when the value conforms.
 */
export function schemaProblems(schema: Schema, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && Number.isInteger(value));
  if (!typeOk) return [`${path}: expected ${type}, got ${JSON.stringify(value)}`];
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (schema.format === 'ipv4' && !isIPv4(value)) problems.push(`${path}: "${value}" is not IPv4`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(schema.oneOf) && schema.oneOf.every((o: Schema) => 'const' in o || 'enum' in o)) {
    if (!schema.oneOf.some((o: Schema) => o.const === value || (Array.isArray(o.enum) && o.enum.includes(value)))) problems.push(`${path}: ${JSON.stringify(value)} is none of the choices`);
  }
  if (type === 'object') {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const obj = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries(props)) {
      if (obj[key] === undefined) {
        if (sub.required === true) problems.push(`${path}.${key}: required`);
        continue;
      }
      problems.push(...schemaProblems(sub, obj[key], `${path}.${key}`));
    }
    if (Array.isArray(schema.required)) for (const key of schema.required as string[]) if (obj[key] === undefined) problems.push(`${path}.${key}: required`);
  }
  if (type === 'array' && schema.items) (value as unknown[]).forEach((item, i) => problems.push(...schemaProblems(schema.items as Schema, item, `${path}[${i}]`)));
  return problems;
}

export function readSchema(): Schema & { schema: Schema } {
  return JSON.parse(readFileSync(join(REPO, 'config.schema.json'), 'utf8')) as Schema & { schema: Schema };
}
