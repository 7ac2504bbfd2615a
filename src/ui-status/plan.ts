/** The scheduler service's status as the dashboard shows it: today's plan as windows, gates, warnings. */
import { HALF_HOUR_MS } from '../scheduler/calendar.js';
import type { DeviceGates } from '../scheduler/gates.js';
import type { SchedulerStatus as ServiceStatus } from '../scheduler/service.js';
import type { Reason, SlotDecision } from '../scheduler/planner/types.js';
import { SLOTS_PER_DAY } from './energy.js';

/** One run of the same decision for one device, e.g. EcoCute heat 10:00-12:30 and why. */
interface PlanWindow {
  readonly device: 'ecocute' | 'battery' | 'ev';
  readonly from: number;
  readonly to: number;
  /** 'heat' | 'charge' | 'discharge' | 'standby' | 'auto' | 'idle'. */
  readonly action: string;
  readonly reason: Reason;
}

/** Something the homeowner should know, in English and (when the source has it) Japanese. */
export interface StatusWarning {
  readonly code: string;
  readonly text: string;
  readonly textJa?: string;
}

/** The scheduler service's status, reduced to what the dashboard shows. */
export interface SchedulerStatus {
  /** The "AI solar charge" switch. */
  readonly enabled: boolean;
  readonly mode: string;
  readonly plannedAt: number | null;
  readonly planStatus: string | null;
  /** The plan in one sentence, as the service words it, in English and Japanese. */
  readonly summary: string | null;
  readonly summaryJa: string | null;
  /** Today's windows in time order (idle runs of a device are left out), from the slots the service shares. */
  readonly plan: readonly PlanWindow[];
  readonly shortfalls: readonly Reason[];
  readonly gates: readonly DeviceGates[];
  /** Per device, the last thing done or why not. */
  readonly steps: readonly { readonly identity: string; readonly role: string; readonly code: string; readonly text: string; readonly textJa: string }[];
}

export function schedulerStatus(s: ServiceStatus, dayStart: number): SchedulerStatus {
  return {
    enabled: s.enabled,
    mode: s.mode,
    plannedAt: s.plan?.createdAt ?? null,
    planStatus: s.plan?.status ?? null,
    summary: s.plan?.text ?? null,
    summaryJa: s.plan?.textJa ?? null,
    plan: s.plan ? planWindows(s.plan.next, dayStart, dayStart + SLOTS_PER_DAY * HALF_HOUR_MS) : [],
    shortfalls: s.plan?.shortfalls ?? [],
    gates: s.gates,
    steps: s.devices.map((d) => ({ identity: d.identity, role: d.role, code: d.code, text: d.text, textJa: d.textJa })),
  };
}

/** What the homeowner should know from the scheduler: a stale or missing forecast, a weather warning in force. */
export function schedulerWarnings(s: ServiceStatus): StatusWarning[] {
  const out: StatusWarning[] = [];
  if (s.forecast.status !== 'fresh') out.push({ code: `forecast-${s.forecast.status}`, text: s.forecast.message, textJa: s.forecast.messageJa });
  if (s.warning.active) out.push({ code: 'weather-warning', text: s.warning.message, textJa: s.warning.messageJa });
  return out;
}

/** Runs of consecutive half-hours with the same action per device, within [from, to), idle runs dropped. */
function planWindows(decisions: readonly SlotDecision[], from: number, to: number): PlanWindow[] {
  const windows: PlanWindow[] = [];
  const open = new Map<PlanWindow['device'], { from: number; to: number; action: string; reason: Reason }>();
  const close = (device: PlanWindow['device']) => {
    const w = open.get(device);
    if (w && w.action !== 'idle') windows.push({ device, ...w });
    open.delete(device);
  };
  for (const d of decisions) {
    if (d.start < from || d.start >= to) continue;
    const actions: [PlanWindow['device'], string, Reason][] = [];
    if (d.ecocute) actions.push(['ecocute', d.ecocute.heat ? 'heat' : 'idle', d.ecocute.reason]);
    if (d.battery) actions.push(['battery', d.battery.command, d.battery.reason]);
    if (d.ev) actions.push(['ev', d.ev.kw > 0 ? 'charge' : 'idle', d.ev.reason]);
    for (const [device, action, reason] of actions) {
      const w = open.get(device);
      if (w && w.action === action && w.to === d.start) {
        w.to = d.start + HALF_HOUR_MS;
        continue;
      }
      close(device);
      open.set(device, { from: d.start, to: d.start + HALF_HOUR_MS, action, reason });
    }
  }
  for (const device of [...open.keys()]) close(device);
  return windows.sort((a, b) => a.from - b.from || a.device.localeCompare(b.device));
}

