/** The socat pty pair (src/sim/pty-pair.ts) for tests, and the reason to skip them where socat is missing. */
import { socatAvailable } from '../../src/sim/pty-pair.js';

export { createPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';

/** Why pty tests cannot run here, or undefined when they can; pass it as `skip` to node:test. */
export const PTY_SKIP_REASON: string | undefined = socatAvailable()
  ? undefined
  : 'socat is not installed (apt-get install -y socat): skipping tests over a real pseudo terminal';
