/**
 * The generation indicator of the reference controller (seed item 7): solar generating, only external
 * generation (EneFarm / gas cogeneration) generating, both, or none. Pure, so every consumer shows the
 * same state from the same readings.
 */
export type GenerationState = 'solar' | 'external' | 'both' | 'none';

/**
 * A few watts of standby or dawn light are not "generating": below this the indicator stays off, as the
 * reference product's lamp does not flicker at dusk.
 */
const GENERATING_THRESHOLD_W = 10;

export function generationState(solarW: number | undefined, externalW: number | undefined): GenerationState {
  const solar = (solarW ?? 0) >= GENERATING_THRESHOLD_W;
  const external = (externalW ?? 0) >= GENERATING_THRESHOLD_W;
  return solar && external ? 'both' : solar ? 'solar' : external ? 'external' : 'none';
}
