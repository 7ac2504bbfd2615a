/**
 * The soak: Homebridge with the plugin on the simulated home for several compressed days (the plugin, the
 * home and the dongle share one ScaledClock through HEMS_SIMULATED_CLOCK) while faults hit every part at
 * seeded random times, overlapping: the dongle unplugged and replugged under a new pty, B-route session
 * expiry, a silent meter, the LAN devices silent and moving to another address, garbage datagrams on port
 * 3610, the external mosquitto broker killed and restarted, the store's disk full (a small tmpfs in the
 * rig's private mount namespace, filled to the last byte) and Homebridge SIGKILLed and restarted.
 *
 * Afterwards: no Homebridge exit but the SIGKILLs; no unhandled error in the log; every unmasked fault
 * episode with its log line (faults.ts); memory flat (memory.ts); every half-hour of the run in the history,
 * exact to the meter (checks.ts); the MQTT outbox delivered (each device's retained state on the restarted
 * broker, and messages made while the broker was away arriving after it came back); scheduler writes only
 * while the device's gates are open.
 *
 * SOAK_SEED (random by default, CI_SEED under CI, always printed), SOAK_DAYS (3) and SOAK_SPEED (1000: a day in 86 s) replay
 * or lengthen a run, e.g. `SOAK_SEED=42 SOAK_DAYS=14 node test/run.mjs soak`. Homebridge's log (debug
 * level, the malformed-datagram lines are debug) is kept in test-artifacts/soak-<seed>.log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from '../../src/cli/demo-rig.js';
import { parseSimulatedTime, type Clock } from '../../src/util/clock.js';
import { homebridgeInNamespace } from '../helpers/homebridge-e2e.js';
import { mosquittoAvailable } from '../helpers/mqtt.js';
import { NETNS_SKIP_REASON } from '../helpers/netns.js';
import { PTY_SKIP_REASON } from '../helpers/pty.js';
import { decisionProblems, historyProblems, logProblems, type StoreAtEnd } from './checks.js';
import { FAULTS } from './faults.js';
import { rssOf, rssTrend, type RssSample } from './memory.js';
import { planFaults, stepsOf, type Episode } from './plan.js';

// a fresh seed on every hand run finds new interleavings; CI replays one that is known to pass, so that a
// merge is judged on the change, and a new failure found by hand becomes a fixed seed here once mended
const CI_SEED = 2;
const SEED = Number(process.env.SOAK_SEED ?? (process.env.CI ? CI_SEED : Math.floor(Math.random() * 1_000_000)));
const DAYS = Number(process.env.SOAK_DAYS ?? 3);
const SPEED = Number(process.env.SOAK_SPEED ?? 1000);
if (!(Number.isInteger(SEED) && DAYS >= 1 && SPEED > 0)) throw new Error('SOAK_SEED must be a whole number, SOAK_DAYS at least 1, SOAK_SPEED above 0');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 10 May 2026, 00:00 JST: whole JST days from the start, long sunny days for the scheduler. */
const START = Date.UTC(2026, 4, 9, 15);
/**
 * Faults from 04:00 (Homebridge's start and the plugin's first join and back-fill take seconds of real
 * time, hours of simulated time; the test waits for them) ...
 */
const FAULTS_FROM = START + 4 * HOUR;
/** ... to three hours before the end, so the last outages are mended before the checks. */
const FAULTS_TO = START + DAYS * DAY - 3 * HOUR;
/** The history must be complete up to here: every catch-up after the faults has run by the end. */
const CHECK_TO = START + DAYS * DAY - HOUR;
/**
 * What a fault hides from the next one in simulated time (see logProblems): Homebridge's restart and the
 * first join take up to ~10 s of real time after a SIGKILL; reopening and rejoining after another fault ~3 s.
 */
const SHADOW = { killMs: 10_000 * SPEED, recoveryMs: 3_000 * SPEED };
const LOG_FILE = join(REPO_DIR, 'test-artifacts', `soak-${SEED}.log`);
/** Each device's retained JSON state: the meter, solar, EcoCute, EV charger and battery. */
const STATE_TOPICS = 'echonet-hems/+/state';
const DEVICES = 5;

