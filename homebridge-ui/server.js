/**
 * The custom UI's server side. homebridge-config-ui-x forks this file while the plugin's settings are
 * open and relays the page's homebridge.request(path, body) calls to the handlers below. It uses the
 * plugin's built modules (dist/, made by `npm run build`), so the wizard tests the dongle and finds
 * devices with exactly the code the plugin runs.
 *
 * Test hook: ECHONET_HEMS_UI_PORTS_FILE names a JSON file of serial port entries (the shape of
 * SerialPort.list()) to list instead of the system's, so a test can present a pty as a USB dongle.
 */
import { readFile } from 'node:fs/promises';
import { HomebridgePluginUiServer, RequestError } from '@homebridge/plugin-ui-utils';
import { systemPortLister } from '../dist/wisun/port-finder.js';
import { listPorts } from './lib/ports.js';
import { testBroute } from './lib/broute.js';
import { discover, localInterfaces } from './lib/discover.js';
import { tariffChoices } from './lib/options.js';
import { readStatus, statusFilePath } from '../dist/ui-status/index.js';

/** Logs of the listing helpers go to the Homebridge UI log (this process's stdout / stderr). */
const log = {
  debug: () => {},
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

function portLister() {
  const file = process.env.ECHONET_HEMS_UI_PORTS_FILE;
  if (!file) return systemPortLister(log);
  return async () => JSON.parse(await readFile(file, 'utf8'));
}

class EchonetHemsUiServer extends HomebridgePluginUiServer {
  constructor() {
    super();
    const lister = portLister();
    this.onRequest('/options', async () => ({ tariffs: tariffChoices(), interfaces: localInterfaces() }));
    this.onRequest('/ports', () => listPorts(lister));
    this.onRequest('/broute/test', (body) =>
      testBroute(body, { lister, progress: (step) => this.pushEvent('broute-progress', step) }).catch((err) => {
        throw new RequestError(err.message, { code: err.code ?? 'error', kind: err.name ?? 'Error' });
      }),
    );
    this.onRequest('/echonet/discover', (body) =>
      discover(body, this.homebridgeStoragePath).catch((err) => {
        throw new RequestError(err.message, { code: err.code ?? 'error' });
      }),
    );
    this.onRequest('/status', async () => {
      const storage = this.homebridgeStoragePath;
      if (!storage) return { ok: false, reason: 'absent', detail: 'HOMEBRIDGE_STORAGE_PATH is not set' };
      const read = await readStatus(statusFilePath(storage));
      return read.ok ? { ...read, ageMs: Date.now() - read.status.generatedAt } : read;
    });
    this.ready();
  }
}

(() => new EchonetHemsUiServer())();
