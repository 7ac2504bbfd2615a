/**
 * AI solar charge end to end on Homebridge 1.x: the plugin on the simulated home with the scheduler on
 * (EcoCute, battery and EV, TEPCO スマートライフS, JMA Tokyo), its forecasts from the simulated sky
 * (src/sim/forecast-server.ts on 127.0.0.1), all inside a network namespace with only `lo`, so nothing
 * reaches the internet. It checks that:
 *  - the "AI Solar Charge" switch and the "Weather Warning" sensor are in HomeKit with the scheduler's values;
 *  - the scheduler read fresh forecasts and evaluated every gate: at simulated midday the forecast surplus
 *    passes the surplus gates; the store is seeded with three weeks of sunny usage (usage-history.ts), as a
 *    fresh installation cannot pass the replaced product's data condition (5 sunny days of the day type);
 *  - the planner then plans each device on that forecast with a reason for every half-hour; the plugin
 *    runs on the home's simulated clock at real speed (SIMULATED_CLOCK_ENV), so the plan is made at
 *    simulated 11:00 whatever the real time of day (on the real clock the tariff band and the evening's
 *    surplus changed the plan with the hour CI ran at);
 *  - switching AI solar charge off in HomeKit turns the scheduler off (MQTT status and the dashboard file)
 *    and hands the devices back;
 *  - a warning issued by the simulated JMA, fetched again when the switch goes back on, trips the sensor
 *    and the warning linkage writes to the emulated battery (charge for a possible outage).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatteryState } from '../../src/sim/battery.js';
import type { EvState } from '../../src/sim/ev.js';
import type { WaterHeaterState } from '../../src/sim/water-heater.js';
import type { SchedulerStatus } from '../../src/scheduler/service.js';
import { statusFilePath } from '../../src/ui-status/file.js';
import { characteristicId, HAP, type HapAccessory } from '../helpers/hap-view.js';
import { NETNS_SKIP_REASON } from '../helpers/netns.js';
import { PTY_SKIP_REASON } from '../helpers/pty.js';
import { homebridgeInNamespace } from '../helpers/homebridge-e2e.js';

/** Sunday 29 Nov 2026, 11:00 JST: simulated midday sun, surplus ahead; the plugin's clock too. */
const START = Date.UTC(2026, 10, 29, 2, 0);
const PIN = '031-45-154';
const HAP_PORT = 51826;
const MQTT_PORT = 1883;
const STATUS_TOPIC = 'echonet-hems/scheduler/status';
const SWITCH = 'AI Solar Charge';
const SENSOR = 'Weather Warning';
const C = HAP.characteristic;

const skip = NETNS_SKIP_REASON ?? PTY_SKIP_REASON;
let accessories: HapAccessory[] = [];

const eventually = (what: string, check: () => Promise<string | undefined>, timeoutMs?: number) => hb.eventually(what, check, timeoutMs);

const value = async (service: string, type: string): Promise<unknown> => {
  const { characteristics } = await hb.rig.call<{ characteristics: { value?: unknown; status?: number }[] }>('read', { ids: [characteristicId(accessories, service, type)] });
  return characteristics[0]?.value;
};
const write = (service: string, type: string, v: unknown) => hb.rig.call('write', { values: { [characteristicId(accessories, service, type)]: v } });
/** The retained status a fresh MQTT client gets. */
const mqttStatus = async (): Promise<SchedulerStatus | undefined> => {
  const seen = await hb.rig.call<Record<string, string>>('mqtt', { filters: [STATUS_TOPIC], ms: 500 });
  return seen[STATUS_TOPIC] === undefined ? undefined : (JSON.parse(seen[STATUS_TOPIC]) as SchedulerStatus);
};
const fileStatus = (): { enabled: boolean; gates: SchedulerStatus['gates'] } | null =>
  (JSON.parse(readFileSync(statusFilePath(hb.storage), 'utf8')) as { scheduler: { enabled: boolean; gates: SchedulerStatus['gates'] } | null }).scheduler;
/**
 * The emulated devices' states only AI solar charge sets here: nothing else writes to them in this test,
 * and they start in their own modes (the car plugged in with the charger in standby).
 */
const schedulerSet = async (): Promise<string[]> => {
  const h = await hb.rig.call<{ tank: WaterHeaterState; ev: EvState; battery: BatteryState }>('state');
  return [
    ...(h.tank.mode === 'manual_heating' ? ['EcoCute manual heating'] : []),
    ...(h.battery.mode === 'charge' ? ['battery charging'] : []),
    ...(h.ev.mode === 'charge' ? ['EV charging'] : []),
  ];
};
const asNumber = (v: unknown): number => (v === true ? 1 : v === false ? 0 : Number(v));

const hb = homebridgeInNamespace('hb1-scheduler', { hapPort: HAP_PORT, pin: PIN, startAt: START, mqttPort: MQTT_PORT, scheduler: true, usageHistoryDays: 21, evMode: 'standby', speed: 1 }, skip);

