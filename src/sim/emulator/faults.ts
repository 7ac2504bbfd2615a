/**
 * Faults the emulator can show, switchable at run time, each one a misbehaviour seen in real devices or
 * public emulators (see the interop quirks in the project's ECHONET notes) so that the controller can
 * be tested against it.
 */
export interface Faults {
  /** Answer nothing at all (a device that went away or a dead stack). */
  readonly silent?: boolean;
  /** These EPCs fail in Get and INF_REQ on every object (Get_SNA with PDC 0 for them). */
  readonly getSnaEpcs?: readonly number[];
  /** Hold every answer back this many real milliseconds (network or device latency: wall time). */
  readonly delayMs?: number;
  /** Property maps (9D/9E/9F) carry a count byte one more than the EPCs they list. */
  readonly wrongMapCount?: boolean;
  /** Answer from this source port instead of 3610 (some stacks answer from 23610). */
  readonly replyFromPort?: number;
  /**
   * A request with more than `limit` EPCs (Set and Get blocks together) is not served as asked:
   * 'sna' refuses it whole (every EPC failed, PDC 0; the Set ESVs echo the EDTs), 'fewer' serves only
   * the first `limit` EPCs and leaves the rest out of the answer.
   */
  readonly maxEpcs?: { readonly limit: number; readonly answer: 'sna' | 'fewer' };
  /** A partly failed Get comes as two frames: a Get_Res with the good EPCs, then a Get_SNA with the rest. */
  readonly splitAnswers?: boolean;
}

export const NO_FAULTS: Faults = {};

/**
 * Checks faults that arrive as JSON (stdin commands, the CLI); the error names the offending field.
 * EPCs may be numbers or hex strings ("e7", "0xe7").
 */
export function parseFaults(input: unknown): { ok: true; faults: Faults } | { ok: false; reason: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'faults must be an object' };
  const raw = input as Record<string, unknown>;
  const known = ['silent', 'getSnaEpcs', 'delayMs', 'wrongMapCount', 'replyFromPort', 'maxEpcs', 'splitAnswers'];
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined) return { ok: false, reason: `unknown fault "${unknown}" (known: ${known.join(', ')})` };
  const faults: { -readonly [K in keyof Faults]: Faults[K] } = {};
  for (const key of ['silent', 'wrongMapCount', 'splitAnswers'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') return { ok: false, reason: `${key} must be true or false` };
    faults[key] = raw[key];
  }
  if (raw.delayMs !== undefined) {
    if (!isWhole(raw.delayMs, 0, 600_000)) return { ok: false, reason: 'delayMs must be 0..600000' };
    faults.delayMs = raw.delayMs;
  }
  if (raw.replyFromPort !== undefined) {
    if (!isWhole(raw.replyFromPort, 1, 65_535)) return { ok: false, reason: 'replyFromPort must be 1..65535' };
    faults.replyFromPort = raw.replyFromPort;
  }
  if (raw.getSnaEpcs !== undefined) {
    const epcs = Array.isArray(raw.getSnaEpcs) ? raw.getSnaEpcs.map(parseEpc) : [undefined];
    if (epcs.some((e) => e === undefined)) return { ok: false, reason: 'getSnaEpcs must list EPCs 0x80..0xff' };
    faults.getSnaEpcs = epcs as number[];
  }
  if (raw.maxEpcs !== undefined) {
    const m = raw.maxEpcs as { limit?: unknown; answer?: unknown } | null;
    if (typeof m !== 'object' || m === null || !isWhole(m.limit, 1, 255) || (m.answer !== 'sna' && m.answer !== 'fewer')) {
      return { ok: false, reason: 'maxEpcs must be {limit: 1..255, answer: "sna" | "fewer"}' };
    }
    faults.maxEpcs = { limit: m.limit, answer: m.answer };
  }
  return { ok: true, faults };
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function parseEpc(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^(0x)?[0-9a-f]{2}$/i.test(value) ? Number.parseInt(value.replace(/^0x/i, ''), 16) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0x80 && n <= 0xff ? n : undefined;
}
