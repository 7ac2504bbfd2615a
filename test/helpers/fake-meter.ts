/**
 * A scripted smart meter (0x0288) behind a FakeDongle: answers Get and SetC from a table of EDTs,
 * serves E2/E4 for the day selected by E5, and can go silent. For unit tests of the meter client; the
 * integration tests use the real dongle simulator instead.
 */
import { decodeFrame, encodeFrame, ESV, isArbitrary, type Frame, type Property } from '../../src/echonet/frame.js';
import { concat, u16, u32 } from '../../src/echonet/edt.js';
import type { FakeLink } from './fake-skstack.js';

export const NO_DATA_U32 = 0xfffffffe;

export class FakeMeter {
  /** EDT per EPC for Get; EPCs not here are refused (PDC 0 in a Get_SNA). */
  readonly edts = new Map<number, Uint8Array>();
  /** Raw 48 counters per day offset for E2 (bought) and E4 (sold). */
  readonly history = new Map<number, { bought: number[]; sold: number[] }>();
  readonly requests: Frame[] = [];
  silent = false;
  private day = 0;

  readonly play = (data: Uint8Array, link: FakeLink): void => {
    const decoded = decodeFrame(data);
    if (!decoded.ok || isArbitrary(decoded.frame)) throw new Error('the client sent a bad frame');
    const request = decoded.frame;
    this.requests.push(request);
    if (this.silent || request.esv === ESV.INFC_Res) return;
    const answer = this.answer(request);
    queueMicrotask(() => link.deliver(encodeFrame(answer)));
  };

  /** The EPC lists of the Gets received, e.g. [[0xd3, 0xd7, 0xe1], [0xe7, 0xe8, 0xe0, 0xe3]]. */
  gets(): number[][] {
    return this.requests.filter((r) => r.esv === ESV.Get).map((r) => r.properties.map((p) => p.epc));
  }

  private answer(request: Frame): Frame {
    const reply = (esv: number, properties: Property[]): Frame => ({ tid: request.tid, seoj: request.deoj, deoj: request.seoj, esv, properties });
    if (request.esv === ESV.SetC) {
      const e5 = request.properties.find((p) => p.epc === 0xe5);
      if (e5) this.day = e5.edt[0]!;
      return reply(ESV.Set_Res, request.properties.map((p) => ({ epc: p.epc, edt: new Uint8Array(0) })));
    }
    let refused = false;
    const properties = request.properties.map((p) => {
      const edt = this.edt(p.epc);
      if (!edt) refused = true;
      return { epc: p.epc, edt: edt ?? new Uint8Array(0) };
    });
    return reply(refused ? ESV.Get_SNA : ESV.Get_Res, properties);
  }

  private edt(epc: number): Uint8Array | undefined {
    if (epc === 0xe2 || epc === 0xe4) {
      const day = this.history.get(this.day);
      if (!day) return undefined;
      const values = epc === 0xe2 ? day.bought : day.sold;
      return concat(u16(this.day), ...values.map((v) => u32(v)));
    }
    return this.edts.get(epc);
  }
}

/** An INF (or INFC) from the meter carrying the given properties. */
export function meterNotification(properties: Property[], esv: number = ESV.INF, tid = 0x4242): Uint8Array {
  return encodeFrame({ tid, seoj: 0x028801, deoj: 0x05ff01, esv, properties });
}

/** EA/EB EDT: local date and time, then the raw counter. */
export function fixedTimeEdt(year: number, month: number, day: number, hour: number, minute: number, raw: number): Uint8Array {
  return concat(u16(year), Uint8Array.of(month, day, hour, minute, 0), u32(raw));
}
