/**
 * The five ways of running the same home that the benchmark compares, each a controller that is asked
 * for a command at the start of every half-hour:
 * - none: every device on its own timer;
 * - aiseg2: the replaced product's rules (planner/aiseg2.ts), decided once a day at 00:30;
 * - reactive: evcc-like surplus following (regulator.ts) on top of the timers;
 * - planner: the MILP planner with re-planning and hysteresis, on realistic forecasts, planning on the
 *   PV quantile that the tariff makes the break-even (pvFactor);
 * - optimum: the same planner given the actual future (perfect foresight): the physical limit.
 */
import type { Highs } from 'highs';
import { buyPriceRange } from '../tariff.js';
import { dayType, jstTime, startOfJstDay, DAY_MS, HALF_HOUR_MS } from '../calendar.js';
import { dataCondition, dayUsage, type DayUsage } from '../load-history.js';
import { planningCorrection, type ForecastOutcome } from '../forecast/correction.js';
import { aiseg2Plan } from '../planner/aiseg2.js';
import { replan } from '../planner/replan.js';
import type { Plan, SlotDecision } from '../planner/types.js';
import { DEFAULT_REGULATOR, REGULATOR_OFF, regulate, type RegulatorState } from '../regulator.js';
import type { ReplayConfig } from './config.js';
import { OWN_TIMERS, SELF_CONSUMPTION, type BatteryControl, type SimulatedHome, type SlotCommand, type SlotOutcome } from './devices.js';
import { Forecaster, type ForecastMode, type Truth } from './forecast.js';
import type { CarWeek } from './household.js';
import { buildPlanInput, expectedTripKwh, type DeviceStatus } from './plan-input.js';

const SLOT_H = 0.5;

export interface ReplayContext {
  readonly config: ReplayConfig;
  readonly truth: Truth;
  readonly car: CarWeek;
  readonly highs: Highs;
}

/** What a controller can see at the start of slot i: the home's devices as they report themselves. */
interface SlotView {
  readonly i: number;
  readonly home: SimulatedHome;
  readonly status: DeviceStatus;
  /** The meter and the devices' own readings over the previous half-hour. */
  readonly last?: SlotOutcome;
}

/** A half-hour whose grid exchange missed the plan's by more than this re-plans at once, kWh. */
const DEVIATION_KWH = 0.4;
/** A run the regulator held back by more than this re-plans at once (the plugin re-plans every half-hour), kWh. */
const HELD_BACK_KWH = 0.1;

export interface Strategy {
  command(view: SlotView): SlotCommand;
  /** Wall time of each (re-)plan, ms. */
  readonly planningMs: number[];
}

export type StrategyName = 'none' | 'aiseg2' | 'reactive' | 'planner' | 'planner_b' | 'optimum';

export function makeStrategy(name: StrategyName, ctx: ReplayContext): Strategy {
  switch (name) {
    case 'none':
      return { command: () => OWN_TIMERS, planningMs: [] };
    case 'aiseg2':
      return new Aiseg2Strategy(ctx);
    case 'reactive':
      return new ReactiveStrategy(ctx);
    case 'planner':
      return new PlannerStrategy(ctx, 'history', ctx.config.replanEverySlots, ctx.config.replanThresholdYen);
    case 'planner_b':
      return new PlannerStrategy(ctx, 'skill', ctx.config.replanEverySlots, ctx.config.replanThresholdYen);
    case 'optimum':
      // knowing the future, re-planning only extends the horizon; no hysteresis is needed
      return new PlannerStrategy(ctx, 'perfect', 2 * ctx.config.replanEverySlots, 0);
  }
}

