/**
 * Eve's history protocol: the status and entry bytes against values worked out by hand from the protocol
 * description, the paging a transfer goes through (request, pages, the closing 00), rolling over when
 * memory is full, and the HAP service saving and restoring its log across a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HomebridgeAPI } from 'homebridge/lib/api.js';
import { eveCharacteristics } from '../../../src/accessories/eve.js';
import { EnergyLog, EveHistory, EVE_EPOCH_S, MEMORY_SIZE, requestedEntry, SAMPLE_MS } from '../../../src/accessories/eve-history.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';

/** 1000 s after Eve's epoch (2001-01-01 00:16:40 UTC): reference time 1000 = 0x000003E8. */
const T0 = (EVE_EPOCH_S + 1000) * 1000;
const hex = (b: Buffer) => b.toString('hex');

test('status and entries encode as worked out by hand', () => {
  const log = EnergyLog.empty(T0);
  log.append(T0 + 600_000, 123.44); // 10 minutes later, 1234 tenths of a watt = 0x04D2
  assert.equal(
    hex(log.status()),
    [
      '58020000', // last entry at 600 s (0x258) after the reference
      '00000000', // no negative offset
      'e8030000', // reference time 1000
      '05', '0b02', '0c02', '0d02', '0702', '0e01', // five elements: voltage, current, ?, power, on/off
      '0200', // two entries kept: the reference and one sample
      'c00f', // memory for 4032 (0x0FC0) entries
      '00000000', // none rolled out
      '00000000',
      '0101',
    ].join(''),
  );
  assert.equal(MEMORY_SIZE, 4032);
  const { bytes, next } = log.page(0);
  assert.equal(
    hex(bytes),
    [
      // reference entry: length 21, entry 1, time field 1, type 0x81, reference time, seven zeros
      '15', '01000000', '01000000', '81', 'e8030000', '00000000000000',
      // sample: length 18, entry 2, 600 s, mask 0x1f, voltage/current/third 0, power 0x04D2
      '12', '02000000', '58020000', '1f', '000000000000', 'd204',
    ].join(''),
  );
  assert.equal(next, 3);
  assert.equal(hex(log.page(3).bytes), '00', 'past the newest entry the answer is the single byte 00');
});

test('a transfer pages 11 entries at a time from the requested entry', () => {
  const log = EnergyLog.empty(T0);
  for (let i = 1; i <= 25; i++) log.append(T0 + i * SAMPLE_MS, i);
  assert.equal(log.last, 26);
  const numbers = (b: Buffer): number[] => {
    const out: number[] = [];
    for (let o = 0; o < b.length && b[o] !== 0; o += b[o]!) out.push(b.readUInt32LE(o + 1));
    return out;
  };
  let page = log.page(1);
  assert.deepEqual(numbers(page.bytes), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  page = log.page(page.next);
  assert.deepEqual(numbers(page.bytes), [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
  page = log.page(page.next);
  assert.deepEqual(numbers(page.bytes), [23, 24, 25, 26]);
  assert.equal(hex(log.page(page.next).bytes), '00');
  // the Eve app asks for entry 20 when it already has 1-19
  assert.deepEqual(numbers(log.page(20).bytes), [20, 21, 22, 23, 24, 25, 26]);
  // entry 20 carries 19 W after 19 x 600 s
  const twenty = log.page(20).bytes;
  assert.equal(twenty.readUInt32LE(5), 19 * 600);
  assert.equal(twenty.readUInt16LE(16), 190);
  // the request: bytes 2-5, little-endian (as the Eve app writes it: 01 14 <entry> 00 00 00)
  assert.equal(requestedEntry(Buffer.from('011414000000000000', 'hex')), 20);
  assert.equal(requestedEntry(Buffer.from('0114', 'hex')), undefined);
});

test('a full memory rolls over: the oldest sample goes and the reference entry takes its number', () => {
  const log = EnergyLog.empty(T0, 4);
  for (let i = 1; i <= 5; i++) log.append(T0 + i * SAMPLE_MS, 10 * i);
  const status = log.status();
  assert.equal(status.readUInt16LE(23), 4, 'entries kept');
  assert.equal(status.readUInt16LE(25), 4, 'memory size');
  assert.equal(status.readUInt32LE(27), 2, 'entries rolled out');
  const bytes = log.page(1).bytes; // older than anything kept: starts at the reference entry
  assert.equal(bytes[0], 21);
  assert.equal(bytes.readUInt32LE(1), 3, 'the reference entry is numbered 3 now');
  assert.equal(bytes[9], 0x81);
  assert.deepEqual([bytes.readUInt32LE(22), bytes.readUInt16LE(21 + 16)], [4, 300], 'then entry 4 with 30 W');
  assert.equal(log.last, 6);
  // powers beyond 6553.5 W are what 16 bits of 0.1 W can say
  log.append(T0 + 6 * SAMPLE_MS, 9000);
  assert.equal(log.page(7).bytes.readUInt16LE(16), 0xffff);
});

test('the History service answers the Eve app, samples every 10 minutes and keeps its log across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hems-eve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const api = new HomebridgeAPI();
  const eve = eveCharacteristics(api);
  const file = join(dir, 'grid.json');
  const clock = new ManualClock(T0);
  let power: number | undefined;
  const make = () => {
    const accessory = new api.platformAccessory('Grid', api.hap.uuid.generate('grid'));
    return { accessory, history: new EveHistory({ accessory, eve, file, clock, log: silentLogger, read: () => power }) };
  };
  const { accessory, history } = make();
  const service = accessory.getService(eve.History)!;
  const read = async (type: typeof eve.HistoryStatus) => Buffer.from(String(await service.getCharacteristic(type).handleGetRequest()), 'base64');

  history.observe(); // offline: nothing to record
  assert.equal((await read(eve.HistoryStatus)).readUInt16LE(23), 1, 'only the reference entry');
  power = 100;
  history.observe(); // the first reading makes an entry at once
  power = 300;
  clock.advance(3 * 60_000);
  history.observe();
  power = 500;
  clock.advance(3 * 60_000);
  history.observe();
  clock.advance(4 * 60_000); // the timer's entry: the mean of 300 and 500 W
  clock.advance(SAMPLE_MS); // no reading for 10 minutes: the timer takes the value as it is now
  assert.equal((await read(eve.HistoryStatus)).readUInt16LE(23), 4);

  await service.getCharacteristic(eve.HistoryRequest).handleSetRequest(Buffer.from('01140000000000', 'hex').toString('base64'));
  const page = await read(eve.HistoryEntries);
  const powers = [21, 39, 57].map((o) => page.readUInt16LE(o + 16));
  assert.deepEqual(powers, [1000, 4000, 5000], '100 W, then the mean 400 W, then 500 W, in tenths');
  assert.equal(hex(await read(eve.HistoryEntries)), '00', 'the transfer ends');
  await history.stop();

  // a restart reads the log back and continues its numbering
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { refTime: number; entries: unknown[] };
  assert.equal(saved.refTime, 1000);
  assert.equal(saved.entries.length, 3);
  const again = make();
  clock.advance(SAMPLE_MS);
  const status = Buffer.from(String(await again.accessory.getService(eve.History)!.getCharacteristic(eve.HistoryStatus).handleGetRequest()), 'base64');
  assert.equal(status.readUInt16LE(23), 5, 'the restored three samples, the reference and a new one');
  assert.equal(status.readUInt32LE(8), 1000, 'same reference time');
  await again.history.stop();
});
