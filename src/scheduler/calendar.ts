/**
 * Japanese local time and the national-holiday calendar, computed from the rules of the Public Holiday
 * Law (国民の祝日に関する法律) rather than listed, so the plugin keeps working in years nobody typed in.
 *
 * Tariffs (weekday/holiday bands) and the load forecast (weekday/holiday history, the replaced product's
 * data condition) both need to know whether a day is a "holiday"; here that means Saturday, Sunday or a
 * national holiday (祝日, 振替休日, 国民の休日).
 *
 * Japan uses UTC+9 without daylight saving, so local fields are plain arithmetic on epoch milliseconds.
 * Rules are exact for 1989-2099 (the Heisei/Reiwa law and its amendments); the equinox formula is the
 * published approximation, valid 1900-2150. Equinox days are officially fixed each February by the
 * National Astronomical Observatory; the formula agrees with every announcement so far.
 */

import { DAY_MS, HALF_HOUR_MS, JST_OFFSET_MS, jstDayStart } from '../util/jst.js';
export { DAY_MS, HALF_HOUR_MS };
const MINUTE_MS = 60_000;

/** A calendar date in Japan. month is 1-12. */
export interface JstDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface JstTime extends JstDate {
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
  /** Minutes since local midnight, 0..1439 (fractions kept for sub-minute times). */
  readonly minuteOfDay: number;
  /** 'YYYY-MM-DD', the key per-day data is stored under. */
  readonly dateKey: string;
}

/** Local date and time in Japan of an epoch-millisecond instant. */
export function jstTime(t: number): JstTime {
  const local = t + JST_OFFSET_MS;
  const dayIndex = Math.floor(local / DAY_MS);
  const date = civilFromDays(dayIndex);
  return {
    ...date,
    weekday: (((dayIndex % 7) + 7 + 4) % 7), // 1970-01-01 was a Thursday
    minuteOfDay: (local - dayIndex * DAY_MS) / MINUTE_MS,
    dateKey: dateKey(date),
  };
}

/** Epoch ms of 00:00 JST on the given date (month 1-12; a day past the month's end rolls over). */
export function jstMidnight(date: JstDate): number {
  return daysFromCivil(date.year, date.month, date.day) * DAY_MS - JST_OFFSET_MS;
}

/*
 * Proleptic Gregorian day numbers by integer arithmetic (the well-known era/day-of-era method), so the
 * year replay's millions of look-ups do not construct Date objects.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function civilFromDays(days: number): JstDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/** Epoch ms of 00:00 JST of the day containing t. */
export const startOfJstDay = jstDayStart;

