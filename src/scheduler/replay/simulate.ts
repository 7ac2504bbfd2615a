/**
 * The year replay (reference/scheduler.md, "The benchmark"): real household PV and load in half-hours,
 * simulated EcoCute, EV and battery, and every strategy run on the same data from the same start.
 * Headline: captured saving = (cost_none - cost_planner) / (cost_none - cost_optimum).
 */
import { jstTime } from '../calendar.js';
import { loadSolver } from '../planner/solver.js';
import { plan as makePlan } from '../planner/plan.js';
import type { SlotDecision } from '../planner/types.js';
import { resolveConfig, type ReplayConfig } from './config.js';
import { parseHouseholdCsv } from './csv.js';
import { SimulatedHome, type SlotOutcome, type SlotTruth } from './devices.js';
import { carWeek, hotWaterDrawKwh } from './household.js';
import { MetricsRecorder, type StrategyMetrics } from './metrics.js';
import { buildPlanInput, expectedTripKwh, type DeviceStatus } from './plan-input.js';
import { makeStrategy, type ReplayContext, type StrategyName } from './strategies.js';
import type { Truth } from './forecast.js';

export const ALL_STRATEGIES: readonly StrategyName[] = ['none', 'aiseg2', 'reactive', 'planner', 'planner_b', 'optimum'];

export interface SimulateOptions {
  /** Days to replay (default: all the data after the history the forecasts learn from). */
  readonly days?: number;
  /** Whole days of data before the replay starts, seen by the forecasts only (default 14, or 1 for short files). */
  readonly historyDays?: number;
  readonly strategies?: readonly StrategyName[];
}

export interface ReplayResult {
  /** (cost_none - cost_planner) / (cost_none - cost_optimum), with forecasts from the home's own history (mode a). */
  readonly captured_saving: number | null;
  /** The same with forecasts of published day-ahead skill (mode b). */
  readonly captured_saving_b: number | null;
  /** The planner's service: share of days with enough hot water / of departures at target (the smaller). */
  readonly service_met: number | null;
  readonly switches_per_day: number | null;
  readonly days: number;
  readonly firstDay: string;
  readonly strategies: Partial<Record<StrategyName, StrategyMetrics>>;
}

function truthOf(csvText: string, config: ReplayConfig): { truth: Truth; ctx: Omit<ReplayContext, 'highs'> } {
  const series = parseHouseholdCsv(csvText);
  const drawKwh = series.start.map((t) => (config.ecocute ? hotWaterDrawKwh(t, config.ecocute, config.seed) : 0));
  const truth: Truth = { ...series, drawKwh };
  const car = config.ev ? carWeek(series.start, config.ev, config.seed) : { home: series.start.map(() => false), tripKwh: series.start.map(() => 0) };
  return { truth, ctx: { config, truth, car } };
}

/** Value of the energy stored in the devices, at the cheapest price it could be bought back for. */
function storedValueYen(config: ReplayConfig, s: { tank: number; battery: number; car: number }, cheapest: number): number {
  return (
    (config.ecocute ? (s.tank / config.ecocute.cop) * cheapest : 0) +
    (config.battery ? s.battery * config.battery.efficiency * cheapest : 0) +
    (config.ev ? (s.car / config.ev.efficiency) * cheapest : 0)
  );
}