/** Maps a plan's decision for a slot onto the devices' controls, its surplus runs under the regulator. */
function commandOf(d: SlotDecision | undefined, config: ReplayConfig): SlotCommand {
  if (!d) return { heatTimer: false, heatShare: 0, evTimer: true, evKw: 0, battery: SELF_CONSUMPTION };
  const perSlot = config.ecocute ? config.ecocute.heatPumpKw * SLOT_H : 1;
  let battery: BatteryControl = SELF_CONSUMPTION;
  if (d.battery?.command === 'charge') battery = { kind: 'set', gridChargeKwh: Math.max(0, d.battery.kwh), surplus: true, discharge: false };
  if (d.battery?.command === 'standby') battery = { kind: 'set', gridChargeKwh: 0, surplus: true, discharge: false };
  const heat = d.ecocute?.heat === true;
  return {
    heatTimer: false,
    heatShare: heat ? d.ecocute!.kwh / perSlot : 0,
    evTimer: false,
    evKw: d.ev?.kw ?? 0,
    battery,
    regulated: { heat: d.ecocute?.followsSurplus ?? false, ev: d.ev?.followsSurplus ?? false, plannedImportKwh: d.importKwh },
  };
}

/** The decision's run that the regulator held back last half-hour, by more than HELD_BACK_KWH. */
function heldBack(d: SlotDecision, last: SlotOutcome): boolean {
  return (d.ecocute?.followsSurplus ? d.ecocute.kwh - last.heatKwh : 0) > HELD_BACK_KWH || (d.ev?.followsSurplus ? d.ev.kw * SLOT_H - last.evKwh : 0) > HELD_BACK_KWH;
}

class PlannerStrategy implements Strategy {
  readonly planningMs: number[] = [];
  private readonly forecaster: Forecaster;
  private plan: Plan | undefined;
  private planFrom = -Infinity;
  private factorOf: { day: number; factor: number } | undefined;
  /** Daily PV the forecaster gave at each past midnight (series index): a past forecast never changes. */
  private readonly issued = new Map<number, number>();

  constructor(
    private readonly ctx: ReplayContext,
    private readonly mode: ForecastMode,
    private readonly every: number,
    private readonly thresholdYen: number,
  ) {
    this.forecaster = new Forecaster(ctx.truth, mode, ctx.config.seed);
  }

  command({ i, status, last }: SlotView): SlotCommand {
    const { config, truth, car, highs } = this.ctx;
    const arrived = i > 0 && car.home[i] === true && car.home[i - 1] === false;
    const covered = this.plan ? i - this.planFrom < this.plan.decisions.length : false;
    // the live meter: a half-hour far off the plan (a forecast miss), or a run the regulator held back, is
    // re-planned without waiting
    const expected = this.plan?.decisions[i - 1 - this.planFrom];
    const deviated =
      expected !== undefined &&
      last !== undefined &&
      (Math.abs(last.exportKwh - last.importKwh - (expected.exportKwh - expected.importKwh)) > DEVIATION_KWH || heldBack(expected, last));
    if (!covered || arrived || deviated || i - this.planFrom >= this.every) {
      const t = truth.start[i]!;
      const endOfTomorrow = startOfJstDay(t) + 2 * DAY_MS;
      const n = Math.max(1, Math.min(config.maxHorizonSlots, (endOfTomorrow - t) / HALF_HOUR_MS, truth.start.length - i));
      const raw = this.forecaster.horizon(i, n);
      const pvFactor = this.pvFactor(i);
      const forecast = { ...raw, pvKwh: raw.pvKwh.map((x) => x * pvFactor) };
      const trip = this.mode === 'perfect' ? (k: number) => car.tripKwh[k] ?? 0 : (k: number) => expectedTripKwh(truth.start[k]!, config);
      const input = buildPlanInput(config, i, { start: truth.start.slice(i, i + n), ...forecast }, status, car, trip);
      const started = performance.now();
      this.plan = replan(highs, input, this.plan, this.thresholdYen).plan;
      this.planningMs.push(performance.now() - started);
      this.planFrom = i;
    }
    return commandOf(this.plan!.decisions[i - this.planFrom], config);
  }

