/**
 * B-route credentials with line breaks, spaces, NUL, non-ASCII or the wrong length must never put a byte
 * on the serial line: a CR LF inside a password would end SKSETPWD early and turn the rest into a command
 * of its own. Real ptys and the real serialport code, with a recording tap between the plugin and the
 * dongle simulator (test/helpers/serial-tap.ts), so what is asserted is what the dongle received.
 * Seeded (FUZZ_SEED, FUZZ_SCALE).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPort } from 'serialport';
import { startDongleSimulator } from '../../../src/sim/dongle/index.js';
import { openSkstack, SkstackError } from '../../../src/wisun/skstack.js';
import { meterRead, meterScan, startBrouteMeter, type SessionStateEvent } from '../../../src/wisun/index.js';
import { systemClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { PTY_SKIP_REASON } from '../../helpers/pty.js';
import { createSerialTap, type SerialTap } from '../../helpers/serial-tap.js';
import { Fuzz, fuzzCases, fuzzSeed } from '../../helpers/fuzz.js';

const SEED = fuzzSeed(0xb120e7);
const CREDS = { id: '00112233445566778899AABBCCDDEEFF', password: 'Hx7pQ2wZ9kLm' };
const METER = { meter: () => ({ powerW: 500, currentRA: 5, currentTA: null, boughtKwh: 100, soldKwh: 1 }), cumulativeAt: () => undefined };
const opts = { skip: PTY_SKIP_REASON, timeout: 30_000 };
/** What must never be inside a credential sent to the dongle. */
const NASTY = ['\r', '\n', '\r\n', '\r\nSKTERM\r\n', ' ', '\t', '\0', '\x7f', '\x1b', 'é', 'パ', '😀', '\u3000', '\u200b', '\ufeff'];

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

/** A credential pair certainly unusable: a nasty character inside one of them, or a length out of range. */
function badCredentials(f: Fuzz): { id: string; password: string; what: 'ID' | 'password' } {
  const spoil = (s: string) => {
    const at = f.int(s.length + 1);
    return `${s.slice(0, at)}${f.pick(NASTY)}${s.slice(at)}`;
  };
  switch (f.int(5)) {
    case 0:
      return { id: spoil(CREDS.id), password: CREDS.password, what: 'ID' };
    case 1:
      return { id: CREDS.id, password: spoil(CREDS.password), what: 'password' };
    case 2:
      return { id: f.pick([CREDS.id.slice(0, f.int(32)), `${CREDS.id}${f.stringOf('0123456789ABCDEF', 1 + f.int(40))}`]), password: CREDS.password, what: 'ID' };
    case 3:
      return { id: CREDS.id, password: f.pick(['', 'x'.repeat(33 + f.int(1000))]), what: 'password' };
    default:
      // the whole value mangled: a second command glued on, or nothing but control and wide characters
      return { id: CREDS.id, password: `${CREDS.password}\r\nSKSETRBID ${f.stringOf('0123456789ABCDEF', 32)}`, what: 'password' };
  }
}

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

async function tapWithDongle(t: TestContext): Promise<SerialTap> {
  const tap = await createSerialTap();
  t.after(() => tap.close());
  const sim = startDongleSimulator({ path: tap.donglePath, family: 'single-hop', timing: 'fast', credentials: CREDS, meter: METER, clock: systemClock });
  t.after(() => sim.stop());
  return tap;
}

/** A refusal that says which credential and what to do, and does not contain it. */
function assertClearRefusal(err: unknown, c: { id: string; password: string; what: string }, where: string): true {
  assert.ok(err instanceof SkstackError && err.code === 'bad-credentials-format', `${String(err)}: ${where}`);
  assert.match(err.message, new RegExp(`B-route ${c.what}`), where);
  assert.match(err.message, /copy it again|should have/, `the message says what to fix: ${where}`);
  if (c.password.length >= 4) assert.ok(!err.message.includes(c.password), where);
  assert.ok(!err.message.includes(c.id), where);
  return true;
}

const settle = () => new Promise((r) => setTimeout(r, 150));

