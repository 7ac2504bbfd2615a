/**
 * The scheduler at run time ("AI solar charge", done better). Every 30 minutes, and soon after a
 * significant live change (a car plugged in or out, a device coming or going, an override, a warning),
 * it gathers the forecast, the home's load history, the devices' states and the tariff, evaluates the
 * replaced product's gates, and plans (the MILP with re-planning hysteresis, or the AiSEG2 compatibility
 * rules, which decide once a day at their decision time and keep that decision: aiseg2-day.ts). Every
 * minute, underneath, the reactive regulator lets a cloud stop (or, on a charger that takes a power, turn
 * down) a run the plan marked as following the surplus, and the executor applies the result to the devices.
 *
 * Everything it decides or skips carries a reason with its numbers, in English and Japanese: logged in
 * the configured language, kept in a bounded decision log (the store persists it from the 'decision'
 * event) and in the status snapshot that HomeKit, MQTT and the dashboard show ('status' event). Time
 * comes from the injected clock; fire-and-forget work goes through guard.
 */
import { EventEmitter } from 'node:events';
import type { Highs } from 'highs';
import type { HomeDevice } from '../home/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { jstTime, startOfJstDay, DAY_MS, HALF_HOUR_MS } from './calendar.js';
import { decisionDue, restOfToday, untilDecision } from './aiseg2-day.js';
import { clock, deviceName, explainBlocked, inLang, say, wholeYen, type DeviceKind as Role, type Lang, type Said } from './explain.js';
import { Executor, DEFAULT_EXECUTOR_SETTINGS, isEnabled, roleOf, type ControlledHome, type ExecutorSettings, type Step, type Want, type Wants } from './executor.js';
import { applyCorrection, planningCorrection, type ForecastOutcome } from './forecast/correction.js';
import type { ForecastChoice } from './forecast/fallback.js';
import type { Forecast } from './forecast/types.js';
import { evaluateGates, type DeviceGates, type GateInput } from './gates.js';
import type { DayUsage } from './load-history.js';
import type { RecentSlot } from './inputs/usage.js';
import { aiseg2Plan } from './planner/aiseg2.js';
import { replan, type Replanned } from './planner/replan.js';
import { loadSolver } from './planner/solver.js';
import { SLOT_HOURS, type Plan, type PlanInput, type Reason, type SlotDecision } from './planner/types.js';
import { FORECAST_REFRESH_MS, mergeForecasts, type ForecastFeed } from './providers.js';
import { buyPriceRange } from './tariff.js';
import { DEFAULT_REGULATOR, regulate, type RegulatorState } from './regulator.js';
import { DEFAULT_REPLAY_CONFIG } from './replay/config.js';
import type { HotWaterProfile } from './inputs/hot-water.js';
import { liveInput, steppedCharger, type LiveInput, type LiveInputSettings } from './live-input.js';
import { DEFAULT_WARNING_LINKAGE, reheatStarted, warningLinkage, type WarningLinkage, type WarningLinkageSettings, type WarningLinkageState } from './warning-linkage.js';

/** Facts about the installation the gates need that the devices do not report. */
interface InstallationFacts {
  /** A distribution-board measuring unit is installed (a smart meter found on the LAN or B-route counts too). */
  readonly measuringUnit: boolean;
  readonly ecocuteCircuitMeasured: boolean;
  readonly evCircuitMeasured: boolean;
  /** The water heater's own solar-charge setting is on (it must be off). */
  readonly ownSolarChargeOn: boolean;
  /** The EcoCute can reheat while its daytime-reheating stop is set (Panasonic). */
  readonly daytimeReheatStopSupported: boolean;
  /** The battery's operating mode as its app names it: 'eco' (環境優先) or 'custom' allow solar charging. */
  readonly batteryAppMode: string;
}

export interface SchedulerSettings extends LiveInputSettings {
  /** The compatibility mode decides once a day at this local hour (0.5 = 00:30, as the replay's baseline). */
  readonly aiseg2DecisionHour: number;
  /** The language of the log lines (the status, MQTT and the dashboard carry both). */
  readonly language: Lang;
  /** 全量買取: all generation is sold, there is no surplus to use. */
  readonly fullPurchaseMode: boolean;
  readonly facts: InstallationFacts;
  readonly planEveryMs: number;
  readonly regulateEveryMs: number;
  /** A new plan replaces the current one only when it saves more than this, yen. */
  readonly replanThresholdYen: number;
  readonly executor: ExecutorSettings;
  readonly warnings: WarningLinkageSettings;
  /** Entries kept in memory; the store keeps the rest. */
  readonly decisionLogSize: number;
}

