/**
 * The B-route stack end to end over a REAL pseudo terminal: serialport's SerialPort on the host end,
 * the dongle simulator (fast radio timing) with a simulated home on the other, for both dongle families.
 *
 * Time is a ManualClock shared by the home, the simulator and the plugin code. The driver advances it
 * in small steps with a real millisecond in between, so pty bytes travel while simulated time moves;
 * timeouts are generous in simulated time because a pty round trip costs some simulated seconds here.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/log.js';
import { SimulatedHome } from '../../../src/sim/home.js';
import { startDongleSimulator, type DongleSimulator } from '../../../src/sim/dongle/index.js';
import type { DongleFamily } from '../../../src/wisun/dialects.js';
import { openSkstack } from '../../../src/wisun/skstack.js';
import type { PortInfo } from '../../../src/wisun/port-finder.js';
import { MemoryHalfHourSink, SLOT_MS, jstDayStart, slotAtOrBefore } from '../../../src/wisun/history.js';
import { BrouteError, meterHistory, meterRead, meterScan, startBrouteMeter, type BrouteMeterConfig, type MeterReading, type SessionStateEvent } from '../../../src/wisun/index.js';
import { createPtyPair, PTY_SKIP_REASON, type PtyPair } from '../../helpers/pty.js';

const ID = '00112233445566778899AABBCCDDEEFF';
const PASSWORD = 'Pw0rdSecret9';
/** 10:00 JST, 26 Nov 2026. */
const START = Date.UTC(2026, 10, 26, 1, 0);

const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

/** The meter's counters as the meter reports them: 0.1 kWh steps. */
const asMeterKwh = (kwh: number) => Math.round(kwh / 0.1) / 10;

class Rig {
  readonly clock = new ManualClock(START);
  readonly home = new SimulatedHome({ clock: this.clock, historyDays: 2, seed: 7 });
  readonly log = captureLog();
  pair!: PtyPair;
  sim!: DongleSimulator;
  cacheDir!: string;
  private readonly extraPairs: PtyPair[] = [];

  constructor(readonly family: DongleFamily) {}

  async setUp(credentials = { id: ID, password: PASSWORD }): Promise<void> {
    this.pair = await createPtyPair();
    this.cacheDir = await mkdtemp(join(tmpdir(), 'broute-cache-'));
    this.sim = startDongleSimulator({ path: this.pair.donglePath, family: this.family, timing: 'fast', credentials, meter: this.home, clock: this.clock });
  }

  async tearDown(): Promise<void> {
    await this.sim.stop();
    for (const p of [this.pair, ...this.extraPairs]) await p.close();
    await rm(this.cacheDir, { recursive: true, force: true });
  }

  /** The simulated dongle as the system would list it: same USB identity whatever its path. */
  readonly lister = async (): Promise<PortInfo[]> => [
    { path: this.pair.hostPath, vendorId: '0403', productId: '6015', serialNumber: 'SIMWISUN01', manufacturer: 'sim', pnpId: undefined, locationId: undefined },
  ];

  config(overrides: Partial<BrouteMeterConfig> = {}): BrouteMeterConfig {
    return {
      port: this.pair.hostPath,
      id: ID,
      password: PASSWORD,
      cacheDir: this.cacheDir,
      clock: this.clock,
      log: this.log,
      lister: this.lister,
      requestTimeoutMs: 60_000,
      session: {
        openLink: (stream, o) => openSkstack(stream, { ...o, commandTimeoutMs: 60_000, joinTimeoutMs: 120_000 }),
        backoff: { initialMs: 5_000, maxMs: 60_000 },
      },
      ...overrides,
    };
  }

  /** Plugs the dongle out and back in under a new pty path. */
  async replugElsewhere(): Promise<void> {
    await this.sim.unplug();
    await this.pair.close();
    this.extraPairs.push(this.pair);
    this.pair = await createPtyPair();
    await this.sim.replug(this.pair.donglePath);
  }