  /**
   * The PV forecast is planned on at the quantile that balances the two ways of being wrong
   * (planningQuantile: with スマートライフS and an 8.5 yen sale, the 75th percentile), fitted to the
   * actual/forecast ratios of the forecaster's own day-ahead forecasts (issued at midnight) over the
   * last two weeks: only the past. A kWh bought at night or heated by the grid that the sun would have
   * supplied costs (night - sell); one the sun was expected to supply and did not costs (day - night).
   */
  private pvFactor(i: number): number {
    if (this.mode === 'perfect') return 1;
    const { truth, config } = this.ctx;
    const today = startOfJstDay(truth.start[i]!);
    if (this.factorOf?.day === today) return this.factorOf.factor;
    const midnight = i - (truth.start[i]! - today) / HALF_HOUR_MS;
    const outcomes: ForecastOutcome[] = [];
    for (let d = 1; d <= PV_RECORD_DAYS; d++) {
      const k = midnight - d * 48;
      if (k < 0) break;
      let forecast = this.issued.get(k);
      if (forecast === undefined) {
        forecast = this.forecaster.horizon(k, 48).pvKwh.reduce((a, v) => a + v, 0);
        this.issued.set(k, forecast);
      }
      outcomes.push({ dateKey: jstTime(truth.start[k]!).dateKey, actualKwh: truth.pvKwh.slice(k, k + 48).reduce((a, v) => a + v, 0), forecastKwh: forecast });
    }
    const range = buyPriceRange(config.tariff, today, today + DAY_MS);
    const factor = planningCorrection(outcomes, { lowestBuyYen: range.lowest, highestBuyYen: range.highest, sellYen: config.sellYenPerKwh }).factor;
    this.factorOf = { day: today, factor };
    return factor;
  }
}

/** Days of its own forecast record the planner's PV quantile is taken from. */
const PV_RECORD_DAYS = 14;

/** Sunny enough to count for the replaced product's usage-data condition: at least 70 % of the best recent day. */
const SUNNY_SHARE = 0.7;

class Aiseg2Strategy implements Strategy {
  readonly planningMs: number[] = [];
  private readonly forecaster: Forecaster;
  private day: { from: number; heat: number[]; evKw: number[]; nightTargetKwh: number | undefined } | undefined;

  constructor(private readonly ctx: ReplayContext) {
    this.forecaster = new Forecaster(ctx.truth, 'history', ctx.config.seed);
  }

  command({ i, home, status }: SlotView): SlotCommand {
    const { config, truth } = this.ctx;
    const t = truth.start[i]!;
    if (jstTime(t).minuteOfDay === 30 || !this.day) this.decideDay(i, status);
    const d = this.day!;
    const j = i - d.from;
    const perSlot = config.ecocute ? config.ecocute.heatPumpKw * SLOT_H : 1;
    let battery: BatteryControl = { kind: 'economy' };
    if (config.battery && d.nightTargetKwh !== undefined) {
      const night = jstTime(t).minuteOfDay / 60;
      const [from, to] = config.battery.nightWindow;
      battery =
        night >= from && night < to
          ? { kind: 'set', gridChargeKwh: Math.max(0, d.nightTargetKwh - home.batteryKwh) / config.battery.efficiency, surplus: false, discharge: false }
          : SELF_CONSUMPTION;
    }
    return { heatTimer: true, heatShare: (d.heat[j] ?? 0) / perSlot, evTimer: true, evKw: d.evKw[j] ?? 0, battery };
  }

