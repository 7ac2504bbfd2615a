/**
 * A scripted SKSTACK dongle for unit tests of the B-route session and the meter client: every link it
 * opens records the calls made on it, answers from the script, and lets the test raise EVENTs, deliver
 * datagrams or pull the plug. Datagrams sent to the meter go to `meter` (a function playing the meter).
 */
import { EventEmitter } from 'node:events';
import { SkstackError, type PanDescriptor, type SerialLike, type SkstackEvent, type SkstackLink } from '../../src/wisun/skstack.js';

export const METER_PAN: PanDescriptor = { channel: 0x21, channelPage: 9, panId: 0x1234, addr: '001D129012345678', lqi: 120 };
export const METER_IPV6 = 'FE80:0000:0000:0000:021D:1290:1234:5678';

export interface DongleScript {
  /** What a scan with this duration finds. */
  scan: (duration: number) => PanDescriptor[];
  join: (ipv6: string) => 'joined' | 'rejected' | Error;
  /** Thrown by openPort while set (the dongle is unplugged). */
  openError?: Error;
  /** Called with every datagram sent to the meter; `link.deliver` answers. */
  meter?: (data: Uint8Array, link: FakeLink) => void;
}

export class FakeDongle {
  readonly links: FakeLink[] = [];
  /** Every call on every link, in order, e.g. "scan 4", "join FE80:...", "close". */
  readonly calls: string[] = [];
  portOpens = 0;
  script: DongleScript = { scan: () => [METER_PAN], join: () => 'joined' };

  get link(): FakeLink {
    const link = this.links.at(-1);
    if (!link) throw new Error('no link opened yet');
    return link;
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }

  readonly openPort = async (): Promise<SerialLike> => {
    this.portOpens++;
    if (this.script.openError) throw this.script.openError;
    return fakeStream();
  };

  readonly openLink = async (): Promise<SkstackLink> => {
    const link = new FakeLink(this);
    this.links.push(link);
    return link;
  };
}

export class FakeLink extends EventEmitter implements SkstackLink {
  readonly family = 'single-hop' as const;
  readonly version = '1.2.10';
  closed = false;

  constructor(private readonly dongle: FakeDongle) {
    super();
  }

  private call(text: string): void {
    if (this.closed) throw new SkstackError('closed', 'The Wi-SUN dongle is disconnected.');
    this.dongle.calls.push(text);
  }

  async setCredentials(): Promise<void> {
    this.call('setCredentials');
  }

  async scan(duration: number): Promise<PanDescriptor[]> {
    this.call(`scan ${duration}`);
    return this.dongle.script.scan(duration);
  }

  async linkLocal(mac: string): Promise<string> {
    this.call(`linkLocal ${mac}`);
    return mac === METER_PAN.addr ? METER_IPV6 : `FE80::${mac}`;
  }

  async setChannelAndPan(channel: number, panId: number): Promise<void> {
    this.call(`setChannelAndPan ${channel} ${panId}`);
  }

  async join(ipv6: string): Promise<'joined' | 'rejected'> {
    this.call(`join ${ipv6}`);
    const outcome = this.dongle.script.join(ipv6);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  async sendUdp(_ipv6: string, data: Uint8Array): Promise<void> {
    this.call('send');
    this.dongle.script.meter?.(data, this);
  }

  async terminate(): Promise<void> {
    this.call('terminate');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.call('close');
    this.closed = true;
    this.emit('close');
  }

  /** The dongle reports an EVENT, e.g. event(0x29) for a session expiry. */
  event(code: number): void {
    this.emit('event', { code, sender: METER_IPV6 } satisfies SkstackEvent);
  }

  /** A datagram from the meter to the ECHONET Lite port. */
  deliver(data: Uint8Array): void {
    this.emit('udp', { sender: METER_IPV6, rport: 0x0e1a, lport: 0x0e1a, secured: true, data });
  }

  /** The USB device vanished. */
  unplug(): void {
    this.closed = true;
    this.emit('close');
  }
}

function fakeStream(): SerialLike {
  return {
    write: () => true,
    on: () => undefined,
    removeListener: () => undefined,
    close: (cb?: (err?: Error | null) => void) => cb?.(null),
  };
}

/** Lets promise chains run between ManualClock steps. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Advances a ManualClock in steps, letting async code react in between. */
export async function advance(clock: { advance(ms: number): void }, ms: number, step = 250): Promise<void> {
  await flush();
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await flush();
  }
}
