/**
 * The broker goes away in the middle of a stream and comes back: every message arrives, in the order it
 * was made. Once with aedes (the mirror's listener cut, as when the broker host drops off the LAN; the
 * observer watches on a second listener), once with a real mosquitto process stopped and started again
 * (the observer keeps a durable session, clean: false, which mosquitto's persistence carries over).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttMirror } from '../../../src/mqtt/mirror.js';
import { systemClock } from '../../../src/util/clock.js';
import { consoleLogger, silentLogger } from '../../../src/util/log.js';
import { OutageAedes, Recorder, ScriptedHome, freePort, meterDevice, mosquittoAvailable, startMosquitto, stopProcess } from '../../helpers/mqtt.js';

const TOTAL = 600;

function mirrorFor(url: string, dir: string) {
  const home = new ScriptedHome();
  home.put(meterDevice(Date.now(), 500, 1, 1));
  return new MqttMirror({
    source: home,
    commands: home.target,
    broker: { url, clientId: 'hems-under-test' },
    clock: systemClock,
    log: process.env.DEBUG_MQTT ? consoleLogger('mirror', true) : silentLogger,
    version: 'test',
    discovery: false,
    outbox: { file: join(dir, 'outbox.jsonl') },
    minBackoffMs: 100,
    maxBackoffMs: 400,
  });
}

/** Every number, first appearances in increasing order (QoS 1 may repeat a message, never reorder). */
function assertInOrder(received: Recorder, total: number): void {
  const seen: number[] = [];
  const set = new Set<number>();
  for (const m of received.messages) {
    if (m.topic !== 'echonet-hems/stream/seq') continue;
    const n = (JSON.parse(m.payload) as { n: number }).n;
    if (!set.has(n)) {
      set.add(n);
      seen.push(n);
    }
  }
  assert.equal(seen.length, total, `received ${seen.length} of ${total} distinct messages`);
  const firstOutOfOrder = seen.findIndex((n, i) => n !== i);
  assert.equal(firstOutOfOrder, -1, `out of order from position ${firstOutOfOrder}: ${seen.slice(Math.max(0, firstOutOfOrder - 3), firstOutOfOrder + 10).join(",")}`);
}

async function stream(mirror: MqttMirror, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    mirror.publish('stream/seq', { n }, false);
    if (n % 20 === 0) await new Promise((r) => setTimeout(r, 5));
  }
}

async function durableRecorder(url: string): Promise<Recorder> {
  return Recorder.connect(url, ['echonet-hems/stream/#'], { clientId: 'durable-subscriber', clean: false });
}

async function reconnect(recorder: Recorder, url: string): Promise<Recorder> {
  for (const end = Date.now() + 10_000; ; ) {
    try {
      const fresh = await Recorder.connect(url, [], { clientId: 'durable-subscriber', clean: false });
      fresh.messages.unshift(...recorder.messages);
      return fresh;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test('aedes: the listener cut for a second mid-stream; all messages arrive in order after it returns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-outage-'));
  const broker = await OutageAedes.start(await freePort());
  const mirror = mirrorFor(broker.url, dir);
  const sub = await durableRecorder(broker.observerUrl);
  try {
    await mirror.start();
    await stream(mirror, 0, 200);
    await broker.cut();
    await stream(mirror, 200, 400);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(mirror.stats().queued >= 200, 'the messages made during the outage wait in the outbox');
    await broker.listen();
    await stream(mirror, 400, TOTAL);
    await sub.waitFor(() => new Set(sub.messages.map((m) => m.payload)).size >= TOTAL, 15_000, 'the whole stream');
    await mirror.drained();
    assertInOrder(sub, TOTAL);
    const stats = mirror.stats();
    assert.equal(stats.dropped, 0);
    assert.ok(stats.reconnections >= 1);
    assert.equal(stats.queued, 0);
    // the counters are published at each connection (behind the backlog): the backlog it came back to
    const counters = await Recorder.connect(broker.observerUrl, ['echonet-hems/outbox']);
    await counters.waitFor((m) => m.length > 0, 5_000, 'the outbox counters');
    const published = JSON.parse(counters.messages[0]!.payload);
    assert.equal(published.dropped, 0);
    assert.ok(published.reconnections >= 1 && published.queued >= 200, JSON.stringify(published));
    await counters.close();
  } finally {
    await sub.close();
    await mirror.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mosquitto: the broker process stopped and restarted mid-stream; all messages arrive in order', async (t) => {
  if (!mosquittoAvailable()) {
    t.skip('mosquitto is not installed (apt-get install -y mosquitto)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hems-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  // (user root: as root mosquitto would otherwise switch to its own user, which cannot write here)
  // persistence keeps the durable subscriber's session and its queued messages across the restart
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\nuser root\npersistence true\npersistence_location ${dir}/\nmax_queued_messages 0\n`);
  const url = `mqtt://127.0.0.1:${port}`;
  let broker = await startMosquitto(port, ['-c', config]);
  const mirror = mirrorFor(url, dir);
  let sub = await durableRecorder(url);
  try {
    await mirror.start();
    await stream(mirror, 0, 200);
    await sub.waitFor(() => sub.messages.length >= 50, 5_000, 'the stream to start');
    await stopProcess(broker);
    await stream(mirror, 200, 400);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(mirror.stats().queued >= 200);
    broker = await startMosquitto(port, ['-c', config]);
    sub = await reconnect(sub, url);
    await stream(mirror, 400, TOTAL);
    await sub.waitFor(() => new Set(sub.messages.map((m) => m.payload)).size >= TOTAL, 15_000, 'the whole stream');
    await mirror.drained();
    assertInOrder(sub, TOTAL);
    assert.equal(mirror.stats().dropped, 0);
  } finally {
    await sub.close();
    await mirror.stop();
    await stopProcess(broker);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart while the broker is away: the outbox file carries the backlog into the next run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-outbox-'));
  const broker = await OutageAedes.start(await freePort());
  await broker.cut();
  const first = mirrorFor(broker.url, dir);
  await first.start();
  await stream(first, 0, 150);
  await first.stop();
  await broker.listen();
  const sub = await durableRecorder(broker.url);
  const second = mirrorFor(broker.url, dir);
  try {
    await second.start();
    second.publish('stream/seq', { n: 150 }, false);
    await second.drained();
    await sub.waitFor(() => sub.messages.length >= 151, 5_000, 'the backlog');
    assertInOrder(sub, 151);
  } finally {
    await sub.close();
    await second.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
