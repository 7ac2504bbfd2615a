/**
 * The SKSTACK link over a real pseudo terminal: the real `serialport` SerialPort on the host end, the
 * dongle simulator on the device end, one socat pair per test (always cleaned up).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPort } from 'serialport';
import { createPtyPair, PTY_SKIP_REASON, type PtyPair } from '../../helpers/pty.js';
import { startDongleSimulator, type DongleSimulator, type DongleSimulatorOptions } from '../../../src/sim/dongle/index.js';
import { openSkstack, SkstackError, UnsupportedDeviceError, type SkstackEvent, type SkstackLink, type UdpDatagram } from '../../../src/wisun/skstack.js';
import { describeProperty } from '../../../src/echonet/catalogue/index.js';
import { decodeFrame, encodeFrame, ESV, type Frame, type Property } from '../../../src/echonet/frame.js';
import { ScaledClock, systemClock, type Clock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';

const CREDS = { id: '00112233445566778899AABBCCDDEEFF', password: 'Hx7pQ2wZ9kLm' };
const HALF_HOUR = 1_800_000;
const READING = { powerW: 1234, currentRA: 7.5, currentTA: 5.1, boughtKwh: 4321.7, soldKwh: 56.2 };
const METER = {
  meter: () => READING,
  // 0.5 kWh bought per half hour since the epoch: every boundary has a value.
  cumulativeAt: (t: number) => (t % HALF_HOUR === 0 ? { boughtKwh: (t / HALF_HOUR) * 0.5 % 10_000, soldKwh: 1 } : undefined),
};
const opts = { skip: PTY_SKIP_REASON, timeout: 20_000 };

interface Rig {
  pair: PtyPair;
  sim: DongleSimulator;
  port: SerialPort;
  link: SkstackLink;
  log: string[];
}

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

function captureLog(lines: string[]): Logger {
  const push = (m: string) => void lines.push(m);
  return { debug: push, info: push, warn: push, error: push };
}

async function rig(t: TestContext, sim: Partial<DongleSimulatorOptions>, linkClock: Clock = systemClock): Promise<Rig> {
  const pair = await createPtyPair();
  t.after(() => pair.close());
  const s = startDongleSimulator({ path: pair.donglePath, family: 'single-hop', timing: 'fast', credentials: CREDS, meter: METER, clock: systemClock, ...sim });
  t.after(() => s.stop());
  const port = await openPort(pair.hostPath);
  t.after(() => closePort(port));
  const log: string[] = [];
  const link = await openSkstack(port, { clock: linkClock, log: captureLog(log) });
  return { pair, sim: s, port, link, log };
}

/** Scans like session.ts will: a short scan first, longer when nothing answers. */
async function join(link: SkstackLink, creds = CREDS): Promise<{ ip: string; result: 'joined' | 'rejected' }> {
  await link.setCredentials(creds.id, creds.password);
  let pans = await link.scan(4);
  assert.deepEqual(pans, [], 'the simulated meter is out of reach of a duration-4 scan');
  pans = await link.scan(6);
  const pan = pans[0]!;
  assert.ok(pan, 'duration 6 finds the meter');
  const ip = await link.linkLocal(pan.addr);
  await link.setChannelAndPan(pan.channel, pan.panId);
  return { ip, result: await link.join(ip) };
}

function nextFrame(link: SkstackLink, esv?: number, timeoutMs = 3_000): Promise<Frame | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const on = (d: UdpDatagram) => {
      const r = d.lport === 0x0e1a ? decodeFrame(d.data) : undefined;
      if (r?.ok && (esv === undefined || (r.frame as Frame).esv === esv)) done(r.frame as Frame);
    };
    const done = (f: Frame | undefined) => {
      clearTimeout(timer);
      link.off('udp', on);
      resolve(f);
    };
    link.on('udp', on);
  });
}

function request(tid: number, esv: number, properties: Property[]): Uint8Array {
  return encodeFrame({ tid, seoj: 0x05ff01, deoj: 0x028801, esv, properties });
}

const get = (tid: number, epcs: number[]) => request(tid, ESV.Get, epcs.map((epc) => ({ epc, edt: new Uint8Array() })));

async function readPowerAndCurrents(link: SkstackLink, ip: string) {
  const answer = nextFrame(link, ESV.Get_Res);
  await link.sendUdp(ip, get(0x1234, [0xe7, 0xe8]));
  const frame = await answer;
  assert.ok(frame, 'the meter answered the Get');
  assert.equal(frame.tid, 0x1234);
  return Object.fromEntries(frame.properties.map((p) => [p.epc, describeProperty(0x0288, p.epc, p.edt).value]));
}

