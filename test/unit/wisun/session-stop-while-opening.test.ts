/**
 * Stopping the plugin while the dongle's port is still being opened: stop() ends at once instead of
 * waiting for the link's command timeouts, and the port is closed the way serialport wants (with a
 * callback), so closing it twice never surfaces as an uncaught "Port is not open".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { MemoryPanCache } from '../../../src/wisun/pan-cache.js';
import { BrouteSession } from '../../../src/wisun/session.js';
import type { SerialLike, SkstackLink } from '../../../src/wisun/skstack.js';

/** Behaves like serialport's SerialPort when closed: a second close() is an error, an event without a callback. */
class FakePort extends EventEmitter {
  isOpen = true;
  readonly closes: { withCallback: boolean; error?: string }[] = [];
  readonly unhandled: Error[] = [];

  constructor() {
    super();
    // what an 'error' event without a listener would have crashed with
    this.on('error', (err: Error) => this.unhandled.push(err));
  }

  write(): boolean {
    return true;
  }

  close(callback?: (err?: Error | null) => void): void {
    const err = this.isOpen ? undefined : new Error('Port is not open');
    this.closes.push({ withCallback: callback !== undefined, ...(err ? { error: err.message } : {}) });
    this.isOpen = false;
    process.nextTick(() => {
      if (!err) this.emit('close');
      if (callback) callback(err ?? null);
      else if (err) this.emit('error', err);
    });
  }
}

/** An SKSTACK link whose opening hangs until its port closes, as a dongle that does not answer yet. */
function hangingLink(stream: SerialLike): Promise<SkstackLink> {
  return new Promise((_, reject) => stream.on('close', () => reject(new Error('The Wi-SUN link was closed.'))));
}

function session(port: FakePort): BrouteSession {
  return new BrouteSession({
    id: '0123456789ABCDEF0123456789ABCDEF',
    password: 'SECRETPASS12',
    // serialport's typings are broader than EventEmitter's; the session uses only what SerialLike names
    openPort: async () => port as unknown as SerialLike,
    openLink: hangingLink,
    panCache: new MemoryPanCache(undefined),
    clock: new ManualClock(Date.UTC(2026, 10, 26, 3, 0)),
    log: silentLogger,
  });
}

test('stop() while the link is being opened closes the port once, cleanly, and returns at once', async () => {
  const port = new FakePort();
  const s = session(port);
  const states: string[] = [];
  s.on('state', (e) => states.push(e.state));
  s.start();
  await new Promise((r) => setImmediate(r));
  assert.equal(states.at(-1), 'opening');
  const started = Date.now();
  await s.stop();
  assert.ok(Date.now() - started < 1000, 'no wait for command timeouts');
  await new Promise((r) => setImmediate(r));
  assert.equal(states.at(-1), 'stopped');
  assert.ok(port.closes.length >= 1 && port.closes.every((c) => c.withCallback), `every close had a callback: ${JSON.stringify(port.closes)}`);
  assert.deepEqual(port.unhandled, [], 'no "Port is not open" error event');
});

test('a port that closed by itself during opening is not closed into an error event', async () => {
  const port = new FakePort();
  const s = session(port);
  s.start();
  await new Promise((r) => setImmediate(r));
  port.close(() => undefined); // the dongle went away: the link's opening fails
  await new Promise((r) => setTimeout(r, 10));
  await s.stop();
  await new Promise((r) => setImmediate(r));
  assert.equal(port.closes[1]?.error, 'Port is not open', 'the session closed the already closed port');
  assert.equal(port.closes[1]?.withCallback, true);
  assert.deepEqual(port.unhandled, []);
});
