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
 * Real timers, compressed time: `speed` simulated milliseconds pass per real millisecond; the clock shows
 * `start` at the real instant `realStart` (now by default), so separate processes given the same three
 * numbers share one simulated time, also across restarts. The demo uses it to play a sunny day in minutes.
 *
 * `minRealMs` keeps timeouts meaningful against real sockets and ptys, whose latency does not compress:
 * a timer never fires sooner than min(ms, minRealMs) of real time. It may then fire late in simulated
 * time, which every timer user already tolerates (a loaded event loop does the same); none fires early.
 */
export class ScaledClock implements Clock {
  private readonly realStart: number;
  private readonly minRealMs: number;
  constructor(
    private readonly start: number,
    readonly speed: number,
    options: { readonly realStart?: number; readonly minRealMs?: number } = {},
  ) {
    this.realStart = options.realStart ?? Date.now();
    this.minRealMs = options.minRealMs ?? 0;
  }

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.speed;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms / this.speed, Math.min(ms, this.minRealMs)));
    return { cancel: () => clearTimeout(t) };
  }
}

/**
 * Test-only: the environment variable that runs the plugin on compressed time (soak tests), as
 * '<simulated start ms>:<speed>:<real start ms>'. Unset in production, where the system clock is used.
 */
export const SIMULATED_CLOCK_ENV = 'HEMS_SIMULATED_CLOCK';

/**
 * Under compressed time a request's timeout still has to cover real round trips (a pty 12-26 ms, UDP on a
 * loaded machine up to a few hundred): no timer waits less real time than this, or than its own length.
 */
const SIMULATED_MIN_REAL_MS = 500;

export interface SimulatedTime {
  readonly start: number;
  readonly speed: number;
  readonly realStart: number;
}

export function formatSimulatedTime(t: SimulatedTime): string {
  return `${t.start}:${t.speed}:${t.realStart}`;
}

/** The clock a SIMULATED_CLOCK_ENV value describes, or why the value is not one. */
export function parseSimulatedTime(text: string): { ok: true; time: SimulatedTime; clock: ScaledClock } | { ok: false; reason: string } {
  const parts = text.split(':').map(Number);
  const [start, speed, realStart] = parts;
  if (parts.length !== 3 || !parts.every(Number.isFinite) || start === undefined || speed === undefined || realStart === undefined || speed <= 0) {
    return { ok: false, reason: `"${text}" is not '<simulated start ms>:<speed>:<real start ms>' with a positive speed` };
  }
  const time = { start, speed, realStart };
  return { ok: true, time, clock: new ScaledClock(start, speed, { realStart, minRealMs: SIMULATED_MIN_REAL_MS }) };
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
