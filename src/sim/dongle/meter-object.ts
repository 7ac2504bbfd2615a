/**
 * The smart meter's ECHONET Lite object 0x028801 as the dongle simulator's meter answers it. Values come
 * from a meter source (the simulated home) and are encoded with the catalogue, so the simulator and the
 * plugin's decoder agree by construction on every encoding except C0 (see below).
 */
import { encodeProperty, type PropertyValue } from '../../echonet/catalogue/index.js';
import { CONTROLLER_EOJ, classOf } from '../../echonet/eoj.js';
import { decodeFrame, encodeFrame, ESV, isArbitrary, type Frame, type Property } from '../../echonet/frame.js';
import type { Clock } from '../../util/clock.js';
import { jst, jstMidnight, jstText } from '../jst.js';

export interface MeterSource {
  meter(): { powerW: number; currentRA: number; currentTA: number | null; boughtKwh: number; soldKwh: number };
  cumulativeAt(t: number): { boughtKwh: number; soldKwh: number } | undefined;
}

const METER_CLASS = 0x0288;
const METER_EOJ = 0x028801;
const HALF_HOUR_MS = 1_800_000;
/** E1 = 0x01: counters in 0.1 kWh, the most common unit on Japanese meters. */
const UNIT_KWH = 0.1;
/** D7: six digits, so counters wrap at 10^6 x 0.1 kWh = 100,000 kWh as real meters do. */
const DIGITS = 6;
/** 8A: a maker code (three bytes); any value works, this one reads as a plausible meter maker. */
const MAKER_CODE = '000016';
const MAX_HISTORY_DAY = 99;

const count = (kwh: number): number => Math.round(kwh / UNIT_KWH) % 10 ** DIGITS;

export class MeterObject {
  private historyDay = 0;
  private tid = 0;
  readonly stats = { getsServed: 0, setsServed: 0, infcAcks: 0 };
  private readonly readers: ReadonlyMap<number, () => PropertyValue>;

  constructor(
    private readonly source: MeterSource,
    private readonly clock: Clock,
    /** C0 (B-route identification number): the catalogue has no encoder for it yet, so raw bytes. */
    private readonly routeBIdentification: Uint8Array,
  ) {
    const getMap = [0x80, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xc0, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe7, 0xe8, 0xea, 0xeb];
    this.readers = new Map<number, () => PropertyValue>([
      [0x80, () => 'on'],
      [0x88, () => 'no_fault'],
      [0x8a, () => MAKER_CODE],
      [0x9d, () => [0x80, 0x88, 0xea, 0xeb]],
      [0x9e, () => [0xe5]],
      [0x9f, () => getMap],
      [0xd3, () => 1],
      [0xd7, () => DIGITS],
      [0xe0, () => count(this.source.meter().boughtKwh)],
      [0xe1, () => UNIT_KWH],
      [0xe2, () => this.history('boughtKwh')],
      [0xe3, () => count(this.source.meter().soldKwh)],
      [0xe4, () => this.history('soldKwh')],
      [0xe5, () => this.historyDay],
      [0xe7, () => Math.round(this.source.meter().powerW)],
      [0xe8, () => {
        const m = this.source.meter();
        return { r: Math.round(m.currentRA * 10) / 10, t: m.currentTA === null ? null : Math.round(m.currentTA * 10) / 10 };
      }],
      [0xea, () => this.fixedTime('boughtKwh')],
      [0xeb, () => this.fixedTime('soldKwh')],
    ]);
  }

