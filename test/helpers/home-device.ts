/** A home device as the accessory tests need it: online, from ECHONET, offering exactly the values given. */
import type { HomeDevice } from '../../src/home/index.js';
import type { ReadingValues } from '../../src/home/readings.js';

export function device(kind: HomeDevice['kind'], values: Partial<ReadingValues>, extra: Partial<HomeDevice> = {}): HomeDevice {
  const readings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, at: 0 }]));
  return {
    identity: `id-${kind}`,
    kind,
    source: 'echonet',
    online: true,
    readings,
    offers: new Set(Object.keys(values) as (keyof ReadingValues)[]),
    commands: new Set(),
    ...extra,
  };
}