const skip =
  NETNS_SKIP_REASON ?? PTY_SKIP_REASON ?? (mosquittoAvailable() ? undefined : 'mosquitto is not installed (apt-get install -y mosquitto)');
if (!skip) {
  mkdirSync(join(REPO_DIR, 'test-artifacts'), { recursive: true });
  rmSync(LOG_FILE, { force: true });
}

const hb = homebridgeInNamespace(
  'soak',
  {
    hapPort: 51836,
    pin: '031-45-154',
    startAt: START,
    speed: SPEED,
    // the slowest the settings allow: at 1000x a poll is due every 0.3 s of real time as it is
    pollSeconds: 300,
    meterPollSeconds: 300,
    mosquittoPort: 1883,
    storeQuotaMb: 16,
    logFile: LOG_FILE,
    debug: true,
    scheduler: true,
    usageHistoryDays: 21,
    // the car waits in standby, so charging it on surplus takes a scheduler write
    evMode: 'standby',
  },
  skip,
);

/** Waits (real time) until the simulated clock shows `t`. */
async function until(clock: Clock, t: number): Promise<void> {
  const wait = (t - clock.now()) / SPEED;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

interface BrokerOutage {
  readonly episode: Episode;
  readonly down: number;
  readonly up: number;
  readonly seen: readonly { topic: string; at: string | undefined }[];
}

test(`soak: ${DAYS} compressed days at ${SPEED}x with faults everywhere (SOAK_SEED=${SEED})`, { skip, timeout: (DAYS * DAY) / SPEED + 10 * 60_000 }, async () => {
  console.log(`soak: SOAK_SEED=${SEED} SOAK_DAYS=${DAYS} SOAK_SPEED=${SPEED}; Homebridge log in ${LOG_FILE}`);
  const simulated = hb.rig.ready?.simulated;
  assert.ok(simulated, 'the rig runs on compressed time');
  const parsed = parseSimulatedTime(simulated);
  assert.ok(parsed.ok);
  const clock = parsed.clock;
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16);

  // the plugin up: the B-route session joined and the four LAN devices found
  await hb.eventually('the plugin running on the simulated home', async () => {
    const log = readFileSync(LOG_FILE, 'utf8');
    const found = (log.match(/found object/g) ?? []).length;
    return log.includes('the B-route session is ready') && found >= 4 ? undefined : `B-route ready: ${log.includes('the B-route session is ready')}, ${found} device(s) found`;
  });
  console.log(`soak: the plugin is up at ${iso(clock.now())} (simulated)`);

  const episodes = planFaults(SEED, FAULTS_TO - FAULTS_FROM, 0.5);
  const samples: RssSample[] = [];
  let pid = hb.rig.ready!.pid;
  const sampler = setInterval(() => {
    const rssMb = rssOf(pid);
    if (rssMb !== undefined) samples.push({ pid, rssMb });
  }, 500);
  const outages: BrokerOutage[] = [];
  let brokerDown = 0;
  /** When the disk was really full (the ops run when due or later). */
  const diskFull: { start: number; end: number }[] = [];
  try {
    for (const step of stepsOf(episodes)) {
      await until(clock, FAULTS_FROM + step.at);
      const { kind, index } = step.episode;
      const spec = FAULTS[kind];
      const at = clock.now();
      console.log(`soak: ${iso(at)} ${step.action} ${kind} #${index}`);
      const result = await (step.action === 'inject' ? spec.inject(hb.rig, index) : spec.clear!(hb.rig, index));
      if (kind === 'homebridge-kill') pid = (result as { pid: number }).pid;
      if (kind === 'broker-restart' && step.action === 'inject') brokerDown = clock.now();
      if (kind === 'disk-full' && step.action === 'inject') diskFull.push({ start: at, end: Infinity });
      if (kind === 'disk-full' && step.action === 'clear') diskFull.at(-1)!.end = clock.now();
      if (kind === 'broker-restart' && step.action === 'clear') {
        const { seen } = result as { seen: BrokerOutage['seen'] };
        outages.push({ episode: step.episode, down: brokerDown, up: at, seen });
      }
    }
    await until(clock, START + DAYS * DAY);
  } finally {
    clearInterval(sampler);
  }

  const problems: string[] = [];
  const exits = await hb.rig.call<{ pid: number; code: number | null; signal: string | null }[]>('exits');
  const kills = episodes.filter((e) => e.kind === 'homebridge-kill').length;
  const crashes = exits.filter((e) => e.signal !== 'SIGKILL');
  if (crashes.length > 0 || exits.length !== kills) problems.push(`Homebridge exits: ${JSON.stringify(exits)} (${kills} SIGKILL(s) caused)`);

  // the broker was restarted without persistence: every retained state is there because the plugin sent it again
  const retained = await hb.rig.call<Record<string, string>>('mqtt', { filters: [STATE_TOPICS, 'echonet-hems/status'], ms: 2000 });
  const states = Object.keys(retained).filter((t) => t.endsWith('/state'));
  if (states.length !== DEVICES) problems.push(`retained device states on the broker: ${states.join(', ') || 'none'} (want ${DEVICES})`);
  if (retained['echonet-hems/status'] !== 'online') problems.push(`retained status ${retained['echonet-hems/status']}`);
  const shadowed = (e: Episode) => episodes.some((k) => k.kind === 'homebridge-kill' && k.start <= e.end && e.start <= k.start + SHADOW.killMs);
  for (const o of outages) {
    const queued = o.seen.filter((m) => m.at !== undefined && Date.parse(m.at) >= o.down && Date.parse(m.at) < o.up).length;
    console.log(`soak: broker outage ${iso(o.down)}-${iso(o.up)}: ${o.seen.length} state message(s) after it, ${queued} made during it`);
    if (queued === 0 && !shadowed(o.episode)) problems.push(`broker outage ${iso(o.down)}-${iso(o.up)}: nothing queued meanwhile arrived after it`);
  }

  const memory = rssTrend(samples);
  console.log(`soak: Homebridge RSS ${memory.summary}`);
  if (memory.problem) problems.push(memory.problem);

  await hb.rig.call('stop', {}, 60_000);
  const store = await hb.rig.call<StoreAtEnd>('history', { from: START, to: CHECK_TO }, 120_000);
  const history = historyProblems(store, START, CHECK_TO);
  const grid = store.slots.filter((s) => s.grid !== undefined).length;
  // solar energy has no meter record to back-fill from: half-hours closed while Homebridge was down or the
  // disk full have none (each failed write is logged); counted here, not asserted
  const solar = store.slots.filter((s) => s.kwh.generated !== undefined).length;
  console.log(`soak: ${store.slots.length} half-hours stored (${grid} with the meter's own counters, ${solar} with solar energy), ${history.length} problem(s)`);
  if (history.length > 10) problems.push(`history: ${history.length} problems, the first 10:`);
  problems.push(...history.slice(0, 10));

  const decisions = decisionProblems(store.decisions, diskFull);
  console.log(
    `soak: ${store.decisions.length} scheduler decisions, ${decisions.gates} gate verdicts, ${decisions.writes} writes (${decisions.unjudged} not judged: a disk-full window hides their verdict)`,
  );
  if (decisions.gates === 0 || decisions.writes === decisions.unjudged) problems.push('the scheduler made no write its gates could be checked against');
  problems.push(...decisions.problems);

  const log = readFileSync(LOG_FILE, 'utf8');
  // each start of the plugin warns about the simulated clock: one start, and one more per SIGKILL
  const starts = (log.match(/HEMS_SIMULATED_CLOCK is set/g) ?? []).length;
  if (starts !== kills + 1) problems.push(`the plugin started ${starts} time(s), want ${kills + 1} (one per SIGKILL and the first)`);
  problems.push(...logProblems(log, episodes, SHADOW));
  assert.deepEqual(problems, [], `soak (SOAK_SEED=${SEED}) found problems; Homebridge log in ${LOG_FILE}`);
});
