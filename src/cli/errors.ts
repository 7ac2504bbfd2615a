/**
 * An error the user caused or can fix (bad argument, unreachable device): printed as one line with no
 * stack trace, and the process exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  usage: 2,
  failure: 1,
  timeout: 3,
} as const;
