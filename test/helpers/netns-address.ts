/**
 * Changing the addresses of a namespace made by netns.ts: a second address for a second emulated node,
 * or a new address for a device that got a new DHCP lease.
 */
import { execIn } from './netns.js';

async function ipIn(ns: string, ...args: string[]): Promise<string> {
  const r = await execIn(ns, 'ip', args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${ns} failed: ${r.stderr}`);
  return r.stdout;
}

/** The interface that holds `address` inside ns. */
async function interfaceOf(ns: string, address: string): Promise<string> {
  const line = (await ipIn(ns, '-o', '-4', 'addr', 'show', 'to', address)).trim();
  const device = line.split(/\s+/)[1];
  if (!device) throw new Error(`${address} is not an address in ${ns}`);
  return device;
}

/** Adds `address` (/24) on the interface that holds `beside`. */
export async function addAddress(ns: string, beside: string, address: string): Promise<void> {
  await ipIn(ns, 'addr', 'add', `${address}/24`, 'dev', await interfaceOf(ns, beside));
}

/**
 * Replaces `from` by `to`. The old address goes first: deleting a primary address also deletes the
 * secondary ones added after it (unless promote_secondaries is set).
 */
export async function renumber(ns: string, from: string, to: string): Promise<void> {
  const device = await interfaceOf(ns, from);
  await ipIn(ns, 'addr', 'del', `${from}/24`, 'dev', device);
  await ipIn(ns, 'addr', 'add', `${to}/24`, 'dev', device);
  await ipIn(ns, 'route', 'replace', '224.0.0.0/4', 'dev', device);
}
