import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';

test('decode --json prints the documented shape with decoded values', async () => {
  const r = await runCli(['decode', '1081000102880105ff017202e704000001f4e80400327ffe', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.tid, 1);
  assert.equal(json.seoj, '028801');
  assert.equal(json.deoj, '05ff01');
  assert.equal(json.esv, '72');
  assert.deepEqual(
    json.properties.map((p: { epc: string; pdc: number; edt: string; value: unknown; unit?: string }) => [p.epc, p.pdc, p.edt, p.value, p.unit]),
    [
      ['e7', 4, '000001f4', 500, 'W'],
      ['e8', 4, '00327ffe', { r: 5, t: null }, 'A'],
    ],
  );
  assert.equal(typeof json.properties[0].name, 'string');
});

test('decode keeps unknown classes and EPCs raw, without a value', async () => {
  const r = await runCli(['decode', '1081000112340105ff017201f0020102', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const [p] = JSON.parse(r.stdout).properties;
  assert.deepEqual(p, { epc: 'f0', pdc: 2, edt: '0102' });
});

test('decode shows "no data" sentinels as null', async () => {
  const r = await runCli(['decode', '1081000102880105ff017201e7047ffffffe', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).properties[0].value, null);
});

test('a malformed frame exits non-zero with a one-line reason and no stack trace', async () => {
  for (const hex of ['108100010288', '1081000102880105ff017202e704000001f4', 'zz']) {
    const r = await runCli(['decode', hex, '--json']);
    assert.notEqual(r.code, 0, hex);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^echonet-hems: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('unknown commands and missing arguments are usage errors (exit 2)', async () => {
  assert.equal((await runCli(['frobnicate'])).code, 2);
  assert.equal((await runCli(['decode'])).code, 2);
  assert.equal((await runCli(['get', '127.0.0.1'])).code, 2);
  assert.equal((await runCli(['set', '127.0.0.1', 'xyz', '80', '30'])).code, 2);
  assert.equal((await runCli(['meter', 'read'])).code, 2);
});
