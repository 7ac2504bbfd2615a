/**
 * Test-only Homebridge plugin (platform "MatterProbe"): every 2 s it reads, through Homebridge's own
 * Matter state API (api.matter.getAccessoryState), the clusters of every Matter accessory in the bridge's
 * Matter accessory cache, and logs them as one line:
 *   MATTER-PROBE {"<displayName>": {"power": {...}, "energy": {...}, "onOff": {...}, ...}, ...}
 * (power and energy always; the other clusters only where the accessory has them).
 * The e2e tests compare those with the simulated home.
 *
 * Commands: a test may drop <storage>/matter-probe-commands.json, a list of
 * {"name": displayName, "cluster": "onOff", "attributes": {"onOff": true}}. On its next tick the probe
 * hands each one to Homebridge's Matter control channel (the IPC message "matterAccessoryControl" that
 * the Homebridge UI sends), which invokes the cluster command on the accessory's matter.js endpoint and so
 * the plugin's handler, as a controller's command would. It logs "MATTER-PROBE-SENT <name> ...".
 * Plain JavaScript: Homebridge loads it as is.
 */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const EVERY_MS = 2000;
/** The clusters read besides power and energy, and the attributes kept of each (the rest is noise here). */
const OTHER_CLUSTERS = {
  onOff: ['onOff'],
  temperatureMeasurement: ['measuredValue'],
  booleanState: ['stateValue'],
  bridgedDeviceBasicInformation: ['reachable'],
};
const COMMANDS_FILE = 'matter-probe-commands.json';

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

const pick = (state, keys) => (state === undefined ? undefined : Object.fromEntries(keys.map((k) => [k, state[k]])));

/** The commands the test dropped, taken (renamed away first, so none is sent twice). */
function takeCommands(storage) {
  const file = join(storage, COMMANDS_FILE);
  const taken = `${file}.taken`;
  try {
    renameSync(file, taken);
  } catch {
    return [];
  }
  return JSON.parse(readFileSync(taken, 'utf8'));
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
          const accessories = cachedMatterAccessories(api.user.storagePath());
          for (const command of takeCommands(api.user.storagePath())) {
            const uuid = accessories.find((a) => a.displayName === command.name)?.uuid;
            if (!uuid) {
              log.error(`MATTER-PROBE: no Matter accessory named ${command.name}`);
              continue;
            }
            process.emit('message', { id: 'matterAccessoryControl', data: { uuid, cluster: command.cluster, attributes: command.attributes } });
            log.info(`MATTER-PROBE-SENT ${command.name} ${command.cluster} ${JSON.stringify(command.attributes)}`);
          }
          const out = {};
          for (const a of accessories) {
            const entry = {
              power: await api.matter.getAccessoryState(a.uuid, 'electricalPowerMeasurement'),
              energy: await api.matter.getAccessoryState(a.uuid, 'electricalEnergyMeasurement'),
            };
            for (const [cluster, keys] of Object.entries(OTHER_CLUSTERS)) {
              const state = pick(await api.matter.getAccessoryState(a.uuid, cluster), keys);
              if (state !== undefined) entry[cluster] = state;
            }
            out[a.displayName] = entry;
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