  /** The day's decision from the forecast for 06:00-24:00, as the product makes it before the night. */
  private decideDay(i: number, status: DeviceStatus): void {
    const { config, truth, car } = this.ctx;
    const started = performance.now();
    const t = truth.start[i]!;
    const dayStart = startOfJstDay(t);
    const fromT = Math.max(t, dayStart + 6 * 3_600_000);
    const from = i + (fromT - t) / HALF_HOUR_MS;
    const n = Math.min(truth.start.length - from, (dayStart + DAY_MS - fromT) / HALF_HOUR_MS);
    if (n <= 0) {
      this.day = { from: i, heat: [], evKw: [], nightTargetKwh: undefined };
      return;
    }
    const f = this.forecaster.horizon(from, n);
    const input = buildPlanInput(config, from, { start: truth.start.slice(from, from + n), ...f }, status, car, (k) => expectedTripKwh(truth.start[k]!, config));
    const range = buyPriceRange(config.tariff, dayStart, dayStart + DAY_MS);
    const eco = config.ecocute;
    // the tank is full after the night timer; the morning's draws are what the window has to put back
    const windowDraws = f.drawKwh.slice(0, Math.max(0, f.pvKwh.findIndex((p, j) => p > f.loadKwh[j]!))).reduce((a, v) => a + v, 0);
    const plan = aiseg2Plan(input, {
      tariff: { kind: config.tariff.kind, highestYen: range.highest, lowestYen: range.lowest, sellYen: config.sellYenPerKwh },
      dataCondition: dataCondition(this.sunnyHistory(i), dayType(t)),
      ecocuteNeedKwh: eco ? windowDraws / eco.cop : 0,
      evNeedKwh: config.ev ? Math.max(0, config.ev.capacityKwh - Math.max(status.carKwh, config.ev.departureTargetKwh)) / config.ev.efficiency : 0,
      carHome: car.home.slice(from, from + n),
    });
    const lead = from - i;
    this.day = {
      from: i,
      heat: [...new Array<number>(lead).fill(0), ...plan.decisions.map((d) => d.ecocute?.kwh ?? 0)],
      evKw: [...new Array<number>(lead).fill(0), ...plan.decisions.map((d) => d.ev?.kw ?? 0)],
      nightTargetKwh: config.battery && plan.gates.find((g) => g.device === 'battery')?.allowed ? config.battery.capacityKwh - plan.batterySurplusKwh * config.battery.efficiency : undefined,
    };
    this.planningMs.push(performance.now() - started);
  }

  /** The last 56 days classified sunny or not from their own PV against the best recent day. */
  private sunnyHistory(i: number): DayUsage[] {
    const { truth } = this.ctx;
    const today = startOfJstDay(truth.start[i]!);
    const first = truth.start[0]!;
    const days: { key: string; pv: number; load: number[] }[] = [];
    for (let d = 56; d >= 1; d--) {
      const day = today - d * DAY_MS;
      const k0 = (day - first) / HALF_HOUR_MS;
      if (k0 < 0 || k0 + 48 > i) continue;
      days.push({ key: jstTime(day).dateKey, pv: truth.pvKwh.slice(k0, k0 + 48).reduce((a, v) => a + v, 0), load: truth.loadKwh.slice(k0, k0 + 48) });
    }
    const best = Math.max(0, ...days.map((d) => d.pv));
    return days.flatMap((d) => dayUsage(d.key, d.pv >= SUNNY_SHARE * best ? 'sunny' : 'cloudy', d.load) ?? []);
  }
}

class ReactiveStrategy implements Strategy {
  readonly planningMs: number[] = [];
  private heat: RegulatorState = REGULATOR_OFF;
  private charge: RegulatorState = REGULATOR_OFF;

  constructor(private readonly ctx: ReplayContext) {}

  /**
   * The regulators run minute by minute through the previous half-hour with its measured average
   * surplus (the replay has no finer data); the state they end in drives this half-hour. The heater has
   * priority over the car, and both over the battery, which charges from what is left.
   */
  command({ i }: SlotView): SlotCommand {
    const { config, truth, car } = this.ctx;
    if (i > 0) {
      const surplusKw = (truth.pvKwh[i - 1]! - truth.loadKwh[i - 1]!) / SLOT_H;
      const eco = config.ecocute;
      const ev = config.ev;
      for (let m = 0; m < 30; m++) {
        const t = truth.start[i - 1]! + m * 60_000;
        if (eco) this.heat = regulate(this.heat, t, surplusKw - this.heat.kw, { ...DEFAULT_REGULATOR, minKw: eco.heatPumpKw, maxKw: eco.heatPumpKw });
        if (ev) {
          this.charge = car.home[i - 1]
            ? regulate(this.charge, t, surplusKw - this.heat.kw - this.charge.kw, { ...DEFAULT_REGULATOR, minKw: ev.minKw, maxKw: ev.maxKw })
            : REGULATOR_OFF;
        }
      }
    }
    const evKw = this.charge.on && car.home[i] ? (config.ev?.control === 'onoff' ? config.ev.maxKw : this.charge.kw) : 0;
    return { heatTimer: true, heatShare: this.heat.on ? 1 : 0, evTimer: true, evKw, battery: SELF_CONSUMPTION };
  }
}
