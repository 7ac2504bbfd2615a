/** Node profile 0x0EF0: what a node is and which objects it holds (D5/D6 drive discovery). */
import { concat, u8 } from '../edt.js';
import { fromHex, toHex } from '../../util/hex.js';
import { define, enumProperty, enumTable, fail, intProperty, isRecord, ok, okEdt, wrongLength } from './codecs.js';
import {
  byEpc,
  faultStatus,
  identificationNumber,
  manufacturerCode,
  productCode,
  productionDate,
  productionNumber,
  propertyMaps,
} from './super-class.js';
import type { ClassDef, PropertyDef, PropertyMeta, PropertyValue } from './types.js';

/**
 * D5/D6 (3-byte EOJs) and D7 (2-byte class codes): a count byte then the codes -> lowercase hex strings.
 * The count is the node's total, which exceeds the list when the node has more than fit in one EDT
 * (84 instances, 8 classes), so the codes present are trusted and the count is not.
 */
function codeListProperty(meta: PropertyMeta, width: 2 | 3, maxItems: number): PropertyDef {
  const pattern = width === 3 ? /^[0-9a-f]{6}$/ : /^[0-9a-f]{4}$/;
  return define(
    meta,
    (edt) => {
      if (edt.length < 1 || (edt.length - 1) % width !== 0 || edt.length > 1 + width * maxItems) {
        return fail(`expected a count byte and up to ${maxItems} ${width}-byte codes, got ${edt.length} bytes`);
      }
      const codes: PropertyValue[] = [];
      for (let p = 1; p < edt.length; p += width) codes.push(toHex(edt.subarray(p, p + width)));
      return ok(codes);
    },
    (value) => {
      if (!Array.isArray(value) || value.length > maxItems || !value.every((v) => typeof v === 'string' && pattern.test(v))) {
        return fail(`expected up to ${maxItems} lowercase hex codes of ${width} bytes`);
      }
      return okEdt(concat(u8(value.length), ...value.map((v) => fromHex(v as string)!)));
    },
  );
}

/** 82 of the node profile: major, minor, then the supported message formats as a 16-bit field. */
const versionInformation = define(
  { epc: 0x82, name: 'Version information', nameJa: 'Version情報', key: 'version_information' },
  (edt) => wrongLength(edt, 4) ?? ok({ major: edt[0]!, minor: edt[1]!, formats: (edt[2]! << 8) | edt[3]! }),
  (value) => {
    const fields = isRecord(value) ? [value.major, value.minor, value.formats] : [];
    const limits = [0xff, 0xff, 0xffff];
    const valid = fields.length === 3 && fields.every((f, i) => typeof f === 'number' && Number.isInteger(f) && f >= 0 && f <= limits[i]!);
    if (!valid) return fail('expected {major, minor, formats}');
    const [major, minor, formats] = fields as number[];
    return okEdt(Uint8Array.of(major!, minor!, formats! >> 8, formats! & 0xff));
  },
);

const properties: readonly PropertyDef[] = [
  enumProperty(
    { epc: 0x80, name: 'Operating status', nameJa: '動作状態', key: 'operation_status' },
    enumTable({ 0x30: 'booting', 0x31: 'not_booting' }),
  ),
  versionInformation,
  identificationNumber,
  faultStatus,
  manufacturerCode,
  productCode,
  productionNumber,
  productionDate,
  ...propertyMaps,
  intProperty(
    { epc: 0xd3, name: 'Number of self-node instances', nameJa: '自ノードインスタンス数', key: 'instance_count' },
    { size: 3 },
  ),
  intProperty({ epc: 0xd4, name: 'Number of self-node classes', nameJa: '自ノードクラス数', key: 'class_count' }, { size: 2 }),
  codeListProperty(
    { epc: 0xd5, name: 'Instance list notification', nameJa: 'インスタンスリスト通知', key: 'instance_list_notification' },
    3,
    84,
  ),
  codeListProperty({ epc: 0xd6, name: 'Self-node instance list S', nameJa: '自ノードインスタンスリストS', key: 'instance_list' }, 3, 84),
  codeListProperty({ epc: 0xd7, name: 'Self-node class list S', nameJa: '自ノードクラスリストS', key: 'class_list' }, 2, 8),
];

export const NODE_PROFILE: ClassDef = {
  classCode: 0x0ef0,
  name: 'Node profile',
  nameJa: 'ノードプロファイル',
  properties: byEpc(properties),
};
