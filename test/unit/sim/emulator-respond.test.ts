import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/log.js';
import { ESV, type Frame, type Property } from '../../../src/echonet/frame.js';
import { describeProperty } from '../../../src/echonet/catalogue/index.js';
import { fromHex, toHex } from '../../../src/util/hex.js';
import { SimulatedHome } from '../../../src/sim/home.js';
import { deviceObject, type DeviceKind } from '../../../src/sim/emulator/devices.js';
import { nodeProfileObject } from '../../../src/sim/emulator/node-profile.js';
import { EmulatedNode } from '../../../src/sim/emulator/node.js';
import { respond } from '../../../src/sim/emulator/respond.js';
import { NO_FAULTS, parseFaults, type Faults } from '../../../src/sim/emulator/faults.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-06-15T12:10:00+09:00'); // a Monday, early afternoon

function setup(kinds: DeviceKind[] = ['meter', 'solar', 'water-heater', 'ev-charger', 'battery'], evDischarges = true) {
  const clock = new ManualClock(START);
  const home = new SimulatedHome({ clock, seed: 3, historyDays: 3, ev: evDischarges ? {} : { maxDischargeW: 0 } });
  const devices = kinds.map((kind) => deviceObject(kind, { home, clock, seed: 3, address: '127.0.0.2' }));
  const node = new EmulatedNode([nodeProfileObject(devices, 3, '127.0.0.2'), ...devices], silentLogger);
  const ask = (deoj: number, esv: number, properties: Property[], faults: Faults = NO_FAULTS, getProperties?: Property[]) =>
    respond(node, { tid: 7, seoj: 0x05ff01, deoj, esv, properties, ...(getProperties ? { getProperties } : {}) }, faults);
  return { clock, home, node, ask };
}

const get = (...epcs: number[]): Property[] => epcs.map((epc) => ({ epc, edt: new Uint8Array(0) }));
const prop = (epc: number, hex: string): Property => ({ epc, edt: fromHex(hex)! });
const pairs = (props: readonly Property[]) => props.map((p) => [p.epc, toHex(p.edt)]);
const value = (frame: Frame, classCode: number, epc: number) =>
  describeProperty(classCode, epc, [...frame.properties, ...(frame.getProperties ?? [])].find((p) => p.epc === epc)!.edt).value;

test('instance 0 addresses every instance of the class; an unknown object gets no answer', () => {
  const { ask } = setup();
  const answers = ask(0x028800, ESV.Get, get(0x80));
  assert.equal(answers.length, 1);
  assert.equal(answers[0]!.seoj, 0x028801);
  assert.equal(answers[0]!.tid, 7);
  assert.equal(answers[0]!.deoj, 0x05ff01);
  assert.deepEqual(ask(0x013001, ESV.Get, get(0x80)), []);
  assert.deepEqual(ask(0x028801, ESV.INF, get(0x80)), [], 'INF is not a request');
  assert.deepEqual(ask(0x028801, ESV.INFC, [prop(0x80, '30')]), []);
  assert.deepEqual(ask(0x028801, ESV.INFC_Res, get(0x80)), []);
});

test('node profile: identity unique per object, lists and counts of what the node holds', () => {
  const { ask } = setup(['meter', 'battery']);
  const [np] = ask(0x0ef001, ESV.Get, get(0x80, 0x82, 0x83, 0x8a, 0xd3, 0xd4, 0xd6, 0xd7, 0x9e));
  assert.equal(np!.esv, ESV.Get_Res);
  assert.deepEqual(value(np!, 0x0ef0, 0xd6), ['028801', '027d01']);
  assert.equal(value(np!, 0x0ef0, 0xd3), 2);
  assert.equal(value(np!, 0x0ef0, 0xd4), 3);
  assert.deepEqual(value(np!, 0x0ef0, 0xd7), ['0288', '027d']);
  const ids = [0x0ef001, 0x028801, 0x027d01].map((eoj) => value(ask(eoj, ESV.Get, get(0x83))[0]!, eoj >> 8, 0x83));
  assert.equal(new Set(ids).size, 3);
  assert.ok(ids.every((id) => typeof id === 'string' && id.length === 34 && id.startsWith('feffffff')));
});

test('every object answers a Get of its whole Get map (each value encodes through the catalogue)', () => {
  for (const evDischarges of [true, false]) {
    const kinds: DeviceKind[] = ['meter', 'solar', 'water-heater', evDischarges ? 'ev-charger' : 'ev-charger-only', 'battery'];
    const { node, ask } = setup(kinds, evDischarges);
    for (const object of node.objects) {
      const getMap = value(ask(object.eoj, ESV.Get, get(0x9f))[0]!, object.eoj >> 8, 0x9f) as number[];
      assert.deepEqual(getMap, [...object.properties.keys()].sort((a, b) => a - b));
      const [all] = ask(object.eoj, ESV.Get, get(...getMap));
      assert.equal(all!.esv, ESV.Get_Res, `${object.eoj.toString(16)}: ${JSON.stringify(pairs(all!.properties))}`);
    }
  }
});

