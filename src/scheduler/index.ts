/**
 * The scheduler's public face: what the platform (HomeKit switch, wiring), the MQTT mirror and the store
 * import. The pure parts (gates, planner, tariffs, forecast parsing) stay behind it.
 */
export { SchedulerService, DEFAULT_SCHEDULER_SETTINGS, type SchedulerSettings, type SchedulerStatus, type DecisionEntry, type SchedulerHome } from './service.js';
export { ForecastFeed, jmaProvider, openMeteoProvider } from './providers.js';
export { manualProvider } from './forecast/manual.js';
export { makeTariff, TARIFF_PRESETS, validateTariffSpec } from './tariff.js';
