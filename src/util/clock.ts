/**
 * Time is injected everywhere so that simulators, soak tests and the year replay can run faster than
 * real time through the same code paths as production.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
  /** Calls fn after ms of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * Real timers, compressed time: `speed` simulated milliseconds pass per real millisecond, starting at
 * `start`. The demo uses it to play a sunny day in minutes.
 */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(
    private readonly start: number,
    readonly speed: number,
  ) {}

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.speed;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    return { cancel: () => clearTimeout(t) };
  }
}

/** Time that moves only when told to; for unit tests and the year replay. */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Moves time forward, firing due timers in order (timers they set are honoured too). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fn();
    }
    this.current = end;
  }
}
