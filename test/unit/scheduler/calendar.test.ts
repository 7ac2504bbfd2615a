import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayType, equinoxDay, holidayOn, jstMidnight, jstTime, nationalHolidays, parseDateKey, startOfJstDay } from '../../../src/scheduler/calendar.js';

/** Cabinet Office holiday lists (内閣府「国民の祝日について」) as month-day, for years checked in full. */
const KNOWN: Record<number, string> = {
  2019: '01-01 01-14 02-11 03-21 04-29 04-30 05-01 05-02 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-23 10-14 10-22 11-03 11-04 11-23',
  2020: '01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-23 07-24 08-10 09-21 09-22 11-03 11-23',
  2021: '01-01 01-11 02-11 02-23 03-20 04-29 05-03 05-04 05-05 07-22 07-23 08-08 08-09 09-20 09-23 11-03 11-23',
  2022: '01-01 01-10 02-11 02-23 03-21 04-29 05-03 05-04 05-05 07-18 08-11 09-19 09-23 10-10 11-03 11-23',
  2023: '01-01 01-02 01-09 02-11 02-23 03-21 04-29 05-03 05-04 05-05 07-17 08-11 09-18 09-23 10-09 11-03 11-23',
  2024: '01-01 01-08 02-11 02-12 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-15 08-11 08-12 09-16 09-22 09-23 10-14 11-03 11-04 11-23',
  2025: '01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-21 08-11 09-15 09-23 10-13 11-03 11-23 11-24',
  2026: '01-01 01-12 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-20 08-11 09-21 09-22 09-23 10-12 11-03 11-23',
  2027: '01-01 01-11 02-11 02-23 03-21 03-22 04-29 05-03 05-04 05-05 07-19 08-11 09-20 09-23 10-11 11-03 11-23',
};

for (const [year, list] of Object.entries(KNOWN)) {
  test(`national holidays of ${year} match the Cabinet Office list`, () => {
    assert.deepEqual(nationalHolidays(Number(year)).map((h) => h.dateKey.slice(5)).join(' '), list);
  });
}

function kindOn(key: string) {
  return holidayOn(parseDateKey(key)!)?.kind;
}

test('substitute, citizens and special holidays are derived with their kind', () => {
  assert.equal(kindOn('2024-02-12'), 'substitute'); // 建国記念の日 on a Sunday
  assert.equal(kindOn('2023-01-02'), 'substitute');
  assert.equal(kindOn('2026-09-22'), 'citizens'); // between 敬老の日 9/21 and 秋分の日 9/23
  assert.equal(kindOn('2019-04-30'), 'citizens'); // between 昭和の日 and the accession day
  assert.equal(kindOn('2019-05-02'), 'citizens');
  assert.equal(holidayOn(parseDateKey('2019-05-01')!)?.nameJa, '天皇の即位の日');
  assert.equal(holidayOn(parseDateKey('2019-10-22')!)?.nameJa, '即位礼正殿の儀');
  assert.equal(kindOn('2009-09-22'), 'citizens');
  assert.equal(kindOn('2019-12-23'), undefined); // no Emperor's Birthday in 2019
});

test('2020 and 2021 Olympic moves: no October Sports Day, Mountain Day moved', () => {
  for (const year of [2020, 2021]) assert.ok(!nationalHolidays(year).some((h) => h.dateKey.startsWith(`${year}-10`)));
  assert.equal(holidayOn(parseDateKey('2020-07-24')!)?.nameJa, 'スポーツの日');
  assert.equal(holidayOn(parseDateKey('2021-08-08')!)?.nameJa, '山の日');
  assert.equal(kindOn('2021-08-09'), 'substitute');
  assert.equal(kindOn('2020-08-11'), undefined);
});

test('equinoxes by the formula agree with the announced days', () => {
  const vernal: [number, number][] = [[2019, 21], [2020, 20], [2023, 21], [2024, 20], [2025, 20], [2026, 20], [2027, 21], [2028, 20], [2029, 20], [2030, 20]];
  const autumnal: [number, number][] = [[2019, 23], [2020, 22], [2024, 22], [2025, 23], [2026, 23], [2027, 23], [2028, 22], [2029, 23], [2030, 23]];
  for (const [y, d] of vernal) assert.equal(equinoxDay(y, 'vernal'), d, `vernal ${y}`);
  for (const [y, d] of autumnal) assert.equal(equinoxDay(y, 'autumnal'), d, `autumnal ${y}`);
});

test('2028-2030 have the rule-based holidays', () => {
  for (const key of ['2028-01-10', '2028-07-17', '2028-09-18', '2028-09-22', '2029-04-30', '2029-09-24', '2030-02-11', '2030-05-06', '2030-09-16', '2030-10-14', '2030-11-04']) {
    assert.ok(kindOn(key), key);
  }
  assert.equal(kindOn('2029-04-30'), 'substitute');
});

test('every year 2019-2030 has 16 to 22 holidays, each a real date in that year, sorted', () => {
  for (let year = 2019; year <= 2030; year++) {
    const list = nationalHolidays(year);
    assert.ok(list.length >= 16 && list.length <= 22, `${year}: ${list.length}`);
    for (const h of list) assert.ok(parseDateKey(h.dateKey) && h.dateKey.startsWith(String(year)));
    assert.deepEqual([...list].map((h) => h.dateKey), [...list].map((h) => h.dateKey).sort());
  }
});

test('JST fields come from UTC+9 whatever the instant', () => {
  const t = Date.UTC(2025, 2, 19, 15, 0); // 2025-03-20 00:00 JST
  assert.deepEqual({ ...jstTime(t) }, { year: 2025, month: 3, day: 20, weekday: 4, minuteOfDay: 0, dateKey: '2025-03-20' });
  assert.equal(jstMidnight({ year: 2025, month: 3, day: 20 }), t);
  assert.equal(startOfJstDay(t + 23.5 * 3_600_000), t);
  assert.equal(jstTime(t - 1).dateKey, '2025-03-19');
});

test('day type: weekends and national holidays are holidays; plans can add days', () => {
  const at = (key: string, hour: number) => jstMidnight(parseDateKey(key)!) + hour * 3_600_000;
  assert.equal(dayType(at('2025-03-20', 12)), 'holiday'); // vernal equinox, Thursday
  assert.equal(dayType(at('2025-03-21', 12)), 'weekday');
  assert.equal(dayType(at('2025-03-22', 0)), 'holiday'); // Saturday
  assert.equal(dayType(at('2025-12-30', 12)), 'weekday');
  assert.equal(dayType(at('2025-12-30', 12), ['12-30']), 'holiday');
});

test('parseDateKey rejects impossible dates', () => {
  assert.equal(parseDateKey('2025-02-29'), undefined);
  assert.equal(parseDateKey('2025-2-1'), undefined);
  assert.deepEqual(parseDateKey('2024-02-29'), { year: 2024, month: 2, day: 29 });
});

test('the integer date arithmetic agrees with Date across 1900-2150', () => {
  for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2150, 0, 1); t += 29 * 86_400_000 + 3_599_999) {
    const d = new Date(t + 9 * 3_600_000);
    const j = jstTime(t);
    assert.deepEqual([j.year, j.month, j.day, j.weekday], [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCDay()]);
    assert.equal(jstMidnight(j), Date.UTC(j.year, j.month - 1, j.day) - 9 * 3_600_000);
  }
});
