/**
 * Turns the simulated home's state and a forecast into the planner's input: prices from the tariff, the
 * tank/battery/car as the devices would report them, the car's stays from the household's calendar
 * (departure times are what the owner enters) with forecast trip energies.
 */
import { dayType } from '../calendar.js';
import type { PlanInput, Slot } from '../planner/types.js';
import type { ReplayConfig } from './config.js';
import type { CarWeek } from './household.js';

export interface DeviceStatus {
  readonly tankKwh: number;
  readonly tankCapacityKwh: number;
  readonly batteryKwh: number;
  readonly carKwh: number;
  readonly heating: boolean;
  readonly heatSlotsInState: number;
  readonly charging: boolean;
  readonly chargeSlotsInState: number;
  /** The battery was told to charge from the grid last half-hour. */
  readonly batteryGridCharging: boolean;
}

export interface HorizonData {
  readonly start: readonly number[];
  readonly pvKwh: readonly number[];
  readonly loadKwh: readonly number[];
  readonly drawKwh: readonly number[];
}

/** Mean energy of the trip that ends at time t (the household model's mean). */
export function expectedTripKwh(t: number, config: ReplayConfig): number {
  const ev = config.ev!;
  return ev.commuteKm * ev.kwhPerKm * (dayType(t) === 'weekday' ? 1 : 0.6);
}

/**
 * The stays of the car over slots [now, now + n) and a little beyond (to know when the last one ends).
 * trip(i) gives the trip energy for an arrival at series index i.
 */
function stays(now: number, n: number, car: CarWeek, targetKwh: number, trip: (i: number) => number): NonNullable<PlanInput['ev']>['stays'] {
  const out: { arriveSlot: number; departSlot: number; tripKwhBefore: number; targetKwh: number }[] = [];
  const end = Math.min(car.home.length, now + n + 48);
  let i = now;
  while (i < now + n && i < car.home.length) {
    if (!car.home[i]) {
      i++;
      continue;
    }
    const arrive = i;
    while (i < end && car.home[i]) i++;
    // a stay running past the known data has no departure in view
    const depart = i < car.home.length ? i : now + n + 1;
    out.push({ arriveSlot: arrive - now, departSlot: depart - now, tripKwhBefore: arrive > now ? trip(arrive) : 0, targetKwh });
  }
  return out;
}

export function buildPlanInput(
  config: ReplayConfig,
  now: number,
  horizon: HorizonData,
  status: DeviceStatus,
  car: CarWeek,
  trip: (i: number) => number,
): PlanInput {
  const n = horizon.start.length;
  const slots: Slot[] = horizon.start.map((t, j) => ({
    start: t,
    pvKwh: horizon.pvKwh[j]!,
    loadKwh: horizon.loadKwh[j]!,
    buyYen: config.tariff.buyPrice(t),
    sellYen: config.sellYenPerKwh,
  }));
  const { ecocute: eco, battery: bat, ev } = config;
  let evInput: PlanInput['ev'];
  if (ev) {
    const carStays = stays(now, n, car, ev.departureTargetKwh, trip);
    // away now: the car is expected back with its energy less the trip
    const firstArrival = carStays[0] && carStays[0].arriveSlot > 0 ? now + carStays[0].arriveSlot : undefined;
    const storedKwh = firstArrival === undefined ? status.carKwh : Math.max(0, status.carKwh - trip(firstArrival));
    evInput = {
      capacityKwh: ev.capacityKwh,
      storedKwh,
      minKw: ev.minKw,
      maxKw: ev.maxKw,
      control: ev.control,
      efficiency: ev.efficiency,
      stays: carStays,
      charging: status.charging,
      slotsInState: status.chargeSlotsInState,
    };
  }
  return {
    slots,
    ecocute: eco
      ? {
          capacityKwh: status.tankCapacityKwh,
          storedKwh: status.tankKwh,
          heatPumpKw: eco.heatPumpKw,
          cop: eco.cop,
          lossPerSlot: eco.lossPerDay / 48,
          drawKwh: horizon.drawKwh,
          reserveKwh: eco.reserveShare * status.tankCapacityKwh,
          heating: status.heating,
          slotsInState: status.heatSlotsInState,
        }
      : undefined,
    battery: bat
      ? {
          capacityKwh: bat.capacityKwh,
          storedKwh: status.batteryKwh,
          minKwh: bat.capacityKwh * bat.minShare,
          chargeKw: bat.chargeKw,
          dischargeKw: bat.dischargeKw,
          efficiency: bat.efficiency,
          gridCharging: status.batteryGridCharging,
        }
      : undefined,
    ev: evInput,
  };
}
