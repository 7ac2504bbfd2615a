/**
 * The independent `echonet-lite` npm package as a controller, to check that our emulator serves a stack
 * we did not write. It searches with a multicast Get, then reads property maps and every readable
 * property by itself (autoGetProperties). Run inside a namespace; it sends from port 23610.
 *
 * Started as: node --import tsx echonet-lite-controller.ts <address>
 * Prints {"ready": true}, then one line per frame it receives: {"from", "seoj", "esv", "details"}.
 * stdin, one JSON command per line:
 *   {"cmd": "search"}                                            multicast search
 *   {"cmd": "facilities"}  -> {"facilities": {ip: {eoj: {epc: edt}}}}   what it has learned
 *   {"cmd": "set", "to": ip, "eoj": "026b01", "epc": "c0", "edt": "42"}   SetC
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

interface Els {
  SEOJ: string;
  ESV: string;
  DETAILs: Record<string, string>;
}

interface ElPackage {
  initialize(objList: string[], handler: (rinfo: { address: string }, els: Els, err?: unknown) => void, ipVer: number, options: object): Promise<void>;
  search(): void;
  sendOPC1(ip: string, seoj: string, deoj: string, esv: number, epc: string, edt: string): void;
  facilities: Record<string, Record<string, Record<string, string>>>;
}

const address = process.argv[2]!;
const EL = createRequire(import.meta.url)('echonet-lite') as ElPackage;
const print = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

await EL.initialize(
  ['05ff01'],
  (rinfo, els, err) => {
    if (err || !els) return;
    print({ from: rinfo.address, seoj: els.SEOJ, esv: els.ESV, details: els.DETAILs });
  },
  4,
  { v4: address, ignoreMe: true, autoGetProperties: true, autoGetDelay: 50, debugMode: false },
);

createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line) as { cmd: string; to: string; eoj: string; epc: string; edt: string };
  if (c.cmd === 'search') EL.search();
  else if (c.cmd === 'facilities') print({ facilities: EL.facilities });
  else if (c.cmd === 'set') EL.sendOPC1(c.to, '05ff01', c.eoj, 0x61, c.epc, c.edt);
});
print({ ready: true });
