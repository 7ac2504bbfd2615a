/**
 * What the soak asserts about its outcome, as pure functions of what the store, the broker and the log
 * held at the end: each returns the problems found (an empty list when all is well).
 */
import type { Decision, EnergySlot } from '../../src/store/history.js';
import type { HalfHourRecord } from '../../src/wisun/history.js';
import { FAULTS, type FaultKind } from './faults.js';
import type { Episode } from './plan.js';

const HALF_HOUR_MS = 1_800_000;

export interface StoreAtEnd {
  readonly slots: EnergySlot[];
  readonly meterRecords: HalfHourRecord[];
  readonly decisions: Decision[];
  /** The simulated meter's counters at each half-hour boundary (the truth the store is compared with). */
  readonly meter: Record<string, { boughtKwh: number; soldKwh: number } | undefined>;
}

/** The simulated meter counts in 0.1 kWh on six digits (src/sim/dongle/meter-object.ts): what it reports. */
const reported = (kwh: number): number => Math.round(kwh / 0.1) % 1_000_000;

/**
 * The product's promise for the half-hour history: every half-hour has bought and sold energy, exact to
 * the meter's own counters, whatever happened meanwhile. Outages of the link, of Homebridge and of the
 * disk are mended from the meter's records (EA/EB, or the E2/E4 day history back-filled later); a
 * half-hour only the disk-full window lost is back-filled once the disk has room again, so no slot may
 * be missing, nor differ from the meter.
 */
export function historyProblems(store: StoreAtEnd, from: number, to: number): string[] {
  const problems: string[] = [];
  const slots = new Map(store.slots.map((s) => [s.start, s]));
  for (let t = from; t < to; t += HALF_HOUR_MS) {
    const slot = slots.get(t);
    const at = new Date(t).toISOString();
    if (slot?.kwh.bought === undefined || slot.kwh.sold === undefined) {
      problems.push(`${at}: no grid energy in the history`);
      continue;
    }
    const [a, b] = [store.meter[t], store.meter[t + HALF_HOUR_MS]];
    if (!a || !b) continue;
    for (const [key, counter] of [
      ['bought', 'boughtKwh'],
      ['sold', 'soldKwh'],
    ] as const) {
      const want = (reported(b[counter]) - reported(a[counter])) / 10;
      if (Math.abs(slot.kwh[key]! - want) > 1e-6) problems.push(`${at}: ${key} ${slot.kwh[key]} kWh in the history, the meter says ${want.toFixed(1)}`);
    }
  }
  return problems;
}

interface DecisionEntry {
  readonly about: string;
  readonly code: string;
  readonly text: string;
}

/** What the executor writes to hand a device back (src/scheduler/executor.ts OFF): allowed with a gate closed. */
const HAND_BACK: Readonly<Record<string, string>> = { ecocute: 'automatic', battery: 'automatic', ev: 'standby' };

/**
 * Scheduler decisions against its gates, in the order of the decision log: once a device's gates are
 * closed ('gate-closed'), no write may take it over until they open again; only hand-backs are allowed.
 * While the disk is full the store loses decisions (the plugin logs each one), so a write whose last
 * gate verdict lies before the end of a disk-full window that began before the write is not judged:
 * the verdict that mattered may be the one lost.
 */
export function decisionProblems(
  decisions: readonly Decision[],
  diskFull: readonly { readonly start: number; readonly end: number }[],
): { problems: string[]; gates: number; writes: number; unjudged: number } {
  const verdicts = new Map<string, { closed: boolean; at: number }>();
  const problems: string[] = [];
  let [gates, writes, unjudged] = [0, 0, 0];
  for (const { at, decision } of decisions) {
    const e = decision as DecisionEntry;
    if (e.code === 'gate-closed' || e.code === 'gate-open') {
      gates++;
      verdicts.set(e.about, { closed: e.code === 'gate-closed', at });
      continue;
    }
    if (e.code !== 'write') continue;
    writes++;
    const verdict = verdicts.get(e.about);
    if (!verdict || diskFull.some((w) => verdict.at < w.end && w.start < at)) {
      unjudged++;
      continue;
    }
    const target = /: set (\S+) \(/.exec(e.text)?.[1];
    if (verdict.closed && target !== HAND_BACK[e.about]) {
      problems.push(`${new Date(at).toISOString()}: ${e.about} written while its gates were closed: ${e.text}`);
    }
  }
  return { problems, gates, writes, unjudged };
}

/** Lines that mean the process hit something nobody handled. */
const UNHANDLED = /unhandled ?rejection|uncaught ?exception/i;

/**
 * Each injected kind's line at least once per episode that no other fault masked (see FaultSpec.maskedBy):
 * a fault masks while it lasts and for `shadow.recoveryMs` after (the plugin reopening and rejoining),
 * a SIGKILL for `shadow.killMs` after it (Homebridge's restart). No unhandled error anywhere.
 */
export function logProblems(log: string, episodes: readonly Episode[], shadow: { readonly killMs: number; readonly recoveryMs: number }): string[] {
  const lines = log.split('\n');
  const problems: string[] = [];
  const unhandled = lines.filter((l) => UNHANDLED.test(l));
  if (unhandled.length > 0) problems.push(`unhandled errors in the log:\n${unhandled.slice(0, 5).join('\n')}`);
  const shadowEnd = (o: Episode) => (o.kind === 'homebridge-kill' ? o.start + shadow.killMs : o.end + shadow.recoveryMs);
  const masked = (e: Episode) => episodes.some((o) => FAULTS[e.kind].maskedBy.includes(o.kind) && o.start <= e.end && e.start <= shadowEnd(o));
  const kinds = new Set(episodes.map((e) => e.kind));
  for (const kind of kinds) {
    const line = FAULTS[kind].logLine;
    if (!line) continue;
    const own = episodes.filter((e) => e.kind === kind);
    const clear = own.filter((e) => !masked(e)).length;
    const seen = lines.filter((l) => line.test(l)).length;
    if (seen < clear) problems.push(`${kind}: injected ${own.length} time(s) (${clear} unmasked), but ${line} is in the log ${seen} time(s)`);
  }
  return problems;
}
