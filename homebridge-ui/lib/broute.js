/**
 * "Test the B-route": open the dongle, scan, join and read the meter once, with every step pushed to the
 * page as it happens. The meter client's errors are already written for the homeowner; they pass
 * through unchanged, with their code so the page can add the matching hint.
 */
import { meterRead } from '../../dist/wisun/index.js';

let running = false;

/**
 * @param {{port?: string, id?: string, password?: string}} body
 * @param {{lister: () => Promise<unknown[]>, progress: (step: {at: number, level: string, text: string}) => void}} io
 */
export async function testBroute(body, io) {
  const port = typeof body.port === 'string' ? body.port.trim() : '';
  if (!port) throw Object.assign(new Error('Choose the serial port of the Wi-SUN dongle first.'), { code: 'no-port' });
  if (running) throw Object.assign(new Error('A B-route test is already running; wait for it to finish.'), { code: 'busy' });
  running = true;
  const started = Date.now();
  const step = (level) => (text) => io.progress({ at: Date.now() - started, level, text });
  // the meter client redacts the ID and password from every line before it reaches this logger
  const log = { debug: () => {}, info: step('info'), warn: step('warn'), error: step('error') };
  try {
    const reading = await meterRead({ port, id: String(body.id ?? '').trim(), password: String(body.password ?? '').trim(), log, lister: io.lister });
    return { ...reading, elapsedMs: Date.now() - started };
  } catch (err) {
    throw Object.assign(new Error(portHint(err)), { code: err.code ?? 'error', name: err.name });
  } finally {
    running = false;
  }
}

/** serialport's own open errors say little to a homeowner; the common causes get a sentence. */
function portHint(err) {
  const message = err instanceof Error ? err.message : String(err);
  if (/cannot lock port|resource temporarily unavailable|EBUSY/i.test(message)) {
    return `${message}: another program holds the port (Homebridge itself when the plugin is running: stop it or use a child bridge restart first).`;
  }
  if (/no such file|ENOENT/i.test(message)) return `${message}: the port does not exist; is the dongle plugged in?`;
  if (/permission denied|EACCES/i.test(message)) return `${message}: the Homebridge user may not open it; add it to the "dialout" group.`;
  return message;
}
