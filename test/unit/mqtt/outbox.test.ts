import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, type Link, type OutMessage } from '../../../src/mqtt/outbox.js';
import { silentLogger } from '../../../src/util/log.js';

const msg = (n: number): OutMessage => ({ topic: 't', payload: String(n), retain: false });
const tick = () => new Promise((r) => setImmediate(r));

/** A link whose acknowledgements the test releases (or fails) one by one. */
class ManualLink implements Link {
  readonly sent: string[] = [];
  private readonly pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  publish(message: OutMessage): Promise<void> {
    this.sent.push(message.payload);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  ackAll(): void {
    for (const p of this.pending.splice(0)) p.resolve();
  }
  /** Acknowledges out of order: the broker may, the queue must still leave in order. */
  ackReversed(): void {
    for (const p of this.pending.splice(0).reverse()) p.resolve();
  }
  failAll(): void {
    for (const p of this.pending.splice(0)) p.reject(new Error('connection closed'));
  }
}

test('in order, a window at a time; what a dead link did not acknowledge is sent again first', async () => {
  const box = new Outbox({ log: silentLogger, window: 4 });
  for (let i = 0; i < 10; i++) box.push(msg(i));
  const a = new ManualLink();
  box.attach(a);
  assert.deepEqual(a.sent, ['0', '1', '2', '3']);
  a.ackReversed();
  await tick();
  assert.deepEqual(a.sent, ['0', '1', '2', '3', '4', '5', '6', '7']);
  assert.equal(box.stats().delivered, 4);
  box.detach();
  a.failAll();
  await tick();
  box.push(msg(10));
  const b = new ManualLink();
  box.attach(b);
  assert.deepEqual(b.sent, ['4', '5', '6', '7']);
  for (let i = 0; i < 3; i++) {
    b.ackAll();
    await tick();
  }
  assert.deepEqual(b.sent, ['4', '5', '6', '7', '8', '9', '10']);
  await box.drained();
  assert.deepEqual(box.stats(), { queued: 0, delivered: 11, dropped: 0, limit: 100_000 });
});

test('bounded: the oldest waiting messages are dropped and counted, never the ones in flight', async () => {
  const box = new Outbox({ log: silentLogger, limit: 5, window: 2 });
  const link = new ManualLink();
  box.attach(link);
  for (let i = 0; i < 9; i++) box.push(msg(i));
  assert.deepEqual(link.sent, ['0', '1']);
  assert.equal(box.stats().dropped, 4);
  link.ackAll();
  await tick();
  link.ackAll();
  await tick();
  link.ackAll();
  await tick();
  assert.deepEqual(link.sent, ['0', '1', '6', '7', '8']);
  assert.deepEqual(box.stats(), { queued: 0, delivered: 5, dropped: 4, limit: 5 });
});

test('persisted while the link is down, loaded by the next run; a torn last line is skipped', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-outbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'outbox.jsonl');
  const first = new Outbox({ log: silentLogger, file });
  for (let i = 0; i < 3; i++) first.push(msg(i));
  await first.flush();
  appendFileSync(file, '{"topic":"t","payl'); // killed mid-write
  const lines: string[] = [];
  const second = new Outbox({ file, log: { ...silentLogger, warn: (m) => lines.push(m), info: (m) => lines.push(m) } });
  second.push(msg(3));
  await second.load();
  assert.equal(second.stats().queued, 4);
  assert.match(lines.join('\n'), /1 damaged line/);
  const link = new ManualLink();
  second.attach(link);
  assert.deepEqual(link.sent, ['0', '1', '2', '3']);
  link.ackAll();
  await second.drained();
  await second.flush();
  assert.equal(existsSync(file), false, 'an emptied outbox leaves no file');

  // a link lost with messages in flight: they are written out for the next run
  const third = new Outbox({ file, log: silentLogger });
  const l3 = new ManualLink();
  third.attach(l3);
  third.push(msg(7));
  third.detach();
  await third.flush();
  assert.equal(readFileSync(file, 'utf8'), `${JSON.stringify(msg(7))}\n`);
});
