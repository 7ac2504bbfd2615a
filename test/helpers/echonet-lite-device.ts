/**
 * Device objects served by the independent `echonet-lite` npm package, to check that our controller
 * interoperates with a stack we did not write. The package answers from port 23610 and drops packets
 * from its own addresses; run this inside a LAN host's namespace.
 *
 * Started as: node --import tsx echonet-lite-device.ts '<DeviceConfig as JSON>'
 * Prints "ready" once listening, and {"ack": {tid, seoj, deoj, epcs}} for every INFC_Res it receives.
 * stdin, one JSON command per line:
 *   {"cmd": "inf", "eoj": "026b01", "epc": "b0", "edt": "42"}                   multicast an INF
 *   {"cmd": "infc", "to": ip, "eoj": "026b01", "epc": "b0", "edt": "42"}       INFC to a controller
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

export interface DeviceConfig {
  readonly address: string;
  /** EOJ hex -> EPC hex -> EDT as a byte list. Property maps must be given too. */
  readonly objects: Record<string, Record<string, number[]>>;
  /** EOJ hex -> EPCs (hex) a SetC may change. */
  readonly settable: Record<string, string[]>;
}

interface Els {
  TID: string;
  SEOJ: string;
  DEOJ: string;
  ESV: string;
  DETAILs: Record<string, string>;
}

interface ElPackage {
  initialize(objList: string[], handler: (rinfo: { address: string }, els: Els, err?: unknown) => void, ipVer: number, options: object): Promise<void>;
  replyGetDetail(rinfo: object, els: Els, details: DeviceConfig['objects']): Promise<void>;
  sendArray(rinfo: object | string, bytes: number[]): void;
  sendOPC1(ip: string, seoj: string, deoj: string, esv: number, epc: string, edt: string): void;
  EL_Multi: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DeviceConfig;
const EL = createRequire(import.meta.url)('echonet-lite') as ElPackage;
const bytesOf = (hex: string): number[] => (hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16));

/** SetC/SetI: the package only knows how to set a few classes of its own, so Sets are served here. */
function replySet(rinfo: object, els: Els): void {
  const object = config.objects[els.DEOJ];
  if (!object) return;
  const answer: number[] = [];
  let accepted = true;
  for (const [epc, edt] of Object.entries(els.DETAILs)) {
    if (config.settable[els.DEOJ]?.includes(epc)) {
      object[epc] = bytesOf(edt);
      answer.push(Number.parseInt(epc, 16), 0);
    } else {
      const data = bytesOf(edt);
      answer.push(Number.parseInt(epc, 16), data.length, ...data);
      accepted = false;
    }
  }
  if (els.ESV === '60' && accepted) return;
  const esv = els.ESV === '60' ? 0x50 : accepted ? 0x71 : 0x51;
  EL.sendArray(rinfo, [0x10, 0x81, ...bytesOf(els.TID), ...bytesOf(els.DEOJ), ...bytesOf(els.SEOJ), esv, Object.keys(els.DETAILs).length, ...answer]);
}

await EL.initialize(
  Object.keys(config.objects),
  (rinfo, els, err) => {
    if (err || !els) return;
    if (els.ESV === '62') void EL.replyGetDetail(rinfo, els, config.objects);
    else if (els.ESV === '60' || els.ESV === '61') replySet(rinfo, els);
    else if (els.ESV === '7a') console.log(JSON.stringify({ ack: { tid: els.TID, seoj: els.SEOJ, deoj: els.DEOJ, epcs: Object.keys(els.DETAILs) } }));
  },
  4,
  { v4: config.address, ignoreMe: true, autoGetProperties: false, debugMode: false },
);

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string; to?: string; eoj: string; epc: string; edt: string };
  if (command.cmd === 'inf') EL.sendOPC1(EL.EL_Multi, command.eoj, '05ff01', 0x73, command.epc, command.edt);
  if (command.cmd === 'infc' && command.to) EL.sendOPC1(command.to, command.eoj, '05ff01', 0x74, command.epc, command.edt);
});
console.log('ready');
