/**
 * End to end on Homebridge 1.x (the dev dependency, this Node): a real Homebridge child process with this
 * plugin on the simulated home (ECHONET emulator on 127.0.0.2, smart meter behind the dongle simulator on
 * a pty), all inside a network namespace with only `lo`, paired and driven by hap-controller without mDNS.
 * The scenario itself is in homebridge-scenario.ts, shared with the Homebridge 2.x run.
 */
import { describe } from 'node:test';
import { homebridgeScenario } from './homebridge-scenario.js';

describe('Homebridge 1.x with the plugin on the simulated home', () => {
  homebridgeScenario({ name: 'hb1' });
});
