/**
 * What the platform will do for the dashboard, as a process for the browser test: the home model reads
 * the emulator over ECHONET Lite (run this inside the emulator's namespace), the history holds earlier
 * half-hours, and startStatusPublisher writes <storage>/echonet-hems/status.json every second.
 *   node --import tsx test/e2e/ui-status-main.ts <storage dir> <interface address> <device address>
 * stdout: {"ready":true} once every device has a reading and a status is written; on the stdin line
 * "freeze" it writes one last status, stops, and answers {"frozen":true,"generatedAt":...}.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createHome } from '../../src/home/index.js';
import { History } from '../../src/store/history.js';
import { makeTariff, TARIFF_PRESETS } from '../../src/scheduler/tariff.js';
import { HALF_HOUR_MS, jstTime, startOfJstDay } from '../../src/scheduler/calendar.js';
import { startStatusPublisher, statusFilePath, type StatusSources } from '../../src/ui-status/index.js';
import { monthBounds } from '../../src/ui-status/energy.js';
import { chargeReason, heatReason, idleChargeReason, idleHeatReason } from '../../src/scheduler/planner/reasons.js';
import type { SlotDecision } from '../../src/scheduler/planner/types.js';
import type { SchedulerStatus } from '../../src/scheduler/service.js';
import type { HalfHourRecord } from '../../src/wisun/history.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';

const [storage, iface, deviceAddress] = process.argv.slice(2);
if (!storage || !iface || !deviceAddress) throw new Error('usage: ui-status-main.ts <storage> <interface> <device address>');

/** Today's layout, relative to the half-hours finished so far: which are back-filled and which lost. */
function todayLayout(finished: number): { backfill: number[]; missing: number[] } {
  // the lost half-hour is apart from the back-filled ones: it has neither a record nor meter counters
  if (finished < 8) return { backfill: [], missing: [] };
  return { backfill: [1, 2, 3], missing: [6] };
}

const now = systemClock.now();
const dayStart = startOfJstDay(now);
const finished = Math.floor((now - dayStart) / HALF_HOUR_MS);
const layout = todayLayout(finished);
const history = await History.open({ dir: join(storage, 'echonet-hems'), log: silentLogger });

// a plausible day: bought at night, solar around noon, sold at midday
const slotAt = (t: number) => {
  const hour = jstTime(t).minuteOfDay / 60;
  const generated = Math.max(0, Math.round(1.6 * Math.sin(((hour - 6) / 12) * Math.PI) * 1000) / 1000);
  const load = 0.35 + (hour >= 18 && hour < 22 ? 0.4 : 0);
  return { bought: Math.round(Math.max(0, load - generated) * 1000) / 1000, sold: Math.round(Math.max(0, generated - load) * 1000) / 1000, generated };
};
const months = monthBounds(now);
for (let t = months.lastMonth; t < dayStart; t += 86_400_000) {
  // one half-hour per earlier day keeps the history small and the month sums easy to check
  await history.recordSlot({ start: t + 24 * HALF_HOUR_MS, kwh: slotAt(t + 24 * HALF_HOUR_MS) });
}
const records: HalfHourRecord[] = [];
let bought = 1000;
let sold = 200;
for (let i = 0; i < finished; i++) {
  const start = dayStart + i * HALF_HOUR_MS;
  const kwh = slotAt(start);
  const backfilled = layout.backfill.includes(i);
  if (!backfilled && !layout.missing.includes(i)) await history.recordSlot({ start, kwh });
  // the meter's counters at each boundary; the two ends of a back-filled half-hour came from its memory
  const source = layout.backfill.includes(i) || layout.backfill.includes(i - 1) ? 'backfill' : 'poll';
  if (!layout.missing.includes(i) && !layout.missing.includes(i - 1)) records.push({ slotStart: start, boughtKwh: bought, soldKwh: sold, source });
  bought = Math.round((bought + kwh.bought) * 1000) / 1000;
  sold = Math.round((sold + kwh.sold) * 1000) / 1000;
}
await history.settled();

