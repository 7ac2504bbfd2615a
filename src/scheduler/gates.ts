/**
 * The replaced product's eligibility rules for AI solar charge (seed features 8-14), each an explicit
 * check with a stable reason code and a message with its numbers. The planner only decides *within*
 * these gates; a closed gate is always explained, never silent.
 */
import { HALF_HOUR_MS } from './calendar.js';
import { kwh, num, timeWindow, yen, type DeviceKind } from './explain.js';
import type { WeatherWarning } from './forecast/types.js';
import type { DataCondition } from './load-history.js';
import { buyPriceRange, type Tariff, type TariffKind } from './tariff.js';

export type GateCode =
  | 'device-enabled'
  | 'surplus-purchase-mode'
  | 'forecast-available'
  | 'no-other-controller'
  | 'measuring-unit'
  | 'tariff-kind'
  | 'tariff-relation'
  | 'usage-data'
  | 'circuit-measured'
  | 'own-solar-charge-off'
  | 'daytime-reheat-stop'
  | 'not-reheat-paused'
  | 'no-warning-reheat-today'
  | 'battery-mode'
  | 'surplus-minimum'
  | 'no-weather-warning'
  | 'no-grid-purchase';

interface Gate {
  readonly code: GateCode;
  readonly passed: boolean;
  readonly message: string;
  readonly messageJa: string;
}

export interface DeviceGates {
  readonly device: DeviceKind;
  readonly allowed: boolean;
  readonly gates: readonly Gate[];
}

/** The prices the tariff gates compare, yen/kWh. */
export interface TariffFacts {
  readonly kind: TariffKind;
  readonly highestYen: number;
  readonly lowestYen: number;
  readonly sellYen: number;
}

/** Highest and lowest buy price and best sell price over [from, to), usually the plan's day. */
export function tariffFacts(tariff: Tariff, from: number, to: number): TariffFacts {
  const range = buyPriceRange(tariff, from, to);
  let sellYen = tariff.sellPrice(from);
  for (let t = from + HALF_HOUR_MS; t < to; t += HALF_HOUR_MS) sellYen = Math.max(sellYen, tariff.sellPrice(t));
  return { kind: tariff.kind, highestYen: range.highest, lowestYen: range.lowest, sellYen };
}

interface EcoCuteState {
  readonly enabled: boolean;
  /** The EcoCute's circuit is configured and measured on the distribution board. */
  readonly circuitMeasured: boolean;
  /** The water heater's own built-in solar-charge setting; it must be off or the two fight. */
  readonly ownSolarChargeOn: boolean;
  /** 昼間沸き上げ停止 is set on the unit. */
  readonly daytimeReheatStop: boolean;
  /** The unit can reheat despite daytime-reheat stop (Panasonic models). */
  readonly daytimeReheatStopSupported: boolean;
  /** 沸き増し休止 ("reheating pause") is on. */
  readonly reheatingPause: boolean;
  /** A weather-warning reheating (heating ahead of a storm) already ran today. */
  readonly warningReheatDoneToday: boolean;
  /** Electricity the planned extra heating needs, kWh. */
  readonly needKwh: number;
}

interface BatteryState {
  readonly enabled: boolean;
  /** The battery's operating mode as the app names it; only 'eco' (環境優先) and 'custom' allow solar charge. */
  readonly mode: string;
  /** kWh the forecast says the home would buy from the grid in the surplus window with this plan. */
  readonly forecastPurchaseKwh: number;
}

interface EvState {
  readonly enabled: boolean;
  readonly circuitMeasured: boolean;
  /** Energy the car needs to its target, kWh. */
  readonly needKwh: number;
  readonly forecastPurchaseKwh: number;
}

export interface GateInput {
  readonly fullPurchaseMode: boolean;
  readonly forecastAvailable: boolean;
  /** Name of another system found controlling the same devices (ECHONET Set requests from another node). */
  readonly otherController?: string;
  /** A distribution-board (or ECHONET Lite) measuring unit is installed. */
  readonly measuringUnitPresent: boolean;
  readonly tariff: TariffFacts;
  /** The data condition for the plan day's type (load-history's dataCondition). */
  readonly dataCondition: DataCondition;
  /** Forecast surplus in the surplus window, kWh. */
  readonly surplusKwh: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Warnings in force for the home's area during the surplus window. */
  /** Warnings that count for the surplus window (the service passes those in force now: see service.ts). */
  readonly warningsInWindow: readonly WeatherWarning[];
  readonly ecocute?: EcoCuteState;
  readonly battery?: BatteryState;
  readonly ev?: EvState;
}

/** The replaced product's minimum surplus margins over each device's need. */
const SURPLUS_MARGIN_KWH: Readonly<Record<DeviceKind, number>> = { battery: 0.3, ecocute: 0.3, ev: 1.5 };
/** Forecast purchases below this are rounding noise, not "buying during the surplus window". */
const PURCHASE_TOLERANCE_KWH = 0.05;
const BATTERY_MODES = ['eco', 'custom'];

function gate(code: GateCode, passed: boolean, message: string, messageJa: string): Gate {
  return { code, passed, message, messageJa };
}

