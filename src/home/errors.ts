/**
 * The one error type of the home model. Commands reject with it; the message is written for the
 * homeowner (it ends up in the Homebridge log), `code` lets callers pick a HAP status.
 */
export type HomeErrorCode =
  /** No device with that identity (yet). */
  | 'unknown-device'
  /** The device is not answering. */
  | 'offline'
  /** The device (its Set map) or its kind does not allow the command. */
  | 'not-settable'
  /** The value is not one the command takes. */
  | 'invalid'
  /** The device answered but did not take the new value. */
  | 'refused';

export class HomeError extends Error {
  override readonly name = 'HomeError';
  constructor(
    readonly code: HomeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