export async function simulateYear(csvText: string, config: Partial<ReplayConfig> = {}, opts: SimulateOptions = {}): Promise<ReplayResult> {
  const resolved = resolveConfig(config);
  const { truth, ctx } = truthOf(csvText, resolved);
  const highs = await loadSolver();
  const firstMidnight = truth.start.findIndex((t) => jstTime(t).minuteOfDay === 0);
  const availableDays = Math.floor((truth.start.length - Math.max(0, firstMidnight)) / 48);
  const historyDays = opts.historyDays ?? (availableDays >= 28 ? 14 : 1);
  const from = Math.max(0, firstMidnight) + historyDays * 48;
  const days = Math.min(opts.days ?? Infinity, Math.floor((truth.start.length - from) / 48));
  if (days < 1) throw new RangeError(`not enough data: ${availableDays} whole day(s), ${historyDays} kept as history`);
  const to = from + days * 48;
  const cheapest = Math.min(...truth.start.slice(from, from + 48 * 7).map((t) => resolved.tariff.buyPrice(t)));
  const strategies: Partial<Record<StrategyName, StrategyMetrics>> = {};
  for (const name of opts.strategies ?? ALL_STRATEGIES) {
    const home = new SimulatedHome(resolved);
    const startValue = storedValueYen(resolved, home.stored(), cheapest);
    const strategy = makeStrategy(name, { ...ctx, highs });
    const metrics = new MetricsRecorder(resolved);
    const onOff = { heating: false, heatSlots: 0, charging: false, chargeSlots: 0, gridCharging: false };
    let last: SlotOutcome | undefined;
    for (let i = from; i < to; i++) {
      const slot: SlotTruth = {
        start: truth.start[i]!,
        loadKwh: truth.loadKwh[i]!,
        pvKwh: truth.pvKwh[i]!,
        drawKwh: truth.drawKwh[i]!,
        carHome: ctx.car.home[i]!,
        tripKwh: ctx.car.tripKwh[i]!,
      };
      metrics.departure(home.beginSlot(slot));
      const status: DeviceStatus = {
        tankKwh: home.tankKwh,
        tankCapacityKwh: home.tankCapacityKwh,
        batteryKwh: home.batteryKwh,
        carKwh: home.carKwh,
        heating: onOff.heating,
        heatSlotsInState: onOff.heatSlots,
        charging: onOff.charging,
        chargeSlotsInState: onOff.chargeSlots,
        batteryGridCharging: onOff.gridCharging,
      };
      const command = strategy.command({ i, home, status, last });
      const out = home.step(slot, command);
      last = out;
      metrics.record(slot, command, out);
      const heating = out.heatKwh > 1e-9;
      const charging = out.evKwh > 1e-9;
      onOff.heatSlots = heating === onOff.heating ? onOff.heatSlots + 1 : 1;
      onOff.chargeSlots = charging === onOff.charging ? onOff.chargeSlots + 1 : 1;
      onOff.heating = heating;
      onOff.charging = charging;
      onOff.gridCharging = command.battery.kind === 'set' && command.battery.gridChargeKwh > 0;
    }
    const endValue = storedValueYen(resolved, home.stored(), cheapest);
    strategies[name] = metrics.summary(days, endValue - startValue, strategy.planningMs);
  }
  const captured = (p: StrategyMetrics | undefined): number | null => {
    const none = strategies.none?.adjustedCostYen;
    const best = strategies.optimum?.adjustedCostYen;
    if (p === undefined || none === undefined || best === undefined || none - best <= 1e-9) return null;
    return (none - p.adjustedCostYen) / (none - best);
  };
  return {
    captured_saving: captured(strategies.planner),
    captured_saving_b: captured(strategies.planner_b),
    service_met: strategies.planner?.serviceMet ?? null,
    switches_per_day: strategies.planner?.switchesPerDay ?? null,
    days,
    firstDay: jstTime(truth.start[from]!).dateKey,
    strategies,
  };
}

export interface DayPlan {
  readonly slots: readonly { start: string; pvKwh: number; loadKwh: number; buyYen: number; sellYen: number }[];
  readonly decisions: readonly SlotDecision[];
  readonly reasons: readonly { start: string; device: 'ecocute' | 'battery' | 'ev'; code: string; text: string }[];
  readonly objective: Awaited<ReturnType<typeof makePlan>>['objective'];
  readonly status: string;
}

/**
 * A plan for the slots of a CSV taken as the forecast (today and tomorrow), from the default device
 * states of the replay (tank half full, battery at its reserve, car at its target on the household's
 * weekday/holiday schedule).
 */
export async function planDay(csvText: string, config: Partial<ReplayConfig> = {}): Promise<DayPlan> {
  const resolved = resolveConfig(config);
  const { truth, ctx } = truthOf(csvText, resolved);
  const home = new SimulatedHome(resolved);
  const status: DeviceStatus = {
    tankKwh: home.tankKwh,
    tankCapacityKwh: home.tankCapacityKwh,
    batteryKwh: home.batteryKwh,
    carKwh: home.carKwh,
    heating: false,
    heatSlotsInState: 48,
    charging: false,
    chargeSlotsInState: 48,
    batteryGridCharging: false,
  };
  const drawMean = truth.start.map((t) => (resolved.ecocute ? hotWaterDrawKwh(t, resolved.ecocute, resolved.seed) : 0));
  const input = buildPlanInput(resolved, 0, { ...truth, drawKwh: drawMean }, status, ctx.car, (k) => expectedTripKwh(truth.start[k]!, resolved));
  const p = await makePlan(input);
  const iso = (t: number) => new Date(t + 9 * 3_600_000).toISOString().replace('.000Z', '+09:00');
  const reasons: DayPlan['reasons'][number][] = [];
  p.decisions.forEach((d) => {
    for (const device of ['ecocute', 'battery', 'ev'] as const) {
      const r = d[device]?.reason;
      if (r) reasons.push({ start: iso(d.start), device, code: r.code, text: r.text });
    }
  });
  return {
    slots: input.slots.map((s) => ({ start: iso(s.start), pvKwh: s.pvKwh, loadKwh: s.loadKwh, buyYen: s.buyYen, sellYen: s.sellYen })),
    decisions: p.decisions,
    reasons,
    objective: p.objective,
    status: p.status,
  };
}

