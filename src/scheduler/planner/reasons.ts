/**
 * Why each decision was taken, in words a homeowner can check against the numbers: the forecast surplus,
 * the price now, the cheapest price and the deadline that drove it. Codes are stable for UIs and tests.
 */
import { clock, kwh, yen } from '../explain.js';
import type { Reason, Slot } from './types.js';

export const surplusOf = (s: Slot): number => Math.max(0, s.pvKwh - s.loadKwh);

/** What justified using energy in a slot: forecast surplus, the cheapest rate, or a deadline. */
function energySource(slot: Slot, usedKwh: number, cheapest: number, deadline: string): Reason {
  const surplus = surplusOf(slot);
  if (surplus >= 0.5 * usedKwh) {
    return {
      code: 'surplus',
      text: `${kwh(surplus)} solar surplus is forecast in this half-hour; selling it earns ${yen(slot.sellYen)} while the cheapest bought power costs ${yen(cheapest)}`,
    };
  }
  if (slot.buyYen <= cheapest + 1e-9) {
    return { code: 'cheapest-rate', text: `this is the cheapest rate (${yen(slot.buyYen)}) and too little surplus is forecast ${deadline}` };
  }
  return { code: 'deadline', text: `bought at ${yen(slot.buyYen)} because no cheaper or surplus half-hour is left ${deadline}` };
}

export function heatReason(slot: Slot, usedKwh: number, cheapest: number): Reason {
  const why = energySource(slot, usedKwh, cheapest, 'before the tank would fall below its reserve');
  return { code: `heat-${why.code}`, text: `heating: ${why.text}` };
}

export function idleHeatReason(storedKwh: number, capacityKwh: number, surplus: number): Reason {
  const pct = Math.round((100 * storedKwh) / capacityKwh);
  if (storedKwh >= 0.97 * capacityKwh) return { code: 'tank-full', text: `not heating: the tank is full (${pct} %)` };
  if (surplus > 0.05) {
    return {
      code: 'surplus-better-used',
      text: `not heating: the tank (${pct} %) lasts until a better half-hour; ${kwh(surplus)} surplus here goes to other uses or is sold`,
    };
  }
  return { code: 'not-needed', text: `not heating: the tank (${pct} %) covers the forecast draws until the next planned heating` };
}

export function chargeReason(slot: Slot, usedKwh: number, cheapest: number, targetKwh: number, departure: number | undefined): Reason {
  const deadline = departure === undefined ? 'in the plan' : `before the car leaves at ${clock(departure)} (target ${kwh(targetKwh)})`;
  const why = energySource(slot, usedKwh, cheapest, deadline);
  return { code: `ev-${why.code}`, text: `charging the car: ${why.text}` };
}

export function idleChargeReason(home: boolean, storedKwh: number, capacityKwh: number, departure: number | undefined): Reason {
  if (!home) return { code: 'ev-away', text: 'not charging: the car is away' };
  if (storedKwh >= capacityKwh - 0.05) return { code: 'ev-full', text: 'not charging: the car is full' };
  const by = departure === undefined ? '' : ` before ${clock(departure)}`;
  return { code: 'ev-waiting', text: `not charging: cheaper or surplus half-hours come${by}` };
}

export function batteryReason(command: 'charge' | 'discharge' | 'standby' | 'auto', slot: Slot, chargedKwh: number, dischargedKwh: number, dearest: number): Reason {
  if (command === 'charge') {
    return {
      code: 'battery-cheap-grid',
      text: `charging the battery from the grid at ${yen(slot.buyYen)} to use it at up to ${yen(dearest)}, as too little surplus is forecast`,
    };
  }
  if (command === 'standby') return { code: 'battery-hold', text: `holding the battery: its energy saves more later (up to ${yen(dearest)}) than now (${yen(slot.buyYen)})` };
  if (chargedKwh > 1e-3) return { code: 'battery-surplus', text: `charging the battery from ${kwh(chargedKwh)} forecast solar surplus instead of selling at ${yen(slot.sellYen)}` };
  if (dischargedKwh > 1e-3) return { code: 'battery-cover', text: `discharging the battery to avoid buying at ${yen(slot.buyYen)}` };
  return { code: 'battery-idle', text: 'battery on self-consumption: nothing planned in this half-hour' };
}
