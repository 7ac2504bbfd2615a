/**
 * The scheduler at run time ("AI solar charge", done better). Every 30 minutes, and soon after a
 * significant live change (a car plugged in or out, a device coming or going, an override, a warning),
 * it gathers the forecast, the home's load history, the devices' states and the tariff, evaluates the
 * replaced product's gates, and plans (the MILP with re-planning hysteresis, or the AiSEG2 compatibility
 * rules). Every minute, underneath, the reactive regulator lets a cloud stop a run the plan justified by
 * surplus, and the executor applies the result to the devices.
 *
 * Everything it decides or skips carries a reason with its numbers: logged, kept in a bounded decision
 * log (the store persists it from the 'decision' event) and in the status snapshot that HomeKit and MQTT
 * show ('status' event). Time comes from the injected clock; fire-and-forget work goes through guard.
 */
import { EventEmitter } from 'node:events';
import type { Highs } from 'highs';
import type { HomeDevice } from '../home/index.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { guard } from '../util/guard.js';
import type { Logger } from '../util/log.js';
import { dayType, jstTime, startOfJstDay, DAY_MS, HALF_HOUR_MS } from './calendar.js';
import { explainBlocked, timeWindow, type DeviceKind as Role } from './explain.js';
import { Executor, DEFAULT_EXECUTOR_SETTINGS, isEnabled, roleOf, type ControlledHome, type ExecutorSettings, type Step, type Want, type Wants } from './executor.js';
import { applyCorrection, correctionFactor, type ForecastOutcome } from './forecast/correction.js';
import type { ForecastChoice } from './forecast/fallback.js';
import type { Forecast, WeatherClass } from './forecast/types.js';
import { evaluateGates, tariffFacts, type DeviceGates, type GateInput } from './gates.js';
import { dataCondition, forecastLoad, type DayUsage } from './load-history.js';
import { aiseg2Plan, surplusWindow } from './planner/aiseg2.js';
import { replan } from './planner/replan.js';
import { surplusOf } from './planner/reasons.js';
import { loadSolver } from './planner/solver.js';
import { SLOT_HOURS, type Plan, type PlanInput, type Reason, type SlotDecision } from './planner/types.js';
import { mergeForecasts, type ForecastFeed } from './providers.js';
import { DEFAULT_REGULATOR, regulate, type RegulatorState } from './regulator.js';
import { DEFAULT_REPLAY_CONFIG, tankKwh, type BatteryConfig, type EcoCuteConfig, type EvConfig } from './replay/config.js';
import { hotWaterDrawKwh } from './replay/household.js';
import type { Tariff } from './tariff.js';
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

export interface SchedulerSettings {
  readonly mode: 'planner' | 'aiseg2';
  /** Devices the user enabled for solar control: identities or kinds ('water-heater', 'battery', 'ev-charger'). */
  readonly enabled: readonly string[];
  readonly tariff: Tariff;
  /** 全量買取: all generation is sold, there is no surplus to use. */
  readonly fullPurchaseMode: boolean;
  readonly facts: InstallationFacts;
  /** Device parameters the devices do not report (heat-pump power, COP, EV departure and target, ...). */
  readonly ecocute: EcoCuteConfig;
  readonly ev: EvConfig;
  readonly battery: BatteryConfig;
  readonly planEveryMs: number;
  readonly regulateEveryMs: number;
  /** A new plan replaces the current one only when it saves more than this, yen. */
  readonly replanThresholdYen: number;
  readonly maxHorizonSlots: number;
  readonly executor: ExecutorSettings;
  readonly warnings: WarningLinkageSettings;
  /** Entries kept in memory; the store keeps the rest. */
  readonly decisionLogSize: number;
}