  /** Answers one request datagram: zero frames (ignored, or SetI done) or one. Never throws. */
  handle(datagram: Uint8Array): Uint8Array[] {
    const decoded = decodeFrame(datagram);
    if (!decoded.ok || isArbitrary(decoded.frame)) return [];
    const req = decoded.frame;
    if (classOf(req.deoj) !== METER_CLASS || ![0, 1].includes(req.deoj & 0xff)) return [];
    const reply = (esv: number, properties: Property[]): Uint8Array[] => [
      encodeFrame({ tid: req.tid, seoj: METER_EOJ, deoj: req.seoj, esv, properties }),
    ];
    switch (req.esv) {
      case ESV.Get:
      case ESV.INF_REQ: {
        const props = req.properties.map((p) => ({ epc: p.epc, edt: this.read(p.epc) }));
        const failed = props.some((p) => p.edt === undefined);
        const out = props.map((p) => ({ epc: p.epc, edt: p.edt ?? new Uint8Array(0) }));
        if (req.esv === ESV.Get) {
          this.stats.getsServed++;
          return reply(failed ? ESV.Get_SNA : ESV.Get_Res, out);
        }
        return reply(failed ? ESV.INF_SNA : ESV.INF, out);
      }
      case ESV.SetC:
      case ESV.SetI: {
        const results = req.properties.map((p) => ({ p, ok: this.write(p) }));
        const failed = results.some((r) => !r.ok);
        this.stats.setsServed++;
        // Set_Res carries the EPCs with PDC 0; the SNA forms echo the refused EDTs (spec).
        const out = results.map((r) => ({ epc: r.p.epc, edt: r.ok ? new Uint8Array(0) : r.p.edt }));
        if (req.esv === ESV.SetI) return failed ? reply(ESV.SetI_SNA, out) : [];
        return reply(failed ? ESV.SetC_SNA : ESV.Set_Res, out);
      }
      case ESV.INFC_Res:
        this.stats.infcAcks++;
        return [];
      default:
        return [];
    }
  }

  /** The half-hourly announcement of EA/EB (INF, or INFC when the meter wants an acknowledgement). */
  announcement(esv: typeof ESV.INF | typeof ESV.INFC): Uint8Array {
    this.tid = (this.tid + 1) & 0xffff;
    const frame: Frame = {
      tid: this.tid,
      seoj: METER_EOJ,
      deoj: CONTROLLER_EOJ,
      esv,
      properties: [0xea, 0xeb].map((epc) => ({ epc, edt: this.read(epc)! })),
    };
    return encodeFrame(frame);
  }

  private read(epc: number): Uint8Array | undefined {
    if (epc === 0xc0) return this.routeBIdentification;
    const reader = this.readers.get(epc);
    if (!reader) return undefined;
    const encoded = encodeProperty(METER_CLASS, epc, reader());
    if (!encoded.ok) throw new Error(`simulated meter cannot encode EPC ${epc.toString(16)}: ${encoded.reason}`);
    return encoded.edt;
  }

  private write(p: Property): boolean {
    if (p.epc !== 0xe5 || p.edt.length !== 1 || p.edt[0]! > MAX_HISTORY_DAY) return false;
    this.historyDay = p.edt[0]!;
    return true;
  }

  /** EA/EB: the counter at the last half-hour boundary, stamped with that boundary in local time. */
  private fixedTime(key: 'boughtKwh' | 'soldKwh'): PropertyValue {
    const boundary = Math.floor(this.clock.now() / HALF_HOUR_MS) * HALF_HOUR_MS;
    const at = this.source.cumulativeAt(boundary) ?? this.source.meter();
    return { time: jstText(boundary), value: count(at[key]) };
  }

  /** E2/E4: the 48 half-hour counters of day E5 (0 = today), "no data" for the future and the unknown. */
  private history(key: 'boughtKwh' | 'soldKwh'): PropertyValue {
    const now = this.clock.now();
    const midnight = jstMidnight(jst(now).day - this.historyDay);
    const values = Array.from({ length: 48 }, (_, i): PropertyValue => {
      const t = midnight + i * HALF_HOUR_MS;
      const at = t <= now ? this.source.cumulativeAt(t) : undefined;
      return at === undefined ? null : count(at[key]);
    });
    return { day: this.historyDay, values };
  }
}
