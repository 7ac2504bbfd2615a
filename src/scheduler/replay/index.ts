/** The year replay and the one-shot plan behind `echonet-hems simulate` and `echonet-hems plan`. */
export { simulateYear, planDay, ALL_STRATEGIES, type ReplayResult, type SimulateOptions, type DayPlan } from './simulate.js';
export { DEFAULT_REPLAY_CONFIG, type ReplayConfig } from './config.js';
export type { StrategyMetrics } from './metrics.js';
export type { StrategyName } from './strategies.js';
export { HouseholdCsvError } from './csv.js';
