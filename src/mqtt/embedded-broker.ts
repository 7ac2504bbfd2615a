/**
 * The embedded broker (aedes) for the demo and for homes without a broker of their own. It listens on
 * loopback unless told otherwise: it opens no port to the LAN by surprise. Its own module, because aedes
 * costs about 12 MB of memory that a home with its own broker should not pay.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { DEFAULT_EMBEDDED_BROKER_PORT, EMBEDDED_BROKER_HOST } from '../settings.js';
import { BrokerError } from './broker.js';

export interface EmbeddedBrokerOptions {
  /** Loopback by default; 0.0.0.0 only when the homeowner asks for it. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** When set, clients must log in with these. */
  readonly username?: string;
  readonly password?: string;
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}


export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? EMBEDDED_BROKER_HOST;
  const broker = await Aedes.createBroker();
  if (options.username !== undefined) {
    const user = Buffer.from(options.username);
    const pass = Buffer.from(options.password ?? '');
    broker.authenticate = (_client, username, password, done) => {
      const ok = username !== undefined && sameBytes(Buffer.from(username), user) && password !== undefined && sameBytes(Buffer.from(password), pass);
      done(null, ok);
    };
  }
  const server: Server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_EMBEDDED_BROKER_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new BrokerError(`the embedded MQTT broker cannot listen on ${host}:${options.port ?? DEFAULT_EMBEDDED_BROKER_PORT}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Compares secrets in constant time, so the answer's timing does not reveal how much matched. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
