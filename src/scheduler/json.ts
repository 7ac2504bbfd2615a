/**
 * Guards for JSON from outside (config, forecast APIs). The same guard exists in
 * src/echonet/catalogue/codecs.ts; it belongs in src/util once the lead moves it there.
 */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
