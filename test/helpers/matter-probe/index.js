/**
 * Test-only Homebridge plugin (platform "MatterProbe"): every 2 s it reads, through Homebridge's own
 * Matter state API (api.matter.getAccessoryState), the power and energy clusters of every Matter
 * accessory in the bridge's Matter accessory cache, and logs them as one line:
 *   MATTER-PROBE {"<displayName>": {"power": {...}, "energy": {...}}, ...}
 * The e2e test compares those with the simulated home. Plain JavaScript: Homebridge loads it as is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EVERY_MS = 2000;

function cachedMatterAccessories(storage) {
  const root = join(storage, 'matter');
  const found = [];
  for (const bridge of readdirSync(root, { withFileTypes: true })) {
    if (!bridge.isDirectory()) continue;
    try {
      found.push(...JSON.parse(readFileSync(join(root, bridge.name, 'accessories.json'), 'utf8')));
    } catch {
      // not written yet (Homebridge debounces the cache by 2 s)
    }
  }
  return found;
}

class MatterProbe {
  constructor(log, _config, api) {
    api.on('didFinishLaunching', () => {
      if (!api.matter) {
        log.warn('MATTER-PROBE: Matter is not enabled on this bridge');
        return;
      }
      const timer = setInterval(() => {
        const probe = async () => {
          const out = {};
          for (const a of cachedMatterAccessories(api.user.storagePath())) {
            out[a.displayName] = {
              power: await api.matter.getAccessoryState(a.uuid, 'electricalPowerMeasurement'),
              energy: await api.matter.getAccessoryState(a.uuid, 'electricalEnergyMeasurement'),
            };
          }
          log.info(`MATTER-PROBE ${JSON.stringify(out)}`);
        };
        probe().catch((err) => log.error(`MATTER-PROBE failed: ${err?.message ?? err}`));
      }, EVERY_MS);
      api.on('shutdown', () => clearInterval(timer));
    });
  }

  configureAccessory() {}
}

export default (api) => api.registerPlatform('homebridge-matter-probe', 'MatterProbe', MatterProbe);
