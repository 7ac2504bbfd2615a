/** The home model's public face: what the platform, MQTT and the scheduler import. */
export { Home } from './home.js';
export { createHome } from './open.js';
export { HomeError } from './errors.js';
export type { HomeDevice } from './device.js';
export type { DeviceKind } from './kinds.js';
export type { BatteryMode } from './commands.js';
export type { ReadingValues, VehicleStatus } from './readings.js';
export { generationState } from './generation.js';
