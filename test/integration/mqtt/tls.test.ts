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
import { redactingLogger } from '../../../src/util/log.js';
import { Recorder, ScriptedHome, capturingLogger, certificates, freePort, meterDevice, mosquittoAvailable, opensslAvailable, startConfiguredMosquitto, stopProcess } from '../../helpers/mqtt.js';

const PASSWORD = 'Tls-Pa55word-Here';

test('TLS with a client certificate and a password: connects, and the password is nowhere', async (t) => {
  if (!mosquittoAvailable() || !opensslAvailable()) return t.skip('mosquitto or openssl is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hems-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = certificates(dir);
  const pw = spawnSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'hems', PASSWORD]);
  if (pw.status !== 0) return t.skip('mosquitto_passwd is not available');
  const port = await freePort();
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'user root',
      `cafile ${certs.ca}`,
      `certfile ${certs.serverCert}`,
      `keyfile ${certs.serverKey}`,
      'require_certificate true',
      'allow_anonymous false',
      `password_file ${join(dir, 'passwd')}`,
      '',
    ].join('\n'),
  );
  const tls = { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey };
  const url = `mqtts://127.0.0.1:${port}`;
  const tlsOptions = { username: 'hems', password: PASSWORD, ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
  // the probe speaks TLS with a client certificate too: a plain one would never get in
  const broker = await startConfiguredMosquitto(join(dir, 'mosquitto.conf'), { url, options: tlsOptions });
  const home = new ScriptedHome();
  home.put(meterDevice(Date.now(), 321, 10, 2));
  const sink = capturingLogger();
  const log = redactingLogger(sink, () => [PASSWORD]);
  const mirror = new MqttMirror({ source: home, commands: home.target, broker: { url, username: 'hems', password: PASSWORD, ...tls }, clock: systemClock, log, version: 'test' });
  const wrong = new MqttMirror({ source: home, commands: home.target, broker: { url, username: 'hems', password: 'not-the-password-9', ...tls }, clock: systemClock, log: redactingLogger(sink, () => ['not-the-password-9']), version: 'test', minBackoffMs: 100 });
  let sub: Recorder | undefined;
  try {
    sub = await Recorder.connect(url, ['#'], tlsOptions);
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
