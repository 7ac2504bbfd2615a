/**
 * The scheduler's executor on the real home model inside a namespace: it finds the EV charger over
 * ECHONET Lite, stands it by, then for each charging power asked for (kW) applies "charge at that power", prints the
 * steps and the charger's commands as one JSON line and waits for a line on stdin (the test reads the
 * emulator meanwhile); at the end it hands the charger back, prints that pass, and also tries the charging
 * power command directly so the test sees what the home model answers for a charger that refuses it.
 *   node --import tsx ev-power-main.ts '{"interface": "198.18.10.1", "host": "198.18.10.2", "kws": [2.4, 1.5]}'
 */
import { createInterface } from 'node:readline';
import { createHome, type HomeDevice } from '../../src/home/index.js';
import { Executor } from '../../src/scheduler/executor.js';
import { systemClock } from '../../src/util/clock.js';
import { errorMessage } from '../../src/util/guard.js';
import { silentLogger } from '../../src/util/log.js';

const a = JSON.parse(process.argv[2] ?? '{}') as { interface: string; host: string; kws: number[] };
const home = createHome({ clock: systemClock, log: silentLogger, echonet: { interface: a.interface, hosts: [a.host], pollMs: 1000, discoveryEveryMs: 5000 } });
await home.start();
const charger = await new Promise<HomeDevice>((resolve) => {
  const seen = (d: HomeDevice): void => {
    // the charger's mode is read before the executor decides anything about it
    if (d.kind === 'ev-charger' && d.readings.operationMode) resolve(d);
  };
  home.on('device-added', seen).on('device-changed', seen);
  for (const d of home.devices()) seen(d);
});
// the emulated charger charges whenever the car is plugged in: stand it by, as outside its own timer
await home.setEvCharging(charger.identity, false);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const executor = new Executor(home, systemClock, ['ev-charger']);
const reason = { text: 'test', textJa: 'テスト' };
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
for (const kw of a.kws) {
  print({ kw, commands: [...charger.commands], steps: await executor.apply({ ev: { kind: 'on', reason, kw } }) });
  await lines.next();
}
const released = await executor.apply({});
const direct = await home.setEvChargePower(charger.identity, 2000).then(
  () => 'accepted',
  (err: unknown) => errorMessage(err),
);
print({ released, direct });
await home.close();
process.exit(0);
