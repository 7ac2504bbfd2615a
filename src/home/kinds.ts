/**
 * The kinds of device the home model knows, and which ECHONET Lite classes each one covers. Consumers
 * (accessories, MQTT, the scheduler) branch on the kind, never on class codes.
 */
export type DeviceKind = 'meter' | 'solar' | 'water-heater' | 'ev-charger' | 'battery';

const KIND_OF_CLASS: ReadonlyMap<number, DeviceKind> = new Map([
  [0x0288, 'meter'],
  [0x0279, 'solar'],
  [0x026b, 'water-heater'],
  // V2H charger/discharger and the charge-only EV charger are the same thing to a homeowner
  [0x027e, 'ev-charger'],
  [0x02a1, 'ev-charger'],
  [0x027d, 'battery'],
]);

/** The kind of an ECHONET class, or undefined for classes this project does not model. */
export function kindOfClass(classCode: number): DeviceKind | undefined {
  return KIND_OF_CLASS.get(classCode);
}
