/**
 * The state of the current or last build of each workspace, folded from build progress: which
 * unit failed first and why, which were skipped because of it, and what stopped a whole build.
 * Pure, so it is tested without VS Code.
 */
import type { BuildFailureReason } from '../protocol/build-events.js';
import type { BuildProgress } from '../protocol/lsp_ext.js';

/** `skipped`: not built because a dependency failed (or the build failed before it got to the unit). */
export type UnitState = 'queued' | 'building' | 'built' | 'cached' | 'failed' | 'cancelled' | 'skipped';

export interface UnitError {
  /** `error[E0308]: mismatched types`. */
  title: string;
  /** Absolute file and 1-based line/column of the primary span, when rustc gave one. */
  file?: string;
  line?: number;
  column?: number;
  rendered: string;
}

export interface UnitRow {
  id: string;
  state: UnitState;
  /** Build time in seconds (from the `done` event, or measured while building). */
  seconds?: number;
  startedAt?: number;
  phase?: string;
  /** rustc's errors, in order. */
  errors: UnitError[];
  /** The failure's own words when rustc gave no error (a build script that panicked): the last lines of its log. */
  failure?: string;
  /** For a skipped unit: the failed units it depends on. */
  causes: string[];
  /** Order in which the unit failed (root causes first). */
  failedOrder?: number;
}

export type BuildStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Why a whole build stopped. */
export type BuildProblemReason = BuildFailureReason | 'spawn' | 'protocol' | 'command' | 'internal' | 'setting';

export interface BuildProblem {
  message: string;
  reason?: BuildProblemReason;
  /** The setting to open for this problem (without the `cargoUnits.` prefix). */
  setting?: string;
}

export interface BuildRun {
  workspace: string;
  build: number;
  status: BuildStatus;
  startedAt: number;
  seconds?: number;
  units: Map<string, UnitRow>;
  /** What stopped the whole build (Nix missing, a bad setting, missing sources…). */
  problem?: BuildProblem;
  /** Unit id → the unit ids it depends on, for naming the cause of a skip. */
  deps: Record<string, string[]>;
  /** Counts when the build finished. */
  result?: { built: number; cached: number; failed: number };
}

const ORDER: Record<UnitState, number> = { failed: 0, skipped: 1, building: 2, queued: 3, cancelled: 4, built: 5, cached: 6 };

export class BuildState {
  /** By workspace URI: the current or last build. */
  readonly runs = new Map<string, BuildRun>();
  /** Bumped on every change: views and the status bar say which state they show. */
  generation = 0;

  /** Applies one progress message; returns the run it changed (undefined for a stale build). */
  apply(p: BuildProgress, now: number): BuildRun | undefined {
    const run = this.fold(p, now);
    if (run) this.generation++;
    return run;
  }

  private fold(p: BuildProgress, now: number): BuildRun | undefined {
    let run = this.runs.get(p.workspace);
    if (p.kind === 'begin') {
      run = { workspace: p.workspace, build: p.build, status: 'running', startedAt: now, units: new Map(), deps: p.deps ?? {} };
      for (const id of p.units) run.units.set(id, newRow(id, 'queued'));
      this.runs.set(p.workspace, run);
      return run;
    }
    if (!run || run.build !== p.build) return undefined;
    if (p.kind === 'end') return end(run, p, now);
    if (p.kind === 'output') return undefined;
    const e = p.event;
    const row = (id: string): UnitRow => {
      let r = run.units.get(id);
      if (!r) run.units.set(id, (r = newRow(id, 'queued')));
      return r;
    };
    switch (e.type) {
      case 'plan': {
        // The plan is what the build will do: exactly these units.
        const old = run.units;
        run.units = new Map();
        for (const id of e.build) run.units.set(id, { ...(old.get(id) ?? newRow(id, 'queued')), state: 'queued' });
        for (const id of e.substitute) run.units.set(id, { ...(old.get(id) ?? newRow(id, 'queued')), state: 'queued' });
        for (const id of e.cached) run.units.set(id, { ...(old.get(id) ?? newRow(id, 'cached')), state: 'cached' });
        break;
      }
      case 'substituted':
        // Fetched from a binary cache: in the store without building.
        Object.assign(row(e.unit), { state: 'cached', phase: undefined });
        break;
      case 'skipped': {
        const r = row(e.unit);
        r.phase = undefined;
        if (/ not built: cancelled$/.test(e.message)) r.state = 'cancelled';
        else {
          r.state = 'skipped';
          r.causes = causesOf(run, e.unit);
        }
        break;
      }
      case 'start':
        Object.assign(row(e.unit), { state: 'building', startedAt: now, errors: [], failure: undefined, causes: [] });
        break;
      case 'phase':
        row(e.unit).phase = e.phase;
        break;
      case 'diagnostic':
        if (e.level === 'error' || e.level === 'error: internal compiler error') {
          row(e.unit).errors.push({
            title: `${e.level}${e.code ? `[${e.code}]` : ''}: ${e.message}`,
            file: e.file,
            line: e.range.line,
            column: e.range.column,
            rendered: e.rendered.trimEnd(),
          });
        }
        break;
      case 'done':
        Object.assign(row(e.unit), { state: 'built', seconds: e.seconds, phase: undefined });
        break;
      case 'failed': {
        if (e.unit === null) {
          if (e.reason !== 'cancelled') run.problem ??= { message: e.message, ...(e.reason ? { reason: e.reason } : {}), ...settingOf(e.reason) };
          break;
        }
        const r = row(e.unit);
        r.phase = undefined;
        if (/ not built: cancelled$/.test(e.message)) r.state = 'cancelled';
        else if (/ not built: a dependency failed$/.test(e.message)) {
          r.state = 'skipped';
          r.causes = causesOf(run, e.unit);
        } else {
          r.state = 'failed';
          r.failedOrder = [...run.units.values()].filter((u) => u.failedOrder !== undefined).length;
          if (r.startedAt !== undefined) r.seconds = (now - r.startedAt) / 1000;
          if (r.errors.length === 0)
            r.failure =
              e.message
                .split('\n')
                .slice(1)
                .filter((l) => l.trim() !== '')
                .slice(-8)
                .join('\n') || e.message;
        }
        break;
      }
      case 'finished':
        run.seconds = e.seconds;
        run.result = {
          built: e.built.filter((id) => !id.endsWith('#run')).length,
          cached: e.cached.length,
          failed: e.failed.filter((id) => run.units.get(id)?.state === 'failed').length,
        };
        break;
      case 'log':
        return undefined;
    }
    return run;
  }