/** Gates every device present in the input goes through, in the order a homeowner would fix them. */
export function evaluateGates(input: GateInput): DeviceGates[] {
  const results: DeviceGates[] = [];
  const add = (device: DeviceKind, gates: Gate[]): void => {
    results.push({ device, allowed: gates.every((g) => g.passed), gates });
  };
  if (input.ecocute) {
    const e = input.ecocute;
    add('ecocute', [
      ...common(input, 'ecocute', e.enabled),
      gate('circuit-measured', e.circuitMeasured, e.circuitMeasured ? 'EcoCute circuit is measured' : 'the EcoCute circuit is not set up on the measuring unit', e.circuitMeasured ? 'エコキュート回路を計測中' : 'エコキュートの回路が計測ユニットに設定されていません'),
      gate('own-solar-charge-off', !e.ownSolarChargeOn, e.ownSolarChargeOn ? "the water heater's own solar-charge setting is on; turn it off so the two do not fight" : "water heater's own solar charge is off", e.ownSolarChargeOn ? '給湯機本体のソーラー連携（ソーラーチャージ）設定が「入」です。「切」にしてください' : '給湯機本体のソーラー連携設定は「切」'),
      daytimeReheatStop(e),
      gate('not-reheat-paused', !e.reheatingPause, e.reheatingPause ? 'the EcoCute is in reheating pause' : 'reheating is not paused', e.reheatingPause ? 'エコキュートが沸き増し休止中です' : '沸き増し休止ではありません'),
      gate('no-warning-reheat-today', !e.warningReheatDoneToday, e.warningReheatDoneToday ? 'a weather-warning reheating already ran today' : 'no weather-warning reheating today', e.warningReheatDoneToday ? '本日は気象警報連動の沸き増しを実施済みです' : '本日の気象警報連動沸き増しはありません'),
      surplusMinimum(input, 'ecocute', e.needKwh),
    ]);
  }
  if (input.battery) {
    const b = input.battery;
    const modeOk = BATTERY_MODES.includes(b.mode);
    add('battery', [
      ...common(input, 'battery', b.enabled),
      tariffRelation(input.tariff),
      gate('battery-mode', modeOk, modeOk ? `battery mode is ${b.mode}` : `battery mode is "${b.mode}"; solar charging needs eco or custom mode`, modeOk ? `蓄電池は${b.mode}モード` : `蓄電池のモードが「${b.mode}」です。環境優先またはカスタムモードが必要です`),
      surplusMinimum(input, 'battery', 0),
      weatherWarning(input),
      noPurchase(input, b.forecastPurchaseKwh),
    ]);
  }
  if (input.ev) {
    const v = input.ev;
    add('ev', [
      ...common(input, 'ev', v.enabled),
      tariffRelation(input.tariff),
      gate('circuit-measured', v.circuitMeasured, v.circuitMeasured ? 'EV charger circuit is measured' : 'the EV charger circuit is not set up on the measuring unit', v.circuitMeasured ? 'EV充電器の回路を計測中' : 'EV充電器の回路が計測ユニットに設定されていません'),
      surplusMinimum(input, 'ev', v.needKwh),
      noPurchase(input, v.forecastPurchaseKwh),
    ]);
  }
  return results;
}

/** Seed items 8, 10 and 11: conditions every device shares. */
function common(input: GateInput, device: DeviceKind, enabled: boolean): Gate[] {
  const { tariff, dataCondition: data } = input;
  const touOk = tariff.kind === 'time-of-use' || tariff.kind === 'seasonal';
  // Seed item 10: EcoCute reheating is the one job allowed on a flat tariff.
  const kindOk = touOk || device === 'ecocute';
  return [
    gate('device-enabled', enabled, enabled ? 'solar control is enabled for this device' : 'solar control is turned off for this device in the settings', enabled ? 'ソーラー制御が有効です' : '設定でこの機器のソーラー制御が無効です'),
    gate('surplus-purchase-mode', !input.fullPurchaseMode, input.fullPurchaseMode ? 'the solar system is set to full purchase (全量買取); there is no surplus to use' : 'surplus purchase mode', input.fullPurchaseMode ? '全量買取モードのため、余剰電力を使えません' : '余剰買取モード'),
    gate('forecast-available', input.forecastAvailable, input.forecastAvailable ? 'a weather forecast is available' : 'no usable weather forecast', input.forecastAvailable ? '天気予報を取得済み' : '使える天気予報がありません'),
    gate(
      'no-other-controller',
      input.otherController === undefined,
      input.otherController === undefined ? 'no other controller detected' : `${input.otherController} is also controlling this device; turn one of them off`,
      input.otherController === undefined ? '他の制御機器は検出されていません' : `${input.otherController}もこの機器を制御しています。どちらかを止めてください`,
    ),
    gate('measuring-unit', input.measuringUnitPresent, input.measuringUnitPresent ? 'a measuring unit is present' : 'no distribution-board measuring unit was found', input.measuringUnitPresent ? '計測ユニットあり' : '分電盤の計測ユニットが見つかりません'),
    gate(
      'tariff-kind',
      kindOk,
      !touOk && device === 'ecocute' ? `tariff is ${tariff.kind}, which EcoCute reheating allows` : kindOk ? `tariff is ${tariff.kind}` : `tariff is ${tariff.kind}; solar charging needs a time-of-use or seasonal tariff`,
      !touOk && device === 'ecocute' ? '従量制の料金でもエコキュートの沸き増しは可能です' : kindOk ? '時間帯別・季節別の料金プラン' : '従量制の料金プランではソーラー充電を設定できません（時間帯別・季節別が必要）',
    ),
    gate('usage-data', data.met, data.message, data.messageJa),
  ];
}

