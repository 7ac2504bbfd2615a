/**
 * What SECURITY.md says about the built-in MQTT broker: it listens on loopback unless the homeowner opens
 * it to the LAN, with a login it refuses clients without one, and opened to the LAN without a login the
 * plugin warns at every start (anyone there could switch the devices).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { parseConfig, type MqttConfig } from '../../../src/config.js';
import { startEmbeddedBroker } from '../../../src/mqtt/embedded-broker.js';
import { openBrokerWarning } from '../../../src/runtime.js';

function mqttSettings(mqttRaw: Record<string, unknown>): MqttConfig {
  const parsed = parseConfig({ echonet: {}, mqtt: { enabled: true, ...mqttRaw } });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.ok(parsed.config.mqtt);
  return parsed.config.mqtt;
}

test('the built-in broker is on loopback unless opened to the LAN', () => {
  assert.deepEqual(mqttSettings({}).broker, { kind: 'embedded', host: '127.0.0.1', port: 1883 });
  assert.deepEqual(mqttSettings({ embeddedLan: false }).broker, { kind: 'embedded', host: '127.0.0.1', port: 1883 });
  assert.deepEqual(mqttSettings({ embeddedLan: true }).broker, { kind: 'embedded', host: '0.0.0.0', port: 1883 });
});

test('opened to the LAN without a login, the broker is reported at start; otherwise not', () => {
  const warning = openBrokerWarning(mqttSettings({ embeddedLan: true }));
  assert.match(warning ?? '', /open to the LAN without a login/);
  assert.match(warning ?? '', /user name and password/, 'the warning says what to do');
  assert.equal(openBrokerWarning(mqttSettings({ embeddedLan: true, username: 'hems', password: 'a-long-password' })), undefined);
  assert.equal(openBrokerWarning(mqttSettings({})), undefined, 'loopback only: local programs are trusted like the Homebridge user');
  assert.equal(openBrokerWarning(mqttSettings({ broker: 'url', url: 'mqtt://192.0.2.5:1883' })), undefined, 'the homeowner\'s broker has its own access control');
});

test('started without a host, the broker listens on loopback; with a login it refuses anonymous and wrong clients', async (t) => {
  const broker = await startEmbeddedBroker({ port: 0, username: 'hems', password: 'broker-pw-1' });
  t.after(() => broker.close());
  assert.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
  const url = `mqtt://127.0.0.1:${broker.port}`;
  await assert.rejects(mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 }), 'anonymous');
  await assert.rejects(mqtt.connectAsync(url, { username: 'hems', password: 'broker-pw-2', reconnectPeriod: 0, connectTimeout: 5000 }), 'wrong password');
  const client = await mqtt.connectAsync(url, { username: 'hems', password: 'broker-pw-1', reconnectPeriod: 0, connectTimeout: 5000 });
  await client.endAsync();
});
