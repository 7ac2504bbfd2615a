/**
 * SIGKILL the history writer at random moments, many times over, each run continuing the last: the store
 * always opens, holds every half-hour the writer reported as written, in order and intact, and at most one
 * more (the one in flight when it died).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { History, HALF_HOUR_MS } from '../../../src/store/history.js';
import { silentLogger } from '../../../src/util/log.js';
import { TEMP_SUFFIX } from '../../../src/util/atomic-file.js';

const WRITER = fileURLToPath(new URL('../../helpers/store-writer-main.ts', import.meta.url));
const BASE = Date.UTC(2026, 0, 1);
const RUNS = 32;
/** The whole test stops killing after this, whatever RUNS says, to stay within CI time. */
const BUDGET_MS = 90_000;

/** Starts the writer, kills it after `afterMs` once it has begun writing; resolves with the last `ok`. */
function killAfter(dir: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (_code, signal) => {
      clearTimeout(safety);
      if (signal !== 'SIGKILL') return reject(new Error(`the writer ended by itself: ${err}`));
      const oks = [...out.matchAll(/^ok (\d+)$/gm)].map((m) => Number(m[1]));
      resolve(oks.length ? oks[oks.length - 1]! : -1);
    });
  });
}

test(`SIGKILL at random points, up to ${RUNS} times: the store opens and loses at most the half-hour in flight`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-kill-'));
  const started = Date.now();
  let runs = 0;
  let lastAcked = -1;
  const inFlight = new Set<number>();
  try {
    while (runs < RUNS && Date.now() - started < BUDGET_MS) {
      const acked = await killAfter(dir, Math.floor(Math.random() * 300));
      runs++;
      lastAcked = Math.max(lastAcked, acked);
      const history = await History.open({ dir, log: silentLogger });
      const slots = await history.slots(BASE, BASE + 1_000_000 * HALF_HOUR_MS);
      assert.ok(slots.length >= lastAcked + 1, `run ${runs}: ${slots.length} half-hours stored, ${lastAcked + 1} were reported written`);
      assert.ok(slots.length <= lastAcked + 2, `run ${runs}: more than the one in flight appeared`);
      slots.forEach((s, i) => {
        assert.equal(s.start, BASE + i * HALF_HOUR_MS);
        assert.deepEqual(s.kwh, { bought: i, sold: i / 2, 'device/x': 0 - i || 0 });
      });
      // a half-hour in flight at a kill may have kept its slot and lost its event; nothing else is missing
      if (slots.length - 1 > acked) inFlight.add(slots.length - 1);
      const events = (await history.events(BASE, BASE + slots.length * HALF_HOUR_MS)).map((e) => Number(e.detail.slice(5)));
      const expected = slots.map((_, i) => i).filter((i) => i % 5 === 0);
      assert.deepEqual(events, expected.filter((i) => events.includes(i)), 'events in order, each once');
      assert.deepEqual(expected.filter((i) => !events.includes(i) && !inFlight.has(i)), [], 'no event lost outside a kill');
      lastAcked = slots.length - 1;
    }
    assert.ok(runs >= 30 || Date.now() - started >= BUDGET_MS, `only ${runs} runs`);
    assert.ok(lastAcked > 50, `the writer got through ${lastAcked + 1} half-hours`);
    const leftovers = readdirSync(join(dir, 'data')).filter((f) => f.endsWith(TEMP_SUFFIX));
    assert.deepEqual(leftovers, [], 'temporary files are cleaned up when the store opens');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