function dateKey(date: JstDate): string {
  return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** Parses 'YYYY-MM-DD'; undefined for anything else or an impossible date. */
export function parseDateKey(key: string): JstDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return dateKey(jstTime(jstMidnight(date))) === key ? date : undefined;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

type HolidayKind = 'national' | 'substitute' | 'citizens';

export interface Holiday {
  readonly dateKey: string;
  readonly name: string;
  readonly nameJa: string;
  readonly kind: HolidayKind;
}

/** Day of the month of the n-th Monday (Happy Monday system, in force for these days since 2000/2003). */
function nthMonday(year: number, month: number, n: number): number {
  const firstWeekday = jstTime(jstMidnight({ year, month, day: 1 })).weekday;
  return 1 + ((8 - firstWeekday) % 7) + (n - 1) * 7;
}

/**
 * Day of March (vernal) or September (autumnal) of the equinox: the mean tropical year (0.242194 days of
 * drift a year, a leap day every four) fitted to the equinox instants in JST.
 */
export function equinoxDay(year: number, which: 'vernal' | 'autumnal'): number {
  const [vernal, autumnal] = year < 1980 ? [20.8357, 23.2588] : year < 2100 ? [20.8431, 23.2488] : [21.851, 24.2488];
  const leapDays = Math.floor((year - (year < 1980 ? 1983 : 1980)) / 4);
  return Math.floor((which === 'vernal' ? vernal : autumnal) + 0.242194 * (year - 1980) - leapDays);
}

interface NamedDay {
  readonly month: number;
  readonly day: number;
  readonly name: string;
  readonly nameJa: string;
}

/** The named holidays (国民の祝日) of a year, before substitute and citizens' holidays are derived. */
function namedHolidays(year: number): NamedDay[] {
  const days: NamedDay[] = [];
  const add = (month: number, day: number, name: string, nameJa: string): void => {
    days.push({ month, day, name, nameJa });
  };
  add(1, 1, "New Year's Day", '元日');
  add(1, year >= 2000 ? nthMonday(year, 1, 2) : 15, 'Coming of Age Day', '成人の日');
  add(2, 11, 'National Foundation Day', '建国記念の日');
  // The Emperor's Birthday moved with the 2019 accession; 2019 itself had none.
  if (year >= 2020) add(2, 23, "Emperor's Birthday", '天皇誕生日');
  add(3, equinoxDay(year, 'vernal'), 'Vernal Equinox Day', '春分の日');
  if (year >= 2007) add(4, 29, 'Showa Day', '昭和の日');
  else add(4, 29, 'Greenery Day', 'みどりの日');
  add(5, 3, 'Constitution Memorial Day', '憲法記念日');
  if (year >= 2007) add(5, 4, 'Greenery Day', 'みどりの日');
  add(5, 5, "Children's Day", 'こどもの日');
  // 2020 and 2021 moved Marine, Mountain and Sports Day around the Tokyo Olympics (special measures acts).
  const olympic = OLYMPIC_MOVES[year];
  if (olympic) {
    add(7, olympic.marine, 'Marine Day', '海の日');
    add(olympic.sports[0], olympic.sports[1], 'Sports Day', 'スポーツの日');
    add(8, olympic.mountain, 'Mountain Day', '山の日');
  } else {
    if (year >= 2003) add(7, nthMonday(year, 7, 3), 'Marine Day', '海の日');
    else if (year >= 1996) add(7, 20, 'Marine Day', '海の日');
    if (year >= 2016) add(8, 11, 'Mountain Day', '山の日');
  }
  add(9, year >= 2003 ? nthMonday(year, 9, 3) : 15, 'Respect for the Aged Day', '敬老の日');
  add(9, equinoxDay(year, 'autumnal'), 'Autumnal Equinox Day', '秋分の日');
  if (!olympic) {
    const sportsName = year >= 2020 ? ['Sports Day', 'スポーツの日'] as const : ['Health and Sports Day', '体育の日'] as const;
    add(10, year >= 2000 ? nthMonday(year, 10, 2) : 10, sportsName[0], sportsName[1]);
  }
  add(11, 3, 'Culture Day', '文化の日');
  add(11, 23, 'Labour Thanksgiving Day', '勤労感謝の日');
  if (year >= 1989 && year <= 2018) add(12, 23, "Emperor's Birthday", '天皇誕生日');
  for (const special of ONE_OFF[year] ?? []) days.push(special);
  return days;
}

const OLYMPIC_MOVES: Readonly<Record<number, { marine: number; sports: readonly [number, number]; mountain: number }>> = {
  2020: { marine: 23, sports: [7, 24], mountain: 10 },
  2021: { marine: 22, sports: [7, 23], mountain: 8 },
};

/** Holidays set by their own acts (imperial events). Their neighbours follow from the general rules. */
const ONE_OFF: Readonly<Record<number, readonly NamedDay[]>> = {
  1989: [{ month: 2, day: 24, name: 'Funeral of Emperor Showa', nameJa: '昭和天皇の大喪の礼' }],
  1990: [{ month: 11, day: 12, name: 'Enthronement Ceremony', nameJa: '即位礼正殿の儀' }],
  1993: [{ month: 6, day: 9, name: 'Wedding of the Crown Prince', nameJa: '皇太子徳仁親王の結婚の儀' }],
  2019: [
    { month: 5, day: 1, name: 'Accession of the Emperor', nameJa: '天皇の即位の日' },
    { month: 10, day: 22, name: 'Enthronement Ceremony', nameJa: '即位礼正殿の儀' },
  ],
};

const holidayCache = new Map<number, readonly Holiday[]>();

/** Every national holiday of a year in date order, including 振替休日 and 国民の休日. */
export function nationalHolidays(year: number): readonly Holiday[] {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const named = new Map<string, Holiday>();
  for (const d of namedHolidays(year)) {
    const key = dateKey({ year, month: d.month, day: d.day });
    named.set(key, { dateKey: key, name: d.name, nameJa: d.nameJa, kind: 'national' });
  }
  const all = new Map(named);
  const keyOf = (t: number): string => jstTime(t).dateKey;
  for (const h of named.values()) {
    const t = jstMidnight(parseDateKey(h.dateKey)!);
    // 国民の休日: a non-holiday whose previous and next days are both named holidays (since 1985). A Sunday
    // in that position stays a plain Sunday, as the pre-2007 law said; it is a holiday day type either way.
    const dayAfterNext = keyOf(t + 2 * DAY_MS);
    const between = keyOf(t + DAY_MS);
    if (named.has(dayAfterNext) && !named.has(between) && jstTime(t + DAY_MS).weekday !== 0) {
      all.set(between, { dateKey: between, name: "Citizens' Holiday", nameJa: '国民の休日', kind: 'citizens' });
    }
    // 振替休日: a named holiday on a Sunday moves the rest day to the next day that is not itself a named
    // holiday (since 2007; before that only the Monday, which the same loop gives in those years).
    if (jstTime(t).weekday === 0) {
      let s = t + DAY_MS;
      while (named.has(keyOf(s))) s += DAY_MS;
      const key = keyOf(s);
      all.set(key, { dateKey: key, name: 'Substitute Holiday', nameJa: '振替休日', kind: 'substitute' });
    }
  }
  const list = [...all.values()].filter((h) => h.dateKey.startsWith(`${year}-`)).sort((a, b) => a.dateKey.localeCompare(b.dateKey));
  holidayCache.set(year, list);
  return list;
}

const holidayIndex = new Map<number, ReadonlyMap<string, Holiday>>();

/** The national holiday on this date, if any. */
export function holidayOn(date: JstDate): Holiday | undefined {
  let index = holidayIndex.get(date.year);
  if (!index) {
    index = new Map(nationalHolidays(date.year).map((h) => [h.dateKey, h]));
    holidayIndex.set(date.year, index);
  }
  return index.get(dateKey(date));
}

export type DayType = 'weekday' | 'holiday';

/**
 * 'holiday' on Saturdays, Sundays and national holidays, as the replaced product and the utilities'
 * time-of-use plans count them. extraHolidays are recurring 'MM-DD' days a plan adds (e.g. Kansai's
 * 1/2-1/3, 4/30-5/2, 12/30-12/31).
 */
export function dayType(t: number, extraHolidays: readonly string[] = []): DayType {
  const local = jstTime(t);
  if (local.weekday === 0 || local.weekday === 6) return 'holiday';
  if (extraHolidays.includes(local.dateKey.slice(5))) return 'holiday';
  return holidayOn(local) ? 'holiday' : 'weekday';
}
