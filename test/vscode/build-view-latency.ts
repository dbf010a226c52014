/**
 * Matching build events to what the Build view shows (scripts/bench-build-view.ts): every event that
 * sets a unit's row (plan, start, phase, done, substituted, skipped, a unit's failed) becomes the
 * row state it should produce, and its latency is the time from the event until the view's DOM
 * shows that state, or a state a later event of the same unit produced (the view may skip a state
 * that lasted a few milliseconds). Pure: tested on hand-made timelines.
 */
import type { BuildEvent } from '../../src/protocol/build-events.js';

/** A Build view row as the page observer records it. */
export interface ViewRow {
  label: string;
  /** The class list of the row's icon (`codicon codicon-pass`…). */
  icon: string;
  description: string;
}

/** The Build view's rows at time `t` (Date.now() in the page). */
export interface ViewSnapshot {
  t: number;
  rows: ViewRow[];
}

export interface StampedEvent {
  /** Date.now() when the CLI wrote it. */
  t: number;
  event: BuildEvent;
}

export interface Expectation {
  t: number;
  type: BuildEvent['type'];
  unit: string;
  /** The rows this unit may appear as (its label; its id until the labels are loaded). */
  names: string[];
  /** Whether a row shows the state this event sets. */
  shows: (r: ViewRow) => boolean;
}

const icon = (...names: string[]) => (r: ViewRow) => names.some((n) => new RegExp(`\\bcodicon-${n}\\b`).test(r.icon));

/** The row state each row-setting event should produce, in event order. */
export function expectations(events: StampedEvent[], labelOf: (unit: string) => string): Expectation[] {
  const out: Expectation[] = [];
  const add = (t: number, type: BuildEvent['type'], unit: string, shows: (r: ViewRow) => boolean) =>
    out.push({ t, type, unit, names: [labelOf(unit), unit], shows });
  for (const { t, event: e } of events) {
    switch (e.type) {
      case 'plan':
        for (const u of [...e.build, ...e.substitute]) add(t, e.type, u, icon('circle-outline'));
        for (const u of e.cached) add(t, e.type, u, icon('database'));
        break;
      case 'start':
        add(t, e.type, e.unit, icon('sync'));
        break;
      case 'phase':
        add(t, e.type, e.unit, (r) => icon('sync')(r) && r.description.startsWith(e.phase));
        break;
      case 'done':
        add(t, e.type, e.unit, icon('pass'));
        break;
      case 'substituted':
        add(t, e.type, e.unit, icon('database'));
        break;
      case 'skipped':
        add(t, e.type, e.unit, icon('debug-step-over', 'circle-slash'));
        break;
      case 'failed':
        if (e.unit !== null) add(t, e.type, e.unit, / not built: /.test(e.message) ? icon('debug-step-over', 'circle-slash') : icon('error'));
        break;
      default:
        // log, diagnostic and finished set no row of their own.
        break;
    }
  }
  return out;
}

export interface Latency {
  type: BuildEvent['type'];
  unit: string;
  /** ms from the event until its state (or a later one of the unit) was in the DOM; undefined: never. */
  ms: number | undefined;
  /** Shown only as a later event's state. */
  superseded: boolean;
}

/**
 * For each expectation: the first time at or after the event when the unit's row shows that state
 * or the state of one of the unit's later events. The view's state between two snapshots is the
 * earlier snapshot's, so a state already on screen when the event is written counts as 0 ms.
 */
export function latencies(exps: Expectation[], snapshots: ViewSnapshot[]): Latency[] {
  const snaps = [...snapshots].sort((a, b) => a.t - b.t);
  const byUnit = new Map<string, Expectation[]>();
  for (const x of exps) byUnit.set(x.unit, [...(byUnit.get(x.unit) ?? []), x]);
  return exps.map((x) => {
    const own = byUnit.get(x.unit)!;
    const later = own.slice(own.indexOf(x));
    const rowOf = (s: ViewSnapshot) => s.rows.find((r) => x.names.includes(r.label));
    // The snapshot in effect when the event was written, then every later one.
    let i = snaps.findLastIndex((s) => s.t <= x.t);
    if (i < 0) i = 0;
    for (; i < snaps.length; i++) {
      const row = rowOf(snaps[i]!);
      if (!row) continue;
      const k = later.findIndex((y) => y.shows(row));
      if (k >= 0) return { type: x.type, unit: x.unit, ms: Math.max(0, snaps[i]!.t - x.t), superseded: k > 0 };
    }
    return { type: x.type, unit: x.unit, ms: undefined, superseded: false };
  });
}

export interface Summary {
  events: number;
  p50: number;
  p95: number;
  max: number;
  /** Events whose state never appeared. */
  missing: number;
  superseded: number;
}

/** Nearest-rank percentiles over the measured latencies. */
export function summarize(ls: Latency[]): Summary {
  const ms = ls.flatMap((l) => (l.ms === undefined ? [] : [l.ms])).sort((a, b) => a - b);
  const rank = (p: number) => (ms.length === 0 ? NaN : ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)]!);
  return {
    events: ls.length,
    p50: rank(50),
    p95: rank(95),
    max: ms.length === 0 ? NaN : ms[ms.length - 1]!,
    missing: ls.filter((l) => l.ms === undefined).length,
    superseded: ls.filter((l) => l.superseded).length,
  };
}
