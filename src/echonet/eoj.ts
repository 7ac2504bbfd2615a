/** ECHONET object identifiers (EOJ) and the well-known ones a controller needs. */
import type { Eoj } from './frame.js';

export const CONTROLLER_EOJ: Eoj = 0x05ff01;
export const NODE_PROFILE_EOJ: Eoj = 0x0ef001;

/** The class part of an EOJ (group + class, 16 bits), e.g. 0x0288 for 0x028801. */
export function classOf(eoj: Eoj): number {
  return eoj >> 8;
}

export function instanceOf(eoj: Eoj): number {
  return eoj & 0xff;
}

export function makeEoj(classCode: number, instance: number): Eoj {
  return ((classCode & 0xffff) << 8) | (instance & 0xff);
}

/** Six lowercase hex digits, the form the CLI and MQTT use ("028801"). */
export function eojToHex(eoj: Eoj): string {
  return eoj.toString(16).padStart(6, '0');
}

/** Parses "028801" or "0x028801"; undefined when it is not exactly six hex digits. */
export function parseEoj(text: string): Eoj | undefined {
  const s = text.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{6}$/.test(s) ? Number.parseInt(s, 16) : undefined;
}
