/**
 * The one error type of the ECHONET layer. Every rejection from transport, controller and discovery is an
 * EchonetError whose message a homeowner can act on; `code` lets callers branch without parsing text.
 */
export type EchonetErrorCode =
  /** Another program already owns UDP 3610 on that address. */
  | 'address-in-use'
  /** The configured interface address is not an address of this machine. */
  | 'address-not-local'
  /** Any other socket failure (permissions, no network). */
  | 'socket'
  /** A datagram could not be sent (no route to the device). */
  | 'send-failed'
  /** The device did not answer in time, after the configured retries. */
  | 'timeout'
  /** The controller or transport was closed while the request was waiting. */
  | 'closed';

export class EchonetError extends Error {
  override readonly name = 'EchonetError';
  constructor(
    readonly code: EchonetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
