/**
 * The one error type of the Wi-SUN layer. Messages are written for the homeowner reading the Homebridge
 * log: what went wrong and what to do, never a password or B-route ID (callers pass masked commands).
 */
export type SkstackErrorCode =
  | 'timeout'
  | 'fail'
  | 'unsupported'
  | 'transmit-limit'
  | 'send-failed'
  | 'closed'
  | 'bad-credentials-format';

export class SkstackError extends Error {
  override readonly name: string = 'SkstackError';
  constructor(
    readonly code: SkstackErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why a device on the port is not a SKSTACK dongle we can use. */
export type UnsupportedKind = 'j11-binary' | 'no-answer' | 'not-skstack';

const UNSUPPORTED_MESSAGES: Record<UnsupportedKind, string> = {
  'j11-binary':
    'The device on this port speaks the J11 binary protocol (BP35C0-J11 / RS-WSUHA-J11), not SKSTACK text ' +
    'commands. This plugin needs a SKSTACK dongle such as ROHM BP35A1/BP35C2, Tessera RL7023 Stick-D or ' +
    'Ratoc RS-WSUHA-P; replace the dongle or ask its maker for SKSTACK firmware.',
  'no-answer':
    'Nothing answered on this serial port. Check that the path is the Wi-SUN dongle (not another USB ' +
    'serial device), that nothing else holds the port open, and unplug and replug the dongle.',
  'not-skstack':
    'The device on this serial port answered, but not like a SKSTACK Wi-SUN dongle. Check that the path ' +
    'points at the Wi-SUN dongle and that the port runs at 115200 baud.',
};

export class UnsupportedDeviceError extends SkstackError {
  override readonly name = 'UnsupportedDeviceError';
  constructor(readonly kind: UnsupportedKind) {
    super('unsupported', UNSUPPORTED_MESSAGES[kind]);
  }
}