export const DEFAULT_SCHEDULER_SETTINGS: Omit<SchedulerSettings, 'tariff'> = {
  mode: 'planner',
  aiseg2DecisionHour: 0.5,
  language: 'en',
  enabled: [],
  fullPurchaseMode: false,
  facts: { measuringUnit: false, ecocuteCircuitMeasured: true, evCircuitMeasured: true, ownSolarChargeOn: false, daytimeReheatStopSupported: false, batteryAppMode: 'eco' },
  ecocute: DEFAULT_REPLAY_CONFIG.ecocute!,
  ev: DEFAULT_REPLAY_CONFIG.ev!,
  // the household model's week: a weekday commute, the weekend at home
  evDepartureHours: [null, ...new Array<number>(5).fill(DEFAULT_REPLAY_CONFIG.ev!.leaveHour), null],
  battery: DEFAULT_REPLAY_CONFIG.battery!,
  planEveryMs: FORECAST_REFRESH_MS,
  regulateEveryMs: 60_000,
  replanThresholdYen: DEFAULT_REPLAY_CONFIG.replanThresholdYen,
  maxHorizonSlots: DEFAULT_REPLAY_CONFIG.maxHorizonSlots,
  executor: DEFAULT_EXECUTOR_SETTINGS,
  warnings: DEFAULT_WARNING_LINKAGE,
  decisionLogSize: 200,
};

/** The home model's part the scheduler needs: read, listen, command. src/home's Home satisfies it. */
export interface SchedulerHome extends ControlledHome {
  on(event: 'device-changed' | 'device-added', listener: (device: HomeDevice) => void): unknown;
  off(event: 'device-changed' | 'device-added', listener: (device: HomeDevice) => void): unknown;
}

export interface SchedulerDeps {
  readonly home: SchedulerHome;
  readonly clock: Clock;
  readonly log: Logger;
  /** The forecast sources (JMA for weather and warnings, Open-Meteo or a manual profile for PV). */
  readonly feeds: readonly ForecastFeed[];
  /** The home's recorded daily usage (the store's), for the load forecast and the data condition. */
  readonly history: () => readonly DayUsage[];
  /** Recent days' PV forecast vs actual (the store's), for the bounded correction; none: the forecast is used as is. */
  readonly forecastOutcomes?: () => readonly ForecastOutcome[];
  /** The half-hours recorded in the last hours (load, PV), for the intraday correction of the forecasts; none: no correction. */
  readonly recent?: () => Promise<readonly RecentSlot[]>;
  /** The EcoCute's own hot-water use by half-hour of the day; none, or too few days: the typical family's. */
  readonly hotWater?: () => HotWaterProfile;
  /** "AI solar charge" at start (the platform keeps the switch across restarts). */
  readonly enabled?: boolean;
  readonly solver?: () => Promise<Highs>;
}

export interface DecisionEntry {
  readonly at: number;
  /** What the entry is about: the plan, the forecast, the weather warning, or a device role. */
  readonly about: 'plan' | 'forecast' | 'warning' | 'switch' | Role;
  readonly identity?: string;
  readonly code: string;
  readonly text: string;
  readonly textJa: string;
}

interface PlanSummary {
  readonly createdAt: number;
  readonly status: Plan['status'] | 'suspended' | 'none';
  readonly replaced: boolean;
  readonly gainYen: number;
  readonly solveMs: number;
  readonly objective?: Plan['objective'];
  readonly shortfalls: readonly Reason[];
  /** The plan's half-hours from now to the end of today, with the reason of each device's decision. */
  readonly next: readonly SlotDecision[];
  readonly text: string;
  readonly textJa: string;
}

export interface SchedulerStatus {
  /** The "AI solar charge" switch. */
  readonly enabled: boolean;
  readonly mode: SchedulerSettings['mode'];
  readonly updatedAt: number;
  readonly forecast: { readonly status: ForecastChoice['status']; readonly message: string; readonly messageJa: string };
  readonly warning: { readonly active: boolean; readonly names: readonly string[]; readonly message: string; readonly messageJa: string };
  /** Per device, every gate with its reason code: users see which gate blocks what. */
  readonly gates: readonly DeviceGates[];
  readonly plan?: PlanSummary;
  /** The last step per device: what was done or why not. */
  readonly devices: readonly Step[];
  readonly decisions: readonly DecisionEntry[];
}

interface SchedulerEvents {
  status: [SchedulerStatus];
  decision: [DecisionEntry];
}