export const DEFAULT_SCHEDULER_SETTINGS: Omit<SchedulerSettings, 'tariff'> = {
  mode: 'planner',
  enabled: [],
  fullPurchaseMode: false,
  facts: { measuringUnit: false, ecocuteCircuitMeasured: true, evCircuitMeasured: true, ownSolarChargeOn: false, daytimeReheatStopSupported: false, batteryAppMode: 'eco' },
  ecocute: DEFAULT_REPLAY_CONFIG.ecocute!,
  ev: DEFAULT_REPLAY_CONFIG.ev!,
  battery: DEFAULT_REPLAY_CONFIG.battery!,
  planEveryMs: 30 * 60_000,
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

/** Significant changes re-plan after this pause, so a burst of readings costs one round. */
const REPLAN_DEBOUNCE_MS = 10_000;
/** Load per half-hour assumed before the home has any history, kWh (a small household's base load). */
const FALLBACK_LOAD_KWH = 0.25;
const CAR_PLUGGED = new Set(['connected', 'chargeable', 'dischargeable', 'chargeable_dischargeable']);

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
    this.record({ about: 'switch', code: on ? 'enabled' : 'disabled', text: on ? 'AI solar charge turned on' : 'AI solar charge turned off: every device is handed back' });
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
    // the home's own record of forecast vs actual tempers the PV forecast (bounded, never > +50 %)
    const correction = this.deps.forecastOutcomes ? correctionFactor(this.deps.forecastOutcomes()) : undefined;
    const forecast = merged && correction ? { ...merged, pv: applyCorrection(merged.pv, correction.factor) } : merged;
    // 'none' only when there is no PV forecast at all: a weather source failing alone still leaves a plan
    this.lastForecast = forecast;
    const status = !forecast || forecast.pv.length === 0 ? 'none' : choices.some((c) => c.status !== 'fresh') ? 'fallback' : 'fresh';
    this.forecastState = {
      status,
      message: [...choices.map((c) => c.message), correction?.message ?? ''].join(' ').trim() || 'no forecast source is configured',
      messageJa: [...choices.map((c) => c.messageJa), correction?.messageJa ?? ''].join('') || '予報の取得元が設定されていません',
    };
    this.record({ about: 'forecast', code: this.forecastState.status, text: this.forecastState.message });

    this.linkage = warningLinkage(forecast?.warnings ?? [], now, this.linkageState, this.settings.warnings);
    this.record({ about: 'warning', code: this.linkage.active ? 'active' : 'none', text: this.linkage.message });

    const live = liveInput(now, this.deps.home.devices(), forecast, this.deps.history(), this.settings);
    this.gates = this.evaluate(live, forecast);
    for (const g of this.gates) {
      const blocked = explainBlocked(g.device, g.gates);
      this.record({ about: g.device, code: blocked ? 'gate-closed' : 'gate-open', text: blocked ?? 'every gate passed' });
    }

    if (this.linkage.suspendSolar) {
      this.plan = undefined;
      this.setSummary(now, { status: 'suspended', replaced: true, gainYen: 0, solveMs: 0, shortfalls: [], next: [], text: `no solar plan: ${this.linkage.message}` });
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
      this.setSummary(now, { status: 'none', replaced: true, gainYen: 0, solveMs: 0, shortfalls: [], next: [], text: 'nothing to plan: no enabled device passes its gates' });
      return this.tick();
    }
    if (this.settings.mode === 'aiseg2') {
      const p = aiseg2Plan(input, {
        tariff: live.tariff,
        dataCondition: live.dataCondition,
        ecocuteNeedKwh: live.needs.ecocute,
        evNeedKwh: live.needs.ev,
        carHome: input.slots.map((_, i) => live.carHome(i)),
      });
      this.plan = p;
      this.setSummary(now, summaryOf(now, p, true, 0, `AiSEG2 rules: surplus window ${live.window.text}`));
    } else {
      const highs = await (this.deps.solver ?? loadSolver)();
      const first = this.plan === undefined;
      const r = replan(highs, input, this.plan, this.settings.replanThresholdYen);
      const text = first
        ? `new plan (${r.plan.status}, ${r.plan.solveMs.toFixed(0)} ms): expected net cost ${r.plan.objective.totalYen.toFixed(0)} yen`
        : r.replaced
          ? `re-planned: the new plan saves ${r.gainYen.toFixed(0)} yen over keeping the current one (threshold ${this.settings.replanThresholdYen} yen)`
          : r.gainYen === 0
            ? 'plan confirmed: the fresh data give the same on/off decisions'
            : `kept the current on/off plan: a new one would save only ${r.gainYen.toFixed(0)} yen (threshold ${this.settings.replanThresholdYen} yen)`;
      this.plan = r.plan;
      this.setSummary(now, summaryOf(now, r.plan, r.replaced || first, r.gainYen, text));
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
      if (!g.allowed) wants[g.device] = { kind: 'release', reason: explainBlocked(g.device, g.gates) ?? 'blocked' };
    }
    const slot = Math.floor(now / HALF_HOUR_MS) * HALF_HOUR_MS;
    const d = this.plan?.decisions.find((x) => x.start === slot);
    if (!d) {
      this.regulators.clear();
      return wants;
    }
    const meter = this.deps.home.devices().find((x) => x.kind === 'meter' && x.online);
    const gridW = meter?.readings.powerW?.value;
    const runs: [Role, boolean, Reason | undefined, number][] = [
      ['ecocute', d.ecocute?.heat ?? false, d.ecocute?.reason, this.settings.ecocute.heatPumpKw],
      ['ev', (d.ev?.kw ?? 0) > 0, d.ev?.reason, d.ev?.kw ?? 0],
    ];
    for (const [role, on, reason, kw] of runs) {
      if (!reason) continue;
      if (!on) {
        this.regulators.delete(role);
        wants[role] = { kind: 'release', reason: reason.text };
        continue;
      }
      const run = this.regulated(role, reason, kw, gridW, now);
      wants[role] = run.on ? { kind: 'on', reason: run.text } : { kind: 'release', reason: run.text };
    }
    if (d.battery) {
      const b = d.battery;
      wants.battery = b.command === 'auto' ? { kind: 'release', reason: b.reason.text } : { kind: 'mode', mode: b.command, reason: b.reason.text };
    }
    return wants;
  }

  /**
   * A run the plan justified by forecast surplus starts as planned and then follows the meter: import
   * for the regulator's disable delay (a cloud) stops it, surplus for its enable delay starts it again.
   * Runs justified by price or a deadline are not regulated: they buy on purpose.
   */
  private regulated(role: Role, reason: Reason, kw: number, gridW: number | undefined, now: number): { on: boolean; text: string } {
    // the compatibility rules run only on forecast surplus, so their runs are regulated too
    const bySurplus = reason.code.includes('surplus') || reason.code.startsWith('aiseg2-');
    if (!bySurplus || gridW === undefined) {
      this.regulators.delete(role);
      return { on: true, text: reason.text };
    }
    // the plan's run starts as planned; from then on the meter decides (gridW is + buying, the regulator
    // wants + export). Both devices are switched on and off only, so they run at the plan's power or not at all.
    const previous = this.regulators.get(role);
    const state: RegulatorState = previous ? regulate(previous, now, -gridW / 1000, { ...DEFAULT_REGULATOR, minKw: kw, maxKw: kw }) : { on: true, kw, reason };
    this.regulators.set(role, state);
    return state.on ? { on: true, text: reason.text } : { on: false, text: `${reason.text}; held back by the live meter: ${state.reason.text}` };
  }

  private async execute(wants: Wants): Promise<void> {
    const steps = await this.executor.apply(wants);
    this.lastSteps = steps;
    let replanSoon = false;
    for (const s of steps) {
      this.record({ about: s.role, identity: s.identity, code: s.code, text: s.text });
      if (s.code === 'override') replanSoon = true;
      // the warning top-up is done once a day; the gates then refuse solar reheating that day
      if (s.role === 'ecocute' && s.code === 'write' && this.linkage?.suspendSolar && wants.ecocute?.kind === 'on') {
        this.linkageState = reheatStarted(this.linkageState, this.deps.clock.now());
      }
    }
    this.emit('status', this.status());
    if (replanSoon) this.scheduleReplan('a device was changed by someone else');
  }

  private setSummary(now: number, s: Omit<PlanSummary, 'createdAt'>): void {
    this.summary = { createdAt: now, ...s };
    this.record({ about: 'plan', code: s.status, text: s.text });
  }

  /** Appends to the decision log when something new is said about the subject (repeats are not logged). */
  private record(e: Omit<DecisionEntry, 'at'>): void {
    const key = `${e.about}/${e.identity ?? ''}`;
    const said = `${e.code} ${e.text}`;
    if (this.lastText.get(key) === said) return;
    this.lastText.set(key, said);
    const entry: DecisionEntry = { at: this.deps.clock.now(), ...e };
    this.log_.push(entry);
    if (this.log_.length > this.settings.decisionLogSize) this.log_.splice(0, this.log_.length - this.settings.decisionLogSize);
    // device steps name their device already ("EcoCute: set manual_heating ...")
    const line = e.identity === undefined ? `${e.about}: ${e.text}` : e.text;
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

/** What about a device calls for a new plan when it changes: answering or not, the car plugged in or not. */
function signatureOf(device: HomeDevice): string {
  return `${device.online ? 'online' : 'offline'}/${device.readings.vehicle?.value ?? ''}`;
}

/** The status shows today's rest of the plan (what a homeowner looks at); tomorrow's part changes before it matters. */
function summaryOf(now: number, p: Plan, replaced: boolean, gainYen: number, text: string): Omit<PlanSummary, 'createdAt'> {
  const endOfToday = startOfJstDay(now) + DAY_MS;
  return { status: p.status, replaced, gainYen, solveMs: p.solveMs, objective: p.objective, shortfalls: p.shortfalls, next: p.decisions.filter((d) => d.start < endOfToday), text };
}

interface LiveInput {
  readonly input: PlanInput;
  readonly tariff: GateInput['tariff'];
  readonly dataCondition: GateInput['dataCondition'];
  readonly window: { readonly start: number; readonly end: number; readonly surplusKwh: number; readonly purchaseKwh: number; readonly text: string };
  /** Electricity each device needs: the EcoCute to fill its tank, the car to reach its departure target, kWh. */
  readonly needs: { readonly ecocute: number; readonly ev: number };
  readonly carHome: (slot: number) => boolean;
}

/**
 * The planner's input from the live home: slots from now to the end of tomorrow with the forecast PV,
 * the load forecast from the home's own history and the tariff's prices; the devices as they report
 * themselves (tank, battery and car energy), with the parameters they do not report from the settings.
 * A device without the readings the plan needs is left out (it runs on its own).
 */
function liveInput(now: number, all: readonly HomeDevice[], forecast: Forecast | undefined, history: readonly DayUsage[], s: SchedulerSettings): LiveInput {
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
      loadByDay.set(dateKey, forecastLoad(history, { dateKey, weatherClass, extraHolidays: [] })?.slotsKwh);
    }
    return loadByDay.get(dateKey)?.[Math.floor(jstTime(t).minuteOfDay / 30)] ?? FALLBACK_LOAD_KWH;
  };
  const slots = starts.map((t) => ({ start: t, pvKwh: pv.get(t) ?? 0, loadKwh: loadAt(t), buyYen: s.tariff.buyPrice(t), sellYen: s.tariff.sellPrice(t) }));
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
      // the typical family's draws (morning, lunch, the evening bath) until the home's own are recorded
      drawKwh: starts.map((t) => hotWaterDrawKwh(t, config, 1)),
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
    battery = { capacityKwh: b.capacityKwh, storedKwh: Math.min(b.capacityKwh, batKwh), minKwh: b.capacityKwh * b.minShare, chargeKw: b.chargeKw, dischargeKw: b.dischargeKw, efficiency: b.efficiency };
  }

  let ev: PlanInput['ev'];
  const car = find('ev');
  const carKwh = car?.readings.remainingWh !== undefined ? car.readings.remainingWh.value / 1000 : car?.readings.socPct !== undefined ? (car.readings.socPct.value / 100) * s.ev.capacityKwh : undefined;
  const plugged = car !== undefined && CAR_PLUGGED.has(car.readings.vehicle?.value ?? '');
  // the car leaves at the next leave hour on a weekday; on holidays it stays (the household model's week)
  let departSlot = n + 1;
  for (let i = 0; i < n; i++) {
    const local = jstTime(starts[i]!);
    if (i > 0 && dayType(starts[i]!) === 'weekday' && Math.abs(local.minuteOfDay / 60 - s.ev.leaveHour) < 0.25) {
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
      // DA switches charging on and off; the home model sets no charging power, so the charger runs at its own
      control: 'onoff',
      efficiency: e.efficiency,
      stays: [{ arriveSlot: 0, departSlot, tripKwhBefore: 0, targetKwh: e.departureTargetKwh }],
      charging: car.readings.operationMode?.value === 'charge',
      slotsInState: 48,
    };
  }

  const input: PlanInput = { slots, ecocute, battery, ev };
  const [a, b] = surplusWindow(input);
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
    },
    needs: {
      ecocute: ecocute ? Math.max(0, ecocute.capacityKwh - ecocute.storedKwh) / ecocute.cop : 0,
      ev: ev ? Math.max(0, s.ev.departureTargetKwh - ev.storedKwh) / s.ev.efficiency : 0,
    },
    carHome: (i) => plugged && i < departSlot,
  };
}