test('the AI Solar Charge switch and the Weather Warning sensor are in HomeKit: on, no warning', { skip, timeout: 120_000 }, async () => {
  await hb.rig.call('pair');
  await eventually('the scheduler accessory', async () => {
    accessories = (await hb.rig.call<{ accessories: HapAccessory[] }>('accessories')).accessories;
    characteristicId(accessories, SWITCH, C.on);
    characteristicId(accessories, SENSOR, C.occupancy);
    return undefined;
  });
  assert.equal(asNumber(await value(SWITCH, C.on)), 1, 'AI solar charge is on at the first start');
  assert.equal(asNumber(await value(SENSOR, C.occupancy)), 0, 'no warning from the simulated JMA');
});

test('the scheduler evaluates every gate on fresh simulated forecasts, and the midday surplus passes them', { skip, timeout: 120_000 }, async () => {
  await eventually('gates evaluated on a fresh forecast for all three devices', async () => {
    const s = await mqttStatus();
    if (!s) return 'no retained status yet';
    if (s.forecast.status !== 'fresh') return `forecast ${s.forecast.status}: ${s.forecast.message}`;
    const devices = s.gates.map((g) => g.device).sort();
    if (JSON.stringify(devices) !== JSON.stringify(['battery', 'ecocute', 'ev'])) return `gates for ${JSON.stringify(devices)}`;
    const gate = (device: string, code: string) => s.gates.find((g) => g.device === device)?.gates.find((x) => x.code === code);
    for (const g of s.gates) {
      for (const code of ['forecast-available', 'measuring-unit', 'usage-data', 'tariff-kind']) {
        if (!gate(g.device, code)?.passed) return `${g.device}: gate ${code} is closed: ${gate(g.device, code)?.message}`;
      }
    }
    const battery = s.gates.find((g) => g.device === 'battery')!;
    if (!battery.allowed) return `the sunny simulated surplus should allow battery charging: ${JSON.stringify(battery.gates.filter((x) => !x.passed))}`;
    return s.enabled ? undefined : 'the status says the switch is off';
  }, 90_000);
});

test('with the switch on, the planner plans every device on the simulated forecast, with a reason for this half-hour', { skip, timeout: 120_000 }, async () => {
  await eventually('a plan for the devices', async () => {
    const s = await mqttStatus();
    const plan = s?.plan;
    if (!plan || plan.status === 'none' || plan.status === 'suspended') return `plan: ${JSON.stringify(plan?.text)}`;
    if (plan.next.length === 0) return 'the plan has no half-hour left today';
    const now = plan.next[0]!;
    const missing = (['ecocute', 'battery', 'ev'] as const).filter((device) => !now[device]?.reason.text);
    if (missing.length) return `no decision with a reason for ${missing.join(', ')} this half-hour: ${JSON.stringify(now)}; gates ${JSON.stringify(s.gates)}`;
    return undefined;
  }, 90_000);
});

test('switching AI Solar Charge off in HomeKit turns the scheduler off (MQTT status and the dashboard file)', { skip, timeout: 120_000 }, async () => {
  await write(SWITCH, C.on, false);
  await eventually('MQTT status off', async () => ((await mqttStatus())?.enabled === false ? undefined : 'the retained status still says on'));
  // the dashboard file is rewritten every minute
  await eventually('status file off', async () => (fileStatus()?.enabled === false ? undefined : `the status file has ${JSON.stringify(fileStatus()?.enabled)}`), 90_000);
  assert.equal(asNumber(await value(SWITCH, C.on)), 0);
  // turned off, it hands every device back (its own automatic modes)
  await eventually('devices handed back', async () => {
    const still = await schedulerSet();
    if (still.length === 0) return undefined;
    const said = (await hb.rig.call<string>('log')).split('\n').filter((l) => l.includes('AI solar charge'));
    return `still set: ${still.join(', ')}; the scheduler said:\n${said.slice(-15).join('\n')}`;
  });
});

test('a warning from the simulated JMA, fetched when the switch goes back on, trips the sensor and charges the battery', { skip, timeout: 120_000 }, async () => {
  await hb.rig.call('warning', { code: '03' });
  // turning the switch on plans at once, and a planning round fetches the forecasts again
  await write(SWITCH, C.on, true);
  await eventually('warning sensor detected', async () => {
    const occupancy = asNumber(await value(SENSOR, C.occupancy));
    return occupancy === 1 ? undefined : `the sensor shows ${occupancy}`;
  });
  const s = await mqttStatus();
  assert.ok(s?.enabled && s.warning.active, `the status says the warning is active: ${JSON.stringify(s?.warning)}`);
  assert.deepEqual(s.warning.names, ['Heavy rain warning']);
  assert.equal(s.plan?.status, 'suspended', 'solar scheduling is suspended during a warning');
  await eventually('the emulated battery charges for a possible outage', async () => {
    const battery = (await hb.rig.call<{ battery: BatteryState }>('state')).battery;
    return battery.mode === 'charge' ? undefined : `the battery is in ${battery.mode}`;
  });
});
