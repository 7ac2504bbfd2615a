/**
 * An emulated node: its objects, and reading and writing their properties as EDTs through the
 * catalogue, with the property-level faults applied. Knows nothing of sockets or frames.
 */
import type { Eoj, Property } from '../../echonet/frame.js';
import { classOf, eojToHex, instanceOf } from '../../echonet/eoj.js';
import { encodeProperty, lookupProperty } from '../../echonet/catalogue/index.js';
import type { Logger } from '../../util/log.js';
import { toHex } from '../../util/hex.js';
import type { Faults } from './faults.js';
import type { EmulatedObject } from './object.js';

const PROPERTY_MAPS = new Set([0x9d, 0x9e, 0x9f]);

export class EmulatedNode {
  /** EOJ -> EPC -> hex of the last announced EDT, for the change detector. */
  private readonly announced = new Map<Eoj, Map<number, string>>();

  constructor(
    readonly objects: readonly EmulatedObject[],
    private readonly log: Logger,
  ) {
    this.changedAnnouncements();
  }

  /** The objects a DEOJ addresses: instance 0 means every instance of the class. */
  resolve(deoj: Eoj): EmulatedObject[] {
    return instanceOf(deoj) === 0
      ? this.objects.filter((o) => classOf(o.eoj) === classOf(deoj))
      : this.objects.filter((o) => o.eoj === deoj);
  }

  /** The EDT of an EPC, or undefined when this object does not serve it (or a fault says it fails). */
  read(object: EmulatedObject, epc: number, faults: Faults): Uint8Array | undefined {
    if (faults.getSnaEpcs?.includes(epc)) return undefined;
    const edt = this.encode(object, epc);
    if (edt && faults.wrongMapCount && PROPERTY_MAPS.has(epc)) {
      const wrong = Uint8Array.from(edt);
      wrong[0] = (wrong[0]! + 1) & 0xff;
      return wrong;
    }
    return edt;
  }

  /** Applies a Set; false when the EPC is not settable, the EDT does not decode, or the model refuses. */
  write(object: EmulatedObject, epc: number, edt: Uint8Array): boolean {
    const setter = object.properties.get(epc)?.set;
    const decoded = lookupProperty(classOf(object.eoj), epc)?.decode(edt);
    if (!setter || !decoded?.ok) return false;
    const accepted = setter(decoded.value);
    this.log.debug(`${eojToHex(object.eoj)} set ${epc.toString(16)}=${toHex(edt)} ${accepted ? 'accepted' : 'refused'}`);
    return accepted;
  }

  /**
   * The announced (9D) properties whose EDT changed since the last call, per object; the caller sends
   * them as INF. Comparing EDTs rather than watching the model keeps every change, however caused
   * (a Set, the tank filling, the car arriving), on one path.
   */
  changedAnnouncements(): { eoj: Eoj; properties: Property[] }[] {
    const out: { eoj: Eoj; properties: Property[] }[] = [];
    for (const object of this.objects) {
      const last = this.announced.get(object.eoj) ?? new Map<number, string>();
      this.announced.set(object.eoj, last);
      const properties: Property[] = [];
      for (const [epc, property] of object.properties) {
        if (!property.announce) continue;
        const edt = this.encode(object, epc);
        if (!edt) continue;
        const hex = toHex(edt);
        if (last.has(epc) && last.get(epc) !== hex) properties.push({ epc, edt });
        last.set(epc, hex);
      }
      if (properties.length > 0) out.push({ eoj: object.eoj, properties });
    }
    return out;
  }

  private encode(object: EmulatedObject, epc: number): Uint8Array | undefined {
    const property = object.properties.get(epc);
    if (!property) return undefined;
    const outcome = encodeProperty(classOf(object.eoj), epc, property.get());
    if (!outcome.ok) {
      // the emulator produced a value its own catalogue rejects: a bug here, not the controller's fault
      this.log.error(`${eojToHex(object.eoj)} EPC ${epc.toString(16)} cannot be encoded: ${outcome.reason}`);
      return undefined;
    }
    return outcome.edt;
  }
}
