/**
 * Every name a homeowner sees in the Home app, in English or Japanese (config `language`). Kept in one
 * table so a translation is one edit, and so that the two languages cannot drift apart in what they name.
 */
import type { Language } from '../config.js';
import type { DeviceKind } from '../home/index.js';

const EN = {
  kind: {
    meter: 'Grid',
    solar: 'Solar',
    'water-heater': 'EcoCute',
    'ev-charger': 'EV Charger',
    battery: 'Home Battery',
  } satisfies Record<DeviceKind, string>,
  buying: 'Buying from Grid',
  selling: 'Selling to Grid',
  sellingSurplus: 'Selling Surplus',
  generation: 'Solar Generation',
  generating: 'Solar Generating',
  solarLux: 'Solar Power in Lux',
  tankTemperature: 'Tank Temperature',
  hotWater: 'Hot Water Remaining',
  manualHeating: 'Manual Heating',
  daytimeReheating: 'Daytime Reheating Allowed',
  evCharging: 'EV Charging',
  pluggedIn: 'EV Plugged In',
  evBattery: 'EV Battery',
  homeBattery: 'Battery Level',
  batteryCharging: 'Charge Battery Now',
};

type Names = typeof EN;

const JA: Names = {
  kind: {
    meter: '電力メーター',
    solar: '太陽光発電',
    'water-heater': 'エコキュート',
    'ev-charger': 'EV充電器',
    battery: '蓄電池',
  },
  buying: '買電',
  selling: '売電',
  sellingSurplus: '余剰売電中',
  generation: '太陽光発電量',
  generating: '太陽光発電中',
  solarLux: '太陽光発電ルクス',
  tankTemperature: 'タンク湯温',
  hotWater: '残湯量',
  manualHeating: '沸き増し',
  daytimeReheating: '昼間沸き増し許可',
  evCharging: 'EV充電',
  pluggedIn: 'EV接続',
  evBattery: 'EV電池残量',
  homeBattery: '蓄電残量',
  batteryCharging: '蓄電池を充電',
};

export function namesFor(language: Language): Names {
  return language === 'ja' ? JA : EN;
}

export type { Names };
