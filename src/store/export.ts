/**
 * The homeowner's data, out: a time range as CSV (the half-hourly energy, one row per half-hour, one
 * column per source: what a spreadsheet wants) or JSON (energy, device events and scheduler decisions).
 */
import type { History, EnergySlot } from './history.js';
import { HALF_HOUR_MS } from './history.js';

export type ExportFormat = 'csv' | 'json';

/** Grid and solar first, in the order a homeowner reads a bill; devices after, sorted. */
const LEADING = ['bought', 'sold', 'generated'];

export function sourcesOf(slots: readonly EnergySlot[]): string[] {
  const all = new Set<string>();
  for (const s of slots) for (const k of Object.keys(s.kwh)) all.add(k);
  const rest = [...all].filter((k) => !LEADING.includes(k)).sort();
  return [...LEADING.filter((k) => all.has(k)), ...rest];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A last column `grid_from` appears when the meter's counters gave some grid values: 'meter' (its fixed
 * half-hour values), 'backfill' (read back afterwards for a half-hour the plugin missed), empty for the
 * plugin's own readings.
 */
export function energyCsv(slots: readonly EnergySlot[]): string {
  const sources = sourcesOf(slots);
  const marked = slots.some((s) => s.grid !== undefined);
  const header = ['start', 'end', ...sources.map((s) => `${s}_kwh`), ...(marked ? ['grid_from'] : [])].map(csvField).join(',');
  const rows = slots.map((slot) =>
    [
      new Date(slot.start).toISOString(),
      new Date(slot.start + HALF_HOUR_MS).toISOString(),
      ...sources.map((s) => (slot.kwh[s] === undefined ? '' : String(slot.kwh[s]))),
      ...(marked ? [slot.grid ?? ''] : []),
    ]
      .map(csvField)
      .join(','),
  );
  return `${[header, ...rows].join('\r\n')}\r\n`;
}

export async function exportRange(history: History, from: number, to: number, format: ExportFormat): Promise<string> {
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) throw new RangeError('the export range must have a start before its end');
  const slots = await history.slots(from, to);
  if (format === 'csv') return energyCsv(slots);
  const [events, decisions] = [await history.events(from, to), await history.decisions(from, to)];
  const doc = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    energy: slots.map((s) => ({ start: new Date(s.start).toISOString(), kwh: s.kwh, ...(s.grid ? { gridFrom: s.grid } : {}) })),
    events: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    decisions: decisions.map((d) => ({ at: new Date(d.at).toISOString(), decision: d.decision })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
