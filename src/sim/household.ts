/**
 * Household base load (everything but the EcoCute, the EV and the battery, which are modelled on their
 * own): a Japanese family's day with a morning and an evening peak, a busier daytime at weekends, and
 * seeded noise so that no two days are alike but a seed always gives the same home.
 */
import { hashUnit, hashWobble } from './noise.js';
import { interpolateDaily, isWeekend, jst } from './jst.js';

export interface HouseholdOptions {
  readonly seed?: number;
  /** Multiplies the whole profile; 1 is about 9-10 kWh a day, a typical detached home without the EcoCute. */
  readonly scale?: number;
}

// Watts at hours of the day. Weekday: up at 6, out by 8:30, back from 17, bath and dinner 19-21.
const WEEKDAY: readonly (readonly [number, number])[] = [
  [0, 260], [5, 230], [6, 420], [7, 950], [8, 700], [9, 330], [12, 360], [16, 330],
  [17, 520], [18, 800], [19, 1150], [21, 950], [23, 520], [24, 260],
];
// Weekend: a later, flatter morning and people at home through the day.
const WEEKEND: readonly (readonly [number, number])[] = [
  [0, 300], [6, 240], [7, 380], [8, 800], [10, 700], [12, 850], [15, 600], [17, 650],
  [18, 900], [19, 1200], [21, 1000], [23, 560], [24, 300],
];

const STREAM_DAY = 1;
const STREAM_SLOT = 2;
const STREAM_BURST = 3;
const STREAM_BURST_LEN = 4;
const STREAM_BURST_SIZE = 5;
const SLOT_MS = 300_000; // noise changes every 5 minutes: appliances run for minutes, not seconds
const MINUTE_MS = 60_000;

export class HouseholdLoad {
  private readonly seed: number;
  private readonly scale: number;

  constructor(options: HouseholdOptions = {}) {
    this.seed = options.seed ?? 1;
    this.scale = options.scale ?? 1;
  }

  /** Household consumption in W at time t (ms since epoch). */
  powerAt(t: number): number {
    const time = jst(t);
    const base = interpolateDaily(isWeekend(time) ? WEEKEND : WEEKDAY, time.hour);
    const dayFactor = 1 + 0.15 * hashWobble(this.seed, STREAM_DAY, time.day);
    const slot = Math.floor(t / SLOT_MS);
    const slotFactor = 1 + 0.25 * hashWobble(this.seed, STREAM_SLOT, slot);
    return Math.max(80, this.scale * (base * dayFactor * slotFactor + this.burstW(t, base)));
  }

  /**
   * Short appliance bursts (kettle, microwave, dryer): more likely when the base load says people are
   * busy. A burst starts in a 5-minute slot and lasts 1-5 whole minutes of it.
   */
  private burstW(t: number, baseW: number): number {
    const slot = Math.floor(t / SLOT_MS);
    const chance = Math.min(0.35, baseW / 4000);
    if (hashUnit(this.seed, STREAM_BURST, slot) >= chance) return 0;
    const minutes = 1 + Math.floor(hashUnit(this.seed, STREAM_BURST_LEN, slot) * 5);
    const minuteInSlot = Math.floor((t - slot * SLOT_MS) / MINUTE_MS);
    return minuteInSlot < minutes ? 1000 + 400 * Math.floor(hashUnit(this.seed, STREAM_BURST_SIZE, slot) * 3) : 0;
  }
}
