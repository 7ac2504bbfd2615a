/**
 * The planner's input from the live home, made fresh for every planning round: half-hour slots from now
 * to the end of tomorrow with the forecast PV, the load forecast from the home's own history and the
 * tariff's prices, and the devices as they report themselves (tank, battery and car energy) with what
 * they do not report from the settings: the car's week, the charger's power control, the hot-water use
 * (the EcoCute's own once recorded). Also the surplus window and the needs the gates check.
 */
import type { HomeDevice } from '../home/index.js';
import { dayType, jstTime, startOfJstDay, DAY_MS, HALF_HOUR_MS } from './calendar.js';
import { ecocuteNeedKwh, restOfToday } from './aiseg2-day.js';
import { timeWindow, type DeviceKind as Role, type Said } from './explain.js';
import { isEnabled, roleOf } from './executor.js';
import { RECENT_LOAD, RECENT_PV, recentRatio, withRecentLevel } from './forecast/recent-level.js';
import type { Forecast, WeatherClass } from './forecast/types.js';
import { tariffFacts, type GateInput } from './gates.js';
import { DRAW_MARGIN, HOT_WATER_MIN_DAYS, type HotWaterProfile } from './inputs/hot-water.js';
import type { RecentSlot } from './inputs/usage.js';
import { dataCondition, forecastLoad, PLANNING_LOAD_FORECAST, type DayUsage } from './load-history.js';
import { surplusWindow } from './planner/aiseg2.js';
import { surplusOf } from './planner/reasons.js';
import { SLOT_HOURS, type PlanInput } from './planner/types.js';
import { tankKwh, type BatteryConfig, type EcoCuteConfig, type EvConfig } from './replay/config.js';
import { hotWaterDrawKwh } from './replay/household.js';
import type { Tariff } from './tariff.js';

/** The settings the live input is made from (the service's settings have them all). */
export interface LiveInputSettings {
  readonly mode: 'planner' | 'aiseg2';
  /** Devices the user enabled for solar control: identities or kinds ('water-heater', 'battery', 'ev-charger'). */
  readonly enabled: readonly string[];
  readonly tariff: Tariff;
  readonly maxHorizonSlots: number;
  /** Device parameters the devices do not report (heat-pump power, COP, EV target, ...). */
  readonly ecocute: EcoCuteConfig;
  readonly ev: EvConfig;
  /** The car's departure hour per day of the week, Sunday first (null: it stays home); national holidays take Sunday's. */
  readonly evDepartureHours: readonly (number | null)[];
  readonly battery: BatteryConfig;
}

/** Load per half-hour assumed before the home has any history, kWh (a small household's base load). */
const FALLBACK_LOAD_KWH = 0.25;
const CAR_PLUGGED = new Set(['connected', 'chargeable', 'dischargeable', 'chargeable_dischargeable']);

export interface LiveInput {
  readonly input: PlanInput;
  readonly tariff: GateInput['tariff'];
  readonly dataCondition: GateInput['dataCondition'];
  readonly window: { readonly start: number; readonly end: number; readonly surplusKwh: number; readonly purchaseKwh: number } & Said;
  /** Electricity each device needs: the EcoCute to fill its tank, the car to reach its departure target, kWh. */
  readonly needs: { readonly ecocute: number; readonly ev: number };
  /** Where the EcoCute's hot-water draws come from, for the plan's summary (none without the EcoCute). */
  readonly hotWater?: Said;
  readonly carHome: (slot: number) => boolean;
}

/**
 * The planner's input from the live home: slots from now to the end of tomorrow with the forecast PV,
 * the load forecast from the home's own history and the tariff's prices, both scaled over the next hours
 * by how the last hours compared (`recent`, forecast/recent-level.ts); the devices as they report
 * themselves (tank, battery and car energy), with the parameters they do not report from the settings.
 * A device without the readings the plan needs is left out (it runs on its own).
 */