/** What a log line is about, in Japanese (the English log uses the codes themselves). */
const ABOUT_JA: Readonly<Record<DecisionEntry['about'], string>> = {
  plan: '計画',
  forecast: '予報',
  warning: '気象警報',
  switch: 'AIソーラーチャージ',
  ecocute: deviceName('ecocute', 'ja'),
  battery: deviceName('battery', 'ja'),
  ev: deviceName('ev', 'ja'),
};

/** Significant changes re-plan after this pause, so a burst of readings costs one round. */
const REPLAN_DEBOUNCE_MS = 10_000;

export class SchedulerService extends EventEmitter<SchedulerEvents> {
  private readonly executor: Executor;
  private on_: boolean;
  private queue: Promise<void> = Promise.resolve();
  private timers: TimerHandle[] = [];
  private replanTimer: TimerHandle | undefined;
  private plan: Plan | undefined;
  private summary: PlanSummary | undefined;
  private gates: DeviceGates[] = [];
  private lastForecast: Forecast | undefined;
  /** The compatibility mode's decision for the day (JST date), kept until the next day's. */
  private aiseg2Day: { readonly dateKey: string; readonly at: number; readonly plan: Plan | undefined; readonly gates: DeviceGates[]; readonly summary: Omit<PlanSummary, 'createdAt'> } | undefined;
  private forecastState: SchedulerStatus['forecast'] = { status: 'none', message: 'no forecast fetched yet', messageJa: '予報はまだ取得していません' };
  private linkage: WarningLinkage | undefined;
  private linkageState: WarningLinkageState = {};
  private readonly regulators = new Map<Role, RegulatorState>();
  private lastSteps: Step[] = [];
  private readonly log_: DecisionEntry[] = [];
  private readonly lastText = new Map<string, string>();
  private readonly signatures = new Map<string, string>();
  private readonly onDevice = (d: HomeDevice): void => this.deviceChanged(d);

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly settings: SchedulerSettings,
  ) {
    super();
    this.executor = new Executor(deps.home, deps.clock, settings.enabled, settings.executor);
    this.on_ = deps.enabled ?? true;
  }

  start(): void {
    // only changes from here on call for a re-plan; the first round sees the devices as they are
    for (const d of this.deps.home.devices()) this.signatures.set(d.identity, signatureOf(d));
    this.deps.home.on('device-changed', this.onDevice);
    this.deps.home.on('device-added', this.onDevice);
    const every = (ms: number, fn: () => Promise<void>): void => {
      const loop = (): void => {
        guard(this.deps.log, 'the scheduler', fn());
        this.timers.push(this.deps.clock.setTimeout(loop, ms));
      };
      loop();
    };
    every(this.settings.planEveryMs, () => this.planNow());
    every(this.settings.regulateEveryMs, () => this.tickNow());
    if (this.settings.mode === 'aiseg2') this.atDecisionTime();
  }

  /** The compatibility mode's round at the day's decision time, every day (the 30-minute rounds may fall later). */
  private atDecisionTime(): void {
    this.timers.push(
      this.deps.clock.setTimeout(() => {
        guard(this.deps.log, 'the day\'s AiSEG2-compatible decision', this.planNow());
        this.atDecisionTime();
      }, untilDecision(this.deps.clock.now(), this.settings.aiseg2DecisionHour)),
    );
  }

  /** Stops the loop and hands back every device the scheduler holds. */
  async stop(): Promise<void> {
    this.deps.home.off('device-changed', this.onDevice);
    this.deps.home.off('device-added', this.onDevice);
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.replanTimer?.cancel();
    await this.serial(() => this.execute({}));
  }

  /** The "AI solar charge" switch (the MQTT SchedulerSwitch and the HomeKit switch use these). */
  enabled(): boolean {
    return this.on_;
  }

  async setEnabled(on: boolean): Promise<void> {
    if (on === this.on_) return;
    this.on_ = on;
    this.record({
      about: 'switch',
      code: on ? 'enabled' : 'disabled',
      ...(on ? { text: 'AI solar charge turned on', textJa: 'AIソーラーチャージを「入」にしました' } : { text: 'AI solar charge turned off: every device is handed back', textJa: 'AIソーラーチャージを「切」にしました：すべての機器を元の運転に戻します' }),
    });
    if (on) return this.planNow();
    this.plan = undefined;
    this.summary = undefined;
    this.regulators.clear();
    return this.serial(() => this.execute({}));
  }

  status(): SchedulerStatus {
    const l = this.linkage;
    return {
      enabled: this.on_,
      mode: this.settings.mode,
      updatedAt: this.deps.clock.now(),
      forecast: this.forecastState,
      warning: { active: l?.active ?? false, names: l?.warnings.map((w) => w.name) ?? [], message: l?.message ?? 'no warning information yet', messageJa: l?.messageJa ?? '警報情報はまだありません' },
      gates: this.gates,
      ...(this.summary ? { plan: this.summary } : {}),
      devices: this.lastSteps,
      decisions: this.log_.slice(-20),
    };
  }

  /** The forecast the last plan used (corrected), for the dashboard's weather card; none before the first plan. */
  forecast(): Forecast | undefined {
    return this.lastForecast;
  }

  /** The bounded in-memory decision log, oldest first. */
  decisions(): readonly DecisionEntry[] {
    return [...this.log_];
  }

  /** One planning round now (queued behind any work in progress). */
  planNow(): Promise<void> {
    return this.serial(() => this.planRound());
  }

  /** One regulation and execution step now. */
  tickNow(): Promise<void> {
    return this.serial(() => this.tick());
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async planRound(): Promise<void> {
    if (!this.on_) return;
    const now = this.deps.clock.now();
    const choices = await Promise.all(this.deps.feeds.map((f) => f.refresh()));
    const merged = mergeForecasts(choices.flatMap((c) => (c.forecast ? [c.forecast] : [])));
    // the home's own record of forecast vs actual tempers the PV forecast (bounded, never > +50 %), at the
    // quantile where buying at night and waiting for the sun cost the same: what the replay measures
    const prices = buyPriceRange(this.settings.tariff, startOfJstDay(now), startOfJstDay(now) + DAY_MS);
    const correction = this.deps.forecastOutcomes
      ? planningCorrection(this.deps.forecastOutcomes(), { lowestBuyYen: prices.lowest, highestBuyYen: prices.highest, sellYen: this.settings.tariff.sellPrice(now) })
      : undefined;
    const forecast = merged && correction ? { ...merged, pv: applyCorrection(merged.pv, correction.factor) } : merged;
    // 'none' only when there is no PV forecast at all: a weather source failing alone still leaves a plan
    this.lastForecast = forecast;
    const status = !forecast || forecast.pv.length === 0 ? 'none' : choices.some((c) => c.status !== 'fresh') ? 'fallback' : 'fresh';
    this.forecastState = {
      status,
      message: [...choices.map((c) => c.message), correction?.message ?? ''].join(' ').trim() || 'no forecast source is configured',
      messageJa: [...choices.map((c) => c.messageJa), correction?.messageJa ?? ''].join('') || '予報の取得元が設定されていません',
    };
    this.record({ about: 'forecast', code: this.forecastState.status, text: this.forecastState.message, textJa: this.forecastState.messageJa });

    this.linkage = warningLinkage(forecast?.warnings ?? [], now, this.linkageState, this.settings.warnings);
    this.record({ about: 'warning', code: this.linkage.active ? 'active' : 'none', text: this.linkage.message, textJa: this.linkage.messageJa });

    const recent = (await this.deps.recent?.().catch((e: unknown) => {
      this.deps.log.warn(`the last hours' usage could not be read (${e instanceof Error ? e.message : String(e)}); planning on the day-ahead forecasts alone.`);
      return undefined;
    })) ?? [];
    const live = liveInput(now, this.deps.home.devices(), forecast, this.deps.history(), this.settings, this.deps.hotWater?.(), recent);
    const gates = this.evaluate(live, forecast);
    // the compatibility mode keeps the day's decision, its gates and reasons included, until the next day's
    const kept = this.settings.mode === 'aiseg2' && !decisionDue(now, this.aiseg2Day?.dateKey, this.settings.aiseg2DecisionHour) ? this.aiseg2Day : undefined;
    this.gates = kept?.gates ?? gates;
    for (const g of kept ? [] : gates) {
      const blocked = explainBlocked(g.device, g.gates);
      this.record({
        about: g.device,
        code: blocked ? 'gate-closed' : 'gate-open',
        text: blocked ?? 'every gate passed',
        textJa: explainBlocked(g.device, g.gates, 'ja') ?? 'すべての条件を満たしています',
      });
    }

    if (this.linkage.suspendSolar) {
      this.plan = undefined;
      const why = { text: `no solar plan: ${this.linkage.message}`, textJa: `ソーラー計画なし：${this.linkage.messageJa}` };
      this.setSummary(now, { status: 'suspended', replaced: true, gainYen: 0, solveMs: 0, shortfalls: [], next: [], ...why });
      return this.tick();
    }
    if (kept) {
      this.plan = kept.plan;
      this.setSummary(kept.at, kept.summary);
      return this.tick();
    }
    const allowed = new Set(this.gates.filter((g) => g.allowed).map((g) => g.device));
    const input: PlanInput = {
      slots: live.input.slots,
      ...(allowed.has('ecocute') && live.input.ecocute ? { ecocute: live.input.ecocute } : {}),
      ...(allowed.has('battery') && live.input.battery ? { battery: live.input.battery } : {}),
      ...(allowed.has('ev') && live.input.ev ? { ev: live.input.ev } : {}),
    };
    if (!input.ecocute && !input.battery && !input.ev) {
      this.plan = undefined;
      const aiseg2 = this.settings.mode === 'aiseg2';
      const why = aiseg2
        ? { text: `AiSEG2 rules, decided for the day at ${clock(now)}: no enabled device passes its gates`, textJa: `AiSEG2互換ルール（${clock(now)}に本日分を判定）：条件を満たす対象機器がありません` }
        : { text: 'nothing to plan: no enabled device passes its gates', textJa: '計画なし：条件を満たす対象機器がありません' };
      this.setSummary(now, { status: 'none', replaced: true, gainYen: 0, solveMs: 0, shortfalls: [], next: [], ...why });
      if (aiseg2) this.aiseg2Day = { dateKey: jstTime(now).dateKey, at: now, plan: undefined, gates, summary: this.summary! };
      return this.tick();
    }
    if (this.settings.mode === 'aiseg2') {
      const day = restOfToday(input, now);
      const p = aiseg2Plan(day, {
        tariff: live.tariff,
        dataCondition: live.dataCondition,
        ecocuteNeedKwh: live.needs.ecocute,
        evNeedKwh: live.needs.ev,
        carHome: day.slots.map((_, i) => live.carHome(i)),
      });
      this.plan = p;
      const text = say((l) =>
        l === 'ja'
          ? `AiSEG2互換ルール（${clock(now)}に本日分を判定）：余剰電力の時間帯 ${live.window.textJa}`
          : `AiSEG2 rules, decided for the day at ${clock(now)}: surplus window ${live.window.text}`,
      );
      this.setSummary(now, summaryOf(now, p, true, 0, withNote(text, day.ecocute ? live.hotWater : undefined)));
      this.aiseg2Day = { dateKey: jstTime(now).dateKey, at: now, plan: p, gates, summary: this.summary! };
    } else {
      const highs = await (this.deps.solver ?? loadSolver)();
      const first = this.plan === undefined;
      const r = replan(highs, input, this.plan, this.settings.replanThresholdYen);
      this.plan = r.plan;
      const text = planSentence(r, first, this.settings.replanThresholdYen);
      this.setSummary(now, summaryOf(now, r.plan, r.replaced || first, r.gainYen, withNote(text, input.ecocute ? live.hotWater : undefined)));
    }
    return this.tick();
  }

  private evaluate(live: LiveInput, forecast: Forecast | undefined): DeviceGates[] {
    const devices = this.deps.home.devices().filter((d) => isEnabled(d, this.settings.enabled));
    const has = (role: Role): boolean => devices.some((d) => roleOf(d) === role);
    const backoffs = this.executor.backoffs();
    // a device we are backing off from has another controller: its gate says so until the back-off ends
    const other = (role: Role): { otherController?: string } => {
      const b = backoffs.find((x) => devices.some((d) => d.identity === x.identity && roleOf(d) === role));
      return b ? { otherController: `someone else (the device was changed to ${b.to ?? 'another state'})` } : {};
    };
    const f = this.settings.facts;
    const base: Omit<GateInput, 'ecocute' | 'battery' | 'ev' | 'otherController'> = {
      fullPurchaseMode: this.settings.fullPurchaseMode,
      forecastAvailable: forecast !== undefined && forecast.pv.length > 0,
      measuringUnitPresent: f.measuringUnit || this.deps.home.devices().some((d) => d.kind === 'meter'),
      tariff: live.tariff,
      dataCondition: live.dataCondition,
      surplusKwh: live.window.surplusKwh,
      windowStart: live.window.start,
      windowEnd: live.window.end,
      // "during the surplus window" as the replaced product says, read as "in force now": the JMA warnings
      // file as parsed (forecast/jma.ts: areaTypes[].areas[].warnings[] of {code, status}) says what is in
      // force, not until when, and no real JMA warnings file with time-series levels was available to
      // build and test a reader for them (the recorded data hold forecasts only). A warning in force now is
      // therefore taken to last through the window: the safe mistake, as the battery then keeps its backup.
      warningsInWindow: forecast?.warnings ?? [],
    };
    const eco = devices.find((d) => roleOf(d) === 'ecocute');
    const results: DeviceGates[] = [];
    const one = (input: GateInput): void => void results.push(...evaluateGates(input));
    if (has('ecocute')) {
      one({
        ...base,
        ...other('ecocute'),
        ecocute: {
          enabled: true,
          circuitMeasured: f.ecocuteCircuitMeasured,
          ownSolarChargeOn: f.ownSolarChargeOn,
          daytimeReheatStop: eco?.readings.daytimeReheating?.value === false,
          daytimeReheatStopSupported: f.daytimeReheatStopSupported,
          reheatingPause: eco?.readings.heatingMode?.value === 'manual_stop',
          warningReheatDoneToday: this.linkage?.reheatDoneToday ?? false,
          needKwh: live.needs.ecocute,
        },
      });
    }
    if (has('battery')) {
      one({ ...base, ...other('battery'), battery: { enabled: true, mode: f.batteryAppMode, forecastPurchaseKwh: live.window.purchaseKwh } });
    }
    if (has('ev')) {
      one({ ...base, ...other('ev'), ev: { enabled: true, circuitMeasured: f.evCircuitMeasured, needKwh: live.needs.ev, forecastPurchaseKwh: live.window.purchaseKwh } });
    }
    return results;
  }

  /** Every minute: the plan's wishes for this half-hour, vetoed by the regulator for clouds, applied. */
  private async tick(): Promise<void> {
    if (!this.on_) return;
    const now = this.deps.clock.now();
    const wants = this.linkage?.suspendSolar ? this.linkage.wants : this.wantsFromPlan(now);
    await this.execute(wants);
  }

  private wantsFromPlan(now: number): Wants {
    const wants: { -readonly [R in Role]?: Want } = {};
    for (const g of this.gates) {
      if (!g.allowed) wants[g.device] = { kind: 'release', reason: { text: explainBlocked(g.device, g.gates) ?? 'blocked', textJa: explainBlocked(g.device, g.gates, 'ja') ?? '条件を満たしていません' } };
    }
    const slot = Math.floor(now / HALF_HOUR_MS) * HALF_HOUR_MS;
    const d = this.plan?.decisions.find((x) => x.start === slot);
    if (!d) {
      this.regulators.clear();
      return wants;
    }
    // the regulator answers what the plan did not expect: buying beyond the plan's own import for the half-hour
    const seenW = this.importSeenByRegulator();
    const beyondPlanW = seenW === undefined ? undefined : seenW - (d.importKwh / SLOT_HOURS) * 1000;
    // a charger that takes a charging power runs at the plan's and follows the surplus down to its minimum;
    // the heat pump and an on/off charger run at their own power or not at all
    const stepped = steppedCharger(this.deps.home.devices().find((x) => roleOf(x) === 'ev' && isEnabled(x, this.settings.enabled)), this.settings);
    const evKw = d.ev?.kw ?? 0;
    // a half-hour that tops the car up plans less than the charger's minimum on average (0.55 kWh is 1.1 kW):
    // chargers refuse a power under their minimum, so it runs at the minimum and stops earlier
    const evRunKw = Math.max(evKw, this.settings.ev.minKw);
    const runs: [Role, boolean, Reason | undefined, boolean, [number, number]][] = [
      ['ecocute', d.ecocute?.heat ?? false, d.ecocute?.reason, d.ecocute?.followsSurplus ?? false, [this.settings.ecocute.heatPumpKw, this.settings.ecocute.heatPumpKw]],
      ['ev', evKw > 0, d.ev?.reason, d.ev?.followsSurplus ?? false, [stepped ? this.settings.ev.minKw : evRunKw, evRunKw]],
    ];
    for (const [role, on, reason, followsSurplus, range] of runs) {
      if (!reason) continue;
      if (!on) {
        this.regulators.delete(role);
        wants[role] = { kind: 'release', reason: saidOf(reason) };
        continue;
      }
      const run = this.regulated(role, reason, followsSurplus, range, beyondPlanW, now);
      const power = role === 'ev' && stepped ? { kw: run.kw } : {};
      wants[role] = run.on ? { kind: 'on', reason: run.why, ...power } : { kind: 'release', reason: run.why };
    }
    if (d.battery) {
      const b = d.battery;
      wants.battery = b.command === 'auto' ? { kind: 'release', reason: saidOf(b.reason) } : { kind: 'mode', mode: b.command, reason: saidOf(b.reason) };
    }
    return wants;
  }

  /**
   * What the regulator counts as buying, W (+ buying, - selling): the meter's reading plus what the home
   * battery is discharging. On self-consumption the battery covers a cloud, so the meter alone would keep a
   * surplus run going on the battery's energy, which the plan kept for the evening's dearer hours.
   */
  private importSeenByRegulator(): number | undefined {
    const devices = this.deps.home.devices();
    const gridW = devices.find((x) => x.kind === 'meter' && x.online)?.readings.powerW?.value;
    if (gridW === undefined) return undefined;
    // ECHONET's battery power (027D D3) is + charging, - discharging
    const batteryW = devices.find((x) => x.kind === 'battery' && x.online)?.readings.powerW?.value ?? 0;
    return gridW + Math.max(0, -batteryW);
  }

  /**
   * A run the plan marks as following the surplus (planner/types.ts) starts as planned and then follows the
   * meter: import for the regulator's disable delay (a cloud) stops it, surplus for its enable delay starts
   * it again. Runs for the cheapest rate or a deadline are not regulated: they buy on purpose.
   */
  private regulated(role: Role, reason: Reason, followsSurplus: boolean, [minKw, kw]: [number, number], beyondPlanW: number | undefined, now: number): { on: boolean; kw: number; why: Said } {
    if (!followsSurplus || beyondPlanW === undefined) {
      this.regulators.delete(role);
      return { on: true, kw, why: saidOf(reason) };
    }
    // the plan's run starts as planned; from then on the meter decides (beyondPlanW is + buying, the regulator
    // wants + export): between the device's minimum and the plan's power, or off
    const previous = this.regulators.get(role);
    const state: RegulatorState = previous ? regulate(previous, now, -beyondPlanW / 1000, { ...DEFAULT_REGULATOR, minKw, maxKw: kw }) : { on: true, kw, reason };
    this.regulators.set(role, state);
    if (state.on) {
      if (state.kw >= kw - 1e-9) return { on: true, kw, why: saidOf(reason) };
      return { on: true, kw: state.kw, why: say((l) => (l === 'ja' ? `${inLang(reason, l)}。実際のメーターの値に合わせて：${inLang(state.reason, l)}` : `${reason.text}; following the live meter: ${state.reason.text}`)) };
    }
    return { on: false, kw: 0, why: say((l) => (l === 'ja' ? `${inLang(reason, l)}。実際のメーターの値で見合わせ：${inLang(state.reason, l)}` : `${reason.text}; held back by the live meter: ${state.reason.text}`)) };
  }

  private async execute(wants: Wants): Promise<void> {
    const steps = await this.executor.apply(wants);
    this.lastSteps = steps;
    let replanSoon = false;
    for (const s of steps) {
      this.record({ about: s.role, identity: s.identity, code: s.code, text: s.text, textJa: s.textJa });
      if (s.code === 'override') replanSoon = true;
      // the warning top-up is done once a day; the gates then refuse solar reheating that day
      if (s.role === 'ecocute' && s.code === 'write' && this.linkage?.suspendSolar && wants.ecocute?.kind === 'on') {
        this.linkageState = reheatStarted(this.linkageState, this.deps.clock.now());
      }
    }
    this.emit('status', this.status());
    if (replanSoon) this.scheduleReplan('a device was changed by someone else');
  }

  private setSummary(createdAt: number, s: Omit<PlanSummary, 'createdAt'>): void {
    this.summary = { ...s, createdAt };
    this.record({ about: 'plan', code: s.status, text: s.text, textJa: s.textJa });
  }

  /** Appends to the decision log when something new is said about the subject (repeats are not logged). */
  private record(e: Omit<DecisionEntry, 'at'>): void {
    const key = `${e.about}/${e.identity ?? ''}`;
    const repeat = `${e.code} ${e.text}`;
    if (this.lastText.get(key) === repeat) return;
    this.lastText.set(key, repeat);
    const entry: DecisionEntry = { at: this.deps.clock.now(), ...e };
    this.log_.push(entry);
    if (this.log_.length > this.settings.decisionLogSize) this.log_.splice(0, this.log_.length - this.settings.decisionLogSize);
    // device steps name their device already ("EcoCute: set manual_heating ...")
    const lang = this.settings.language;
    const line = e.identity === undefined ? `${lang === 'ja' ? `${ABOUT_JA[e.about]}：` : `${e.about}: `}${inLang(e, lang)}` : inLang(e, lang);
    if (e.code === 'failed' || e.code === 'override') this.deps.log.warn(line);
    else if (e.code === 'write' || e.about === 'plan' || e.about === 'warning' || e.about === 'switch') this.deps.log.info(line);
    else this.deps.log.debug(line);
    this.emit('decision', entry);
  }

  /**
   * Car plugged in or out, a device online or offline, a controllable device found: re-plan soon. A
   * meter counts too: the B-route meter often joins after the first round, and it opens the measuring-unit gate.
   */
  private deviceChanged(device: HomeDevice): void {
    if (!roleOf(device) && device.kind !== 'meter') return;
    const signature = signatureOf(device);
    const before = this.signatures.get(device.identity);
    this.signatures.set(device.identity, signature);
    if (before !== signature) this.scheduleReplan(before === undefined ? `${device.kind} found` : `${device.kind} changed (${signature})`);
  }

  private scheduleReplan(why: string): void {
    if (!this.on_ || this.replanTimer) return;
    this.deps.log.debug(`re-planning soon: ${why}`);
    this.replanTimer = this.deps.clock.setTimeout(() => {
      this.replanTimer = undefined;
      guard(this.deps.log, 're-planning', this.planNow());
    }, REPLAN_DEBOUNCE_MS);
  }
}