const tariff = makeTariff(TARIFF_PRESETS['tepco-smartlife-s']!);
const at = (slot: number) => dayStart + slot * HALF_HOUR_MS;
// a day's plan as the scheduler service reports it: heat 10:00-12:00, charge the car 11:00-13:30
const next: SlotDecision[] = Array.from({ length: 48 }, (_, i) => {
  const heat = i >= 20 && i < 24;
  const charge = i >= 22 && i < 27;
  return {
    start: at(i),
    ecocute: { heat, kwh: heat ? 0.6 : 0, reason: heat ? heatReason({ start: at(i), pvKwh: 2, loadKwh: 0.8, buyYen: 35.8, sellYen: 8.5 }, 0.6, 31.8) : idleHeatReason(20, 20, 0), followsSurplus: heat },
    ev: { kw: charge ? 3 : 0, reason: charge ? chargeReason({ start: at(i), pvKwh: 2.5, loadKwh: 0.5, buyYen: 35.8, sellYen: 8.5 }, 1.5, 31.8, 28, at(47)) : idleChargeReason(true, 10, 40, at(47)), followsSurplus: charge },
    importKwh: 0,
    exportKwh: 0,
  };
});
const scheduler: SchedulerStatus = {
  enabled: true,
  mode: 'planner',
  updatedAt: now,
  forecast: { status: 'fallback', message: 'JMA did not answer: planning with the forecast from 6 hours ago', messageJa: '気象庁から応答がないため、6時間前の予報で計画しています' },
  warning: { active: false, names: [], message: 'no weather warning', messageJa: '警報はありません' },
  gates: [
    { device: 'ecocute', allowed: true, gates: [{ code: 'tariff-kind', passed: true, message: 'time-of-use tariff', messageJa: '時間帯別料金' }] },
    { device: 'battery', allowed: false, gates: [{ code: 'battery-mode', passed: false, message: 'the battery is not in a mode that follows surplus', messageJa: '蓄電池が余剰充電に対応する運転モードではありません' }] },
  ],
  plan: { createdAt: now, status: 'optimal', replaced: false, gainYen: 42, solveMs: 12, shortfalls: [], next, text: 'heat the EcoCute and charge the EV on solar surplus: 42 yen better than selling it', textJa: '余剰電力でエコキュートを沸き増しし、EVを充電します：売電より42円お得です' },
  devices: [{ identity: 'ecocute-1', role: 'ecocute', code: 'in-state', text: 'the EcoCute already runs as planned', textJa: 'エコキュートはすでに計画どおりに運転しています' }],
  decisions: [],
};
const home = createHome({ clock: systemClock, log: silentLogger, echonet: { interface: iface, hosts: [deviceAddress], pollMs: 1000, discoveryEveryMs: 5000 } });
const sources: StatusSources = {
  home,
  purchaseMode: 'surplus',
  tariff,
  history,
  meterRecords: () => records,
  scheduler: () => scheduler,
  forecast: () => ({
    issuedAt: now - 3_600_000,
    source: 'jma',
    pv: [],
    days: [
      { dateKey: jstTime(now).dateKey, weatherClass: 'sunny', code: '100', popPercent: 10 },
      { dateKey: jstTime(now + 86_400_000).dateKey, weatherClass: 'rain', code: '300', popPercent: 80 },
    ],
    warnings: [{ areaCode: '130010', code: '10', level: 'advisory', status: 'continued', statusJa: '継続', nameJa: '雷注意報', name: 'Thunderstorm advisory' }],
  }),
  warnings: () => [{ code: 'store', text: 'History is kept for 13 months.', textJa: '履歴は13か月保存されます。' }],
};

await home.start();
const complete = () => home.devices().length === 5 && home.devices().every((d) => d.online && d.readings && Object.keys(d.readings).length > 0);
while (!complete()) await new Promise((r) => setTimeout(r, 200));
const publisher = startStatusPublisher({ file: statusFilePath(storage), sources, clock: systemClock, log: silentLogger, intervalMs: 1000 });
await publisher.publish();
console.log(JSON.stringify({ ready: true, layout, finished }));

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (line.trim() !== 'freeze') return;
  publisher.stop();
  // let a write the timer started finish first, so the last file is this one
  await new Promise((r) => setTimeout(r, 500));
  await publisher.publish();
  console.log(JSON.stringify({ frozen: true }));
});
const stop = async () => {
  publisher.stop();
  await home.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
lines.once('close', stop);