test('SetGet: refused sets and failed gets make a SetGet_SNA with both blocks', () => {
  const { ask } = setup();
  const [answer] = ask(0x027d01, ESV.SetGet, [prop(0xda, '42'), prop(0xe4, '10')], NO_FAULTS, get(0xda, 0xf0));
  assert.equal(answer!.esv, ESV.SetGet_SNA);
  assert.deepEqual(pairs(answer!.properties), [[0xda, ''], [0xe4, '10']]);
  assert.deepEqual(pairs(answer!.getProperties!), [[0xda, '42'], [0xf0, '']]);
});

test('INF_REQ of an unknown EPC gets INF_SNA; max-EPC faults apply to Set requests too', () => {
  const { ask } = setup();
  assert.equal(ask(0x028801, ESV.INF_REQ, get(0xf0))[0]!.esv, ESV.INF_SNA);
  const limit: Faults = { maxEpcs: { limit: 1, answer: 'sna' } };
  const [refused] = ask(0x026b01, ESV.SetC, [prop(0xb0, '41'), prop(0xc0, '41')], limit);
  assert.equal(refused!.esv, ESV.SetC_SNA);
  assert.deepEqual(pairs(refused!.properties), [[0xb0, '41'], [0xc0, '41']]);
  const [fewer] = ask(0x026b01, ESV.SetC, [prop(0xb0, '41'), prop(0xc0, '41')], { maxEpcs: { limit: 1, answer: 'fewer' } });
  assert.equal(fewer!.esv, ESV.Set_Res);
  assert.deepEqual(pairs(fewer!.properties), [[0xb0, '']]);
});

test('EV: V2H accepts discharge, the charger-only class refuses it; C7 follows the car', () => {
  const v2h = setup(['ev-charger']);
  assert.equal(v2h.ask(0x027e01, ESV.SetC, [prop(0xda, '43')])[0]!.esv, ESV.Set_Res);
  assert.equal(value(v2h.ask(0x027e01, ESV.Get, get(0xc7))[0]!, 0x027e, 0xc7), 'not_connected', 'at work at noon');
  v2h.clock.advance(8 * HOUR); // 20:10, home
  assert.equal(value(v2h.ask(0x027e01, ESV.Get, get(0xc7))[0]!, 0x027e, 0xc7), 'chargeable_dischargeable');
  const only = setup(['ev-charger-only'], false);
  assert.equal(only.ask(0x02a101, ESV.SetC, [prop(0xda, '43')])[0]!.esv, ESV.SetC_SNA);
  assert.equal(only.ask(0x02a101, ESV.SetC, [prop(0xda, '42')])[0]!.esv, ESV.Set_Res);
  assert.equal(only.ask(0x02a101, ESV.SetC, [prop(0xeb, '00000bb8')])[0]!.esv, ESV.Set_Res, '3000 W');
  assert.equal(only.ask(0x02a101, ESV.SetC, [prop(0xeb, '000003e8')])[0]!.esv, ESV.SetC_SNA, '1000 W is under the minimum');
  assert.throws(() => setup(['ev-charger'], false), /can discharge/);
});

test('EcoCute: 84 is in its Get map and is the heat pump\'s real draw, 0 when it stops', () => {
  const { ask, clock, home } = setup(['water-heater']);
  const getMap = value(ask(0x026b01, ESV.Get, get(0x9f))[0]!, 0x026b, 0x9f) as number[];
  assert.ok(getMap.includes(0x84) && !getMap.includes(0x85), 'the draw, not a counter: 85 stays unoffered');
  assert.equal(ask(0x026b01, ESV.SetC, [prop(0xb0, '42')])[0]!.esv, ESV.Set_Res, 'manual heating (daytime reheating permitted)');
  clock.advance(10_000);
  const heating = value(ask(0x026b01, ESV.Get, get(0x84))[0]!, 0x026b, 0x84);
  assert.equal(heating, home.flows().waterHeaterW);
  assert.ok((heating as number) > 500, `${heating} W while heating`);
  assert.equal(ask(0x026b01, ESV.SetC, [prop(0xb0, '43')])[0]!.esv, ESV.Set_Res, 'manual stop');
  clock.advance(10_000);
  assert.equal(value(ask(0x026b01, ESV.Get, get(0x84))[0]!, 0x026b, 0x84), 0);
});

