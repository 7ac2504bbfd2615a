/**
 * Electricity plans: what a kWh costs to buy and earns to sell in each half-hour, and its CO2.
 * The pieces live in tariff/ (types, presets, validation, look-up); this is the one import for callers.
 */
export type { Tariff, TariffKind, TariffSpec } from './tariff/types.js';
export { CO2_DEFAULT, TARIFF_PRESETS } from './tariff/presets.js';
export { validateTariffSpec } from './tariff/validate.js';
export { buyPriceRange, makeTariff, slotCost } from './tariff/make.js';
