/**
 * Runs one call of src/echonet/one-shot.ts (what the CLI's discover/get/set will do) inside a namespace
 * and prints its result as one JSON line (bytes as hex).
 *   node --import tsx one-shot-main.ts discover '{"interface": "198.18.10.5", "timeoutMs": 1000}'
 *   node --import tsx one-shot-main.ts get '{"interface": ..., "host": ..., "eoj": 158465, "epcs": [128]}'
 *   node --import tsx one-shot-main.ts set '{"interface": ..., "host": ..., "eoj": ..., "epc": 192, "edt": "42"}'
 */
import { discoverDevices, readProperties, writeProperty } from '../../src/echonet/one-shot.js';
import { fromHex, toHex } from '../../src/util/hex.js';

const [op, json] = process.argv.slice(2);
const a = JSON.parse(json ?? '{}') as { interface: string; timeoutMs?: number; host: string; eoj: number; epcs: number[]; epc: number; edt: string };
const options = { interface: a.interface };

let result: unknown;
if (op === 'discover') {
  result = await discoverDevices({ ...options, timeoutMs: a.timeoutMs });
} else if (op === 'get') {
  const r = await readProperties(a.host, a.eoj, a.epcs, options);
  result = { ...r, properties: r.properties.map((p) => ({ epc: p.epc, edt: toHex(p.edt) })) };
} else {
  result = await writeProperty(a.host, a.eoj, a.epc, fromHex(a.edt)!, options);
}
console.log(JSON.stringify(result));
