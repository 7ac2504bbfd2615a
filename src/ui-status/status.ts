/**
 * The dashboard's data: one JSON document the platform writes and the Homebridge UI server reads. The
 * custom UI server is a separate process spawned by homebridge-config-ui-x, so it cannot see the
 * plugin's memory; this file is the one channel between them. buildStatus is pure (inputs in, document
 * out) so the shape and the sums are unit-testable without Homebridge.
 *
 * Units: W, kWh, yen, kg CO2; times are epoch ms; half-hours start at JST :00/:30.
 */
import { jstTime, startOfJstDay } from '../scheduler/calendar.js';
import type { DailyWeather, Forecast, WeatherWarning } from '../scheduler/forecast/types.js';
import type { SchedulerStatus as ServiceStatus } from '../scheduler/service.js';
import type { Tariff } from '../scheduler/tariff.js';
import type { EnergySlot } from '../store/history.js';
import type { HalfHourRecord } from '../wisun/history.js';
import type { HomeDevice } from '../home/index.js';
import { eojToHex } from '../echonet/eoj.js';
import { add, energyOf, monthBounds, sum, todaySlots, type SlotMark, type StatusSlot, type Totals } from './energy.js';
import { lastReadingAt, powerFlow, type PowerFlow } from './live.js';
import { schedulerStatus, schedulerWarnings, type SchedulerStatus, type StatusWarning } from './plan.js';

/** Bumped when a field changes meaning; the UI refuses documents of another version. */
export const STATUS_VERSION = 1;

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

