/**
 * The dashboard's data: one JSON document the platform writes and the Homebridge UI server reads. The
 * custom UI server is a separate process spawned by homebridge-config-ui-x, so it cannot see the
 * plugin's memory; this file is the one channel between them. buildStatus is pure (inputs in, document
 * out) so the shape and the sums are unit-testable without Homebridge.
 *
 * Units: W, kWh, yen, kg CO2; times are epoch ms; half-hours start at JST :00/:30.
 */
import { HALF_HOUR_MS, jstMidnight, jstTime, startOfJstDay } from '../scheduler/calendar.js';
import type { DeviceGates } from '../scheduler/gates.js';
import type { SchedulerStatus as ServiceStatus } from '../scheduler/service.js';
import type { DailyWeather, Forecast, WeatherWarning } from '../scheduler/forecast/types.js';
import type { Reason, SlotDecision } from '../scheduler/planner/types.js';
import { slotCost, type Tariff } from '../scheduler/tariff.js';
import type { EnergySlot } from '../store/history.js';
import type { HalfHourRecord } from '../wisun/history.js';
import type { HomeDevice } from '../home/index.js';
import { eojToHex } from '../echonet/eoj.js';

/** Bumped when a field changes meaning; the UI refuses documents of another version. */
export const STATUS_VERSION = 1;

/**
 * How a half-hour of today's series was obtained: 'live' recorded as it happened, 'backfill' read back
 * afterwards from the meter's own 30-minute memory (the plugin was down or the radio was out),
 * 'missing' neither, 'future' not over yet.
 */
type SlotMark = 'live' | 'backfill' | 'missing' | 'future';

interface StatusSlot {
  readonly start: number;
  /** What the home used: bought + generated - sold (surplus purchase), bought alone (full purchase). */
  readonly consumedKwh: number | null;
  readonly generatedKwh: number | null;
  readonly boughtKwh: number | null;
  readonly soldKwh: number | null;
  readonly mark: SlotMark;
}

/** Live powers, W. Grid: + buying, - selling. Battery and EV: + charging, - discharging. */
interface PowerFlow {
  /** The newest reading used, or null when nothing has been read yet. */
  readonly at: number | null;
  readonly gridW: number | null;
  readonly solarW: number | null;
  /** The house itself (EcoCute included): grid + solar - battery - EV; null unless grid is known. */
  readonly homeW: number | null;
  readonly battery: { readonly w: number | null; readonly socPct: number | null } | null;
  readonly ev: { readonly w: number | null; readonly socPct: number | null; readonly vehicle: string | null } | null;
  readonly ecocute: { readonly heating: boolean | null; readonly tankTempC: number | null; readonly remainingHotWaterL: number | null } | null;
}

interface Totals {
  readonly boughtKwh: number;
  readonly soldKwh: number;
  readonly generatedKwh: number;
  readonly consumedKwh: number;
  /** Null without a tariff. */
  readonly costYen: number | null;
  readonly earnedYen: number | null;
  readonly co2Kg: number | null;
  /** Half-hours that had data. */
  readonly slots: number;
}

/** One run of the same decision for one device, e.g. EcoCute heat 10:00-12:30 and why. */
interface PlanWindow {
  readonly device: 'ecocute' | 'battery' | 'ev';
  readonly from: number;
  readonly to: number;
  /** 'heat' | 'charge' | 'discharge' | 'standby' | 'auto' | 'idle'. */
  readonly action: string;
  readonly reason: Reason;
}

interface StatusWarning {
  readonly code: string;
  readonly text: string;
  readonly textJa?: string;
}

/** The scheduler service's status, reduced to what the dashboard shows. */
interface SchedulerStatus {
  /** The "AI solar charge" switch. */
  readonly enabled: boolean;
  readonly mode: string;
  readonly plannedAt: number | null;
  readonly planStatus: string | null;
  /** The plan in one sentence, as the service words it. */
  readonly summary: string | null;
  /** Today's windows in time order (idle runs of a device are left out), from the slots the service shares. */
  readonly plan: readonly PlanWindow[];
  readonly shortfalls: readonly Reason[];
  readonly gates: readonly DeviceGates[];
  /** Per device, the last thing done or why not. */
  readonly steps: readonly { readonly identity: string; readonly role: string; readonly code: string; readonly text: string }[];
}

