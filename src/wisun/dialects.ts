/**
 * The two SKSTACK dongle families differ only in a "side" argument and field (dual-stack dongles can talk
 * to a B-route meter and an HAN at once, side 0 being the B-route). One small strategy per family keeps
 * that difference in one place instead of `if (dualStack)` scattered through the link.
 */
export type DongleFamily = 'single-hop' | 'dual-stack';

export interface Dialect {
  readonly family: DongleFamily;
  /** Active scan on all channels; `duration` is the SKSCAN exponent (per-channel time 0.01 s x (2^d + 1)). */
  scanCommand(duration: number): string;
  /** The text before the binary payload of a UDP send to the ECHONET Lite port 0x0E1A, encrypted. */
  sendToHeader(ipv6: string, length: number): string;
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

const singleHop: Dialect = {
  family: 'single-hop',
  scanCommand: (d) => `SKSCAN 2 FFFFFFFF ${d.toString(16).toUpperCase()}`,
  sendToHeader: (ip, len) => `SKSENDTO 1 ${ip} 0E1A 1 ${hex4(len)}`,
};

const B_ROUTE_SIDE = 0;

const dualStack: Dialect = {
  family: 'dual-stack',
  scanCommand: (d) => `SKSCAN 2 FFFFFFFF ${d.toString(16).toUpperCase()} ${B_ROUTE_SIDE}`,
  sendToHeader: (ip, len) => `SKSENDTO 1 ${ip} 0E1A 1 ${B_ROUTE_SIDE} ${hex4(len)}`,
};

export function dialectFor(family: DongleFamily): Dialect {
  return family === 'dual-stack' ? dualStack : singleHop;
}

/**
 * Family from the fields of `EINFO <ip> <mac64> <channel> <panid> <x> [...]`: single-hop stacks put the
 * 16-bit short address there (FFFE when none is assigned), dual-stack ones the side (one digit) and may
 * add more fields. Returns undefined when the line is not an EINFO answer at all.
 */
export function familyFromEinfo(line: string): DongleFamily | undefined {
  const f = line.trim().split(/\s+/);
  if (f[0] !== 'EINFO' || f.length < 6) return undefined;
  if (f.length > 6) return 'dual-stack';
  return /^[0-9A-Fa-f]$/.test(f[5]!) ? 'dual-stack' : 'single-hop';
}
