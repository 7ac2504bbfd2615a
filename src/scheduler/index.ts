/**
 * The scheduler's public face for the layers above it (the HomeKit switch, the platform wiring). The
 * pure parts (gates, planner, tariffs, forecast parsing) stay behind it.
 */
export { SchedulerService, type SchedulerStatus } from './service.js';
