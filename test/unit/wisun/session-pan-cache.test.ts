import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/util/log.js';
import { FilePanCache, PAN_CACHE_FILE, type Pan } from '../../../src/wisun/pan-cache.js';

const PAN: Pan = { channel: 0x21, channelPage: 9, panId: 0x1234, addr: '001D129012345678', ipv6: 'FE80:0000:0000:0000:021D:1290:1234:5678' };

async function withDir(fn: (dir: string, log: Logger & { warnings: string[] }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pan-cache-'));
  const warnings: string[] = [];
  const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), warnings };
  try {
    await fn(dir, log);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the file cache round-trips a PAN, leaves no temp file, and clears', () =>
  withDir(async (dir, log) => {
    const cache = new FilePanCache(join(dir, 'sub'), log);
    assert.equal(await cache.load(), undefined);
    await cache.save(PAN);
    assert.deepEqual(await new FilePanCache(join(dir, 'sub'), log).load(), PAN);
    assert.deepEqual(await readdir(join(dir, 'sub')), [PAN_CACHE_FILE]);
    await cache.clear();
    assert.equal(await cache.load(), undefined);
    await cache.clear(); // clearing twice is fine
    assert.deepEqual(log.warnings, []);
  }));

test('a corrupt or incomplete cache file reads as empty, with a warning', () =>
  withDir(async (dir, log) => {
    const cache = new FilePanCache(dir, log);
    for (const text of ['{not json', '[]', JSON.stringify({ ...PAN, panId: 70000 }), JSON.stringify({ ...PAN, addr: 'xyz' })]) {
      await writeFile(join(dir, PAN_CACHE_FILE), text);
      assert.equal(await cache.load(), undefined, text);
    }
    assert.equal(log.warnings.length, 4);
    await cache.save(PAN);
    assert.deepEqual(JSON.parse(await readFile(join(dir, PAN_CACHE_FILE), 'utf8')), PAN);
  }));