export function liveInput(
  now: number,
  all: readonly HomeDevice[],
  forecast: Forecast | undefined,
  history: readonly DayUsage[],
  s: LiveInputSettings,
  hotWater: HotWaterProfile | undefined,
  recent: readonly RecentSlot[] = [],
): LiveInput {
  const devices = all.filter((d) => isEnabled(d, s.enabled) && d.online);
  const first = Math.floor(now / HALF_HOUR_MS) * HALF_HOUR_MS;
  const n = Math.max(1, Math.min(s.maxHorizonSlots, (startOfJstDay(now) + 2 * DAY_MS - first) / HALF_HOUR_MS));
  const starts = Array.from({ length: n }, (_, i) => first + i * HALF_HOUR_MS);
  const pv = new Map((forecast?.pv ?? []).map((p) => [p.start, p.kwh]));
  const loadByDay = new Map<string, number[] | undefined>();
  const loadAt = (t: number): number => {
    const { dateKey } = jstTime(t);
    if (!loadByDay.has(dateKey)) {
      const weatherClass: WeatherClass = forecast?.days.find((d) => d.dateKey === dateKey)?.weatherClass ?? 'unknown';
      loadByDay.set(dateKey, forecastLoad(history, { dateKey, weatherClass, extraHolidays: [] }, PLANNING_LOAD_FORECAST)?.slotsKwh);
    }
    return loadByDay.get(dateKey)?.[Math.floor(jstTime(t).minuteOfDay / 30)] ?? FALLBACK_LOAD_KWH;
  };
  // the next hours follow how the last ones compared with the forecasts (today's PV only: yesterday's clouds are gone)
  const past = recent.filter((r) => r.start < first);
  const loadRatio = recentRatio(past.map((r) => ({ actualKwh: r.loadKwh, forecastKwh: loadAt(r.start) })), RECENT_LOAD);
  const today = startOfJstDay(now);
  const pvRatio = recentRatio(past.flatMap((r) => (r.pvKwh !== undefined && r.start >= today && pv.has(r.start) ? [{ actualKwh: r.pvKwh, forecastKwh: pv.get(r.start)! }] : [])), RECENT_PV);
  const pvKwh = withRecentLevel(starts.map((t) => pv.get(t) ?? 0), starts, first, pvRatio, RECENT_PV);
  const loadKwh = withRecentLevel(starts.map(loadAt), starts, first, loadRatio, RECENT_LOAD);
  const slots = starts.map((t, i) => ({ start: t, pvKwh: pvKwh[i]!, loadKwh: loadKwh[i]!, buyYen: s.tariff.buyPrice(t), sellYen: s.tariff.sellPrice(t) }));
  const find = (role: Role): HomeDevice | undefined => devices.find((d) => roleOf(d) === role);

  let ecocute: PlanInput['ecocute'];
  const eco = find('ecocute');
  const remainingL = eco?.readings.remainingHotWaterL?.value;
  if (eco && remainingL !== undefined) {
    const tankL = eco.readings.tankCapacityL?.value ?? s.ecocute.tankL;
    const config = { ...s.ecocute, tankL };
    const capacityKwh = tankKwh(config);
    ecocute = {
      capacityKwh,
      storedKwh: Math.min(capacityKwh, (capacityKwh * remainingL) / tankL),
      heatPumpKw: s.ecocute.heatPumpKw,
      cop: s.ecocute.cop,
      lossPerSlot: s.ecocute.lossPerDay / 48,
      // the home's own draws once its EcoCute's readings cover enough days, the typical family's until then; with the margin the replay plans with
      drawKwh: starts.map((t) => {
        const litres = hotWater?.litres?.[Math.floor(jstTime(t).minuteOfDay / 30)];
        return DRAW_MARGIN * (litres === undefined ? hotWaterDrawKwh(t, config, 1) : (capacityKwh * litres) / tankL);
      }),
      reserveKwh: s.ecocute.reserveShare * capacityKwh,
      heating: eco.readings.heatingMode?.value === 'manual_heating',
      slotsInState: 48,
    };
  }

  let battery: PlanInput['battery'];
  const bat = find('battery');
  const batKwh = bat?.readings.remainingWh !== undefined ? bat.readings.remainingWh.value / 1000 : bat?.readings.socPct !== undefined ? (bat.readings.socPct.value / 100) * s.battery.capacityKwh : undefined;
  if (bat && batKwh !== undefined) {
    const b = s.battery;
    battery = {
      capacityKwh: b.capacityKwh,
      storedKwh: Math.min(b.capacityKwh, batKwh),
      minKwh: b.capacityKwh * b.minShare,
      chargeKw: b.chargeKw,
      dischargeKw: b.dischargeKw,
      efficiency: b.efficiency,
      // in charge mode now: keeping it on costs no mode change (model.ts counts one each way)
      gridCharging: bat.readings.operationMode?.value === 'charge',
    };
  }

  let ev: PlanInput['ev'];
  const car = find('ev');
  const carKwh = car?.readings.remainingWh !== undefined ? car.readings.remainingWh.value / 1000 : car?.readings.socPct !== undefined ? (car.readings.socPct.value / 100) * s.ev.capacityKwh : undefined;
  const plugged = car !== undefined && CAR_PLUGGED.has(car.readings.vehicle?.value ?? '');
  // the car leaves at the first departure of its week within the plan (the home's own week, from the settings)
  let departSlot = n + 1;
  for (let i = 1; i < n; i++) {
    const hour = departureHourOn(starts[i]!, s.evDepartureHours);
    if (hour !== null && Math.abs(jstTime(starts[i]!).minuteOfDay / 60 - hour) < 0.25) {
      departSlot = i;
      break;
    }
  }
  if (car && plugged && carKwh !== undefined) {
    const e = s.ev;
    ev = {
      capacityKwh: e.capacityKwh,
      storedKwh: carKwh,
      minKw: e.minKw,
      maxKw: e.maxKw,
      // a charger without a settable power (EB not in its Set map) is only switched, at its own power
      control: steppedCharger(car, s) ? 'stepped' : 'onoff',
      efficiency: e.efficiency,
      stays: [{ arriveSlot: 0, departSlot, tripKwhBefore: 0, targetKwh: e.departureTargetKwh }],
      charging: car.readings.operationMode?.value === 'charge',
      slotsInState: 48,
    };
  }

  const input: PlanInput = { slots, ecocute, battery, ev };
  // the compatibility mode decides for today only (the product's day); the planner looks over its horizon
  const [a, b] = surplusWindow(s.mode === 'aiseg2' ? restOfToday(input, now) : input);
  const windowSlots = slots.slice(a, b);
  const start = slots[a]?.start ?? first;
  const end = b > a ? slots[b - 1]!.start + SLOT_HOURS * 3_600_000 : start;
  const dayStart = startOfJstDay(now);
  return {
    input,
    tariff: tariffFacts(s.tariff, dayStart, dayStart + DAY_MS),
    dataCondition: dataCondition(history, dayType(now)),
    window: {
      start,
      end,
      surplusKwh: windowSlots.reduce((sum, x) => sum + surplusOf(x), 0),
      purchaseKwh: windowSlots.reduce((sum, x) => sum + Math.max(0, x.loadKwh - x.pvKwh), 0),
      text: b > a ? `${jstTime(start).dateKey} ${timeWindow(start, end)}` : 'none forecast',
      textJa: b > a ? `${jstTime(start).dateKey} ${timeWindow(start, end, 'ja')}` : '予測なし',
    },
    needs: {
      ecocute: s.mode === 'aiseg2' ? ecocuteNeedKwh(restOfToday(input, now), now, s.ecocute) : ecocute ? Math.max(0, ecocute.capacityKwh - ecocute.storedKwh) / ecocute.cop : 0,
      ev: ev ? Math.max(0, s.ev.departureTargetKwh - ev.storedKwh) / s.ev.efficiency : 0,
    },
    carHome: (i) => plugged && i < departSlot,
    ...(ecocute ? { hotWater: hotWaterSource(hotWater) } : {}),
  };
}

