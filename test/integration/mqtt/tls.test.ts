/**
 * A broker that wants TLS with a client certificate and a user name and password (mosquitto, with a CA
 * made here by openssl): the mirror connects with broker.ts's options, and the password appears in no log
 * line and no MQTT payload. A wrong password is refused and retried, never logged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttMirror } from '../../../src/mqtt/mirror.js';
import { systemClock } from '../../../src/util/clock.js';
import { redactingLogger, type Logger } from '../../../src/util/log.js';
import { Recorder, ScriptedHome, freePort, meterDevice, mosquittoAvailable, stopProcess } from '../../helpers/mqtt.js';

const PASSWORD = 'Tls-Pa55word-Here';

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all P-256 (fast to make). */
function certificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=hems-test-ca']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    openssl(dir, ['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'hems'}`]);
    openssl(dir, ['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', ...(who === 'server' ? ['-extfile', 'san.ext'] : [])]);
  }
}

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

test('TLS with a client certificate and a password: connects, and the password is nowhere', async (t) => {
  if (!mosquittoAvailable() || spawnSync('openssl', ['version']).error) return t.skip('mosquitto or openssl is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hems-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  certificates(dir);
  const pw = spawnSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'hems', PASSWORD]);
  if (pw.status !== 0) return t.skip('mosquitto_passwd is not available');
  const port = await freePort();
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'user root',
      `cafile ${join(dir, 'ca.crt')}`,
      `certfile ${join(dir, 'server.crt')}`,
      `keyfile ${join(dir, 'server.key')}`,
      'require_certificate true',
      'allow_anonymous false',
      `password_file ${join(dir, 'passwd')}`,
      '',
    ].join('\n'),
  );
  const broker = await startTlsMosquitto(port, join(dir, 'mosquitto.conf'), dir);
  const tls = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key') };
  const url = `mqtts://127.0.0.1:${port}`;
  const home = new ScriptedHome();
  home.put(meterDevice(Date.now(), 321, 10, 2));
  const sink = capture();
  const log = redactingLogger(sink, () => [PASSWORD]);
  const mirror = new MqttMirror({ source: home, commands: home.target, broker: { url, username: 'hems', password: PASSWORD, ...tls }, clock: systemClock, log, version: 'test' });
  const wrong = new MqttMirror({ source: home, commands: home.target, broker: { url, username: 'hems', password: 'not-the-password-9', ...tls }, clock: systemClock, log: redactingLogger(sink, () => ['not-the-password-9']), version: 'test', minBackoffMs: 100 });
  let sub: Recorder | undefined;
  try {
    sub = await Recorder.connect(url, ['#'], { username: 'hems', password: PASSWORD, ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) });
    await mirror.start();
    await sub.waitFor((m) => m.some((x) => x.topic === 'echonet-hems/b-route-meter/power' && x.payload === '321'), 10_000, 'the meter over TLS');
    await wrong.start();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(wrong.stats().connected, false, 'a wrong password is refused');
    await sub.quiet();
    for (const m of sub.messages) assert.ok(!m.payload.includes(PASSWORD), `${m.topic} carries the password`);
    const text = sink.lines.join('\n');
    assert.ok(!text.includes(PASSWORD) && !text.includes('not-the-password-9'), 'a log line carries a password');
    assert.match(text, /connected to the broker/);
  } finally {
    await sub?.close();
    await wrong.stop();
    await mirror.stop();
    await stopProcess(broker);
  }
});

/** startMosquitto probes with a plain connection; this broker wants TLS, so probe with TLS. */
async function startTlsMosquitto(port: number, config: string, dir: string) {
  const { spawn } = await import('node:child_process');
  const child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  const mqtt = (await import('mqtt')).default;
  for (const end = Date.now() + 5_000; Date.now() < end; ) {
    try {
      const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, {
        reconnectPeriod: 0,
        connectTimeout: 500,
        username: 'hems',
        password: PASSWORD,
        ca: readFileSync(join(dir, 'ca.crt')),
        cert: readFileSync(join(dir, 'client.crt')),
        key: readFileSync(join(dir, 'client.key')),
      });
      await c.endAsync();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('mosquitto with TLS did not start');
}
