/**
 * How the simulated dongle's bytes reach the host: the device end of a pty (real serial code path on
 * the host side) or an in-memory port object (unit tests without socat).
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { Duplex } from 'node:stream';
import type { SerialLike } from '../../wisun/skstack.js';

export interface Wire {
  write(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** Retry interval when the pty buffer is full (the host is not reading). */
const EAGAIN_RETRY_MS = 5;

export class PtyWire implements Wire {
  private readonly fd: number;
  private readonly input: ReadStream;
  /** Created up front: the stream may close by itself (the host end vanished) before close() is called. */
  private readonly inputClosed: Promise<void>;
  private pending: Buffer[] = [];
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(path: string, onData: (chunk: Uint8Array) => void) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
    try {
      // tty.ReadStream reads without blocking a thread-pool thread, and raw mode keeps bytes untouched.
      this.input = new ReadStream(this.fd);
      this.input.setRawMode(true);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
    this.inputClosed = new Promise((resolve) => this.input.once('close', () => resolve()));
    this.input.on('data', (chunk: Buffer) => onData(chunk));
    this.input.on('error', () => this.close()); // the host end went away: behave as unplugged
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    this.pending.push(Buffer.from(bytes));
    this.flush();
  }

  /** Writes in order; the fd is non-blocking (libuv made it so), so a full buffer means try again. */
  private flush(): void {
    this.retry = undefined;
    while (this.pending.length > 0 && !this.closed) {
      const head = this.pending[0]!;
      let n: number;
      try {
        n = writeSync(this.fd, head);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          this.retry = setTimeout(() => this.flush(), EAGAIN_RETRY_MS);
          return;
        }
        this.pending = []; // EIO and friends: nobody is listening any more
        return;
      }
      if (n < head.length) this.pending[0] = head.subarray(n);
      else this.pending.shift();
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.pending = [];
    this.input.destroy(); // closes the fd
    return this.inputClosed;
  }
}

/** The host's end of an in-memory wire: what a SerialPort would be. */
class MemoryPort extends Duplex implements SerialLike {
  constructor(private readonly toDongle: (chunk: Uint8Array) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const copy = Buffer.from(chunk);
    // Asynchronous like a real serial line, so that answers never arrive inside the write call.
    setImmediate(() => this.toDongle(copy));
    callback();
  }

  override _read(): void {}

  close(callback?: (err?: Error | null) => void): void {
    this.destroy();
    callback?.(null);
  }
}

export class MemoryWire implements Wire {
  readonly hostPort: MemoryPort;

  constructor(onData: (chunk: Uint8Array) => void) {
    this.hostPort = new MemoryPort(onData);
  }

  write(bytes: Uint8Array): void {
    if (!this.hostPort.destroyed) this.hostPort.push(Buffer.from(bytes));
  }

  close(): Promise<void> {
    if (this.hostPort.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.hostPort.once('close', () => resolve());
      this.hostPort.destroy();
    });
  }
}
