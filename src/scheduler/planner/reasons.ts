/**
 * Why each decision was taken, in words a homeowner can check against the numbers: the forecast surplus,
 * the price now, the cheapest price and the deadline that drove it, in English and Japanese (AiSEG2's
 * words: 沸き増し, 蓄電池, 余剰電力, 売電, 買電). Numbers, prices and times print through explain.ts, as the
 * gates' do. Codes are stable for UIs and tests.
 */
import { clock, decided, kwh, say, yen, type Lang, type Said } from '../explain.js';
import type { Reason, Slot } from './types.js';

export const surplusOf = (s: Slot): number => Math.max(0, s.pvKwh - s.loadKwh);

const reason = (code: string, s: Said): Reason => ({ code, ...s });

/** What justified using energy in a slot: forecast surplus, the cheapest rate, or a deadline ("before ..." / "...まで"). */
function energySource(slot: Slot, usedKwh: number, cheapest: number, deadline: Said): { code: string; why: Said } {
  const surplus = surplusOf(slot);
  if (surplus >= 0.5 * usedKwh) {
    return {
      code: 'surplus',
      why: say((l) =>
        l === 'ja'
          ? `この30分に${kwh(surplus)}の余剰電力が予測され、売電は${yen(slot.sellYen, l)}、最も安い買電でも${yen(cheapest, l)}のため`
          : `${kwh(surplus)} solar surplus is forecast in this half-hour; selling it earns ${yen(slot.sellYen)} while the cheapest bought power costs ${yen(cheapest)}`,
      ),
    };
  }
  if (slot.buyYen <= cheapest + 1e-9) {
    return {
      code: 'cheapest-rate',
      why: say((l) =>
        l === 'ja'
          ? `最も安い料金（${yen(slot.buyYen, l)}）の時間帯で、${deadline.textJa}に余剰電力が足りない見込みのため`
          : `this is the cheapest rate (${yen(slot.buyYen)}) and too little surplus is forecast ${deadline.text}`,
      ),
    };
  }
  return {
    code: 'deadline',
    why: say((l) =>
      l === 'ja'
        ? `${deadline.textJa}に安い時間帯も余剰電力も残っていないため、${yen(slot.buyYen, l)}で買電します`
        : `bought at ${yen(slot.buyYen)} because no cheaper or surplus half-hour is left ${deadline.text}`,
    ),
  };
}

const pctOf = (stored: number, capacity: number): number => Math.round((100 * stored) / capacity);

export function heatReason(slot: Slot, usedKwh: number, cheapest: number): Reason {
  const { code, why } = energySource(slot, usedKwh, cheapest, { text: 'before the tank would fall below its reserve', textJa: 'お湯の残量が予備量を下回るまで' });
  return reason(`heat-${code}`, decided('ecocute', true, why));
}

export function idleHeatReason(storedKwh: number, capacityKwh: number, surplus: number): Reason {
  const pct = pctOf(storedKwh, capacityKwh);
  if (storedKwh >= 0.97 * capacityKwh) {
    return reason('tank-full', decided('ecocute', false, say((l) => (l === 'ja' ? `タンクは満タンです（${pct}%）` : `the tank is full (${pct} %)`))));
  }
  if (surplus > 0.05) {
    return reason(
      'surplus-better-used',
      decided(
        'ecocute',
        false,
        say((l) =>
          l === 'ja'
            ? `タンク（${pct}%）はもっと良い時間帯までもちます。この30分の余剰電力${kwh(surplus)}は他で使うか売電します`
            : `the tank (${pct} %) lasts until a better half-hour; ${kwh(surplus)} surplus here goes to other uses or is sold`,
        ),
      ),
    );
  }
  return reason(
    'not-needed',
    decided('ecocute', false, say((l) => (l === 'ja' ? `タンク（${pct}%）で次の沸き上げまでの使用量をまかなえる見込みです` : `the tank (${pct} %) covers the forecast draws until the next planned heating`))),
  );
}

/** "before the car leaves at 07:30" / "07:30の出発まで"; none when the car does not leave within the plan. */
function departureDeadline(departure: number | undefined, targetKwh: number): Said {
  if (departure === undefined) return { text: 'in the plan', textJa: '計画の期間内' };
  return say((l) => (l === 'ja' ? `${clock(departure)}の出発まで（目標${kwh(targetKwh)}）` : `before the car leaves at ${clock(departure)} (target ${kwh(targetKwh)})`));
}