export interface UiStatus {
  readonly version: typeof STATUS_VERSION;
  readonly generatedAt: number;
  readonly purchaseMode: 'surplus' | 'full';
  readonly flow: PowerFlow;
  /** What the plugin has found: the wizard lists these when the plugin's own socket keeps it from searching. */
  readonly devices: readonly {
    readonly identity: string;
    readonly kind: string;
    readonly address: string | null;
    /** Six hex digits for ECHONET devices, as discovery reports them. */
    readonly eoj: string | null;
    readonly online: boolean;
    readonly lastReadingAt: number | null;
  }[];
  readonly today: { readonly dayStart: number; readonly slots: readonly StatusSlot[] };
  readonly totals: { readonly today: Totals; readonly thisMonth: Totals; readonly lastMonthToDate: Totals; readonly lastMonth: Totals };
  readonly tariff: { readonly id: string; readonly name: string; readonly nameJa: string } | null;
  readonly scheduler: SchedulerStatus | null;
  readonly weather: {
    readonly source: string;
    readonly issuedAt: number;
    readonly today: DailyWeather | null;
    readonly tomorrow: DailyWeather | null;
    readonly warnings: readonly WeatherWarning[];
  } | null;
  readonly warnings: readonly StatusWarning[];
  /** Of today's finished half-hours: how many were recorded live, back-filled from the meter, or lost. */
  readonly completeness: { readonly finished: number; readonly live: number; readonly backfill: number; readonly missing: number };
}

export interface StatusInput {
  readonly now: number;
  readonly purchaseMode: 'surplus' | 'full';
  readonly devices: readonly HomeDevice[];
  /** History slots from the start of last month (JST) to now; older ones are ignored. */
  readonly slots: readonly EnergySlot[];
  /** The meter's half-hour counters of today (with their source), to fill and mark gaps in the history. */
  readonly meterRecords?: readonly HalfHourRecord[];
  readonly tariff?: Tariff;
  /** SchedulerService.status() as it is. */
  readonly scheduler?: ServiceStatus;
  readonly forecast?: Forecast;
  readonly warnings?: readonly StatusWarning[];
}

const SLOTS_PER_DAY = 48;

export function buildStatus(input: StatusInput): UiStatus {
  const { now } = input;
  const dayStart = startOfJstDay(now);
  const months = monthBounds(now);
  const slots = todaySlots(input, dayStart);
  const finished = slots.filter((s) => s.mark !== 'future');
  const count = (mark: SlotMark) => finished.filter((s) => s.mark === mark).length;
  const earlier = input.slots.filter((s) => s.start < dayStart).map((s) => energyOf(s.kwh, input.purchaseMode, s.start));
  const today = sum(slots.filter((s) => s.boughtKwh !== null), input.tariff);
  const before = (from: number, to: number) => sum(earlier.filter((s) => s.start >= from && s.start < to), input.tariff);
  return {
    version: STATUS_VERSION,
    generatedAt: now,
    purchaseMode: input.purchaseMode,
    flow: powerFlow(input.devices),
    devices: input.devices.map((d) => ({
      identity: d.identity,
      kind: d.kind,
      address: d.address ?? null,
      eoj: d.eoj === undefined ? null : eojToHex(d.eoj),
      online: d.online,
      lastReadingAt: lastReadingAt(d),
    })),
    today: { dayStart, slots },
    totals: {
      today,
      thisMonth: add(before(months.thisMonth, dayStart), today),
      lastMonthToDate: before(months.lastMonth, months.lastMonthSameTime),
      lastMonth: before(months.lastMonth, months.thisMonth),
    },
    tariff: input.tariff ? { id: input.tariff.id, name: input.tariff.name, nameJa: input.tariff.nameJa } : null,
    scheduler: input.scheduler ? schedulerStatus(input.scheduler, dayStart) : null,
    weather: input.forecast ? weather(input.forecast, now) : null,
    warnings: [...(input.warnings ?? []), ...(input.scheduler ? schedulerWarnings(input.scheduler) : [])],
    completeness: { finished: finished.length, live: count('live'), backfill: count('backfill'), missing: count('missing') },
  };
}

/** JST month starts around now, and the instant as far into last month as now is into this one. */
export function monthBounds(now: number): { thisMonth: number; lastMonth: number; lastMonthSameTime: number } {
  const t = jstTime(now);
  const thisMonth = jstMidnight({ year: t.year, month: t.month, day: 1 });
  const lastMonth = t.month === 1 ? jstMidnight({ year: t.year - 1, month: 12, day: 1 }) : jstMidnight({ year: t.year, month: t.month - 1, day: 1 });
  // a 31st has no twin in a 30-day month: stop at the end of last month
  return { thisMonth, lastMonth, lastMonthSameTime: Math.min(lastMonth + (now - thisMonth), thisMonth) };
}

interface SlotEnergy {
  readonly start: number;
  readonly boughtKwh: number | null;
  readonly soldKwh: number | null;
  readonly generatedKwh: number | null;
  readonly consumedKwh: number | null;
}

function energyOf(kwh: Readonly<Record<string, number>>, mode: 'surplus' | 'full', start: number): SlotEnergy {
  const bought = kwh.bought ?? null;
  const sold = kwh.sold ?? null;
  const generated = kwh.generated ?? null;
  return { start, boughtKwh: bought, soldKwh: sold, generatedKwh: generated, consumedKwh: consumed(mode, bought, sold, generated) };
}

