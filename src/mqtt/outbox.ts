/**
 * Every MQTT message leaves through this queue, so that nothing is lost while the broker is away: messages
 * wait here (bounded, and on disk while the link is down) and go out in the order they were made once a
 * link is attached again. A message leaves the queue only when the broker acknowledged it (QoS 1), so a
 * link that dies mid-stream has its unacknowledged messages sent again on the next link: at least once,
 * in order.
 */
import { appendFile, readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-file.js';
import { errorMessage, guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';

export interface OutMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** A connected broker: resolves when the broker acknowledged the message, rejects when the link dropped. */
export interface Link {
  publish(message: OutMessage): Promise<void>;
}

export interface OutboxStats {
  /** Waiting or in flight. */
  readonly queued: number;
  readonly delivered: number;
  /** Oldest messages thrown away because the queue was full. */
  readonly dropped: number;
  readonly limit: number;
}

export interface OutboxOptions {
  readonly log: Logger;
  /** Most messages kept; the oldest go first when it is reached (a dashboard wants the newest values). */
  readonly limit?: number;
  /** Where waiting messages are kept across restarts; in memory only when absent. */
  readonly file?: string;
  /** Messages sent ahead of their acknowledgement: enough to keep a LAN link busy, few to send again. */
  readonly window?: number;
}

/** About ten hours of a full home's telemetry at the default poll rates (see BENCHMARKS.md). */
const DEFAULT_OUTBOX_LIMIT = 100_000;
const DEFAULT_WINDOW = 64;

interface Entry {
  readonly message: OutMessage;
  acked: boolean;
}

/**
 * An array with a moving head: taking from the front is O(1) (Array.shift moves every element, which a
 * backlog of 100,000 messages turns into seconds of copying); the dead front is cut off now and then.
 */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): T | undefined {
    return this.items[this.head + i];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): void {
    this.head++;
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes `count` items from position `start`. */
  remove(start: number, count: number): void {
    this.items.splice(this.head + start, count);
  }

  /** Puts items before the current front. */
  prepend(items: readonly T[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}

export class Outbox {
  private readonly queue = new Fifo<Entry>();
  private link: Link | undefined;
  /** Sent on the current link and not yet acknowledged: always the head of the queue. */
  private inFlight = 0;
  private delivered = 0;
  private dropped = 0;
  private readonly limit: number;
  private readonly window: number;
  /** Disk writes, one at a time and in order. */
  private disk: Promise<void> = Promise.resolve();
  private onDisk = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: OutboxOptions) {
    this.limit = options.limit ?? DEFAULT_OUTBOX_LIMIT;
    this.window = options.window ?? DEFAULT_WINDOW;
    if (!(this.limit >= 1)) throw new RangeError('the outbox limit must be at least 1');
  }

  /** Reads what a previous run left waiting; a torn last line (the process was killed) is skipped. */
  async load(): Promise<void> {
    const file = this.options.file;
    if (!file) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let torn = 0;
    const loaded: Entry[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      const message = parseLine(line);
      if (message) loaded.push({ message, acked: false });
      else torn++;
    }
    if (torn > 0) this.options.log.warn(`MQTT outbox: ${torn} damaged line(s) in ${file} skipped (the process was stopped while writing)`);
    if (loaded.length > 0) this.options.log.info(`MQTT outbox: ${loaded.length} message(s) from the last run waiting for the broker`);
    this.queue.prepend(loaded);
    this.onDisk = loaded.length > 0;
    this.trim();
  }

  push(message: OutMessage): void {
    this.queue.push({ message, acked: false });
    const trimmed = this.trim();
    if (this.link) this.pump();
    else if (trimmed) this.saveAll();
    else this.append([message]);
  }

  stats(): OutboxStats {
    return { queued: this.queue.length, delivered: this.delivered, dropped: this.dropped, limit: this.limit };
  }

  /** Starts sending on a new connection, oldest first. */
  attach(link: Link): void {
    this.link = link;
    this.inFlight = 0;
    this.pump();
  }

  /** The connection is gone: what it did not acknowledge is kept, on disk too, for the next one. */
  detach(): void {
    if (!this.link) return;
    this.link = undefined;
    this.inFlight = 0;
    for (const entry of this.queue.toArray()) entry.acked = false;
    if (this.queue.length > 0) this.saveAll();
  }

  /** Resolves when nothing is waiting (for shutdown and tests). */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Resolves when pending disk writes are done. */
  flush(): Promise<void> {
    return this.disk;
  }

  private pump(): void {
    const link = this.link;
    while (link && this.link === link && this.inFlight < this.window && this.inFlight < this.queue.length) {
      const entry = this.queue.at(this.inFlight)!;
      this.inFlight++;
      link.publish(entry.message).then(
        () => this.acknowledged(link, entry),
        () => undefined, // the connection dropped: detach() follows and the entry is sent again
      );
    }
  }

  private acknowledged(link: Link, entry: Entry): void {
    if (this.link !== link) return;
    entry.acked = true;
    while (this.queue.at(0)?.acked) {
      this.queue.shift();
      this.inFlight--;
      this.delivered++;
    }
    if (this.queue.length === 0) {
      if (this.onDisk) this.clearDisk();
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
    this.pump();
  }

  /** Drops the oldest messages beyond the limit; true when some were dropped. */
  private trim(): boolean {
    const excess = this.queue.length - this.limit;
    if (excess <= 0) return false;
    // never drop what is in flight: its acknowledgement would be miscounted
    const removable = Math.min(excess, this.queue.length - this.inFlight);
    this.queue.remove(this.inFlight, removable);
    const before = this.dropped;
    this.dropped += removable;
    // the first drop, then one line per thousand: a long outage must not flood the log
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.options.log.warn(`MQTT outbox full (${this.limit} messages): ${this.dropped} oldest message(s) dropped so far`);
    }
    return removable > 0;
  }

  private append(messages: OutMessage[]): void {
    const file = this.options.file;
    if (!file) return;
    this.onDisk = true;
    this.write(() => appendFile(file, messages.map((m) => `${JSON.stringify(m)}\n`).join(''), { mode: 0o600 }));
  }

  private saveAll(): void {
    const file = this.options.file;
    if (!file) return;
    this.onDisk = true;
    const text = this.queue.toArray().map((e) => `${JSON.stringify(e.message)}\n`).join('');
    this.write(() => writeFileAtomic(file, text));
  }

  private clearDisk(): void {
    const file = this.options.file;
    if (!file) return;
    this.onDisk = false;
    this.write(() => rm(file, { force: true }));
  }

  private write(work: () => Promise<void>): void {
    const next = this.disk.then(work).catch((err: unknown) => {
      this.options.log.error(`MQTT outbox: cannot write ${this.options.file}: ${errorMessage(err)}`);
    });
    this.disk = next;
    guard(this.options.log, 'MQTT outbox write', next);
  }
}

function parseLine(line: string): OutMessage | undefined {
  try {
    const m = JSON.parse(line) as Partial<OutMessage>;
    if (typeof m.topic === 'string' && typeof m.payload === 'string' && typeof m.retain === 'boolean') {
      return { topic: m.topic, payload: m.payload, retain: m.retain };
    }
  } catch {
    // a line cut short by a kill: reported by the caller
  }
  return undefined;
}