export function chargeReason(slot: Slot, usedKwh: number, cheapest: number, targetKwh: number, departure: number | undefined): Reason {
  const { code, why } = energySource(slot, usedKwh, cheapest, departureDeadline(departure, targetKwh));
  return reason(`ev-${code}`, decided('ev', true, why));
}

export function idleChargeReason(home: boolean, storedKwh: number, capacityKwh: number, departure: number | undefined): Reason {
  const no = (code: string, en: string, ja: string): Reason => reason(code, decided('ev', false, { text: en, textJa: ja }));
  if (!home) return no('ev-away', 'the car is away', '車が出かけています');
  if (storedKwh >= capacityKwh - 0.05) return no('ev-full', 'the car is full', '車は満充電です');
  const by = (l: Lang): string => (departure === undefined ? '' : l === 'ja' ? `${clock(departure)}の出発までに` : ` before ${clock(departure)}`);
  return no('ev-waiting', `cheaper or surplus half-hours come${by('en')}`, `${by('ja')}もっと安い時間帯か余剰電力のある時間帯があります`);
}

/** The battery left to its own self-consumption (also what the planner says of a lone hold it drops). */
export function batteryIdleReason(): Reason {
  return { code: 'battery-idle', text: 'battery on self-consumption: nothing planned in this half-hour', textJa: '蓄電池は自家消費運転：この30分の予定はありません' };
}

export function batteryReason(command: 'charge' | 'discharge' | 'standby' | 'auto', slot: Slot, chargedKwh: number, dischargedKwh: number, dearest: number): Reason {
  if (command === 'charge') {
    return reason(
      'battery-cheap-grid',
      say((l) =>
        l === 'ja'
          ? `蓄電池を充電します：余剰電力が足りない見込みのため、${yen(slot.buyYen, l)}で買電して充電し、最大${yen(dearest, l)}の時間帯に使います`
          : `charging the battery from the grid at ${yen(slot.buyYen)} to use it at up to ${yen(dearest)}, as too little surplus is forecast`,
      ),
    );
  }
  if (command === 'standby') {
    return reason(
      'battery-hold',
      say((l) =>
        l === 'ja'
          ? `蓄電池を待機させます：今（${yen(slot.buyYen, l)}）より後（最大${yen(dearest, l)}）に使う方が得です`
          : `holding the battery: its energy saves more later (up to ${yen(dearest)}) than now (${yen(slot.buyYen)})`,
      ),
    );
  }
  if (chargedKwh > 1e-3) {
    return reason(
      'battery-surplus',
      say((l) =>
        l === 'ja'
          ? `蓄電池を充電します：予測される余剰電力${kwh(chargedKwh)}を${yen(slot.sellYen, l)}で売電する代わりに充電します`
          : `charging the battery from ${kwh(chargedKwh)} forecast solar surplus instead of selling at ${yen(slot.sellYen)}`,
      ),
    );
  }
  if (dischargedKwh > 1e-3) {
    return reason('battery-cover', say((l) => (l === 'ja' ? `蓄電池を放電します：${yen(slot.buyYen, l)}の買電を避けるため` : `discharging the battery to avoid buying at ${yen(slot.buyYen)}`)));
  }
  return batteryIdleReason();
}

/** A hot-water reserve the plan cannot keep (the worst gap and when). */
export function hotWaterShortReason(gapKwh: number, at: number): Reason {
  return reason(
    'hot-water-short',
    say((l) =>
      l === 'ja'
        ? `入れられる沸き上げをすべて入れても、${clock(at)}にお湯の残量が予備量を${kwh(gapKwh)}下回る見込みです：できるだけ沸き増しします`
        : `the tank is forecast to fall ${kwh(gapKwh)} below its reserve at ${clock(at)} even with every heating the plan can fit: heating as much as possible`,
    ),
  );
}

/** A departure target the car cannot reach in the time it is home. */
export function evShortReason(reachKwh: number, targetKwh: number): Reason {
  return reason(
    'ev-short',
    say((l) =>
      l === 'ja'
        ? `出発までに目標${kwh(targetKwh)}のうち${kwh(reachKwh)}までしか充電できません：時間内でできるだけ充電します`
        : `the car can reach only ${kwh(reachKwh)} of its ${kwh(targetKwh)} target before it leaves: charging as much as the time allows`,
    ),
  );
}

/** The solver gave no plan: the safe fallback's reason. */
export function solverFailedReason(): Reason {
  return {
    code: 'solver-failed',
    text: 'the optimiser gave no plan: devices run on their own timers and the car charges now to be safe',
    textJa: '最適化で計画を作れませんでした：機器はそれぞれのタイマーで動き、EVは念のため今すぐ充電します',
  };
}
