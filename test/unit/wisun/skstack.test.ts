import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { SerialPortMock } from 'serialport';
import { openSkstack, SkstackError, UnsupportedDeviceError, type SerialLike, type SkstackEvent, type SkstackLink, type UdpDatagram } from '../../../src/wisun/skstack.js';
import { startDongleSimulator, type DongleSimulatorOptions } from '../../../src/sim/dongle/index.js';
import { decodeFrame, encodeFrame, ESV, type Frame } from '../../../src/echonet/frame.js';
import { systemClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';

const CREDS = { id: '0123456789ABCDEF0123456789ABCDEF', password: 'Pw0rdSecret9' };
const METER = { meter: () => ({ powerW: -420, currentRA: -2.1, currentTA: null, boughtKwh: 8765.4, soldKwh: 321 }), cumulativeAt: () => undefined };

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

function sim(extra: Partial<DongleSimulatorOptions> = {}) {
  return startDongleSimulator({ family: 'single-hop', timing: 'fast', credentials: CREDS, meter: METER, clock: systemClock, ...extra });
}

/** A pretend dongle that answers each command line with whatever `answer` returns. */
class ScriptedPort extends Duplex implements SerialLike {
  readonly written: string[] = [];
  constructor(private readonly answer: (line: string) => string | Buffer | undefined) {
    super();
  }
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
      this.written.push(line);
      const a = this.answer(line);
      if (a !== undefined) setImmediate(() => this.push(typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
    }
    cb();
  }
  override _read(): void {}
  close(cb?: (err?: Error | null) => void): void {
    this.destroy();
    cb?.(null);
  }
}

/** Answers the open sequence of a single-hop dongle with ROPT already 01; `extra` handles the rest. */
function scripted(extra: (line: string) => string | Buffer | undefined = () => 'OK\r\n') {
  return new ScriptedPort((line) => {
    if (line === 'SKVER') return 'EVER 1.2.10\r\nOK\r\n';
    if (line === 'SKINFO') return 'EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE\r\nOK\r\n';
    if (line === 'ROPT') return 'OK 01\r\n';
    if (line === 'SKSREG SFE 0') return 'OK\r\n';
    return extra(line);
  });
}

async function joined(link: SkstackLink): Promise<string> {
  await link.setCredentials(CREDS.id, CREDS.password);
  const [pan] = await link.scan(6);
  assert.ok(pan, 'the meter is found');
  const ip = await link.linkLocal(pan.addr);
  await link.setChannelAndPan(pan.channel, pan.panId);
  assert.equal(await link.join(ip), 'joined');
  return ip;
}

function getFrame(tid: number, epcs: number[]): Uint8Array {
  return encodeFrame({ tid, seoj: 0x05ff01, deoj: 0x028801, esv: ESV.Get, properties: epcs.map((epc) => ({ epc, edt: new Uint8Array() })) });
}

function nextEchonet(link: SkstackLink): Promise<Frame> {
  return new Promise((resolve) => {
    const on = (d: UdpDatagram) => {
      if (d.lport !== 0x0e1a) return;
      link.off('udp', on);
      const r = decodeFrame(d.data);
      if (r.ok) resolve(r.frame as Frame);
    };
    link.on('udp', on);
  });
}

test('open turns echo off, reads version and family, and writes WOPT once across power cycles', async () => {
  const s = sim({ asciiMode: false });
  const first = await openSkstack(s.hostPort!, { clock: systemClock, log: captureLog() });
  assert.equal(first.family, 'single-hop');
  assert.equal(first.version, '1.2.10');
  assert.equal(s.counters.woptWrites, 1);
  await s.replug(); // power cycle: RAM lost, the flash keeps WOPT
  const second = await openSkstack(s.hostPort!, { clock: systemClock, log: captureLog() });
  assert.equal(second.family, 'single-hop');
  assert.equal(s.counters.woptWrites, 1, 'ROPT says ASCII now, so no second flash write');
  await second.close();
  await s.stop();
});

test('credentials with spaces, line breaks or the wrong length are refused before anything is written', async () => {
  // Through SerialPortMock.binding: the ESM build of @serialport/binding-mock is another module instance.
  SerialPortMock.binding.createPort('/dev/fake-wisun', { record: true });
  const port = new SerialPortMock({ path: '/dev/fake-wisun', baudRate: 115200 });
  await new Promise<void>((r) => port.on('open', () => r()));
  const opening = openSkstack(port, { clock: systemClock, log: captureLog() });
  const script: [string, string][] = [
    ['SKSREG SFE 0', 'OK'],
    ['SKVER', 'EVER 1.2.10\r\nOK'],
    ['SKINFO', 'EINFO FE80::1 001D129012345678 21 8888 FFFE\r\nOK'],
    ['ROPT', 'OK 01'],
  ];
  for (const [command, reply] of script) {
    while (!port.port!.recording.toString('latin1').endsWith(`${command}\r\n`)) await new Promise((r) => setTimeout(r, 2));
    port.port!.emitData(`${reply}\r\n`);
  }
  const link = await opening;
  const before = port.port!.recording.length;
  const bad: [string, string][] = [
    [CREDS.id, 'pass word123'],
    [CREDS.id, 'password\r\nSKTERM'],
    [CREDS.id.slice(1), CREDS.password],
    [CREDS.id, ''],
    [CREDS.id, 'x'.repeat(33)],
    [CREDS.id, 'パスワード'],
  ];
  for (const [id, pw] of bad) {
    // a rejected promise like every other failure of the link (not a synchronous throw)
    await assert.rejects(
      link.setCredentials(id, pw),
      (e: unknown) => e instanceof SkstackError && e.code === 'bad-credentials-format' && !e.message.includes(pw || '\u0000') && !e.message.includes(id),
    );
  }
  assert.equal(port.port!.recording.length, before, 'nothing reached the dongle');
  await link.close();
  SerialPortMock.binding.reset();
});

test('the password and ID never reach the log or an error, even when the dongle echoes them back', async () => {
  const log = captureLog();
  const port = scripted((line) => (line.startsWith('SKSETRBID') ? `${line}\r\nFAIL ER06\r\n` : `${line}\r\nOK\r\n`));
  const link = await openSkstack(port, { clock: systemClock, log });
  const err = await link.setCredentials(CREDS.id, CREDS.password).catch((e: unknown) => e);
  assert.ok(err instanceof SkstackError && err.code === 'fail');
  assert.ok(port.written.includes(`SKSETPWD C ${CREDS.password}`), 'the dongle did get the password');
  const everything = [...log.lines, err.message].join('\n');
  assert.ok(!everything.includes(CREDS.password), everything);
  assert.ok(!everything.includes(CREDS.id), everything);
  assert.match(everything, /SKSETPWD \*\*\*/);
  await link.close();
});

test('sendUdp: EVENT 21 param 01 and 02 reject typed, 00 resolves', async () => {
  let param = '01';
  const port = scripted((line) => (line.startsWith('SKSENDTO') ? `EVENT 21 FE80::2 ${param}\r\nOK\r\n` : 'OK\r\n'));
  const link = await openSkstack(port, { clock: systemClock, log: captureLog() });
  const send = () => link.sendUdp('FE80::2', getFrame(1, [0xe7]));
  await assert.rejects(send(), (e: unknown) => e instanceof SkstackError && e.code === 'send-failed');
  param = '02';
  await assert.rejects(send(), (e: unknown) => e instanceof SkstackError && e.code === 'send-failed');
  param = '00';
  await send();
  const sent = port.written.filter((l) => l.startsWith('SKSENDTO'));
  assert.match(sent[0]!, /^SKSENDTO 1 FE80::2 0E1A 1 000E \x10\x81/, 'single-hop form, binary payload after the length');
  await link.close();
});

test('a FAIL answer rejects typed with the error code; a dongle that says nothing times out typed', async () => {
  const port = scripted((line) => (line.startsWith('SKSREG S2') ? 'FAIL ER06\r\n' : undefined));
  const link = await openSkstack(port, { clock: systemClock, log: captureLog(), commandTimeoutMs: 100 });
  await assert.rejects(link.setChannelAndPan(0x99, 1), (e: unknown) => e instanceof SkstackError && e.code === 'fail' && /ER06/.test(e.message));
  await assert.rejects(link.terminate(), (e: unknown) => e instanceof SkstackError && e.code === 'timeout');
  await link.close();
});

test('not a dongle: silence, nonsense and J11 binary frames each give UnsupportedDeviceError', async () => {
  const cases: [SerialLike, string][] = [
    [new ScriptedPort(() => undefined), 'no-answer'],
    [new ScriptedPort(() => 'AT+OK? READY\r\n'), 'not-skstack'],
    [sim({ family: 'dual-stack', model: 'J11' }).hostPort!, 'j11-binary'],
  ];
  for (const [port, kind] of cases) {
    const err = await openSkstack(port, { clock: systemClock, log: captureLog(), commandTimeoutMs: 150 }).catch((e: unknown) => e);
    assert.ok(err instanceof UnsupportedDeviceError, `${kind}: ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.equal(err.code, 'unsupported');
    port.close();
  }
});

test('full flow in memory: join, Get E7/E8, bad credentials rejected, transmit limit typed', async () => {
  const s = sim({ family: 'dual-stack', model: 'RS-WSUHA-P' });
  const link = await openSkstack(s.hostPort!, { clock: systemClock, log: captureLog() });
  assert.equal(link.family, 'dual-stack');
  const ip = await joined(link);
  const answer = nextEchonet(link);
  await link.sendUdp(ip, getFrame(7, [0xe7, 0xe8]));
  const frame = await answer;
  assert.equal(frame.esv, ESV.Get_Res);
  assert.equal(frame.tid, 7);
  assert.deepEqual(frame.properties.map((p) => Buffer.from(p.edt).toString('hex')), ['fffffe5c', 'ffeb7ffe']);

  const events: SkstackEvent[] = [];
  link.on('event', (e: SkstackEvent) => events.push(e));
  s.setFaults({ transmitLimit: true });
  await new Promise((r) => setTimeout(r, 20));
  const sendsBefore = s.counters.sends;
  await assert.rejects(link.sendUdp(ip, getFrame(8, [0xe7])), (e: unknown) => e instanceof SkstackError && e.code === 'transmit-limit');
  assert.equal(s.counters.sends, sendsBefore, 'nothing was sent while the limit is engaged');
  s.setFaults({ transmitLimit: false });
  await new Promise((r) => setTimeout(r, 20));
  await link.sendUdp(ip, getFrame(9, [0xe7]));
  assert.deepEqual(events.filter((e) => e.code >= 0x32).map((e) => e.code), [0x32, 0x33]);

  s.setFaults({ badCredentials: true });
  assert.equal(await link.join(ip), 'rejected');
  await link.close();
  await s.stop();
});

test('unplugging closes the link: pending commands reject as closed and "close" is emitted', async () => {
  const s = sim();
  const link = await openSkstack(s.hostPort!, { clock: systemClock, log: captureLog() });
  await link.setCredentials(CREDS.id, CREDS.password);
  const closed = new Promise<void>((r) => link.once('close', () => r()));
  const scan = link.scan(10); // long enough to be pending when the dongle goes
  await new Promise((r) => setTimeout(r, 20));
  await s.unplug();
  await closed;
  await assert.rejects(scan, (e: unknown) => e instanceof SkstackError && e.code === 'closed');
  await assert.rejects(link.terminate(), (e: unknown) => e instanceof SkstackError && e.code === 'closed');
  await s.stop();
});

test('a late EVENT 24 from a join that timed out does not end the next join; its own EVENT 25 does', async () => {
  let joins = 0;
  const port = scripted((line) => {
    if (!line.startsWith('SKJOIN')) return 'OK\r\n';
    joins++;
    // the first join never ends in time; its failure shows up just as the second SKJOIN is written
    return joins === 1 ? 'OK\r\n' : 'EVENT 24 FE80:0000:0000:0000:021D:1290:1234:5678 02\r\nOK\r\nEVENT 25 FE80:0000:0000:0000:021D:1290:1234:5678 02\r\n';
  });
  const link = await openSkstack(port, { clock: systemClock, log: captureLog(), joinTimeoutMs: 200 });
  await assert.rejects(link.join('FE80:0000:0000:0000:021D:1290:1234:5678'), (e: unknown) => e instanceof SkstackError && e.code === 'timeout');
  assert.equal(await link.join('FE80:0000:0000:0000:021D:1290:1234:5678'), 'joined');
  await link.close();
});

test('a late EVENT 22 from a scan that timed out does not end the next scan early', async () => {
  let scans = 0;
  const beacon =
    'EVENT 20 FE80:0000:0000:0000:021D:1290:1234:5678 02\r\nEPANDESC\r\n  Channel:21\r\n  Channel Page:09\r\n  Pan ID:8888\r\n  Addr:001D129012345678\r\n  LQI:E1\r\n  PairID:00112233\r\n';
  const port: ScriptedPort = scripted((line) => {
    if (!line.startsWith('SKSCAN')) return 'OK\r\n';
    scans++;
    if (scans === 1) return 'OK\r\n';
    // the beacon and this scan's own end come a little after the OK, as on the air
    setTimeout(() => port.push(Buffer.from(`${beacon}EVENT 22 FE80:0000:0000:0000:021D:1290:1234:5678 02\r\n`, 'latin1')), 100);
    return 'EVENT 22 FE80:0000:0000:0000:021D:1290:1234:5678 02\r\nOK\r\n';
  });
  const link = await openSkstack(port, { clock: systemClock, log: captureLog() });
  // duration 0: 28 channels x 20 ms, so a time-out after 10.8 s; the simulated dongle never ends the first scan
  await assert.rejects(link.scan(0), (e: unknown) => e instanceof SkstackError && e.code === 'timeout');
  const found = await link.scan(0);
  assert.deepEqual(found.map((p) => [p.channel, p.panId, p.addr]), [[0x21, 0x8888, '001D129012345678']]);
  await link.close();
});