test('battery: DA changes the mode and CF/D3 follow at the next step', () => {
  const { ask, clock } = setup(['battery']);
  assert.equal(ask(0x027d01, ESV.SetC, [prop(0xda, '42')])[0]!.esv, ESV.Set_Res);
  clock.advance(10_000);
  const [answer] = ask(0x027d01, ESV.Get, get(0xda, 0xcf, 0xd3));
  assert.equal(value(answer!, 0x027d, 0xda), 'charge');
  assert.equal(value(answer!, 0x027d, 0xcf), 'charge');
  assert.equal(value(answer!, 0x027d, 0xd3), 3000);
});

test('meter history: E5 selects the day, E2/E4 are the cumulative values at each half hour', () => {
  const { ask, home } = setup(['meter']);
  assert.equal(ask(0x028801, ESV.SetC, [prop(0xe5, '01')])[0]!.esv, ESV.Set_Res);
  assert.equal(ask(0x028801, ESV.SetC, [prop(0xe5, '64')])[0]!.esv, ESV.SetC_SNA, 'day 100 is out of range');
  const [answer] = ask(0x028801, ESV.Get, get(0xe2, 0xe4));
  const bought = value(answer!, 0x0288, 0xe2) as { day: number; values: number[] };
  assert.equal(bought.day, 1);
  const yesterday = Date.parse('2026-06-14T00:00:00+09:00');
  for (const i of [0, 17, 47]) {
    assert.equal(bought.values[i], Math.floor(home.cumulativeAt(yesterday + i * 1_800_000)!.boughtKwh * 10 + 1e-9));
  }
  ask(0x028801, ESV.SetC, [prop(0xe5, '00')]);
  const today = value(ask(0x028801, ESV.Get, get(0xe2))[0]!, 0x0288, 0xe2) as { values: (number | null)[] };
  assert.equal(today.values[24], Math.floor(home.cumulativeAt(Date.parse('2026-06-15T12:00:00+09:00'))!.boughtKwh * 10 + 1e-9));
  assert.equal(today.values[25], null, '12:30 has not come yet');
  const [ea] = ask(0x028801, ESV.Get, get(0xea));
  assert.deepEqual(value(ea!, 0x0288, 0xea), {
    time: '2026-06-15T12:00:00',
    value: Math.floor(home.cumulativeAt(Date.parse('2026-06-15T12:00:00+09:00'))!.boughtKwh * 10 + 1e-9),
  });
  assert.equal(ask(0x028801, ESV.SetC, [prop(0xed, '07ea060e0b0003')])[0]!.esv, ESV.Set_Res, 'ED = 2026-06-14 11:00, 3 slots');
  const ec = value(ask(0x028801, ESV.Get, get(0xec))[0]!, 0x0288, 0xec) as { time: string; values: { bought: number }[] };
  assert.equal(ec.time, '2026-06-14T11:00');
  assert.equal(ec.values.length, 3);
  assert.equal(ec.values[2]!.bought, Math.floor(home.cumulativeAt(Date.parse('2026-06-14T10:00:00+09:00'))!.boughtKwh * 10 + 1e-9));
});

test('announcements: only 9D properties, only when their EDT changes', () => {
  const { node, ask, clock } = setup();
  assert.deepEqual(node.changedAnnouncements(), [], 'nothing changed since start');
  ask(0x026b01, ESV.SetC, [prop(0xb0, '42')]);
  const changes = node.changedAnnouncements();
  assert.deepEqual(changes.map((c) => [c.eoj, c.properties.map((p) => p.epc)]), [[0x026b01, [0xb0, 0xb2]]]);
  assert.deepEqual(node.changedAnnouncements(), []);
  clock.advance(30 * 60_000); // past 12:30: the meter's fixed-time values move on
  const meter = node.changedAnnouncements().find((c) => c.eoj === 0x028801);
  assert.deepEqual(meter?.properties.map((p) => p.epc), [0xea, 0xeb]);
});

test('fault descriptions from JSON are checked field by field', () => {
  assert.deepEqual(parseFaults({ getSnaEpcs: ['0xe7', 'E8', 0x80], delayMs: 5, maxEpcs: { limit: 3, answer: 'fewer' } }), {
    ok: true,
    faults: { getSnaEpcs: [0xe7, 0xe8, 0x80], delayMs: 5, maxEpcs: { limit: 3, answer: 'fewer' } },
  });
  for (const bad of [null, [], { silent: 'yes' }, { delayMs: -1 }, { getSnaEpcs: ['zz'] }, { maxEpcs: { limit: 0, answer: 'sna' } }, { flaky: true }]) {
    assert.equal(parseFaults(bad).ok, false, JSON.stringify(bad));
  }
});