const LINK_CASES = fuzzCases(300);

test(`on an open link, ${LINK_CASES} bad credentials (seed 0x${SEED.toString(16)}) write nothing; good ones are two clean commands`, opts, async (t) => {
  const tap = await tapWithDongle(t);
  const port = await openPort(tap.hostPath);
  t.after(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  const log = captureLog();
  const link = await openSkstack(port, { clock: systemClock, log });
  await settle();
  const afterOpen = tap.toDongle().length;
  assert.ok(afterOpen > 0 && tap.lines().includes('SKVER'), 'the tap sees what the link writes');

  const f = new Fuzz(SEED);
  for (let i = 0; i < LINK_CASES; i++) {
    const c = badCredentials(f);
    const where = `seed 0x${SEED.toString(16)} case ${i}: ${JSON.stringify(c).slice(0, 160)}`;
    await assert.rejects(link.setCredentials(c.id, c.password), (err) => assertClearRefusal(err, c, where));
  }
  await settle();
  assert.equal(tap.toDongle().length, afterOpen, `nothing reached the dongle: ${JSON.stringify(tap.toDongle().subarray(afterOpen).toString('latin1'))}`);

  // the same link still works, and good credentials go out as exactly two lines
  await link.setCredentials(CREDS.id, CREDS.password);
  await settle();
  const sent = tap.toDongle().subarray(afterOpen).toString('latin1');
  assert.equal(sent, `SKSETPWD C ${CREDS.password}\r\nSKSETRBID ${CREDS.id}\r\n`);
  for (const line of tap.lines()) assert.match(line, /^(SK[A-Z0-9]+|ROPT|WOPT)( |$)/, `only SKSTACK commands on the line: ${JSON.stringify(line)}`);
  const text = log.lines.join('\n');
  assert.ok(!text.includes(CREDS.password) && !text.includes(CREDS.id), 'no secret in the log');
  await link.close();
});

test('the CLI and the plugin paths refuse bad credentials before the port is even opened', opts, async (t) => {
  const tap = await tapWithDongle(t);
  const f = new Fuzz(SEED ^ 0x5);
  for (let i = 0; i < fuzzCases(20); i++) {
    const c = badCredentials(f);
    const where = `seed 0x${SEED.toString(16)} (second test) case ${i}: ${JSON.stringify(c).slice(0, 160)}`;
    const log = captureLog();
    const config = { port: tap.hostPath, id: c.id, password: c.password, log, lister: async () => [] };
    await assert.rejects(meterRead(config), (err) => assertClearRefusal(err, c, `meter read: ${where}`));
    await assert.rejects(meterScan(config), (err) => assertClearRefusal(err, c, `meter scan: ${where}`));
    for (const line of log.lines) assert.ok(c.password.length < 4 || !line.includes(c.password), `secret in "${line}": ${where}`);
  }

  // the plugin's running meter: says what is wrong, keeps waiting for the homeowner, writes nothing
  const c = { id: CREDS.id, password: `${CREDS.password}\r\nSKTERM`, what: 'password' };
  const log = captureLog();
  const meter = startBrouteMeter({ port: tap.hostPath, id: c.id, password: c.password, log, lister: async () => [] });
  const states: SessionStateEvent[] = [];
  meter.session.on('state', (e) => states.push(e));
  t.after(() => meter.stop());
  const end = Date.now() + 5_000;
  while (!states.some((s) => s.state === 'bad-credentials') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const refusal = states.find((s) => s.state === 'bad-credentials');
  assert.ok(refusal, `the session reports bad credentials: ${JSON.stringify(states)}`);
  assert.match(refusal.reason, /B-route password contains spaces, line breaks or non-ASCII characters; copy it again/);
  assert.ok(!states.some((s) => s.state === 'opening'), 'it never tried to open the dongle');
  await meter.stop();
  await settle();
  assert.equal(tap.toDongle().length, 0, `not one byte reached the dongle: ${JSON.stringify(tap.toDongle().toString('latin1'))}`);
  assert.ok(!log.lines.join('\n').includes(c.password));
});
