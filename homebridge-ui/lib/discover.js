/** ECHONET Lite discovery for the wizard: one search on the chosen local address. */
import { networkInterfaces } from 'node:os';
import { isIPv4 } from 'node:net';
import { discoverDevices } from '../../dist/echonet/one-shot.js';
import { kindOfClass } from '../../dist/home/kinds.js';
import { readStatus, statusFilePath } from '../../dist/ui-status/index.js';

/** Long enough for slow devices (EcoCutes answer in 1-2 s), short enough to wait for in a browser. */
const DEFAULT_TIMEOUT_MS = 4000;
const MAX_TIMEOUT_MS = 15000;

/** This machine's IPv4 addresses; loopback is listed last (only useful with an emulator). */
export function localInterfaces() {
  const out = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4') out.push({ name, address: a.address, internal: a.internal });
  }
  return out.sort((a, b) => Number(a.internal) - Number(b.internal));
}

/**
 * One search on the chosen address. When the running plugin already holds the ECHONET port there (the
 * usual case once it is set up), the devices it has found are listed instead, from its status file.
 * @param {{interface?: string, timeoutMs?: number}} body
 * @param {string | undefined} storagePath
 */
export async function discover(body, storagePath) {
  const address = typeof body.interface === 'string' && body.interface !== '' ? body.interface : undefined;
  if (address !== undefined && !isIPv4(address)) throw Object.assign(new Error(`"${address}" is not an IPv4 address of this machine`), { code: 'bad-interface' });
  const timeoutMs = Math.min(Math.max(Number(body.timeoutMs) || DEFAULT_TIMEOUT_MS, 500), MAX_TIMEOUT_MS);
  try {
    const devices = await discoverDevices({ interface: address, timeoutMs });
    return { source: 'search', devices: devices.map((d) => ({ ...d, kind: kindOfClass(parseInt(d.eoj.slice(0, 4), 16)) ?? null })) };
  } catch (err) {
    const read = err.code === 'address-in-use' && storagePath ? await readStatus(statusFilePath(storagePath)) : undefined;
    if (!read?.ok) throw err;
    const devices = read.status.devices.filter((d) => d.eoj !== null);
    return { source: 'plugin', devices: devices.map((d) => ({ address: d.address, eoj: d.eoj, class: d.kind, identity: d.identity, maker: undefined, online: d.online, kind: d.kind })) };
  }
}
