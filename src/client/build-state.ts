/** The state of the current or last build of each workspace, folded from build progress. Pure. */
import type { BuildFailureReason } from '../protocol/build-events.js';
import type { BuildProgress } from '../protocol/lsp_ext.js';

/** `skipped`: the build failed before it got to the unit. */
export type UnitState = 'queued' | 'building' | 'built' | 'cached' | 'failed' | 'cancelled' | 'skipped';

export interface UnitRow {
  id: string;
  state: UnitState;
  /** Build time in seconds (from the `done` event, or measured while building). */
  seconds?: number;
  startedAt?: number;
  phase?: string;
  /** rustc's messages and the failure message. */
  messages: string[];
}

export type BuildStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BuildRun {
  workspace: string;
  build: number;
  status: BuildStatus;
  startedAt: number;
  seconds?: number;
  /** Units in plan order. */
  units: Map<string, UnitRow>;
  /** Build-level messages (a failure without a unit, a command that could not run). */
  messages: string[];
  /** Why the whole build failed, when it did: the build's `failed` event's reason, or the server's. */
  reason?: BuildFailureReason | 'spawn' | 'protocol' | 'internal';
}

export class BuildState {
  /** By workspace URI: the current or last build. */
  readonly runs = new Map<string, BuildRun>();

  /** Applies one progress message; returns the run it changed (undefined for a stale build). */
  apply(p: BuildProgress, now: number): BuildRun | undefined {
    let run = this.runs.get(p.workspace);
    if (p.kind === 'begin') {
      run = { workspace: p.workspace, build: p.build, status: 'running', startedAt: now, units: new Map(), messages: [] };
      for (const id of p.units) run.units.set(id, { id, state: 'queued', messages: [] });
      this.runs.set(p.workspace, run);
      return run;
    }
    if (!run || run.build !== p.build) return undefined;
    if (p.kind === 'end') {
      run.status = p.outcome;
      run.seconds = (now - run.startedAt) / 1000;
      if (p.message) run.messages.push(p.message);
      if (p.reason) run.reason ??= p.reason;
      for (const u of run.units.values()) {
        if (u.state === 'queued' || u.state === 'building') {
          u.state = p.outcome === 'succeeded' ? 'built' : p.outcome === 'cancelled' ? 'cancelled' : 'skipped';
          // The last phase no longer describes a unit that is not building.
          u.phase = undefined;
        }
      }
      return run;
    }
    if (p.kind === 'output') return run;
    const e = p.event;
    const row = (id: string): UnitRow => {
      let r = run.units.get(id);
      if (!r) run.units.set(id, (r = { id, state: 'queued', messages: [] }));
      return r;
    };
    switch (e.type) {
      case 'plan': {
        // The plan is what the build will do: exactly these units.
        const old = run.units;
        run.units = new Map();
        for (const id of e.build) run.units.set(id, { ...(old.get(id) ?? { id, messages: [] }), state: 'queued' });
        for (const id of e.cached) run.units.set(id, { ...(old.get(id) ?? { id, messages: [] }), state: 'cached' });
        break;
      }
      case 'start':
        Object.assign(row(e.unit), { state: 'building', startedAt: now, messages: [] });
        break;
      case 'phase':
        row(e.unit).phase = e.phase;
        break;
      case 'diagnostic':
        row(e.unit).messages.push(e.rendered.trimEnd() || `${e.level}: ${e.message}`);
        break;
      case 'done':
        Object.assign(row(e.unit), { state: 'built', seconds: e.seconds, phase: undefined });
        break;
      case 'failed':
        if (e.unit === null) {
          run.messages.push(e.message);
          if (e.reason) run.reason ??= e.reason;
        } else {
          const r = row(e.unit);
          r.state = 'failed';
          r.phase = undefined;
          if (r.startedAt !== undefined) r.seconds = (now - r.startedAt) / 1000;
          r.messages.push(e.message);
        }
        break;
      case 'finished':
        run.seconds = e.seconds;
        break;
      case 'log':
        break;
    }
    return run;
  }

  /** Units finished and to build, over the running builds (for "building n of m"). */
  progress(): { running: boolean; done: number; total: number; failed: boolean } {
    let done = 0;
    let total = 0;
    let running = false;
    let failed = false;
    for (const r of this.runs.values()) {
      if (r.status === 'failed') failed = true;
      if (r.status !== 'running') continue;
      running = true;
      for (const u of r.units.values()) {
        if (u.state === 'cached') continue;
        total++;
        if (u.state === 'built' || u.state === 'failed') done++;
      }
    }
    return { running, done, total, failed };
  }
}

/** `1.2 s`, `850 ms`, `2 min 5 s`. */
export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