/** Seed items 13 and 14: storing surplus must beat both selling it and buying at the cheapest time. */
function tariffRelation(t: TariffFacts): Gate {
  const { highestYen: hi, lowestYen: lo, sellYen: sell } = t;
  const passed = (hi > lo && lo >= sell) || (hi > sell && sell >= lo);
  const numbers = `highest ${yen(hi)}, lowest ${yen(lo)}, sell ${yen(sell)}`;
  const numbersJa = `最高${yen(hi, 'ja')}・最低${yen(lo, 'ja')}・売電${yen(sell, 'ja')}`;
  return gate(
    'tariff-relation',
    passed,
    passed ? `prices allow it (${numbers})` : `prices do not make storing surplus worthwhile (${numbers}); needs highest > lowest >= sell or highest > sell >= lowest`,
    passed ? `料金条件を満たしています（${numbersJa}）` : `料金条件を満たしません（${numbersJa}）。最高＞最低≧売電 または 最高＞売電≧最低 が必要です`,
  );
}

function surplusMinimum(input: GateInput, device: DeviceKind, needKwh: number): Gate {
  const margin = SURPLUS_MARGIN_KWH[device];
  const required = needKwh + margin;
  // A hair of tolerance so 2.0 + 0.3 in floating point still admits a 2.3 kWh surplus.
  const passed = input.surplusKwh >= required - 1e-9;
  const window = timeWindow(input.windowStart, input.windowEnd);
  // When one decimal would print "0.3 kWh < 0.3 kWh", show the second decimal that decided it.
  const surplus = num(input.surplusKwh) === num(required) && !passed ? `${input.surplusKwh.toFixed(2)} kWh` : kwh(input.surplusKwh);
  const rhs = needKwh > 0 || device !== 'battery' ? `need ${num(needKwh)} + ${kwh(margin)}` : kwh(margin);
  const rhsJa = needKwh > 0 || device !== 'battery' ? `必要量${kwh(needKwh)}＋${kwh(margin)}` : kwh(margin);
  return gate(
    'surplus-minimum',
    passed,
    `surplus ${surplus} ${passed ? '>=' : '<'} ${rhs} (${window})`,
    `余剰${surplus}${passed ? '≧' : '＜'}${rhsJa}（${timeWindow(input.windowStart, input.windowEnd, 'ja')}）`,
  );
}

/**
 * Seed item 13: no weather warning during the surplus window (a storm may cut the power; the battery is
 * then kept for backup). Advisories (注意報) do not count; codes this version does not know do, because
 * the safe mistake is to keep the battery for the storm.
 */
function weatherWarning(input: GateInput): Gate {
  const serious = input.warningsInWindow.filter((w) => w.level !== 'advisory');
  const passed = serious.length === 0;
  return gate(
    'no-weather-warning',
    passed,
    passed ? 'no weather warning in force' : `weather warning in force (${serious.map((w) => w.name).join(', ')}), counted for the surplus window as JMA gives no end time`,
    passed ? '気象警報は出ていません' : `気象警報発表中（${serious.map((w) => w.nameJa).join('、')}）：終了時刻が分からないため余剰時間帯も対象とみなします`,
  );
}

function noPurchase(input: GateInput, purchaseKwh: number): Gate {
  const passed = purchaseKwh <= PURCHASE_TOLERANCE_KWH;
  const window = timeWindow(input.windowStart, input.windowEnd);
  return gate(
    'no-grid-purchase',
    passed,
    passed ? `no grid purchase forecast ${window}` : `the forecast shows buying ${kwh(purchaseKwh)} from the grid ${window}`,
    passed ? `${timeWindow(input.windowStart, input.windowEnd, 'ja')}に買電の予測はありません` : `${timeWindow(input.windowStart, input.windowEnd, 'ja')}に${kwh(purchaseKwh)}の買電が予測されています`,
  );
}

function daytimeReheatStop(e: EcoCuteState): Gate {
  const passed = !e.daytimeReheatStop || e.daytimeReheatStopSupported;
  return gate(
    'daytime-reheat-stop',
    passed,
    !e.daytimeReheatStop ? 'daytime reheating stop is off' : passed ? 'daytime reheating stop is set, and this unit supports reheating anyway' : 'daytime reheating stop is set and this unit cannot reheat while it is',
    !e.daytimeReheatStop ? '昼間沸き上げ停止は「切」' : passed ? '昼間沸き上げ停止中でも沸き増しできる機種です' : '昼間沸き上げ停止が設定されており、この機種では沸き増しできません',
  );
}