function assertNoSecrets(log: string[]): void {
  const text = log.join('\n');
  assert.ok(!text.includes(CREDS.password), 'the password is in the log');
  assert.ok(!text.includes(CREDS.id), 'the B-route ID is in the log');
  assert.match(text, /SKSETPWD \*\*\*/, 'the credential commands are logged, masked');
}

const FAMILIES = [
  { model: 'BP35A1', family: 'single-hop', asciiMode: true, woptWrites: 0 },
  { model: 'BP35C2', family: 'dual-stack', asciiMode: false, woptWrites: 1 },
  { model: 'RL7023-DSS', family: 'dual-stack', asciiMode: false, woptWrites: 0 },
] as const;

for (const c of FAMILIES) {
  test(`${c.model}: open, detect ${c.family}, scan with escalation, join, read E7/E8 over a real pty`, opts, async (t) => {
    const { sim, link, log } = await rig(t, { family: c.family, model: c.model, asciiMode: c.asciiMode });
    assert.equal(link.family, c.family);
    assert.equal(sim.counters.woptWrites, c.woptWrites);
    const { ip, result } = await join(link);
    assert.equal(result, 'joined');
    assert.equal(ip, sim.meterAddress);
    assert.deepEqual(await readPowerAndCurrents(link, ip), { 0xe7: 1234, 0xe8: { r: 7.5, t: 5.1 } });
    assert.match(log.join('\n'), /ERXUDP from .* port 0E1A, \d+ bytes \(ascii\)/);
    assertNoSecrets(log);
  });
}

test('wrong credentials: the join is rejected (EVENT 24)', opts, async (t) => {
  const { link, log } = await rig(t, { family: 'dual-stack' });
  const { result } = await join(link, { ...CREDS, password: 'WrongPass123' });
  assert.equal(result, 'rejected');
  assert.ok(!log.join('\n').includes('WrongPass123'));
});

test('EVENT 32 (transmit limit): sendUdp rejects typed until EVENT 33', opts, async (t) => {
  const { sim, link } = await rig(t, {});
  const { ip } = await join(link);
  const events: number[] = [];
  link.on('event', (e: SkstackEvent) => events.push(e.code));
  sim.setFaults({ transmitLimit: true });
  while (!events.includes(0x32)) await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(link.sendUdp(ip, get(1, [0xe7])), (e: unknown) => e instanceof SkstackError && e.code === 'transmit-limit');
  sim.setFaults({ transmitLimit: false });
  while (!events.includes(0x33)) await new Promise((r) => setTimeout(r, 5));
  assert.equal((await readPowerAndCurrents(link, ip))[0xe7], 1234);
});

test('noise and cut-off lines on the wire do not stop the conversation', opts, async (t) => {
  const { sim, link } = await rig(t, { family: 'dual-stack', model: 'BP35C2' });
  const garbage: string[] = [];
  link.on('garbage', (line: string) => garbage.push(line));
  sim.setFaults({ garbageEvery: 2, partialEvery: 3 });
  const { ip, result } = await join(link);
  assert.equal(result, 'joined');
  for (let i = 0; i < 3; i++) assert.equal((await readPowerAndCurrents(link, ip))[0xe7], 1234);
  assert.ok(garbage.length >= 3, `noise was seen and skipped (${garbage.length} lines)`);
});

test('a J11 binary-protocol dongle is refused with UnsupportedDeviceError', opts, async (t) => {
  const pair = await createPtyPair();
  t.after(() => pair.close());
  const sim = startDongleSimulator({ path: pair.donglePath, family: 'dual-stack', model: 'J11', timing: 'fast', credentials: CREDS, meter: METER, clock: systemClock });
  t.after(() => sim.stop());
  const port = await openPort(pair.hostPath);
  t.after(() => closePort(port));
  const err = await openSkstack(port, { clock: systemClock, log: captureLog([]), commandTimeoutMs: 1_000 }).catch((e: unknown) => e);
  assert.ok(err instanceof UnsupportedDeviceError);
  assert.equal(err.kind, 'j11-binary');
  assert.match(err.message, /J11/);
});

test('WOPT is written at most once across two opens of the port', opts, async (t) => {
  const { pair, sim, port, link } = await rig(t, { family: 'dual-stack', model: 'BP35C2', asciiMode: false });
  assert.equal(sim.counters.woptWrites, 1);
  await link.close();
  assert.equal(port.isOpen, false, 'closing the link closes the port');
  const again = await openPort(pair.hostPath);
  t.after(() => closePort(again));
  const second = await openSkstack(again, { clock: systemClock, log: captureLog([]) });
  assert.equal(second.family, 'dual-stack');
  assert.equal(sim.counters.woptWrites, 1);
});

