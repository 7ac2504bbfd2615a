/**
 * What the benchmark reports per strategy (reference/scheduler.md): cost, self-consumption and
 * self-sufficiency, kWh sold, kWh bought while the home had surplus, service (hot water never ran out,
 * the car had its target at every departure), switching, planning time, and an energy-balance check.
 */
import type { ReplayConfig } from './config.js';
import type { BatteryControl, Departure, SlotCommand, SlotOutcome, SlotTruth } from './devices.js';

export interface StrategyMetrics {
  /** Purchases at the tariff minus sales, yen. */
  readonly costYen: number;
  /** costYen less the value of energy stored at the end beyond what was stored at the start (same start for all). */
  readonly adjustedCostYen: number;
  readonly boughtKwh: number;
  readonly soldKwh: number;
  readonly pvKwh: number;
  /** Household load plus heat pump plus EV charging, kWh. */
  readonly consumedKwh: number;
  readonly selfConsumption: number;
  readonly selfSufficiency: number;
  /** Bought in half-hours where solar exceeded the household load (the daytime surplus windows). */
  readonly boughtInSurplusKwh: number;
  readonly heatPumpKwh: number;
  readonly evKwh: number;
  readonly hotWaterUnmetKwh: number;
  readonly hotWaterDaysShort: number;
  readonly departures: number;
  readonly departuresMissed: number;
  /** Share of days with enough hot water and of departures at target, the smaller of the two. */
  readonly serviceMet: number;
  readonly switchesPerDay: number;
  /** The same by device: heat-pump on/off, EV charging on/off, battery mode changes. */
  readonly switchesPerDayBy: { readonly heat: number; readonly ev: number; readonly battery: number };
  readonly planMsMedian: number;
  readonly planMsMax: number;
  readonly replans: number;
  /** Largest per-slot mismatch of the grid energy balance, kWh (0 up to rounding). */
  readonly balanceErrorKwh: number;
}

const batteryKey = (b: BatteryControl): string => (b.kind === 'economy' ? 'economy' : `${b.gridChargeKwh > 0}-${b.surplus}-${b.discharge}`);

export class MetricsRecorder {
  private cost = 0;
  private bought = 0;
  private sold = 0;
  private pv = 0;
  private used = 0;
  private boughtInSurplus = 0;
  private heat = 0;
  private ev = 0;
  private unmet = 0;
  private readonly shortDays = new Set<number>();
  private departures = 0;
  private missed = 0;
  private readonly switches = { heat: 0, ev: 0, battery: 0 };
  private balanceError = 0;
  private last: { heat: boolean; ev: boolean; battery: string } | undefined;

  constructor(private readonly config: ReplayConfig) {}

  departure(d: Departure | undefined): void {
    if (!d) return;
    this.departures++;
    if (!d.metTarget) this.missed++;
  }

  record(truth: SlotTruth, command: SlotCommand, out: SlotOutcome): void {
    const { tariff, sellYenPerKwh } = this.config;
    this.cost += out.importKwh * tariff.buyPrice(truth.start) - out.exportKwh * sellYenPerKwh;
    this.bought += out.importKwh;
    this.sold += out.exportKwh;
    this.pv += truth.pvKwh;
    this.used += truth.loadKwh + out.heatKwh + out.evKwh;
    if (truth.pvKwh > truth.loadKwh) this.boughtInSurplus += out.importKwh;
    this.heat += out.heatKwh;
    this.ev += out.evKwh;
    if (out.unmetHotWaterKwh > 1e-9) {
      this.unmet += out.unmetHotWaterKwh;
      this.shortDays.add(Math.floor((truth.start + 9 * 3_600_000) / 86_400_000));
    }
    const balance = out.importKwh - out.exportKwh - (truth.loadKwh + out.heatKwh + out.evKwh + out.batteryChargeKwh - out.batteryDischargeKwh - truth.pvKwh);
    this.balanceError = Math.max(this.balanceError, Math.abs(balance));
    const now = { heat: out.heatKwh > 1e-9, ev: out.evKwh > 1e-9, battery: batteryKey(command.battery) };
    if (this.last) {
      this.switches.heat += Number(now.heat !== this.last.heat);
      this.switches.ev += Number(now.ev !== this.last.ev);
      this.switches.battery += Number(now.battery !== this.last.battery);
    }
    this.last = now;
  }

  summary(days: number, storedValueYen: number, planningMs: readonly number[]): StrategyMetrics {
    const sorted = [...planningMs].sort((a, b) => a - b);
    const hotWaterOk = 1 - this.shortDays.size / Math.max(1, days);
    const evOk = this.departures ? 1 - this.missed / this.departures : 1;
    return {
      costYen: this.cost,
      adjustedCostYen: this.cost - storedValueYen,
      boughtKwh: this.bought,
      soldKwh: this.sold,
      pvKwh: this.pv,
      consumedKwh: this.used,
      selfConsumption: this.pv > 0 ? (this.pv - this.sold) / this.pv : 0,
      selfSufficiency: this.used > 0 ? 1 - this.bought / this.used : 0,
      boughtInSurplusKwh: this.boughtInSurplus,
      heatPumpKwh: this.heat,
      evKwh: this.ev,
      hotWaterUnmetKwh: this.unmet,
      hotWaterDaysShort: this.shortDays.size,
      departures: this.departures,
      departuresMissed: this.missed,
      serviceMet: Math.min(hotWaterOk, evOk),
      switchesPerDay: (this.switches.heat + this.switches.ev + this.switches.battery) / Math.max(1, days),
      switchesPerDayBy: {
        heat: this.switches.heat / Math.max(1, days),
        ev: this.switches.ev / Math.max(1, days),
        battery: this.switches.battery / Math.max(1, days),
      },
      planMsMedian: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
      planMsMax: sorted.length ? sorted[sorted.length - 1]! : 0,
      replans: sorted.length,
      balanceErrorKwh: this.balanceError,
    };
  }
}