function consumed(mode: 'surplus' | 'full', bought: number | null, sold: number | null, generated: number | null): number | null {
  if (bought === null) return null;
  // 全量買取: everything generated goes to the grid through its own meter, so the home uses what it buys
  if (mode === 'full') return bought;
  if (generated === null) return sold === null || sold === 0 ? bought : null;
  return round(Math.max(0, bought + generated - (sold ?? 0)));
}

function todaySlots(input: StatusInput, dayStart: number): StatusSlot[] {
  const history = new Map(input.slots.filter((s) => s.start >= dayStart).map((s) => [s.start, s.kwh]));
  const records = new Map((input.meterRecords ?? []).map((r) => [r.slotStart, r]));
  const out: StatusSlot[] = [];
  for (let i = 0; i < SLOTS_PER_DAY; i++) {
    const start = dayStart + i * HALF_HOUR_MS;
    const empty = { start, consumedKwh: null, generatedKwh: null, boughtKwh: null, soldKwh: null };
    if (start + HALF_HOUR_MS > input.now) {
      out.push({ ...empty, mark: 'future' });
      continue;
    }
    const kwh = history.get(start);
    if (kwh && kwh.bought !== undefined) {
      out.push({ ...energyOf(kwh, input.purchaseMode, start), mark: 'live' });
      continue;
    }
    // the meter fixes its counters at each boundary: the half-hour is the difference of its two ends
    const a = records.get(start);
    const b = records.get(start + HALF_HOUR_MS);
    if (a && b && b.boughtKwh >= a.boughtKwh) {
      const bought = b.boughtKwh - a.boughtKwh;
      const sold = a.soldKwh !== null && b.soldKwh !== null && b.soldKwh >= a.soldKwh ? b.soldKwh - a.soldKwh : null;
      const generated = kwh?.generated ?? null;
      const mark: SlotMark = a.source === 'backfill' || b.source === 'backfill' ? 'backfill' : 'live';
      out.push({ start, boughtKwh: round(bought), soldKwh: sold === null ? null : round(sold), generatedKwh: generated, consumedKwh: consumed(input.purchaseMode, bought, sold, generated), mark });
      continue;
    }
    out.push({ ...empty, mark: 'missing' });
  }
  return out;
}

function sum(slots: readonly SlotEnergy[], tariff: Tariff | undefined): Totals {
  let bought = 0;
  let sold = 0;
  let generated = 0;
  let use = 0;
  let cost = 0;
  let earned = 0;
  let co2 = 0;
  for (const s of slots) {
    bought += s.boughtKwh ?? 0;
    sold += s.soldKwh ?? 0;
    generated += s.generatedKwh ?? 0;
    use += s.consumedKwh ?? 0;
    if (tariff) {
      const c = slotCost(tariff, s.start, s.boughtKwh ?? 0, s.soldKwh ?? 0);
      cost += c.buyYen;
      earned += c.sellYen;
      co2 += c.co2Kg;
    }
  }
  return {
    boughtKwh: round(bought),
    soldKwh: round(sold),
    generatedKwh: round(generated),
    consumedKwh: round(use),
    costYen: tariff ? round(cost) : null,
    earnedYen: tariff ? round(earned) : null,
    co2Kg: tariff ? round(co2) : null,
    slots: slots.length,
  };
}

function add(a: Totals, b: Totals): Totals {
  const n = (x: number | null, y: number | null) => (x === null || y === null ? null : round(x + y));
  return {
    boughtKwh: round(a.boughtKwh + b.boughtKwh),
    soldKwh: round(a.soldKwh + b.soldKwh),
    generatedKwh: round(a.generatedKwh + b.generatedKwh),
    consumedKwh: round(a.consumedKwh + b.consumedKwh),
    costYen: n(a.costYen, b.costYen),
    earnedYen: n(a.earnedYen, b.earnedYen),
    co2Kg: n(a.co2Kg, b.co2Kg),
    slots: a.slots + b.slots,
  };
}

