/**
 * Names Homebridge knows the plugin by, and the defaults and limits of its settings. Each constant says
 * why it has its value, so that changing one is a decision rather than a guess.
 */

/** The `platform` value in config.json; also config.schema.json's pluginAlias. */
export const PLATFORM_NAME = 'EchonetHems';
/** The npm package name, as Homebridge registers accessories under it. */
export const PLUGIN_NAME = 'homebridge-echonet-hems';

/** ECHONET devices are read every 15 s: fresh enough for automations, light on devices that queue requests. */
export const DEFAULT_DEVICE_POLL_SECONDS = 15;
/** Faster than 5 s and a slow device's retries overlap the next poll. */
export const MIN_DEVICE_POLL_SECONDS = 5;
/** Slower than 5 minutes and the Eve history (10-minute entries) gets gaps. */
export const MAX_DEVICE_POLL_SECONDS = 300;

/** The meter updates its instantaneous power about every 10 s; 30 s keeps the radio quiet. */
export const DEFAULT_METER_POLL_SECONDS = 30;
/** The wisun layer does not poll faster than this: no operator publishes a limit, so stay polite. */
export const MIN_METER_POLL_SECONDS = 10;
export const MAX_METER_POLL_SECONDS = 300;

/** A new search for devices each minute finds one that was switched on later, without flooding the LAN. */
export const DISCOVERY_INTERVAL_MS = 60_000;

/**
 * A cached accessory whose device has not been found for this long is removed. Long enough that a device
 * booting slower than Homebridge (or a short power cut) does not lose its room, name and automations.
 */
export const STALE_ACCESSORY_GRACE_MS = 15 * 60_000;

/**
 * "Selling surplus" trips when the grid power is below minus this: a few watts of meter noise around
 * zero would otherwise toggle automations all day.
 */
export const DEFAULT_SURPLUS_THRESHOLD_W = 100;

/** HAP's light sensor range is 0.0001..100000 lux and rejects 0: watts are clamped into it. */
export const MIN_LUX = 0.0001;
export const MAX_LUX = 100_000;

/** Below this state of charge (or hot water left) HomeKit shows the low-battery warning. */
export const LOW_LEVEL_PCT = 20;

/** More than ten years of half-hours is more than any export or comparison needs, and the store stays small. */
export const MAX_RETENTION_MONTHS = 120;
/** A year of daily backups; more only fills the disk of a Raspberry Pi. */
export const MAX_BACKUPS = 365;
/** Where the embedded MQTT broker listens unless the homeowner opens it to the LAN: nothing leaves the machine by surprise. */
export const EMBEDDED_BROKER_HOST = '127.0.0.1';
/** MQTT's registered port, so Home Assistant and other clients find the embedded broker without settings. */
export const DEFAULT_EMBEDDED_BROKER_PORT = 1883;
