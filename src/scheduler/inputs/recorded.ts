/**
 * The scheduler's memory across restarts, kept in the plugin's store: the "AI solar charge" switch, what
 * the forecasts said about each day (forecast-memory.ts) and the EcoCute's hot-water use (hot-water.ts),
 * under one small key of its own (the
 * store's settings object is rewritten whole by whoever saves settings, so it is not shared).
 *
 * It also serves the service's two synchronous inputs, the usage days and the forecast outcomes, from a
 * copy rebuilt from the store's half-hours at start and shortly after each midnight (the only moment a
 * new complete day appears). The edge part of inputs/: storage, timers; the maths is in usage.ts.
 */
import type { EnergySlot } from '../../store/history.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { guard } from '../../util/guard.js';
import { isRecord } from '../../util/json.js';
import type { Logger } from '../../util/log.js';
import { DAY_MS, HALF_HOUR_MS, startOfJstDay } from '../calendar.js';
import type { ForecastOutcome } from '../forecast/correction.js';
import { RECENT_LOAD, RECENT_PV } from '../forecast/recent-level.js';
import type { Forecast, ForecastProvider } from '../forecast/types.js';
import type { DayUsage } from '../load-history.js';
import { EMPTY_MEMORY, MEMORY_DAYS, memoryFrom, remember, type ForecastMemory } from './forecast-memory.js';
import { EMPTY_HOT_WATER, hotWaterFrom, hotWaterProfile, observeHotWater, type HotWaterProfile, type HotWaterRecord } from './hot-water.js';
import { recentSlots, recordedInputs, type RecentSlot } from './usage.js';

/** The store's key for this record. */
export const STATE_KEY = 'scheduler/state';
/** How far back the planner's intraday correction looks: the longer of its two windows. */
const RECENT_MS = Math.max(RECENT_LOAD.windowSlots, RECENT_PV.windowSlots) * HALF_HOUR_MS;
/** After midnight, time for the recorder to write the day's last half-hour before the day is read. */
const AFTER_MIDNIGHT_MS = 5 * 60_000;

/** Key-value storage (the store's SafeStorage, History.storage, satisfies it). */
export interface StateStorage {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

/** The store's half-hour energy (History satisfies it). */
export interface SlotSource {
  slots(from: number, to: number): Promise<EnergySlot[]>;
}

export interface SchedulerInputsOptions {
  readonly storage: StateStorage;
  readonly slots: SlotSource;
  readonly clock: Clock;
  readonly log: Logger;
  /** Identities of the devices the planner decides for now; their energy is not household load. */
  readonly planned: () => readonly string[];
}

interface State {
  readonly enabled?: boolean;
  readonly memory: ForecastMemory;
  readonly hotWater: HotWaterRecord;
}

export class SchedulerInputs {
  private days: readonly DayUsage[] = [];
  private outcomes_: readonly ForecastOutcome[] = [];
  private saving: Promise<void> = Promise.resolve();
  private timer: TimerHandle | undefined;
  /** The half-hour the hot-water record was last saved in: it is saved once per half-hour, not per reading. */
  private hotWaterSavedSlot = 0;

  private constructor(
    private readonly options: SchedulerInputsOptions,
    private state: State,
  ) {}

  /** Reads the stored record (a missing or damaged one starts empty) and builds the inputs once. */
  static async open(options: SchedulerInputsOptions): Promise<SchedulerInputs> {
    const stored = await options.storage.get<unknown>(STATE_KEY);
    const state: State = {
      ...(isRecord(stored) && typeof stored.enabled === 'boolean' ? { enabled: stored.enabled } : {}),
      memory: isRecord(stored) ? memoryFrom(stored.memory) : EMPTY_MEMORY,
      hotWater: isRecord(stored) ? hotWaterFrom(stored.hotWater) : EMPTY_HOT_WATER,
    };
    const inputs = new SchedulerInputs(options, state);
    await inputs.refresh();
    return inputs;
  }

  /** Rebuilds the inputs shortly after every JST midnight until stopped. */
  start(): void {
    const { clock } = this.options;
    const next = startOfJstDay(clock.now()) + DAY_MS + AFTER_MIDNIGHT_MS;
    this.timer = clock.setTimeout(() => {
      guard(this.options.log, 'reading the usage history', this.refresh());
      this.start();
    }, next - clock.now());
  }

  /** Stops the daily rebuild; resolves when the record, with the latest hot-water readings, is saved. */
  async stop(): Promise<void> {
    this.timer?.cancel();
    this.save(this.state);
    await this.saving;
  }

  /** A reading of the EcoCute's remaining hot water (litres, at the reading's time). */
  observeHotWater(at: number, litres: number): void {
    const hotWater = observeHotWater(this.state.hotWater, at, litres);
    if (hotWater === this.state.hotWater) return;
    const slot = Math.floor(at / HALF_HOUR_MS);
    if (slot === this.hotWaterSavedSlot) {
      this.state = { ...this.state, hotWater };
      return;
    }
    this.hotWaterSavedSlot = slot;
    this.save({ ...this.state, hotWater });
  }

  /** The home's hot-water draws by half-hour of the day, once enough days are recorded (SchedulerDeps.hotWater). */
  hotWater(): HotWaterProfile {
    return hotWaterProfile(this.state.hotWater, this.options.clock.now());
  }

  /** The complete days of the last weeks, oldest first (SchedulerDeps.history). */
  history(): readonly DayUsage[] {
    return this.days;
  }

  /** Day-ahead PV forecast vs actual of those days (SchedulerDeps.forecastOutcomes). */
  outcomes(): readonly ForecastOutcome[] {
    return this.outcomes_;
  }

  /** The half-hours of the last hours as recorded so far (SchedulerDeps.recent). */
  async recent(): Promise<RecentSlot[]> {
    const now = this.options.clock.now();
    return recentSlots(await this.options.slots.slots(now - RECENT_MS, now), this.options.planned());
  }

  /** The switch as last saved; undefined on the first run. */
  enabled(): boolean | undefined {
    return this.state.enabled;
  }

  saveEnabled(on: boolean): void {
    this.save({ ...this.state, enabled: on });
  }

  /** The provider, with every forecast it fetches remembered (weather class, day-ahead PV). */
  remembering(provider: ForecastProvider): ForecastProvider {
    return {
      id: provider.id,
      fetchForecast: async (now) => {
        const forecast = await provider.fetchForecast(now);
        this.observe(forecast, now);
        return forecast;
      },
    };
  }

  /** Reads the store's half-hours of the remembered weeks up to today's midnight and rebuilds the inputs. */
  async refresh(): Promise<void> {
    const today = startOfJstDay(this.options.clock.now());
    const slots = await this.options.slots.slots(today - MEMORY_DAYS * DAY_MS, today);
    const built = recordedInputs(slots, this.state.memory, this.options.planned());
    this.days = built.days;
    this.outcomes_ = built.outcomes;
  }

  private observe(forecast: Forecast, now: number): void {
    const memory = remember(this.state.memory, forecast, now);
    if (JSON.stringify(memory) !== JSON.stringify(this.state.memory)) this.save({ ...this.state, memory });
  }

  /** Saves one at a time, newest last; a failed save is logged and the next one tries again. */
  private save(state: State): void {
    this.state = state;
    const run = this.saving.then(() => this.options.storage.set(STATE_KEY, this.state));
    this.saving = run.catch(() => undefined);
    guard(this.options.log, 'saving the scheduler state', run);
  }
}