function powerFlow(devices: readonly HomeDevice[]): PowerFlow {
  const online = devices.filter((d) => d.online);
  const of = (kind: HomeDevice['kind']) => online.filter((d) => d.kind === kind);
  const value = <K extends keyof HomeDevice['readings']>(list: readonly HomeDevice[], key: K) => {
    const values = list.map((d) => d.readings[key]?.value).filter((v) => v !== undefined);
    return values.length > 0 ? values : null;
  };
  const total = (list: readonly HomeDevice[]): number | null => {
    const values = value(list, 'powerW') as number[] | null;
    return values ? values.reduce((a, b) => a + b, 0) : null;
  };
  const first = <T>(values: readonly T[] | null): T | null => values?.[0] ?? null;
  const meters = of('meter');
  const solar = of('solar');
  const batteries = of('battery');
  const evs = of('ev-charger');
  const heaters = of('water-heater');
  const gridW = total(meters);
  const solarW = total(solar);
  const batteryW = total(batteries);
  const evW = total(evs);
  const times = online.flatMap((d) => Object.values(d.readings).map((r) => (r as { at: number }).at));
  return {
    at: times.length > 0 ? Math.max(...times) : null,
    gridW,
    solarW,
    homeW: gridW === null ? null : Math.round(gridW + (solarW ?? 0) - (batteryW ?? 0) - (evW ?? 0)),
    battery: batteries.length > 0 ? { w: batteryW, socPct: first(value(batteries, 'socPct') as number[] | null) } : null,
    ev: evs.length > 0 ? { w: evW, socPct: first(value(evs, 'socPct') as number[] | null), vehicle: first(value(evs, 'vehicle') as string[] | null) } : null,
    ecocute:
      heaters.length > 0
        ? {
            heating: first(value(heaters, 'heating') as boolean[] | null),
            tankTempC: first(value(heaters, 'tankTempC') as number[] | null),
            remainingHotWaterL: first(value(heaters, 'remainingHotWaterL') as number[] | null),
          }
        : null,
  };
}

function lastReadingAt(d: HomeDevice): number | null {
  const times = Object.values(d.readings).map((r) => (r as { at: number }).at);
  return times.length > 0 ? Math.max(...times) : null;
}

function schedulerStatus(s: ServiceStatus, dayStart: number): SchedulerStatus {
  return {
    enabled: s.enabled,
    mode: s.mode,
    plannedAt: s.plan?.createdAt ?? null,
    planStatus: s.plan?.status ?? null,
    summary: s.plan?.text ?? null,
    plan: s.plan ? planWindows(s.plan.next, dayStart, dayStart + SLOTS_PER_DAY * HALF_HOUR_MS) : [],
    shortfalls: s.plan?.shortfalls ?? [],
    gates: s.gates,
    steps: s.devices.map((d) => ({ identity: d.identity, role: d.role, code: d.code, text: d.text })),
  };
}

/** What the homeowner should know from the scheduler: a stale or missing forecast, a weather warning in force. */
function schedulerWarnings(s: ServiceStatus): StatusWarning[] {
  const out: StatusWarning[] = [];
  if (s.forecast.status !== 'fresh') out.push({ code: `forecast-${s.forecast.status}`, text: s.forecast.message, textJa: s.forecast.messageJa });
  if (s.warning.active) out.push({ code: 'weather-warning', text: s.warning.message, textJa: s.warning.messageJa });
  return out;
}

/** Runs of consecutive half-hours with the same action per device, within [from, to), idle runs dropped. */
function planWindows(decisions: readonly SlotDecision[], from: number, to: number): PlanWindow[] {
  const windows: PlanWindow[] = [];
  const open = new Map<PlanWindow['device'], { from: number; to: number; action: string; reason: Reason }>();
  const close = (device: PlanWindow['device']) => {
    const w = open.get(device);
    if (w && w.action !== 'idle') windows.push({ device, ...w });
    open.delete(device);
  };
  for (const d of decisions) {
    if (d.start < from || d.start >= to) continue;
    const actions: [PlanWindow['device'], string, Reason][] = [];
    if (d.ecocute) actions.push(['ecocute', d.ecocute.heat ? 'heat' : 'idle', d.ecocute.reason]);
    if (d.battery) actions.push(['battery', d.battery.command, d.battery.reason]);
    if (d.ev) actions.push(['ev', d.ev.kw > 0 ? 'charge' : 'idle', d.ev.reason]);
    for (const [device, action, reason] of actions) {
      const w = open.get(device);
      if (w && w.action === action && w.to === d.start) {
        w.to = d.start + HALF_HOUR_MS;
        continue;
      }
      close(device);
      open.set(device, { from: d.start, to: d.start + HALF_HOUR_MS, action, reason });
    }
  }
  for (const device of [...open.keys()]) close(device);
  return windows.sort((a, b) => a.from - b.from || a.device.localeCompare(b.device));
}

function weather(f: Forecast, now: number): NonNullable<UiStatus['weather']> {
  const todayKey = jstTime(now).dateKey;
  const tomorrowKey = jstTime(now + 86_400_000).dateKey;
  return {
    source: f.source,
    issuedAt: f.issuedAt,
    today: f.days.find((d) => d.dateKey === todayKey) ?? null,
    tomorrow: f.days.find((d) => d.dateKey === tomorrowKey) ?? null,
    warnings: f.warnings,
  };
}

/** To the watt-hour / tenth of a yen is what a person reads; the rest is floating-point noise. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
