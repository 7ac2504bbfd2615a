/**
 * Reading hap-controller's /accessories answer the way a test thinks about it: services found by their
 * name, characteristics by their HAP type, ids as "aid.iid".
 */
const APPLE_SUFFIX = '-0000-1000-8000-0026BB765291';

/** HAP types as short Apple codes ("25") or full UUIDs for custom ones (Eve), uppercase. */
export const HAP = {
  service: { info: '3E', outlet: '47', switch: '49', occupancy: '86', contact: '80', battery: '96', temperature: '8A', light: '84' },
  characteristic: {
    name: '23',
    serialNumber: '30',
    on: '25',
    outletInUse: '26',
    occupancy: '71',
    contact: '6A',
    batteryLevel: '68',
    chargingState: '8F',
    lowBattery: '79',
    temperature: '11',
    lux: '6B',
    eveConsumption: 'E863F10D-079E-48FF-8F27-9C2605A29F52',
    eveTotal: 'E863F10C-079E-48FF-8F27-9C2605A29F52',
  },
} as const;

interface HapCharacteristic {
  iid: number;
  type: string;
  value?: unknown;
  perms?: string[];
}
interface HapService {
  iid: number;
  type: string;
  characteristics: HapCharacteristic[];
}
export interface HapAccessory {
  aid: number;
  services: HapService[];
}

function shortType(type: string): string {
  const t = type.toUpperCase();
  return t.endsWith(APPLE_SUFFIX) ? t.slice(0, -APPLE_SUFFIX.length).replace(/^0+/, '') : t;
}

function nameOf(service: HapService): string | undefined {
  return service.characteristics.find((c) => shortType(c.type) === HAP.characteristic.name)?.value as string | undefined;
}

/** The accessory's name: the Name of its AccessoryInformation service. */
export function accessoryName(accessory: HapAccessory): string | undefined {
  const info = accessory.services.find((s) => shortType(s.type) === HAP.service.info);
  return info && nameOf(info);
}

export function serialOf(accessory: HapAccessory): string | undefined {
  const info = accessory.services.find((s) => shortType(s.type) === HAP.service.info);
  return info?.characteristics.find((c) => shortType(c.type) === HAP.characteristic.serialNumber)?.value as string | undefined;
}

/** "aid.iid" of the characteristic `type` of the service named `serviceName`; throws with what exists. */
export function characteristicId(accessories: readonly HapAccessory[], serviceName: string, type: string): string {
  for (const a of accessories) {
    for (const s of a.services) {
      if (nameOf(s) !== serviceName) continue;
      const c = s.characteristics.find((ch) => shortType(ch.type) === type);
      if (c) return `${a.aid}.${c.iid}`;
    }
  }
  const names = accessories.flatMap((a) => a.services.map((s) => `${a.aid}:${nameOf(s) ?? shortType(s.type)}`));
  throw new Error(`no characteristic ${type} on a service named "${serviceName}"; services: ${names.join(', ')}`);
}