/** A plan sentence with the note on the inputs it rests on. */
function withNote(s: Said, note: Said | undefined): Said {
  return note ? { text: `${s.text}; ${note.text}`, textJa: `${s.textJa}。${note.textJa}` } : s;
}

/** A plan's reason as a want's (a reason made without Japanese says its English). */
const saidOf = (r: Reason): Said => ({ text: r.text, textJa: inLang(r, 'ja') });

/** What about a device calls for a new plan when it changes: answering or not, the car plugged in or not. */
function signatureOf(device: HomeDevice): string {
  return `${device.online ? 'online' : 'offline'}/${device.readings.vehicle?.value ?? ''}`;
}

/** The status shows today's rest of the plan (what a homeowner looks at); tomorrow's part changes before it matters. */
function summaryOf(now: number, p: Plan, replaced: boolean, gainYen: number, text: Said): Omit<PlanSummary, 'createdAt'> {
  const endOfToday = startOfJstDay(now) + DAY_MS;
  return { status: p.status, replaced, gainYen, solveMs: p.solveMs, objective: p.objective, shortfalls: p.shortfalls, next: p.decisions.filter((d) => d.start < endOfToday), ...text };
}

/** How the plan was found, in Japanese (the English status is the plan's own code). */
const STATUS_JA: Readonly<Record<Plan['status'], string>> = { optimal: '最適解', 'relax-and-fix': '高速近似', fallback: '予備の計画', aiseg2: 'AiSEG2互換' };

