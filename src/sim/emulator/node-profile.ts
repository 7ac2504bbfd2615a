/**
 * The node profile object 0x0EF001 of an emulated node: what the node is and which device objects it
 * holds (D3..D7), which is what a controller's discovery reads first.
 */
import { eojToHex, NODE_PROFILE_EOJ } from '../../echonet/eoj.js';
import { EMULATOR_MAKER_CODE, constant, emulatedObject, identificationNumber, type EmulatedObject } from './object.js';

/** Version 1.13 of the ECHONET Lite specification, specified message format (0x81) only. */
const NODE_VERSION = { major: 1, minor: 13, formats: 0x0100 };

export function nodeProfileObject(devices: readonly EmulatedObject[], seed: number, address: string): EmulatedObject {
  const instances = devices.map((d) => eojToHex(d.eoj));
  const classes = [...new Set(instances.map((eoj) => eoj.slice(0, 4)))];
  return emulatedObject(NODE_PROFILE_EOJ, {
    0x80: constant('booting', true),
    0x82: constant(NODE_VERSION),
    0x83: constant(identificationNumber(seed, address, NODE_PROFILE_EOJ)),
    0x8a: constant(EMULATOR_MAKER_CODE),
    0xd3: constant(instances.length),
    // D4 counts the node profile's own class too; D7 does not list it
    0xd4: constant(classes.length + 1),
    0xd5: constant(instances, true),
    0xd6: constant(instances),
    0xd7: constant(classes),
  });
}
