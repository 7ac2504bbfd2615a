/**
 * Today's 48 half-hours as an inline SVG: bought above the zero line, sold below it, generation as an
 * area and consumption as a line. Back-filled half-hours are hatched and missing ones greyed, so a gap
 * the meter filled in never passes for a live recording.
 */
import { s } from './dom.js';
import { fmt, t } from './i18n.js';

const LEFT = 36;
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 22;

/**
 * @param {{start: number, consumedKwh: number|null, generatedKwh: number|null, boughtKwh: number|null, soldKwh: number|null, mark: string}[]} slots
 * @param {number} widthPx the space it has: drawn 1:1, so labels keep their size from phone to desktop
 */
export function todayChart(slots, widthPx) {
  const W = Math.max(320, Math.round(widthPx || 720));
  const H = W < 600 ? 220 : 260;
  const SLOT_W = (W - LEFT - RIGHT) / 48;
  const up = Math.max(0.1, ...slots.flatMap((x) => [x.consumedKwh ?? 0, x.generatedKwh ?? 0, x.boughtKwh ?? 0]));
  const down = Math.max(0, ...slots.map((x) => x.soldKwh ?? 0));
  const scale = (H - TOP - BOTTOM) / (up + down);
  const zero = TOP + up * scale;
  const x = (i) => LEFT + i * SLOT_W;
  const y = (kwh) => zero - kwh * scale;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'eh-chart', role: 'img', 'aria-label': t('chartTitle') });
  svg.append(
    s('defs', {}, s('pattern', { id: 'eh-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, s('rect', { width: 6, height: 6, class: 'eh-hatch-bg' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'eh-hatch-line' }))),
  );

  // background marks first, so the data draws over them
  slots.forEach((slot, i) => {
    if (slot.mark === 'backfill' || slot.mark === 'missing') {
      svg.append(s('rect', { x: x(i), y: TOP, width: SLOT_W, height: H - TOP - BOTTOM, class: `eh-mark-${slot.mark}`, 'data-mark': slot.mark, 'data-slot': i }));
    }
  });

  for (const kwh of ticks(up, down)) {
    svg.append(s('line', { x1: LEFT, x2: W - RIGHT, y1: y(kwh), y2: y(kwh), class: kwh === 0 ? 'eh-axis' : 'eh-grid' }));
    svg.append(s('text', { x: LEFT - 4, y: y(kwh) + 4, class: 'eh-tick', 'text-anchor': 'end' }, String(Math.abs(kwh))));
  }
  for (let hour = 0; hour <= 24; hour += 3) {
    svg.append(s('text', { x: x(hour * 2), y: H - 6, class: 'eh-tick', 'text-anchor': 'middle' }, String(hour)));
  }

  slots.forEach((slot, i) => {
    const g = s('g', { class: 'eh-slot', 'data-slot': i });
    if (slot.boughtKwh) g.append(s('rect', { x: x(i) + 1, y: y(slot.boughtKwh), width: SLOT_W - 2, height: slot.boughtKwh * scale, class: 'eh-bought' }));
    if (slot.soldKwh) g.append(s('rect', { x: x(i) + 1, y: zero, width: SLOT_W - 2, height: slot.soldKwh * scale, class: 'eh-sold' }));
    g.append(s('title', {}, tooltip(slot)));
    // an invisible full-height target so the tooltip works on thin or empty bars
    g.append(s('rect', { x: x(i), y: TOP, width: SLOT_W, height: H - TOP - BOTTOM, class: 'eh-hit' }));
    svg.append(g);
  });

  const cx = (i) => x(i) + SLOT_W / 2;
  svg.append(s('path', { d: area(slots, (v) => v.generatedKwh, cx, y, zero), class: 'eh-generation' }));
  svg.append(s('path', { d: line(slots, (v) => v.consumedKwh, cx, y), class: 'eh-consumption' }));
  return svg;
}

function tooltip(slot) {
  const when = `${fmt.time(slot.start)}–${fmt.time(slot.start + 1_800_000)}`;
  if (slot.mark === 'future') return when;
  if (slot.mark === 'missing') return `${when}\n${t('missing')}`;
  const lines = [when, `${t('consumption')} ${fmt.kwh(slot.consumedKwh)}`, `${t('generation')} ${fmt.kwh(slot.generatedKwh)}`, `${t('bought')} ${fmt.kwh(slot.boughtKwh)}`, `${t('sold')} ${fmt.kwh(slot.soldKwh)}`];
  if (slot.mark === 'backfill') lines.push(t('backfilled'));
  return lines.join('\n');
}

/** Round steps of 0.5 / 1 / 2 ... kWh, a handful on each side of zero. */
function ticks(up, down) {
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10].find((st) => (up + down) / st <= 6) ?? 20;
  const out = [];
  for (let v = 0; v <= up + 1e-9; v += step) out.push(Math.round(v * 10) / 10);
  for (let v = step; v <= down + 1e-9; v += step) out.push(-Math.round(v * 10) / 10);
  return out;
}

/** A polyline through the slots (x gives a slot's centre); a slot without a value breaks it. */
function line(slots, get, x, y) {
  let d = '';
  let pen = false;
  slots.forEach((slot, i) => {
    const v = get(slot);
    if (v === null || v === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** The same closed down to the zero line, per unbroken run. */
function area(slots, get, x, y, zero) {
  let d = '';
  let run = [];
  const flush = () => {
    if (run.length > 0) {
      const [first] = run;
      const last = run[run.length - 1];
      d += `M${first[0].toFixed(1)},${zero.toFixed(1)}${run.map(([px, py]) => `L${px.toFixed(1)},${py.toFixed(1)}`).join('')}L${last[0].toFixed(1)},${zero.toFixed(1)}Z`;
    }
    run = [];
  };
  slots.forEach((slot, i) => {
    const v = get(slot);
    if (v === null || v === undefined) return flush();
    run.push([x(i), y(v)]);
  });
  flush();
  return d;
}
