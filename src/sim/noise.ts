/**
 * Seeded noise for the simulators. Every number is a pure function of (seed, stream, index) rather than
 * the next draw of a generator, so the history pre-computed at start-up and the live integration see
 * the very same household and sky whatever order the model is queried in.
 */

/** A number in [0, 1) that depends only on its three integer arguments. */
export function hashUnit(seed: number, stream: number, index: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream | 0, 0x85ebca77);
  h = Math.imul(h ^ (index % 0x100000000), 0xc2b2ae3d);
  h ^= Math.floor(index / 0x100000000);
  // murmur3 finaliser: spreads every input bit over the whole output
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000;
}

/** Noise in [-1, 1) with its mass near 0 (a triangle distribution): small wobbles common, big ones rare. */
export function hashWobble(seed: number, stream: number, index: number): number {
  return hashUnit(seed, stream, index) + hashUnit(seed, stream + 0x51ed, index) - 1;
}
