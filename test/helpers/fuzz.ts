/**
 * A small seeded generator for the fuzz tests. Every fuzz test takes its seed from FUZZ_SEED (so a failure
 * is reproduced with the seed its message prints) and its number of cases from fuzzCases(): CI-sized by
 * default, FUZZ_SCALE=10 (or any factor) for a longer run.
 *
 *   FUZZ_SEED=0x1234 FUZZ_SCALE=20 node test/run.mjs unit/fuzz
 */

/** The seed: FUZZ_SEED (decimal or 0x hex) when set, otherwise the test's own fixed default. */
export function fuzzSeed(fallback: number): number {
  const env = process.env.FUZZ_SEED;
  if (env === undefined || env.trim() === '') return fallback >>> 0;
  const n = Number(env.trim());
  if (!Number.isFinite(n)) throw new Error(`FUZZ_SEED "${env}" is not a number (decimal or 0x hex)`);
  return n >>> 0;
}

/** A test's default case count times FUZZ_SCALE (default 1). */
export function fuzzCases(base: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** mulberry32: small, fast and good enough to spread bytes; not for anything secret. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters that break naive parsing: line ends, NUL, tabs, quotes, wide and combining characters, emoji. */
const NASTY = ['\r', '\n', '\r\n', '\0', '\t', ' ', '\u00a0', '\u3000', '"', "'", '\\', '/', '#', '+', '%', '%zz', 'é', 'ｱ', '０', '電', '\u0301', '\u200b', '\ufeff', '😀', '\ud800'];

export class Fuzz {
  readonly random: () => number;
  constructor(readonly seed: number) {
    this.random = mulberry32(seed);
  }

  /** 0 .. n-1. */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }

  /** A string of `n` characters drawn from `alphabet`. */
  stringOf(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** Mostly printable ASCII, now and then a line end, NUL, full-width or combining character, emoji. */
  text(maxLength = 24): string {
    let s = '';
    for (let i = this.int(maxLength + 1); i > 0; i--) s += this.chance(0.15) ? this.pick(NASTY) : String.fromCharCode(0x20 + this.int(95));
    return s;
  }

  /** `base` with one nasty character put somewhere in it (start, middle or end). */
  spoil(base: string): string {
    const at = this.int(base.length + 1);
    return `${base.slice(0, at)}${this.pick(NASTY)}${base.slice(at)}`;
  }

  /** Any JSON-ish value: what a hand-edited config.json or a confused script may hold. */
  value(depth = 2): unknown {
    const r = this.int(depth > 0 ? 12 : 9);
    switch (r) {
      case 0:
        return undefined;
      case 1:
        return null;
      case 2:
        return this.chance(0.5);
      case 3:
        return this.pick([0, -1, 1, 0.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 65536, 30, 300]);
      case 4:
        return this.int(100_000) - 1000;
      case 5:
        return '';
      case 6:
        return this.text();
      case 7:
        return this.pick(['true', 'false', '30', 'on', 'null', '{}', '[]', 'en', 'ja', 'surplus', 'url', 'embedded']);
      case 8:
        return 'x'.repeat(this.pick([256, 4096, 70_000]));
      case 9:
        return Array.from({ length: this.int(4) }, () => this.value(depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) o[this.pick(['enabled', 'id', 'name', 'url', '__proto__', 'constructor', 'x'])] = this.value(depth - 1);
        return o;
      }
    }
  }
}