  /** Units finished and to build, over the running builds (for "building n of m"). */
  progress(): { running: boolean; done: number; total: number } {
    let done = 0;
    let total = 0;
    let running = false;
    for (const r of this.runs.values()) {
      if (r.status !== 'running') continue;
      running = true;
      for (const u of r.units.values()) {
        if (u.state === 'cached') continue;
        total++;
        if (u.state !== 'queued' && u.state !== 'building') done++;
      }
    }
    return { running, done, total };
  }

  /** The most recent finished build (for the status bar's last result). */
  last(): BuildRun | undefined {
    let best: BuildRun | undefined;
    for (const r of this.runs.values()) if (r.status !== 'running' && (!best || r.startedAt >= best.startedAt)) best = r;
    return best;
  }
}

function newRow(id: string, state: UnitState): UnitRow {
  return { id, state, errors: [], causes: [] };
}

function end(run: BuildRun, p: Extract<BuildProgress, { kind: 'end' }>, now: number): BuildRun {
  run.status = p.outcome;
  run.seconds ??= (now - run.startedAt) / 1000;
  if (p.message && p.outcome !== 'cancelled')
    run.problem ??= { message: p.message, ...(p.reason ? { reason: p.reason } : {}), ...settingOf(p.reason, p.setting) };
  for (const u of run.units.values()) {
    if (u.state === 'queued' || u.state === 'building') {
      u.state = p.outcome === 'succeeded' ? 'built' : p.outcome === 'cancelled' ? 'cancelled' : 'skipped';
      // The last phase no longer describes a unit that is not building.
      u.phase = undefined;
    }
  }
  if (!run.result) {
    const states = [...run.units.values()].map((u) => u.state);
    run.result = {
      built: states.filter((s) => s === 'built').length,
      cached: states.filter((s) => s === 'cached').length,
      failed: states.filter((s) => s === 'failed').length,
    };
  }
  return run;
}

/** The setting a build-level problem points at. */
function settingOf(reason: BuildProblemReason | undefined, setting?: string): { setting?: string } {
  if (setting) return { setting };
  if (reason === 'nix-config') return { setting: 'nix.extraArgs' };
  if (reason === 'nix-missing') return { setting: 'nix.command' };
  return {};
}

/** The failed units among `id`'s dependencies (transitively), nearest first; a build script's run stands for the script. */
function causesOf(run: BuildRun, id: string): string[] {
  const failed = (u: string): string | undefined => {
    for (const x of [u, `${u}#run`]) if (run.units.get(x)?.state === 'failed') return x;
    return undefined;
  };
  const out: string[] = [];
  const seen = new Set<string>([id]);
  let frontier = run.deps[id.replace(/#run$/, '')] ?? [];
  if (id.endsWith('#run')) frontier = [id.slice(0, -4), ...frontier];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const d of frontier) {
      if (seen.has(d)) continue;
      seen.add(d);
      const f = failed(d);
      if (f) out.push(f);
      else next.push(...(run.deps[d] ?? []));
    }
    frontier = next;
  }
  return out;
}

/** Rows in the order a user reads them: the failed units (first failure first), then what they stopped, then the rest. */
export function orderedRows(run: BuildRun): UnitRow[] {
  return [...run.units.values()]
    .map((row, i) => ({ row, i }))
    .sort((a, b) => ORDER[a.row.state] - ORDER[b.row.state] || (a.row.failedOrder ?? 0) - (b.row.failedOrder ?? 0) || a.i - b.i)
    .map((x) => x.row);
}

/** `1.2 s`, `850 ms`, `2 min 5 s`. */
export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
