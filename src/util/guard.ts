import type { Logger } from './log.js';

/**
 * Every fire-and-forget promise goes through here, so that a rejection is logged with what was being
 * done instead of becoming an unhandled rejection that would take Homebridge down.
 */
export function guard(log: Logger, what: string, promise: Promise<unknown>): void {
  promise.catch((err: unknown) => log.error(`${what} failed: ${errorMessage(err)}`));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
