/**
 * What the emulated node answers to one request frame: zero, one or (with the split fault) two frames
 * per addressed object. Pure: the socket layer sends what comes back and applies the transport faults
 * (silence, delay, source port).
 *
 * Follows the ECHONET Lite rules: Get_SNA keeps the good EDTs and gives PDC 0 for the failed EPCs;
 * SetC_SNA echoes the failed EPCs with their EDT and gives PDC 0 for the accepted ones; SetI answers only
 * on failure; INF_REQ is answered with INF (to the requester). Frames that are not requests (INF, INFC,
 * INFC_Res, responses) get no answer: a device has nothing to acknowledge for them.
 */
import { ESV, type Frame, type Property } from '../../echonet/frame.js';
import type { Faults } from './faults.js';
import type { EmulatedNode } from './node.js';
import type { EmulatedObject } from './object.js';

const EMPTY = new Uint8Array(0);

export function respond(node: EmulatedNode, request: Frame, faults: Faults): Frame[] {
  return node.resolve(request.deoj).flatMap((object) => respondAs(node, object, request, faults));
}

function respondAs(node: EmulatedNode, object: EmulatedObject, request: Frame, faults: Faults): Frame[] {
  const reply = (esv: number, properties: readonly Property[], getProperties?: readonly Property[]): Frame => ({
    tid: request.tid,
    seoj: object.eoj,
    deoj: request.seoj,
    esv,
    properties,
    ...(getProperties ? { getProperties } : {}),
  });
  const gets = request.getProperties ?? [];
  const requested = request.properties.length + gets.length;
  const limit = faults.maxEpcs && requested > faults.maxEpcs.limit ? faults.maxEpcs : undefined;
  const failAll = (props: readonly Property[], echo: boolean) => props.map((p) => ({ epc: p.epc, edt: echo ? p.edt : EMPTY }));
  const served = <T>(list: readonly T[]): readonly T[] => (limit?.answer === 'fewer' ? list.slice(0, limit.limit) : list);
  const read = (props: readonly Property[]) => props.map((p) => ({ epc: p.epc, edt: node.read(object, p.epc, faults) }));
  const write = (props: readonly Property[]) =>
    props.map((p) => (node.write(object, p.epc, p.edt) ? { epc: p.epc, edt: EMPTY } : { epc: p.epc, edt: p.edt }));

  switch (request.esv) {
    case ESV.Get:
    case ESV.INF_REQ: {
      const [okEsv, snaEsv] = request.esv === ESV.Get ? [ESV.Get_Res, ESV.Get_SNA] : [ESV.INF, ESV.INF_SNA];
      if (limit?.answer === 'sna') return [reply(snaEsv, failAll(request.properties, false))];
      const results = read(served(request.properties));
      const good = results.filter((r): r is Property => r.edt !== undefined);
      if (good.length === results.length) return [reply(okEsv, good)];
      const failed = results.filter((r) => r.edt === undefined).map((r) => ({ epc: r.epc, edt: EMPTY }));
      if (faults.splitAnswers && request.esv === ESV.Get && good.length > 0) {
        return [reply(ESV.Get_Res, good), reply(ESV.Get_SNA, failed)];
      }
      return [reply(snaEsv, results.map((r) => ({ epc: r.epc, edt: r.edt ?? EMPTY })))];
    }
    case ESV.SetI:
    case ESV.SetC: {
      const snaEsv = request.esv === ESV.SetI ? ESV.SetI_SNA : ESV.SetC_SNA;
      if (limit?.answer === 'sna') return [reply(snaEsv, failAll(request.properties, true))];
      const results = write(served(request.properties));
      if (results.some((r) => r.edt.length > 0)) return [reply(snaEsv, results)];
      return request.esv === ESV.SetC ? [reply(ESV.Set_Res, results)] : [];
    }
    case ESV.SetGet: {
      if (limit?.answer === 'sna') return [reply(ESV.SetGet_SNA, failAll(request.properties, true), failAll(gets, false))];
      const sets = write(served(request.properties));
      const remaining = limit ? Math.max(0, limit.limit - sets.length) : gets.length;
      const got = read(gets.slice(0, remaining));
      const allGood = sets.every((r) => r.edt.length === 0) && got.every((r) => r.edt !== undefined);
      return [reply(allGood ? ESV.SetGet_Res : ESV.SetGet_SNA, sets, got.map((r) => ({ epc: r.epc, edt: r.edt ?? EMPTY })))];
    }
    default:
      return [];
  }
}
