/**
 * Serial ports for the wizard, with what makes a dongle recognisable: USB vendor and product ids, the
 * maker and serial number, and the stable /dev/serial/by-id name (which survives replugging, unlike
 * /dev/ttyUSB0) when udev made one.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';

const BY_ID = '/dev/serial/by-id';

/** realpath -> by-id path, or an empty map when the directory does not exist (no udev, containers). */
async function byIdLinks() {
  const links = new Map();
  const names = await readdir(BY_ID).catch(() => []);
  for (const name of names) {
    const link = join(BY_ID, name);
    const target = await realpath(link).catch(() => undefined);
    if (target) links.set(target, link);
  }
  return links;
}

/** @param {() => Promise<Array<Record<string, string | undefined>>>} lister */
export async function listPorts(lister) {
  const [ports, links] = await Promise.all([lister(), byIdLinks()]);
  const entries = await Promise.all(
    ports.map(async (p) => {
      const real = await realpath(p.path).catch(() => p.path);
      return {
        path: p.path,
        stablePath: links.get(real) ?? null,
        manufacturer: p.manufacturer ?? null,
        vendorId: p.vendorId ? p.vendorId.toLowerCase() : null,
        productId: p.productId ? p.productId.toLowerCase() : null,
        serialNumber: p.serialNumber ?? null,
        usb: Boolean(p.vendorId && p.productId),
      };
    }),
  );
  // USB adapters first: Wi-SUN dongles are USB; built-in UARTs (ttyS*, ttyAMA*) are rarely what is wanted
  return entries.sort((a, b) => Number(b.usb) - Number(a.usb) || a.path.localeCompare(b.path));
}
