/**
 * A history writer to be killed: continues the half-hours from where the store ends and prints
 * `ok <n>` after each one is on disk (recordSlot resolved), so the killer knows what was promised.
 * Slot n starts at BASE + n half-hours and holds {bought: n, sold: n / 2, device/x: -n}; every fifth slot
 * also records an event, every seventh a decision, and now and then a backup is made.
 */
import { History, HALF_HOUR_MS } from '../../src/store/history.js';
import { createBackup, recoverFromBackups } from '../../src/store/backup.js';
import { consoleLogger } from '../../src/util/log.js';

export const BASE = Date.UTC(2026, 0, 1);

const dir = process.argv[2]!;
const history = await History.open({ dir, log: consoleLogger('writer'), recover: recoverFromBackups(dir) });
const existing = await history.slots(BASE, BASE + 10 * 365 * 48 * HALF_HOUR_MS);
let n = existing.length;
for (;;) {
  const start = BASE + n * HALF_HOUR_MS;
  await history.recordSlot({ start, kwh: { bought: n, sold: n / 2, 'device/x': 0 - n || 0 } });
  if (n % 5 === 0) await history.recordEvent({ at: start, device: 'x', kind: 'operation', detail: `step ${n}` });
  if (n % 7 === 0) await history.recordDecision({ at: start, decision: { n } });
  if (n % 97 === 0) await createBackup(dir, start + Math.floor(Math.random() * 1000), 3);
  process.stdout.write(`ok ${n}\n`);
  n++;
}
