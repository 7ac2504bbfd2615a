/**
 * The energy bookkeeping shared by the home battery and the EV battery: a store with a capacity, a
 * reserve it will not discharge below, and one-way charge and discharge efficiency (energy lost in the
 * converter each way), stepped with a power that is held for one simulation step.
 */
const MS_PER_HOUR = 3_600_000;

export class EnergyStore {
  constructor(
    readonly capacityWh: number,
    public energyWh: number,
    private readonly efficiency: number,
    readonly reserveWh = 0,
  ) {}

  get socPct(): number {
    return (100 * this.energyWh) / this.capacityWh;
  }

  get full(): boolean {
    return this.energyWh >= this.capacityWh - 1e-6;
  }

  /**
   * The power (W at the grid side, + charging, - discharging) that can be held for dtMs without going
   * over full or under the reserve.
   */
  feasible(powerW: number, dtMs: number): number {
    const hours = dtMs / MS_PER_HOUR;
    if (powerW > 0) return Math.min(powerW, Math.max(0, this.capacityWh - this.energyWh) / this.efficiency / hours);
    if (powerW < 0) return -Math.min(-powerW, (Math.max(0, this.energyWh - this.reserveWh) * this.efficiency) / hours);
    return 0;
  }

  /** Applies a feasible grid-side power for dtMs. */
  apply(powerW: number, dtMs: number): void {
    const wh = (powerW * dtMs) / MS_PER_HOUR;
    this.energyWh += wh > 0 ? wh * this.efficiency : wh / this.efficiency;
    this.energyWh = Math.min(this.capacityWh, Math.max(0, this.energyWh));
  }
}
