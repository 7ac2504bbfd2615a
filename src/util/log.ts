/**
 * The logger every layer takes. Homebridge's Logging fits this shape, so the plugin passes its own;
 * the CLI and the simulators use consoleLogger. Secrets are removed here, at the logger, rather than at
 * each call site, so that a forgotten call site cannot leak a B-route password.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function consoleLogger(prefix = '', debug = false): Logger {
  const p = prefix ? `[${prefix}] ` : '';
  return {
    debug: (m) => debug && console.error(`${p}${m}`),
    info: (m) => console.error(`${p}${m}`),
    warn: (m) => console.error(`${p}WARN ${m}`),
    error: (m) => console.error(`${p}ERROR ${m}`),
  };
}

/** A logger whose lines start with `[prefix] `, for per-device and per-subsystem logs. */
export function prefixLogger(log: Logger, prefix: string): Logger {
  return {
    debug: (m) => log.debug(`[${prefix}] ${m}`),
    info: (m) => log.info(`[${prefix}] ${m}`),
    warn: (m) => log.warn(`[${prefix}] ${m}`),
    error: (m) => log.error(`[${prefix}] ${m}`),
  };
}

/** Wraps a logger so that every occurrence of any secret (in any case) is replaced by "***". */
export function redactingLogger(log: Logger, secrets: () => readonly string[]): Logger {
  const scrub = (m: string): string => redact(m, secrets());
  return {
    debug: (m) => log.debug(scrub(m)),
    info: (m) => log.info(scrub(m)),
    warn: (m) => log.warn(scrub(m)),
    error: (m) => log.error(scrub(m)),
  };
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue; // a 1-3 character "secret" would blank out ordinary words
    out = out.split(s).join('***');
    out = replaceCaseless(out, s);
  }
  return out;
}

/**
 * Every case-insensitive occurrence of the secret. A pasted secret can be anything, even longer than a
 * regular expression may be ("Regular expression too large", thrown when it runs): then only the exact
 * matches above are redacted, rather than the logger throwing on every line.
 */
function replaceCaseless(text: string, secret: string): string {
  try {
    return text.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '***');
  } catch {
    return text;
  }
}
