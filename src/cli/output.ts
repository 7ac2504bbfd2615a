/** Printing results: one JSON document on stdout with --json, readable lines otherwise. */
export interface Output {
  readonly json: boolean;
  /** Prints `value` as JSON, or `text()` for people. */
  result(value: unknown, text: () => string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
    },
  };
}
