/**
 * The plugin's store as weeks of running would have left it, written before Homebridge starts: complete
 * days of half-hour energy (a steady 600 W household) and, in the scheduler's record, a sunny forecast
 * remembered for each. A fresh installation cannot pass the replaced product's data condition (5 sunny
 * days of the same day type); this lets an e2e test see the plan act.
 */
import { DAY_MS, HALF_HOUR_MS, jstTime, startOfJstDay } from '../../src/scheduler/calendar.js';
import { STATE_KEY } from '../../src/scheduler/inputs/recorded.js';
import { History, storeDirectory } from '../../src/store/history.js';
import { silentLogger } from '../../src/util/log.js';

/** kWh bought per half-hour: 600 W. */
const LOAD_KWH = 0.3;

export async function seedUsageHistory(homebridgeStorage: string, days: number, now = Date.now()): Promise<void> {
  const history = await History.open({ dir: storeDirectory(homebridgeStorage), log: silentLogger });
  const weather: Record<string, { weatherClass: 'sunny' }> = {};
  for (let d = days; d >= 1; d--) {
    const dayStart = startOfJstDay(now) - d * DAY_MS;
    weather[jstTime(dayStart).dateKey] = { weatherClass: 'sunny' };
    for (let i = 0; i < 48; i++) await history.recordSlot({ start: dayStart + i * HALF_HOUR_MS, kwh: { bought: LOAD_KWH, sold: 0, generated: 0 } });
  }
  await history.storage.set(STATE_KEY, { memory: { days: weather } });
  await history.settled();
}