/** What became of the round: a first plan, a replacement worth its threshold, or the current plan kept. */
function planSentence(r: Replanned, first: boolean, thresholdYen: number): Said {
  const gain = (l: Lang): string => wholeYen(r.gainYen, l);
  const threshold = (l: Lang): string => wholeYen(thresholdYen, l);
  if (first) {
    const ms = r.plan.solveMs.toFixed(0);
    const cost = (l: Lang): string => wholeYen(r.plan.objective.totalYen, l);
    return say((l) => (l === 'ja' ? `新しい計画（${STATUS_JA[r.plan.status]}、${ms}ミリ秒）：見込みの電気代（買電－売電）${cost(l)}` : `new plan (${r.plan.status}, ${ms} ms): expected net cost ${cost(l)}`));
  }
  if (r.replaced) {
    return say((l) =>
      l === 'ja'
        ? `計画を更新しました：今の計画を続けるより${gain(l)}得になります（しきい値${threshold(l)}）`
        : `re-planned: the new plan saves ${gain(l)} over keeping the current one (threshold ${threshold(l)})`,
    );
  }
  if (r.gainYen === 0) return { text: 'plan confirmed: the fresh data give the same on/off decisions', textJa: '計画を確認しました：最新のデータでも入・切の判断は同じです' };
  return say((l) =>
    l === 'ja'
      ? `今の入・切の計画を続けます：新しい計画でも${gain(l)}しか得にならないため（しきい値${threshold(l)}）`
      : `kept the current on/off plan: a new one would save only ${gain(l)} (threshold ${threshold(l)})`,
  );
}
