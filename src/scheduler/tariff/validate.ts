/**
 * Checks a plan from the homeowner's config. Either a full TariffSpec or `{ "preset": "<id>", ...fields }`,
 * which starts from a built-in plan and replaces the fields given (typically sellYenPerKwh, co2KgPerKwh and
 * surcharges). Every problem is reported at once, in words that say what to change.
 */
import { bandSlots, clockOfSlot, monthsOf, SLOTS_PER_DAY, slotOfClock } from './bands.js';
import { TARIFF_PRESETS } from './presets.js';
import type { BandSpec, TariffKind, TariffSpec } from './types.js';
import { isRecord } from '../../util/json.js';

const KINDS: readonly TariffKind[] = ['time-of-use', 'seasonal', 'flat'];

type Result = { ok: true; spec: TariffSpec } | { ok: false; errors: string[] };

export function validateTariffSpec(x: unknown): Result {
  if (!isRecord(x)) return { ok: false, errors: ['The tariff setting must be an object (a preset name or a full plan).'] };
  let candidate: Record<string, unknown> = x;
  if ('preset' in x) {
    const preset = typeof x.preset === 'string' ? TARIFF_PRESETS[x.preset] : undefined;
    if (!preset) {
      return { ok: false, errors: [`Unknown tariff preset ${JSON.stringify(x.preset)}; choose one of: ${Object.keys(TARIFF_PRESETS).join(', ')}.`] };
    }
    const { preset: _ignored, ...overrides } = x;
    candidate = { ...preset, ...overrides };
  }
  const errors: string[] = [];
  checkPlan(candidate, errors);
  return errors.length === 0 ? { ok: true, spec: candidate as unknown as TariffSpec } : { ok: false, errors };
}

function checkPlan(p: Record<string, unknown>, errors: string[]): void {
  for (const field of ['id', 'name', 'nameJa'] as const) {
    if (typeof p[field] !== 'string' || p[field] === '') errors.push(`The tariff needs a text "${field}".`);
  }
  const plan = typeof p.name === 'string' && p.name !== '' ? `Tariff "${p.name}"` : 'The tariff';
  if (!KINDS.includes(p.kind as TariffKind)) {
    errors.push(`${plan}: "kind" must be one of ${KINDS.join(', ')} (time-of-use = prices change by hour).`);
  }
  if (!isPrice(p.sellYenPerKwh)) errors.push(`${plan}: "sellYenPerKwh" must be a price in yen per kWh of 0 or more.`);
  if (!isPrice(p.co2KgPerKwh) || (p.co2KgPerKwh as number) > 2) {
    errors.push(`${plan}: "co2KgPerKwh" must be between 0 and 2 kg per kWh (Japanese utilities publish about 0.4-0.5).`);
  }
  checkSurcharges(plan, p.surcharges, errors);
  checkExtraHolidays(plan, p.extraHolidays, errors);
  checkSeasons(plan, p.seasons, errors);
}

function checkSurcharges(plan: string, surcharges: unknown, errors: string[]): void {
  if (surcharges === undefined) return;
  if (!Array.isArray(surcharges)) {
    errors.push(`${plan}: "surcharges" must be a list of {label, yenPerKwh}.`);
    return;
  }
  surcharges.forEach((s, i) => {
    // Fuel-cost adjustments have been negative, so only finiteness is required.
    if (!isRecord(s) || typeof s.label !== 'string' || typeof s.yenPerKwh !== 'number' || !Number.isFinite(s.yenPerKwh)) {
      errors.push(`${plan}: surcharge ${i + 1} needs a "label" and a "yenPerKwh" number.`);
    }
  });
}

function checkExtraHolidays(plan: string, days: unknown, errors: string[]): void {
  if (days === undefined) return;
  if (!Array.isArray(days) || !days.every((d) => typeof d === 'string' && /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(d))) {
    errors.push(`${plan}: "extraHolidays" must be a list of month-day texts like "12-31".`);
  }
}

function checkSeasons(plan: string, seasons: unknown, errors: string[]): void {
  if (!Array.isArray(seasons) || seasons.length === 0) {
    errors.push(`${plan}: "seasons" must list at least one season (use months [1, 12] for a plan without seasons).`);
    return;
  }
  const owner = new Map<number, string>();
  seasons.forEach((s, i) => {
    if (!isRecord(s)) {
      errors.push(`${plan}: season ${i + 1} must be an object.`);
      return;
    }
    const name = `${plan}, season "${typeof s.label === 'string' ? s.label : i + 1}"`;
    const months = s.months;
    if (!Array.isArray(months) || months.length !== 2 || !months.every((m) => Number.isInteger(m) && m >= 1 && m <= 12)) {
      errors.push(`${name}: "months" must be [first, last] with months 1-12, e.g. [7, 9] for July to September.`);
    } else {
      for (const m of monthsOf(months as [number, number])) {
        const other = owner.get(m);
        if (other !== undefined) errors.push(`${name}: month ${m} is already in season "${other}".`);
        else owner.set(m, typeof s.label === 'string' ? s.label : String(i + 1));
      }
    }
    checkDay(`${name}, weekdays`, s.weekday, errors);
    if (s.holiday !== undefined) checkDay(`${name}, holidays`, s.holiday, errors);
  });
  const missing = Array.from({ length: 12 }, (_, i) => i + 1).filter((m) => !owner.has(m));
  if (missing.length > 0 && owner.size > 0) errors.push(`${plan}: no season covers month(s) ${missing.join(', ')}.`);
}

/** A day's bands must give every half-hour exactly one price. */
function checkDay(where: string, bands: unknown, errors: string[]): void {
  if (!Array.isArray(bands) || bands.length === 0) {
    errors.push(`${where}: give a list of price bands {from: "HH:MM", to: "HH:MM", yenPerKwh}.`);
    return;
  }
  const cover = new Array<number>(SLOTS_PER_DAY).fill(0);
  let bandsOk = true;
  bands.forEach((b, i) => {
    const ok = isRecord(b) && slotOfClock(String(b.from)) !== undefined && slotOfClock(String(b.to)) !== undefined;
    if (!ok) {
      errors.push(`${where}: band ${i + 1} needs "from" and "to" on the hour or half-hour ("06:00", "23:30", "24:00").`);
      bandsOk = false;
      return;
    }
    if (!isPrice(b.yenPerKwh)) errors.push(`${where}: band ${i + 1} needs "yenPerKwh" of 0 or more.`);
    for (const slot of bandSlots(b as unknown as BandSpec)) cover[slot]! += 1;
  });
  if (!bandsOk) return;
  const gaps = cover.flatMap((c, s) => (c === 0 ? [clockOfSlot(s)] : []));
  const overlaps = cover.flatMap((c, s) => (c > 1 ? [clockOfSlot(s)] : []));
  if (gaps.length > 0) errors.push(`${where}: no price for the half-hour(s) starting ${summarise(gaps)}.`);
  if (overlaps.length > 0) errors.push(`${where}: more than one price for the half-hour(s) starting ${summarise(overlaps)}.`);
}

function summarise(clocks: string[]): string {
  return clocks.length <= 4 ? clocks.join(', ') : `${clocks.slice(0, 4).join(', ')} and ${clocks.length - 4} more`;
}

function isPrice(x: unknown): boolean {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}
