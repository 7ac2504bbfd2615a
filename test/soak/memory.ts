/**
 * Homebridge's resident memory (VmRSS) sampled over the soak, and the rule that says it stayed flat.
 *
 * The rule, over the samples of the last Homebridge process (the SIGKILLs happen earlier, see plan.ts)
 * after a warm-up fifth is dropped (modules, JIT code and the store's month caches settle there): split
 * the rest into quarters, and the last quarter's mean may exceed the second quarter's by at most
 * RSS_GROWTH_ALLOWED. Why this shape: V8's heap breathes with garbage collection (a sawtooth of several
 * MB, and old space grows in steps), so single samples or a fitted slope over a few minutes flag noise;
 * means over quarter-long windows average the sawtooth out. A leak, by contrast, grows with work done:
 * at the soak's rates (a few hundred MQTT messages, half-hours and polls per real second) anything kept
 * per message or per reading adds tens of MB between the second and last quarters, well past 15 %,
 * while a healthy process stays within a few per cent.
 */
import { readFileSync } from 'node:fs';

const RSS_GROWTH_ALLOWED = 0.15;
/** Fewer samples than this in the window and the rule cannot tell a trend: the check fails. */
const MIN_SAMPLES = 40;

export interface RssSample {
  readonly pid: number;
  readonly rssMb: number;
}

export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // the process is gone (a SIGKILL in progress)
  }
}

/** The quarters compared, and a problem when the memory grew. */
export function rssTrend(samples: readonly RssSample[]): { summary: string; problem?: string } {
  const lastPid = samples.at(-1)?.pid;
  const own = samples.filter((s) => s.pid === lastPid);
  const window = own.slice(Math.floor(own.length / 5));
  if (window.length < MIN_SAMPLES) {
    const summary = `only ${window.length} RSS samples of the last Homebridge process (need ${MIN_SAMPLES})`;
    return { summary, problem: summary };
  }
  const quarter = Math.floor(window.length / 4);
  const mean = (part: readonly RssSample[]) => part.reduce((sum, s) => sum + s.rssMb, 0) / part.length;
  const second = mean(window.slice(quarter, 2 * quarter));
  const last = mean(window.slice(3 * quarter));
  const values = samples.map((s) => s.rssMb);
  const summary =
    `${samples.length} samples, ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} MB; last process: ` +
    `mean ${second.toFixed(1)} MB in the second quarter, ${last.toFixed(1)} MB in the last (${window.length} samples after warm-up)`;
  return last > second * (1 + RSS_GROWTH_ALLOWED) ? { summary, problem: `memory grew more than ${RSS_GROWTH_ALLOWED * 100} %: ${summary}` } : { summary };
}
