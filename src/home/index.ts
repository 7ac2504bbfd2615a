/** The home model's public face: what the platform, MQTT and the scheduler import. */
export { Home } from './home.js';
export { createHome, type HomeSettings } from './open.js';
export { HomeError, type HomeErrorCode } from './errors.js';
export type { HomeDevice } from './device.js';
export type { DeviceKind } from './kinds.js';
export type { Command, BatteryMode } from './commands.js';
export type { Readings, Reading, ReadingValues, HeatingMode, VehicleStatus } from './readings.js';
export { generationState, type GenerationState } from './generation.js';
