import { decodeFrame, esvName, isArbitrary, type Frame, type Property } from '../echonet/frame.js';
import { describeProperty, type DescribedProperty } from '../echonet/catalogue/index.js';
import { classOf, eojToHex } from '../echonet/eoj.js';
import { fromHex, toHex } from '../util/hex.js';
import { CliError, EXIT } from './errors.js';
import type { Output } from './output.js';

/** The stable JSON shape of a decoded frame (scripts depend on it; extra fields may be added). */
interface FrameJson {
  tid: number;
  seoj: string;
  deoj: string;
  esv: string;
  esv_name: string;
  properties: DescribedProperty[];
  get_properties?: DescribedProperty[];
}

/**
 * Properties are described in the context of the whole block, so that e.g. the meter's E0 is shown
 * in kWh when the same frame also carries its unit (E1) and coefficient (D3).
 */
export function describeBlock(classCode: number, properties: readonly Property[]): DescribedProperty[] {
  const context = new Map(properties.map((p) => [p.epc, p.edt] as const));
  return properties.map((p) => describeProperty(classCode, p.epc, p.edt, context));
}

function frameToJson(frame: Frame): FrameJson {
  const classCode = classOf(frame.seoj);
  const json: FrameJson = {
    tid: frame.tid,
    seoj: eojToHex(frame.seoj),
    deoj: eojToHex(frame.deoj),
    esv: frame.esv.toString(16).padStart(2, '0'),
    esv_name: esvName(frame.esv) ?? 'unknown',
    properties: describeBlock(classCode, frame.properties),
  };
  if (frame.getProperties) json.get_properties = describeBlock(classCode, frame.getProperties);
  return json;
}

export function formatProperty(p: DescribedProperty): string {
  const name = p.name ? ` ${p.name}` : '';
  if (p.error) return `  ${p.epc}${name}: ${p.edt} (${p.error})`;
  if (!('value' in p)) return `  ${p.epc}${name}: ${p.edt || '(empty)'}`;
  const value = p.value === null ? 'no data' : typeof p.value === 'object' ? JSON.stringify(p.value) : String(p.value);
  return `  ${p.epc}${name}: ${value}${p.unit && p.value !== null ? ` ${p.unit}` : ''}`;
}

export function runDecode(args: string[], out: Output): void {
  const text = args.join('');
  if (!text) throw new CliError('usage: echonet-hems decode <hex> [--json]', EXIT.usage);
  const bytes = fromHex(text);
  if (!bytes) throw new CliError(`not hex: "${text}" (give the frame as hex digits, e.g. 1081000102880105ff017201e704000001f4)`, EXIT.usage);
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) throw new CliError(`malformed frame: ${decoded.error.message} (at byte ${decoded.error.offset})`);
  const frame = decoded.frame;
  if (isArbitrary(frame)) {
    out.result({ tid: frame.tid, format: 'arbitrary', payload: toHex(frame.payload) }, () => `arbitrary-format frame, TID ${frame.tid}: ${toHex(frame.payload)}`);
    return;
  }
  const json = frameToJson(frame);
  out.result(json, () =>
    [
      `${json.esv_name} (0x${json.esv}) TID ${json.tid}  ${json.seoj} -> ${json.deoj}`,
      ...json.properties.map(formatProperty),
      ...(json.get_properties ? ['  get block:', ...json.get_properties.map(formatProperty)] : []),
    ].join('\n'),
  );
}
