/**
 * The same end-to-end scenario as homebridge.test.ts on Homebridge 2.4 with Node 22 (ESM-only Homebridge,
 * @homebridge/hap-nodejs 2.x), with the bridge's Matter server on: grid and solar must also appear as
 * Matter electrical sensors, read back through Homebridge's Matter state API by a test-only probe plugin.
 * Skipped with a message when they are not installed in test-artifacts/ (`npm run test:setup-homebridge2`
 * installs them; .ci/run does).
 */
import { describe } from 'node:test';
import { homebridge2 } from '../helpers/homebridge2.js';
import { homebridgeScenario } from './homebridge-scenario.js';

const binary = homebridge2();

describe('Homebridge 2.4 (Node 22) with the plugin on the simulated home', () => {
  homebridgeScenario(
    binary
      ? { name: 'hb2', homebridge: binary, matter: true }
      : { name: 'hb2', skip: `Homebridge 2.4 / Node 22 are not installed in test-artifacts/homebridge2 (npm run test:setup-homebridge2 installs them)` },
  );
});
