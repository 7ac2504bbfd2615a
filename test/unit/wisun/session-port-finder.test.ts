import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/util/log.js';
import { PortFinder, systemPortLister, type PortInfo } from '../../../src/wisun/port-finder.js';

const port = (path: string, serialNumber = 'A1B2C3'): PortInfo => ({
  path,
  vendorId: '0403',
  productId: '6015',
  serialNumber,
  manufacturer: 'FTDI',
  pnpId: undefined,
  locationId: undefined,
});

test('the dongle is found again by USB identity after it moved to another path', async () => {
  let ports = [port('/dev/ttyUSB0'), port('/dev/ttyUSB1', 'OTHER')];
  const warnings: string[] = [];
  const finder = new PortFinder('/dev/ttyUSB0', async () => ports, { ...silentLogger, warn: (m) => warnings.push(m) });
  assert.equal(await finder.locate(), '/dev/ttyUSB0');
  ports = [port('/dev/ttyUSB1', 'OTHER'), port('/dev/ttyUSB2')];
  assert.equal(await finder.locate(), '/dev/ttyUSB2');
  assert.deepEqual(warnings, ['the dongle is now at /dev/ttyUSB2 (configured: /dev/ttyUSB0)']);
  ports = [];
  assert.equal(await finder.locate(), '/dev/ttyUSB0', 'not listed at all: try the configured path');
});

test('a configured by-id symlink is matched through its target', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'port-finder-'));
  try {
    const target = join(dir, 'ttyUSB0');
    await writeFile(target, '');
    const link = join(dir, 'usb-ROHM_BP35A1-if00');
    await symlink(target, link);
    let ports = [port(target)];
    const finder = new PortFinder(link, async () => ports, silentLogger);
    assert.equal(await finder.locate(), link);
    ports = [port(join(dir, 'ttyUSB3'))];
    assert.equal(await finder.locate(), join(dir, 'ttyUSB3'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failing SerialPort.list() (spawn udevadm ENOENT) lists nothing instead of crashing', async () => {
  const warnings: string[] = [];
  const lister = systemPortLister({ ...silentLogger, warn: (m) => warnings.push(m) });
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent'; // SerialPort.list() spawns udevadm through PATH
  try {
    assert.deepEqual(await lister(), []);
    assert.deepEqual(await lister(), []);
  } finally {
    process.env.PATH = path;
  }
  assert.equal(warnings.length, 1, 'warned once');
  assert.match(warnings[0]!, /udevadm ENOENT/);
});