/** The plan's word on where its hot-water draws come from. */
function hotWaterSource(p: HotWaterProfile | undefined): Said {
  const days = p?.days ?? 0;
  if (p?.litres) return { text: `hot-water use from the EcoCute's own readings (${days} days)`, textJa: `お湯の使用量はエコキュートの実績（${days}日分）から予測` };
  return {
    text: `hot-water use from a typical family's profile until the EcoCute's readings cover ${HOT_WATER_MIN_DAYS} days (${days} so far)`,
    textJa: `お湯の使用量はエコキュートの実績が${HOT_WATER_MIN_DAYS}日分たまるまで標準的な家庭の値で予測（現在${days}日分）`,
  };
}

/** The car's departure hour on the JST day of t; a national holiday on a weekday is a Sunday. */
function departureHourOn(t: number, hours: readonly (number | null)[]): number | null {
  const { weekday } = jstTime(t);
  const holiday = weekday >= 1 && weekday <= 5 && dayType(t) === 'holiday';
  return hours[holiday ? 0 : weekday] ?? null;
}

/** The plan may set the charger's power: the settings allow it and its Set map has it (EB). */
export function steppedCharger(car: HomeDevice | undefined, s: Pick<LiveInputSettings, 'ev'>): boolean {
  return s.ev.control === 'stepped' && car?.commands.has('ev-charge-power') === true;
}