  /** Advances simulated time by `ms`, `step` at a time, letting real I/O happen in between. */
  async run(ms: number, step = 200): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      this.clock.advance(Math.min(step, ms - done));
      await realDelay(1);
    }
  }

  /** Runs until cond() holds; fails after maxMs of simulated time. */
  async until(cond: () => boolean | Promise<boolean>, maxMs: number, what: string, step = 200): Promise<void> {
    for (let done = 0; done <= maxMs; done += step) {
      if (await cond()) return;
      this.clock.advance(step);
      await realDelay(1);
    }
    assert.fail(`not within ${maxMs / 1000} s of simulated time: ${what}`);
  }

  /** Awaits a promise that needs simulated time to pass. */
  async drive<T>(promise: Promise<T>, maxMs = 10 * 60_000): Promise<T> {
    let settled = false;
    const done = promise.finally(() => (settled = true));
    done.catch(() => undefined);
    await this.until(() => settled, maxMs, 'the call to finish');
    return done;
  }

  assertNoSecretsLogged(): void {
    const all = this.log.lines.join('\n');
    assert.ok(!all.includes(PASSWORD), 'the password appears in the log');
    assert.ok(!all.includes(ID), 'the B-route ID appears in the log');
  }
}

for (const family of ['single-hop', 'dual-stack'] as const) {
  describe(`B-route over a real pty, ${family} dongle`, { skip: PTY_SKIP_REASON }, () => {
    test('meter read: first run scans and caches the PAN, the second run joins without a scan', async () => {
      const rig = new Rig(family);
      await rig.setUp();
      try {
        const first = await rig.drive(meterRead(rig.config()));
        const scans = rig.sim.counters.scans;
        assert.ok(scans >= 1);
        // the home moved on by a few simulated seconds since the meter answered: one 0.1 kWh step at most
        const m = rig.home.meter();
        assert.ok(Math.abs(first.bought_kwh! - asMeterKwh(m.boughtKwh)) <= 0.1 + 1e-9, `${first.bought_kwh} vs ${m.boughtKwh}`);
        assert.ok(Math.abs(first.sold_kwh! - asMeterKwh(m.soldKwh)) <= 0.1 + 1e-9, `${first.sold_kwh} vs ${m.soldKwh}`);
        assert.equal(typeof first.power_w, 'number');
        assert.equal(typeof first.current_r_a, 'number');

        const second = await rig.drive(meterRead(rig.config()));
        assert.equal(rig.sim.counters.scans, scans, 'the second run used the PAN cache');
        assert.equal(rig.sim.counters.joins, 2);
        assert.equal(typeof second.bought_kwh, 'number');

        const history = await rig.drive(meterHistory({ ...rig.config(), day: 0 }));
        assert.equal(history.length, 48);
        assert.equal(history[0]!.start, '2026-11-26T00:00:00+09:00');
        assert.equal(history[2]!.bought_kwh, asMeterKwh(rig.home.cumulativeAt(jstDayStart(START) + 2 * SLOT_MS)!.boughtKwh));
        assert.equal(history[47]!.bought_kwh, null, 'the future has no data');

        const pans = await rig.drive(meterScan(rig.config()));
        assert.equal(pans.length, 1);
        assert.equal(pans[0]!.pairId, ID.slice(-8));
        rig.assertNoSecretsLogged();
      } finally {
        await rig.tearDown();
      }
    });

    test('bad credentials: a clear error for the CLI, and a patient backoff for the plugin', async () => {
      const rig = new Rig(family);
      await rig.setUp({ id: ID, password: 'OtherPasswd1' });
      try {
        await assert.rejects(rig.drive(meterRead(rig.config())), (err: unknown) => {
          assert.ok(err instanceof BrouteError && err.code === 'bad-credentials');
          assert.match(err.message, /rejected by the meter.*utility's letter.*PLC meters are not supported/);
          return true;
        });
        const joinsBefore = rig.sim.counters.joins;
        const rejectedAt: number[] = [];
        const running = startBrouteMeter(rig.config());
        running.session.on('state', (s) => s.state === 'bad-credentials' && rejectedAt.push(rig.clock.now()));
        await rig.run(7 * 60_000, 500);
        // attempts about 1, 2 and 4 minutes apart: the meter is never hammered
        assert.ok(rejectedAt.length >= 3, `${rejectedAt.length} attempts`);
        assert.ok(rejectedAt[1]! - rejectedAt[0]! >= 60_000);
        assert.ok(rejectedAt[2]! - rejectedAt[1]! >= 120_000);
        assert.ok(rig.sim.counters.joins - joinsBefore <= 4);
        assert.ok(!running.session.ready);
        await running.stop();
        rig.assertNoSecretsLogged();
      } finally {
        await rig.tearDown();
      }
    });

    test('EVENT 29 rejoins without a scan; an unplugged dongle is found again under a new path', async () => {
      const rig = new Rig(family);
      await rig.setUp();
      const readings: MeterReading[] = [];
      const running = startBrouteMeter(rig.config({ pollIntervalMs: 10_000 }));
      running.meter.on('reading', (r) => readings.push(r));
      try {
        await rig.until(() => readings.length >= 2, 120_000, 'first readings');
        const scans = rig.sim.counters.scans;

        rig.sim.injectSessionEvent(0x29);
        await rig.until(() => !running.session.ready, 10_000, 'the gate to close on EVENT 29');
        const afterExpiry = readings.length;
        await rig.until(() => readings.length >= afterExpiry + 2, 120_000, 'readings after the rejoin');
        assert.equal(rig.sim.counters.scans, scans, 'the rejoin used the cached PAN');

        const oldPath = rig.pair.hostPath;
        await rig.replugElsewhere();
        assert.notEqual(rig.pair.hostPath, oldPath);
        const afterReplug = readings.length;
        await rig.until(() => readings.length >= afterReplug + 2, 10 * 60_000, 'readings from the replugged dongle');
        assert.ok(rig.log.lines.some((l) => l.includes(`the dongle is now at ${rig.pair.hostPath}`)));
        rig.assertNoSecretsLogged();
      } finally {
        await running.stop();
        await rig.tearDown();
      }
    });

    test('a 2-hour link cut leaves no gap: every half-hour is there, back-filled from the meter', async () => {
      const rig = new Rig(family);
      await rig.setUp();
      const sink = new MemoryHalfHourSink();
      const running = startBrouteMeter(rig.config({ sink }));
      try {
        // a first run fills today from midnight
        await rig.until(async () => (await sink.has(START)), 120_000, 'today back-filled on the first join');
        rig.sim.setFaults({ silent: true });
        await rig.run(2 * 3_600_000, 5_000);
        rig.sim.setFaults({ silent: false });
        const upTo = slotAtOrBefore(rig.clock.now());
        await rig.until(async () => (await sink.has(upTo)) && running.session.ready, 10 * 60_000, 'the history to catch up');
        await rig.run(10_000);

        const records = sink.records().filter((r) => r.slotStart <= upTo);
        const expected = (upTo - jstDayStart(START)) / SLOT_MS + 1;
        assert.equal(records.length, expected, 'one record per half-hour since midnight');
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          assert.equal(r.slotStart, jstDayStart(START) + i * SLOT_MS, 'no gap');
          const truth = rig.home.cumulativeAt(r.slotStart)!;
          assert.equal(r.boughtKwh, asMeterKwh(truth.boughtKwh), `bought at ${new Date(r.slotStart).toISOString()}`);
          assert.equal(r.soldKwh, asMeterKwh(truth.soldKwh), `sold at ${new Date(r.slotStart).toISOString()}`);
        }
        const cut = records.filter((r) => r.slotStart > START && r.slotStart <= START + 2 * 3_600_000);
        assert.deepEqual(cut.map((r) => r.source), ['backfill', 'backfill', 'backfill', 'backfill'], 'the cut was back-filled');

        // back to normal: the next half-hour comes as an INFC, which is stored and acknowledged
        rig.sim.setFaults({ infc: true });
        const next = upTo + SLOT_MS;
        await rig.until(async () => await sink.has(next), next - rig.clock.now() + 60_000, 'the INFC of the next half-hour', 500);
        assert.equal(sink.records().at(-1)!.source, 'inf');
        await rig.until(() => rig.sim.counters.infcAcks >= 1, 10_000, 'the INFC_Res');
        rig.assertNoSecretsLogged();
      } finally {
        await running.stop();
        await rig.tearDown();
      }
    });
  });
}
