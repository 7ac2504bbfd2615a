/** `discover`, `get` and `set`: the ECHONET Lite LAN commands, thin over src/echonet/one-shot.ts. */
import { discoverDevices, readProperties, writeProperty } from '../echonet/one-shot.js';
import { EchonetError } from '../echonet/errors.js';
import { classOf, eojToHex, parseEoj } from '../echonet/eoj.js';
import { fromHex } from '../util/hex.js';
import { describeBlock, formatProperty } from './decode.js';
import { numberOption, parse } from './args.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';

const INTERFACE = { interface: { type: 'string' } } as const;

/** Turns the ECHONET layer's typed errors into CLI errors with the right exit code. */
async function lan<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof EchonetError) throw new CliError(err.message, err.code === 'timeout' ? EXIT.timeout : EXIT.failure);
    throw err;
  }
}

function eojArg(text: string | undefined, usage: string) {
  const eoj = text === undefined ? undefined : parseEoj(text);
  if (eoj === undefined) throw new CliError(`"${text ?? ''}" is not an EOJ: give six hex digits such as 027901\nusage: ${usage}`, EXIT.usage);
  return eoj;
}

function epcArg(text: string, usage: string): number {
  const bytes = fromHex(text);
  if (!bytes || bytes.length !== 1 || bytes[0]! < 0x80) throw new CliError(`"${text}" is not an EPC: give two hex digits from 80 to ff\nusage: ${usage}`, EXIT.usage);
  return bytes[0]!;
}

function hostArg(text: string | undefined, usage: string): string {
  if (!text) throw new CliError(`usage: ${usage}`, EXIT.usage);
  return text;
}

const DISCOVER_USAGE = 'echonet-hems discover [--interface <local address>] [--timeout <seconds>] [--json]';

export async function runDiscover(args: string[], out: Output): Promise<void> {
  const { values } = parse(args, { ...INTERFACE, timeout: { type: 'string' } }, DISCOVER_USAGE);
  const timeoutMs = numberOption(values.timeout, 'timeout', 3, 0.5, 120) * 1000;
  const devices = await lan(() => discoverDevices({ interface: values.interface, timeoutMs }));
  out.result({ devices }, () =>
    devices.length === 0
      ? 'no ECHONET Lite devices answered (check --interface, the LAN and that multicast reaches this machine)'
      : devices.map((d) => `${d.address}  ${d.eoj}  ${d.class}  maker ${d.maker ?? '?'}  id ${d.identity}`).join('\n'),
  );
}

const GET_USAGE = 'echonet-hems get <host> <eoj> <epc...> [--interface <local address>] [--json]';

export async function runGet(args: string[], out: Output): Promise<void> {
  const { values, positionals } = parse(args, INTERFACE, GET_USAGE);
  const [hostText, eojText, ...epcTexts] = positionals;
  const host = hostArg(hostText, GET_USAGE);
  const eoj = eojArg(eojText, GET_USAGE);
  if (epcTexts.length === 0) throw new CliError(`name at least one EPC\nusage: ${GET_USAGE}`, EXIT.usage);
  const epcs = epcTexts.map((e) => epcArg(e, GET_USAGE));
  const result = await lan(() => readProperties(host, eoj, epcs, { interface: values.interface }));
  const properties = describeBlock(classOf(eoj), result.properties);
  const json = { address: result.address, eoj: eojToHex(result.eoj), esv: result.esv.toString(16).padStart(2, '0'), properties };
  out.result(json, () => [`${json.address} ${json.eoj} (ESV ${json.esv})`, ...properties.map(formatProperty)].join('\n'));
}

const SET_USAGE = 'echonet-hems set <host> <eoj> <epc> <hex> [--interface <local address>] [--json]';

export async function runSet(args: string[], out: Output): Promise<void> {
  const { values, positionals } = parse(args, INTERFACE, SET_USAGE);
  const [hostText, eojText, epcText, edtText, ...extra] = positionals;
  if (epcText === undefined || edtText === undefined || extra.length > 0) throw new CliError(`usage: ${SET_USAGE}`, EXIT.usage);
  const host = hostArg(hostText, SET_USAGE);
  const eoj = eojArg(eojText, SET_USAGE);
  const epc = epcArg(epcText, SET_USAGE);
  const edt = fromHex(edtText);
  if (!edt || edt.length === 0 || edt.length > 255) throw new CliError(`"${edtText}" is not property data: give 1 to 255 bytes as hex\nusage: ${SET_USAGE}`, EXIT.usage);
  const result = await lan(() => writeProperty(host, eoj, epc, edt, { interface: values.interface }));
  const [property] = describeBlock(classOf(eoj), [{ epc, edt }]);
  const json = { address: host, eoj: eojToHex(eoj), ...result, property };
  out.result(json, () => (result.ok ? `set ${property!.epc} = ${edtText}: ${result.confirmed ? 'confirmed by reading it back' : 'accepted (not readable back)'}` : `set refused: ${result.message}`));
  if (!result.ok) process.exitCode = result.reason === 'timeout' ? EXIT.timeout : EXIT.failure;
}
