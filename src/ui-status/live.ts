/** The power flow now, from the home model's latest readings of the devices that answer. */
import type { HomeDevice } from '../home/index.js';

/** Live powers, W. Grid: + buying, - selling. Battery and EV: + charging, - discharging. */
export interface PowerFlow {
  /** The newest reading used, or null when nothing has been read yet. */
  readonly at: number | null;
  readonly gridW: number | null;
  readonly solarW: number | null;
  /**
   * The house itself: grid + solar - battery - EV, and - the EcoCute where it measures its own draw (84);
   * what is not measured is not subtracted (then the EcoCute is in this figure). Null unless grid is known.
   */
  readonly homeW: number | null;
  readonly battery: { readonly w: number | null; readonly socPct: number | null } | null;
  readonly ev: { readonly w: number | null; readonly socPct: number | null; readonly vehicle: string | null } | null;
  /** `w`: the EcoCute's measured draw, null where it does not measure it. */
  readonly ecocute: { readonly w: number | null; readonly heating: boolean | null; readonly tankTempC: number | null; readonly remainingHotWaterL: number | null } | null;
}

export function powerFlow(devices: readonly HomeDevice[]): PowerFlow {
  const online = devices.filter((d) => d.online);
  const of = (kind: HomeDevice['kind']) => online.filter((d) => d.kind === kind);
  const value = <K extends keyof HomeDevice['readings']>(list: readonly HomeDevice[], key: K) => {
    const values = list.map((d) => d.readings[key]?.value).filter((v) => v !== undefined);
    return values.length > 0 ? values : null;
  };
  const total = (list: readonly HomeDevice[]): number | null => {
    const values = value(list, 'powerW') as number[] | null;
    return values ? values.reduce((a, b) => a + b, 0) : null;
  };
  const first = <T>(values: readonly T[] | null): T | null => values?.[0] ?? null;
  const meters = of('meter');
  const solar = of('solar');
  const batteries = of('battery');
  const evs = of('ev-charger');
  const heaters = of('water-heater');
  const gridW = total(meters);
  const solarW = total(solar);
  const batteryW = total(batteries);
  const evW = total(evs);
  const heaterW = total(heaters);
  const times = online.flatMap((d) => Object.values(d.readings).map((r) => (r as { at: number }).at));
  return {
    at: times.length > 0 ? Math.max(...times) : null,
    gridW,
    solarW,
    homeW: gridW === null ? null : Math.round(gridW + (solarW ?? 0) - (batteryW ?? 0) - (evW ?? 0) - (heaterW ?? 0)),
    battery: batteries.length > 0 ? { w: batteryW, socPct: first(value(batteries, 'socPct') as number[] | null) } : null,
    ev: evs.length > 0 ? { w: evW, socPct: first(value(evs, 'socPct') as number[] | null), vehicle: first(value(evs, 'vehicle') as string[] | null) } : null,
    ecocute:
      heaters.length > 0
        ? {
            w: heaterW,
            heating: first(value(heaters, 'heating') as boolean[] | null),
            tankTempC: first(value(heaters, 'tankTempC') as number[] | null),
            remainingHotWaterL: first(value(heaters, 'remainingHotWaterL') as number[] | null),
          }
        : null,
  };
}

export function lastReadingAt(d: HomeDevice): number | null {
  const times = Object.values(d.readings).map((r) => (r as { at: number }).at);
  return times.length > 0 ? Math.max(...times) : null;
}

