/**
 * hap-nodejs declares Perms, Formats and HAPStatus as const enums, which a package compiled with isolated
 * modules cannot read; their values are fixed by the HomeKit Accessory Protocol, so they are spelled out
 * here once, typed as the enums.
 */
import type { Formats, HAPStatus, Perms } from 'homebridge';

export const READ_NOTIFY = ['pr', 'ev'] as unknown as Perms[];
export const READ_WRITE_NOTIFY = ['pr', 'pw', 'ev'] as unknown as Perms[];
/** Eve's history characteristics are hidden from the Home app: only the Eve app reads and writes them. */
export const READ_NOTIFY_HIDDEN = ['pr', 'ev', 'hd'] as unknown as Perms[];
export const WRITE_HIDDEN = ['pw', 'hd'] as unknown as Perms[];
export const FLOAT = 'float' as unknown as Formats;
/** Bytes, sent base64-encoded. */
export const DATA = 'data' as unknown as Formats;
export const COMMUNICATION_FAILURE = -70402 as unknown as HAPStatus;
export const READ_ONLY = -70404 as unknown as HAPStatus;
