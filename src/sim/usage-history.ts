/**
 * The plugin's store as weeks of running would have left it, written before Homebridge starts: complete
 * days of half-hour energy and, in the scheduler's record, a sunny forecast remembered for each. A fresh
 * installation cannot pass the replaced product's data condition (5 sunny days of the same day type), so
 * AI solar charge would wait weeks; the demo (with the simulated home's own past) and the e2e tests (a
 * steady 600 W household) start from this instead, to see the plan act.
 */
import { DAY_MS, HALF_HOUR_MS, jstTime, startOfJstDay } from '../scheduler/calendar.js';
import { STATE_KEY } from '../scheduler/inputs/recorded.js';
import { History, storeDirectory } from '../store/history.js';
import { isRecord } from '../util/json.js';
import { silentLogger } from '../util/log.js';
import type { SimulatedHome } from './home.js';

/** One half-hour's energy by source, kWh, as the recorder keeps it. */
export interface PastHalfHour {
  readonly bought: number;
  readonly sold: number;
  readonly generated: number;
}

/** A steady 600 W household without panels: 0.3 kWh bought every half-hour. */
const STEADY_600_W = (): PastHalfHour => ({ bought: 0.3, sold: 0, generated: 0 });

/**
 * Writes the `days` whole JST days before the day of `now`, each half-hour from `past`, and remembers a
 * sunny forecast for each (merged into whatever scheduler record is there). Overwrites those half-hours:
 * callers check hasUsageHistory first where the store may be someone's.
 */
export async function seedUsageHistory(homebridgeStorage: string, days: number, now = Date.now(), past: (start: number) => PastHalfHour = STEADY_600_W): Promise<void> {
  const history = await History.open({ dir: storeDirectory(homebridgeStorage), log: silentLogger });
  const weather: Record<string, { weatherClass: 'sunny' }> = {};
  for (let d = days; d >= 1; d--) {
    const dayStart = startOfJstDay(now) - d * DAY_MS;
    weather[jstTime(dayStart).dateKey] = { weatherClass: 'sunny' };
    for (let i = 0; i < 48; i++) {
      const start = dayStart + i * HALF_HOUR_MS;
      const { bought, sold, generated } = past(start);
      await history.recordSlot({ start, kwh: { bought, sold, generated } });
    }
  }
  const stored = await history.storage.get<unknown>(STATE_KEY);
  const state = isRecord(stored) ? stored : {};
  const memory = isRecord(state.memory) ? state.memory : {};
  const known = isRecord(memory.days) ? memory.days : {};
  await history.storage.set(STATE_KEY, { ...state, memory: { ...memory, days: { ...known, ...weather } } });
  await history.settled();
}

/** Whether the store holds any half-hour in [from, to). */
export async function hasUsageHistory(homebridgeStorage: string, from: number, to: number): Promise<boolean> {
  const history = await History.open({ dir: storeDirectory(homebridgeStorage), log: silentLogger });
  return (await history.slots(from, to)).length > 0;
}

/**
 * The simulated home's own past: its household load and its sun with no device running
 * (SimulatedHome.baseHalfHour), which is also what its meter reports for the days before it started.
 * The devices stay out: their energy in the store without the recorder's per-device columns would be
 * taken for household load.
 */
export function pastOf(home: SimulatedHome): (start: number) => PastHalfHour {
  return (start) => {
    const e = home.baseHalfHour(start);
    return { bought: e.boughtKwh, sold: e.soldKwh, generated: e.generatedKwh };
  };
}
