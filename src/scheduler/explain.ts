/**
 * Every decision is said in words with its numbers, in English and Japanese: "why isn't it charging?"
 * is the question users of solar-following chargers ask most. The number formats live here so gates,
 * planner and UI print the same 2.4 kWh / 8.5 yen / 10:00.
 */
import { jstTime } from './calendar.js';

export type Lang = 'en' | 'ja';
export type DeviceKind = 'ecocute' | 'battery' | 'ev';

/**
 * A sentence in both languages. The status, MQTT and the dashboard carry both (the dashboard has its own
 * language toggle); the log says the one the settings' `language` chooses.
 */
export interface Said {
  readonly text: string;
  readonly textJa: string;
}

/** The sentence in `lang`; a source that has no Japanese yet falls back to its English. */
export function inLang(s: { readonly text: string; readonly textJa?: string }, lang: Lang): string {
  return lang === 'ja' ? (s.textJa ?? s.text) : s.text;
}

/** Both languages of a sentence with the same numbers: say((l) => `${yen(8.5, l)}`). */
export function say(sentence: (lang: Lang) => string): Said {
  return { text: sentence('en'), textJa: sentence('ja') };
}

/** What the device does when solar runs it, as a verb: "heating" / "charging the battery" / "charging EV". */
const ACTIONS: Readonly<Record<DeviceKind, { readonly on: Record<Lang, string>; readonly off: Record<Lang, string> }>> = {
  ecocute: { on: { en: 'heating', ja: 'エコキュートを沸き増しします' }, off: { en: 'not heating', ja: 'エコキュートを沸き増ししません' } },
  battery: { on: { en: 'charging the battery', ja: '蓄電池を充電します' }, off: { en: 'not charging the battery', ja: '蓄電池を充電しません' } },
  ev: { on: { en: 'charging EV', ja: 'EVを充電します' }, off: { en: 'not charging EV', ja: 'EVを充電しません' } },
};

/** The device as a homeowner names it: the executor's steps and the log lines start with it. */
const NAMES: Readonly<Record<DeviceKind, Record<Lang, string>>> = {
  ecocute: { en: 'EcoCute', ja: 'エコキュート' },
  battery: { en: 'battery', ja: '蓄電池' },
  ev: { en: 'EV charger', ja: 'EV充電器' },
};

export function deviceName(device: DeviceKind, lang: Lang): string {
  return NAMES[device][lang];
}

/** "heating: <why>" / "エコキュートを沸き増しします：<why>": a decision with its reason, in both languages. */
export function decided(device: DeviceKind, on: boolean, why: Said): Said {
  const a = ACTIONS[device][on ? 'on' : 'off'];
  return { text: `${a.en}: ${why.text}`, textJa: `${a.ja}：${why.textJa}` };
}

/** One decimal, as every quantity in an explanation is printed: 2.4. */
export function num(x: number): string {
  // Avoid "-0.0" for tiny negatives from floating point.
  const r = Math.round(x * 10) / 10;
  return (Object.is(r, -0) ? 0 : r).toFixed(1);
}

/** Energy with one decimal: 2.4 kWh. */
export function kwh(x: number): string {
  return `${num(x)} kWh`;
}

/** Unit price with one decimal: 8.5 yen (円 in Japanese). */
export function yen(x: number, lang: Lang = 'en'): string {
  return lang === 'ja' ? `${num(x)}円` : `${num(x)} yen`;
}

/** A sum of money in whole yen, as a plan's totals are printed: 123 yen / 123円. */
export function wholeYen(x: number, lang: Lang = 'en'): string {
  const r = Math.round(x);
  const n = Object.is(r, -0) ? 0 : r;
  return lang === 'ja' ? `${n}円` : `${n} yen`;
}

/** Local 'HH:MM' (JST) of an instant. */
export function clock(t: number): string {
  const minutes = Math.round(jstTime(t).minuteOfDay);
  return `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** 'HH:MM-HH:MM' for [start, end); an end at midnight prints as 24:00. */
export function timeWindow(start: number, end: number, lang: Lang = 'en'): string {
  const endClock = clock(end) === '00:00' && end > start ? '24:00' : clock(end);
  return `${clock(start)}${lang === 'ja' ? '〜' : '-'}${endClock}`;
}

export interface RunReason {
  readonly device: DeviceKind;
  readonly surplusKwh: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** What selling the surplus would earn per kWh. */
  readonly sellYen: number;
  /** What the energy would otherwise cost per kWh (usually night power bought for the same job). */
  readonly alternativeYen: number;
  /** Name of the alternative for the sentence: 'night power' / '夜間電力'. */
  readonly alternative?: { readonly en: string; readonly ja: string };
}

/** "charging EV because 2.4 kWh surplus is forecast 10:00-14:00 and selling earns 8.5 yen while night power costs 27.9 yen" */
export function explainRun(r: RunReason, lang: Lang = 'en'): string {
  const alt = r.alternative ?? { en: 'night power', ja: '夜間電力' };
  const window = timeWindow(r.windowStart, r.windowEnd, lang);
  if (lang === 'ja') {
    return `${ACTIONS[r.device].on.ja}：${window}に${kwh(r.surplusKwh)}の余剰が予測され、売電は${yen(r.sellYen, 'ja')}、${alt.ja}は${yen(r.alternativeYen, 'ja')}のため`;
  }
  return `${ACTIONS[r.device].on.en} because ${kwh(r.surplusKwh)} surplus is forecast ${window} and selling earns ${yen(r.sellYen)} while ${alt.en} costs ${yen(r.alternativeYen)}`;
}

export interface GateLike {
  readonly passed: boolean;
  readonly message: string;
  readonly messageJa: string;
}

/**
 * "not heating: surplus 0.2 kWh < need 1.0 + 0.3 kWh" - the first failed check is the reason; the
 * others follow after a semicolon so nothing is hidden. undefined when every check passed.
 */
export function explainBlocked(device: DeviceKind, gates: readonly GateLike[], lang: Lang = 'en'): string | undefined {
  const failed = gates.filter((g) => !g.passed);
  if (failed.length === 0) return undefined;
  const reasons = failed.map((g) => (lang === 'ja' ? g.messageJa : g.message));
  return lang === 'ja' ? `${ACTIONS[device].off.ja}：${reasons.join('、')}` : `${ACTIONS[device].off.en}: ${reasons.join('; ')}`;
}
