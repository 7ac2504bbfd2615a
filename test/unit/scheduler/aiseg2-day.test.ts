/** The AiSEG2-compatible mode's day at run time: when the decision is due, what it covers, the EcoCute's need. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionDue, ecocuteNeedKwh, restOfToday, untilDecision } from '../../../src/scheduler/aiseg2-day.js';
import { jstMidnight } from '../../../src/scheduler/calendar.js';
import type { PlanInput } from '../../../src/scheduler/planner/types.js';

const DAY = jstMidnight({ year: 2026, month: 5, day: 12 });
const H = 3_600_000;
const SLOT = H / 2;

test('the decision is due once a day from its time; a start without one decides at once', () => {
  assert.equal(decisionDue(DAY + 0.25 * H, undefined, 0.5), true, 'no decision yet');
  assert.equal(decisionDue(DAY + 0.25 * H, '2026-05-11', 0.5), false, 'yesterday\'s stands until 00:30');
  assert.equal(decisionDue(DAY + 0.5 * H, '2026-05-11', 0.5), true);
  assert.equal(decisionDue(DAY + 13 * H, '2026-05-12', 0.5), false, 'made today already');
  assert.equal(untilDecision(DAY + 0.25 * H, 0.5), 0.25 * H);
  assert.equal(untilDecision(DAY + 0.5 * H, 0.5), 24 * H, 'at the time itself: tomorrow\'s is next');
  assert.equal(untilDecision(DAY + 10 * H, 0.5), 14.5 * H);
});

/** From `from` to the end of tomorrow; PV 10:00-14:00 each day; 0.2 kWh drawn every half-hour. */
function input(from: number): PlanInput {
  const n = (DAY + 48 * H - from) / SLOT;
  const slots = Array.from({ length: n }, (_, i) => {
    const start = from + i * SLOT;
    const hour = ((start - DAY) / H) % 24;
    return { start, pvKwh: hour >= 10 && hour < 14 ? 2 : 0, loadKwh: 0.3, buyYen: 30, sellYen: 8.5 };
  });
  const ecocute = { capacityKwh: 26, storedKwh: 16, heatPumpKw: 1.25, cop: 3.5, lossPerSlot: 0, drawKwh: new Array<number>(n).fill(0.2), reserveKwh: 3, heating: false, slotsInState: 48 };
  return { slots, ecocute };
}

test('the decision covers the rest of today only', () => {
  const day = restOfToday(input(DAY + 0.5 * H), DAY + 0.5 * H);
  assert.equal(day.slots.length, 47);
  assert.equal(day.ecocute!.drawKwh.length, 47);
});

test('the EcoCute needs what is drawn before the window: from the end of its night heating, or from now on top of what it lacks', () => {
  const night = { nightWindow: [1, 6] as const };
  // at 00:30 the night timer will fill the tank: 06:00-10:00 draws 8 x 0.2 kWh
  const early = DAY + 0.5 * H;
  assert.ok(Math.abs(ecocuteNeedKwh(restOfToday(input(early), early), early, night) - 1.6 / 3.5) < 1e-9);
  // at 08:00 the tank lacks 10 kWh and 08:00-10:00 draws 4 x 0.2 kWh more
  const morning = DAY + 8 * H;
  assert.ok(Math.abs(ecocuteNeedKwh(restOfToday(input(morning), morning), morning, night) - 10.8 / 3.5) < 1e-9);
});
