import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UdpTransport } from '../../../src/echonet/transport.js';
import { EchonetError } from '../../../src/echonet/errors.js';

// Binding fails before any packet could be sent, so this is safe outside a namespace.
test('an interface address that is not on this machine is a clear, typed error', async () => {
  await assert.rejects(UdpTransport.open({ address: '203.0.113.77' }), (err: unknown) => {
    assert.ok(err instanceof EchonetError);
    assert.equal(err.code, 'address-not-local');
    assert.match(err.message, /^203\.0\.113\.77 is not an IPv4 address of this machine; choose one of: /);
    return true;
  });
});