test('session expiry (EVENT 29): requests go unanswered until the next join', opts, async (t) => {
  const { sim, link } = await rig(t, {});
  const { ip } = await join(link);
  const expired = new Promise<SkstackEvent>((r) => link.on('event', (e: SkstackEvent) => e.code === 0x29 && r(e)));
  sim.injectSessionEvent(0x29);
  assert.equal((await expired).sender, sim.meterAddress);
  const silence = nextFrame(link, undefined, 300);
  await link.sendUdp(ip, get(2, [0xe7]));
  assert.equal(await silence, undefined, 'the meter ignores requests without a session');
  assert.equal(await link.join(ip), 'joined');
  assert.equal((await readPowerAndCurrents(link, ip))[0xe7], 1234);
});

test('history: Set E5 then Get E2 gives the 48 half-hour counters of that day', opts, async (t) => {
  const { link } = await rig(t, {});
  const { ip } = await join(link);
  const setAnswer = nextFrame(link, ESV.Set_Res);
  await link.sendUdp(ip, request(3, ESV.SetC, [{ epc: 0xe5, edt: Uint8Array.of(1) }]));
  assert.ok(await setAnswer);
  const answer = nextFrame(link, ESV.Get_Res);
  await link.sendUdp(ip, get(4, [0xe2, 0xe1]));
  const frame = (await answer)!;
  const e2 = describeProperty(0x0288, 0xe2, frame.properties[0]!.edt).value as { day: number; values: (number | null)[] };
  assert.equal(e2.day, 1);
  assert.equal(e2.values.length, 48);
  assert.ok(e2.values.every((v) => typeof v === 'number'), 'yesterday is complete');
  // 0.5 kWh per half hour in 0.1 kWh steps: consecutive slots differ by 5 counts (mod the counter wrap).
  assert.equal((e2.values[1]! - e2.values[0]! + 1_000_000) % 1_000_000, 5);
});

test('the meter announces EA/EB every half hour; INFC is acknowledged with INFC_Res', opts, async (t) => {
  // The simulator's clock runs 3600x: the half hour passes in half a second.
  const start = Math.floor(Date.now() / HALF_HOUR) * HALF_HOUR + HALF_HOUR - 60_000;
  const { sim, link } = await rig(t, { clock: new ScaledClock(start, 3600) });
  const { ip } = await join(link);
  const inf = (await nextFrame(link, ESV.INF))!;
  assert.deepEqual(inf.properties.map((p) => p.epc), [0xea, 0xeb]);
  const ea = describeProperty(0x0288, 0xea, inf.properties[0]!.edt).value as { time: string };
  assert.match(ea.time, /:(00|30):00$/);

  sim.setFaults({ infc: true });
  const infc = (await nextFrame(link, ESV.INFC))!;
  await link.sendUdp(ip, encodeFrame({ tid: infc.tid, seoj: 0x05ff01, deoj: 0x028801, esv: ESV.INFC_Res, properties: infc.properties.map((p) => ({ epc: p.epc, edt: new Uint8Array() })) }));
  while (sim.counters.infcAcks === 0) await new Promise((r) => setTimeout(r, 5));
  assert.ok(sim.counters.announcements >= 2);
});

test('unplug and replug under a new path: the host sees its port vanish, then reopens on the new one', opts, async (t) => {
  const { pair, sim, link } = await rig(t, { family: 'dual-stack', model: 'RS-WSUHA-P', asciiMode: false });
  await join(link);
  const closed = new Promise<void>((r) => link.once('close', () => r()));
  await sim.unplug();
  await pair.close(); // with socat, the host end disappears with the pair
  await closed;

  const pair2 = await createPtyPair();
  t.after(() => pair2.close());
  await sim.replug(pair2.donglePath);
  const port2 = await openPort(pair2.hostPath);
  t.after(() => closePort(port2));
  const log: string[] = [];
  const link2 = await openSkstack(port2, { clock: systemClock, log: captureLog(log) });
  assert.equal(sim.counters.woptWrites, 1, 'WOPT survived the power cycle in flash');
  const { ip, result } = await join(link2); // credentials were lost with RAM and are set again
  assert.equal(result, 'joined');
  assert.equal((await readPowerAndCurrents(link2, ip))[0xe7], 1234);
  assertNoSecrets(log);
});
