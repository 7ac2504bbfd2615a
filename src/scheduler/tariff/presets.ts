/**
 * Built-in plans (the replaced product downloaded them from its server; seed feature 17). Prices are
 * yen/kWh including consumption tax, energy charge only (the basic charge does not depend on when power
 * is used, so it cannot change a decision). The fuel-cost adjustment changes every month: it is a
 * surcharge of 0 here for the homeowner to set from the bill. Sell prices default to the utility's
 * post-FIT (卒FIT) purchase price; homes still under FIT set their own (16 yen FY2024, 15 yen FY2025).
 */
import type { SurchargeSpec, TariffSpec } from './types.js';

/** 再生可能エネルギー発電促進賦課金, the same everywhere in Japan, May 2025 - April 2026. */
const RENEWABLE_SURCHARGE_FY2025: SurchargeSpec = { label: 'Renewable energy surcharge (FY2025)', yenPerKwh: 3.98 };
const FUEL_COST_ADJUSTMENT: SurchargeSpec = { label: 'Fuel-cost adjustment (set from your bill)', yenPerKwh: 0 };
const SURCHARGES = [FUEL_COST_ADJUSTMENT, RENEWABLE_SURCHARGE_FY2025] as const;
/** Around the national average emission factor; utilities publish their own each year. */
export const CO2_DEFAULT = 0.45;
const ALL_YEAR: readonly [number, number] = [1, 12];

const tepcoSmartlifeS: TariffSpec = {
  id: 'tepco-smartlife-s',
  name: 'TEPCO Smart Life S',
  nameJa: '東京電力 スマートライフS',
  kind: 'time-of-use',
  seasons: [
    {
      label: 'all year',
      months: ALL_YEAR,
      weekday: [
        { from: '06:00', to: '01:00', yenPerKwh: 35.76, label: 'day' },
        { from: '01:00', to: '06:00', yenPerKwh: 27.86, label: 'night' },
      ],
    },
  ],
  surcharges: SURCHARGES,
  sellYenPerKwh: 8.5,
  co2KgPerKwh: CO2_DEFAULT,
  notes: 'TEPCO Energy Partner price list (from June 2023); post-FIT purchase 8.5 yen.',
};

/** Kansai Electric's holiday-priced days beyond weekends and national holidays (休日扱い日). */
const KEPCO_EXTRA_HOLIDAYS = ['01-02', '01-03', '04-30', '05-01', '05-02', '12-30', '12-31'];
const kepcoLiving = 22.89;
const kepcoNight = 15.2;
function kepcoWeekday(day: number) {
  return [
    { from: '07:00', to: '10:00', yenPerKwh: kepcoLiving, label: 'living' },
    { from: '10:00', to: '17:00', yenPerKwh: day, label: 'daytime' },
    { from: '17:00', to: '23:00', yenPerKwh: kepcoLiving, label: 'living' },
    { from: '23:00', to: '07:00', yenPerKwh: kepcoNight, label: 'night' },
  ];
}
const kepcoHoliday = [
  { from: '07:00', to: '23:00', yenPerKwh: kepcoLiving, label: 'living' },
  { from: '23:00', to: '07:00', yenPerKwh: kepcoNight, label: 'night' },
];

const kepcoHapieTimeR: TariffSpec = {
  id: 'kepco-hapie-time-r',
  name: 'Kansai Electric Hapi e-Time R',
  nameJa: '関西電力 はぴeタイムR',
  kind: 'time-of-use',
  seasons: [
    { label: 'summer', months: [7, 9], weekday: kepcoWeekday(28.96), holiday: kepcoHoliday },
    { label: 'other', months: [10, 6], weekday: kepcoWeekday(26.33), holiday: kepcoHoliday },
  ],
  extraHolidays: KEPCO_EXTRA_HOLIDAYS,
  surcharges: SURCHARGES,
  sellYenPerKwh: 8,
  co2KgPerKwh: CO2_DEFAULT,
  notes: 'kepco.jp unit prices from July 2022 (daytime = weekday 10-17, summer = Jul-Sep); post-FIT purchase 8 yen.',
};

/**
 * 従量電灯B is tiered by monthly use (29.80 up to 120 kWh, 36.40 to 300 kWh, 40.49 above). A typical
 * home ends the month in the middle tier, so an extra kWh costs 36.40: that is the price used.
 */
const flatJuryoB: TariffSpec = {
  id: 'flat-juryo-b',
  name: 'Metered lighting B (tiered flat rate)',
  nameJa: '従量電灯B',
  kind: 'flat',
  seasons: [{ label: 'all year', months: ALL_YEAR, weekday: [{ from: '00:00', to: '24:00', yenPerKwh: 36.4, label: 'tier 2' }] }],
  surcharges: SURCHARGES,
  sellYenPerKwh: 8.5,
  co2KgPerKwh: CO2_DEFAULT,
  notes: 'TEPCO tiers 29.80 / 36.40 / 40.49 yen; the marginal price of the typical (120-300 kWh) tier is used.',
};

export const TARIFF_PRESETS: Record<string, TariffSpec> = {
  [tepcoSmartlifeS.id]: tepcoSmartlifeS,
  [kepcoHapieTimeR.id]: kepcoHapieTimeR,
  [flatJuryoB.id]: flatJuryoB,
};
