/**
 * The soak's schedule: for each fault kind, episodes at seeded random simulated times, so a failing run
 * is replayed exactly by its seed. Episodes of one kind never overlap (one dongle cannot be unplugged
 * twice); episodes of different kinds overlap freely, so faults meet on every part at once.
 */
import { hashUnit } from '../../src/sim/noise.js';
import { FAULTS, type FaultKind } from './faults.js';

export interface Episode {
  readonly kind: FaultKind;
  /** Its number within its kind. */
  readonly index: number;
  /** Simulated ms since the start of the fault period; `end` equals `start` for an instant fault. */
  readonly start: number;
  readonly end: number;
}

export interface Step {
  readonly at: number;
  readonly episode: Episode;
  readonly action: 'inject' | 'clear';
}

const DAY_MS = 86_400_000;

/**
 * Each kind's episodes, one in each of `perDay x days` equal slices of the period, placed at random in
 * its slice. SIGKILLs stay in the first half (`killsBefore` of it): the memory check needs one long
 * Homebridge process at the end.
 */
export function planFaults(seed: number, periodMs: number, killsBefore: number): Episode[] {
  const episodes: Episode[] = [];
  const kinds = Object.keys(FAULTS) as FaultKind[];
  kinds.forEach((kind, stream) => {
    const spec = FAULTS[kind];
    const span = kind === 'homebridge-kill' ? periodMs * killsBefore : periodMs;
    const count = Math.max(1, Math.round((spec.perDay * periodMs) / DAY_MS));
    const slice = span / count;
    for (let i = 0; i < count; i++) {
      const r = (n: number) => hashUnit(seed, stream, i * 2 + n);
      const duration = Math.min(spec.minMs + r(0) * (spec.maxMs - spec.minMs), slice / 2);
      const start = Math.round(i * slice + r(1) * (slice - duration));
      episodes.push({ kind, index: i, start, end: start + Math.round(duration) });
    }
  });
  return episodes;
}

/** The plan as actions in time order (an instant fault has no clear). */
export function stepsOf(episodes: readonly Episode[]): Step[] {
  const steps: Step[] = [];
  for (const episode of episodes) {
    steps.push({ at: episode.start, episode, action: 'inject' });
    if (FAULTS[episode.kind].clear) steps.push({ at: episode.end, episode, action: 'clear' });
  }
  return steps.sort((a, b) => a.at - b.at || (a.action === 'clear' ? -1 : 1));
}
