/**
 * An in-memory FrameTransport for unit tests of the controller and discovery: it records what is sent
 * and lets a test play the network, either by delivering frames by hand or by registering a responder
 * per address that answers unicast (and multicast) requests.
 */
import { ESV, type Eoj, type Frame, type Property } from '../../src/echonet/frame.js';
import type { FrameTransport, ReceivedFrame } from '../../src/echonet/transport.js';

export interface Sent {
  /** The destination address, or 'multicast'. */
  readonly to: string;
  readonly frame: Frame;
}

/** Answers a request addressed to one node; returning nothing means "stay silent". */
export type Responder = (request: Frame) => readonly Frame[] | undefined;

export class FakeTransport implements FrameTransport {
  readonly sent: Sent[] = [];
  readonly responders = new Map<string, Responder>();
  private readonly listeners = new Set<(r: ReceivedFrame) => void>();

  async send(address: string, frame: Frame): Promise<void> {
    this.sent.push({ to: address, frame });
    this.answer(address, frame);
  }

  async sendMulticast(frame: Frame): Promise<void> {
    this.sent.push({ to: 'multicast', frame });
    for (const address of this.responders.keys()) this.answer(address, frame);
  }

  onFrame(listener: (r: ReceivedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Delivers a frame as if it came from address:port. */
  deliver(address: string, frame: Frame, port = 3610): void {
    for (const l of this.listeners) l({ frame, address, port });
  }

  /** The requests sent so far, optionally only those of one ESV. */
  requests(esv?: number): Sent[] {
    return this.sent.filter((s) => esv === undefined || s.frame.esv === esv);
  }

  private answer(address: string, request: Frame): void {
    const answers = this.responders.get(address)?.(request);
    // Answer on a later turn, as a network would, so the controller has registered the request.
    if (answers) queueMicrotask(() => answers.forEach((a) => this.deliver(address, a)));
  }
}

/** An answer frame to `request` from its destination object. */
export function reply(request: Frame, esv: number, properties: readonly Property[]): Frame {
  return { tid: request.tid, seoj: request.deoj, deoj: request.seoj, esv, properties };
}

export interface FakeDeviceOptions {
  /** The device answers only the first N EPCs of a bigger Get (a truncated Get_Res). */
  readonly truncateAfter?: number;
  /** The device refuses a Get of more than N EPCs outright (Get_SNA with nothing). */
  readonly refuseMoreThan?: number;
  /** EPCs a SetC is refused for. */
  readonly refuseSet?: readonly number[];
  /** EPCs whose write is acknowledged but does not change the value. */
  readonly ignoreSet?: readonly number[];
}

/**
 * A device object holding property values: answers Get, SetC, SetI and SetGet like a simple real
 * device, with optional misbehaviour.
 */
export function fakeDevice(eoj: Eoj, values: Map<number, Uint8Array>, options: FakeDeviceOptions = {}): Responder {
  const empty = new Uint8Array(0);
  const read = (epcs: readonly Property[]): { props: Property[]; ok: boolean } => {
    const props = epcs.map((p) => ({ epc: p.epc, edt: values.get(p.epc) ?? empty }));
    return { props, ok: props.every((p) => p.edt.length > 0) };
  };
  const write = (props: readonly Property[]): { props: Property[]; ok: boolean } => {
    const out = props.map((p) => {
      if (options.refuseSet?.includes(p.epc) || !values.has(p.epc)) return p;
      if (!options.ignoreSet?.includes(p.epc)) values.set(p.epc, p.edt);
      return { epc: p.epc, edt: empty };
    });
    return { props: out, ok: out.every((p) => p.edt.length === 0) };
  };
  return (request) => {
    if (request.deoj !== eoj) return undefined;
    switch (request.esv) {
      case ESV.Get: {
        if (options.refuseMoreThan !== undefined && request.properties.length > options.refuseMoreThan) {
          return [reply(request, ESV.Get_SNA, request.properties)];
        }
        const asked = request.properties.slice(0, options.truncateAfter ?? request.properties.length);
        const r = read(asked);
        return [reply(request, r.ok ? ESV.Get_Res : ESV.Get_SNA, r.props)];
      }
      case ESV.SetC: {
        const w = write(request.properties);
        return [reply(request, w.ok ? ESV.Set_Res : ESV.SetC_SNA, w.props)];
      }
      case ESV.SetI: {
        const w = write(request.properties);
        return w.ok ? undefined : [reply(request, ESV.SetI_SNA, w.props)];
      }
      case ESV.SetGet: {
        const w = write(request.properties);
        const r = read(request.getProperties ?? []);
        const ok = w.ok && r.ok;
        return [{ ...reply(request, ok ? ESV.SetGet_Res : ESV.SetGet_SNA, w.props), getProperties: r.props }];
      }
      default:
        return undefined;
    }
  };
}
