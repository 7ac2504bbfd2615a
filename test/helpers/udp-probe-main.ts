/**
 * A raw ECHONET Lite peer for integration tests, run inside a network namespace: it binds
 * <address>:3610 and the multicast group (like a controller), sends the hex frames it is given on
 * stdin ({"to": "198.18.10.2", "port": 3610, "hex": "1081..."}) and prints every datagram it receives
 * as {"via": "unicast"|"multicast", "from": ..., "port": ..., "hex": ...}. Prints {"ready": true} first.
 *   node --import tsx test/helpers/udp-probe-main.ts <address>
 */
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';

const address = process.argv[2]!;
const unicast = dgram.createSocket({ type: 'udp4' });
const multicast = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const print = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
for (const [socket, via] of [
  [unicast, 'unicast'],
  [multicast, 'multicast'],
] as const) {
  socket.on('message', (msg, rinfo) => print({ via, from: rinfo.address, port: rinfo.port, hex: msg.toString('hex') }));
  socket.on('error', (err) => console.error(`${via}: ${err.message}`));
}
await new Promise<void>((resolve) => unicast.bind({ address, port: 3610 }, resolve));
await new Promise<void>((resolve) => multicast.bind({ address: '224.0.23.0', port: 3610 }, resolve));
multicast.addMembership('224.0.23.0', address);
unicast.setMulticastInterface(address);
print({ ready: true });
createInterface({ input: process.stdin }).on('line', (line) => {
  const { to, port, hex } = JSON.parse(line) as { to: string; port?: number; hex: string };
  unicast.send(Buffer.from(hex, 'hex'), port ?? 3610, to);
});
process.stdin.on('end', () => process.exit(0));
