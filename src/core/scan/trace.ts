/**
 * Why a crate walk reached each file: the walker's optional trace hook (resolve.ts `WalkTracer`)
 * and the one implementation, which keeps one parent link per file (the shortest certain chain)
 * instead of whole chains. Chains are put together on query (core/why.ts).
 *
 * The index never traces: a walk with a tracer runs only when someone asks why.
 */

/** One declaration: where it is, what it says, and the cfg that guarded it inside its file. */
export interface TraceStep {
  /** Absolute path of the declaring file. */
  from: string;
  /** 1-based line of the declaration. */
  line: number;
  /** `mod engine`, `#[path = "x.rs"] mod x`, `include_str!("../README.md")`. */
  via: string;
  /** The cfg predicates on the declaration and its enclosing items in `from` (null: none). */
  cfg: string | null;
  /** `true`: certainly compiled; `unknown` (with `reason`); `false`: switched off (only in `wouldRead`). */
  value: true | 'unknown' | false;
  reason?: string;
}

/** Local cfg state of a position inside one file (reset at each file). */
export interface Guard {
  cfg: string[];
  /** Why the position may not be compiled, counting only guards inside this file. */
  why: string | undefined;
}

export const NO_GUARD: Guard = { cfg: [], why: undefined };

export function pushGuard(g: Guard | undefined, cfg: string | undefined, why: string | undefined): Guard {
  const base = g ?? NO_GUARD;
  if (cfg === undefined && (why === undefined || base.why !== undefined)) return base;
  return { cfg: cfg === undefined ? base.cfg : [...base.cfg, cfg], why: base.why ?? why };
}

export function guardCfg(g: Guard | undefined): string | null {
  if (!g || g.cfg.length === 0) return null;
  return g.cfg.length === 1 ? g.cfg[0]! : `all(${g.cfg.join(', ')})`;
}

/** What the walker tells a tracer. */
export interface WalkTracer {
  /**
   * `file` was reached at module depth `depth` through `step` (value true or unknown);
   * `certain`: every step from the root down was certain.
   */
  reached(file: string, step: TraceStep, depth: number, certain: boolean): void;
  /** `file` would be read if the false cfg `step.cfg` held. */
  wouldRead(file: string, step: TraceStep): void;
  /** A second walk of the same crate starts (local macros expanded): forget the first. */
  reset(): void;
}

export interface ParentLink {
  step: TraceStep;
  depth: number;
  certain: boolean;
}

/** Parent links of one unit's walk: per file, the best declaration that reached it. */
export class CrateTrace implements WalkTracer {
  /** File → the declaration that reached it: certain before uncertain, then shallowest. */
  readonly parents = new Map<string, ParentLink>();
  /** File → the declarations that would have read it under other cfgs (first few). */
  readonly switchedOff = new Map<string, TraceStep[]>();

  reached(file: string, step: TraceStep, depth: number, certain: boolean): void {
    const old = this.parents.get(file);
    if (old && !(certain !== old.certain ? certain : depth < old.depth)) return;
    this.parents.set(file, { step, depth, certain });
  }

  wouldRead(file: string, step: TraceStep): void {
    let list = this.switchedOff.get(file);
    if (!list) this.switchedOff.set(file, (list = []));
    if (list.length < 8 && !list.some((s) => s.from === step.from && s.line === step.line)) list.push(step);
  }

  reset(): void {
    this.parents.clear();
    this.switchedOff.clear();
  }

  /**
   * The steps from the crate root down to `file`'s own declaration; [] for the root itself,
   * undefined when the walk did not reach `file`. Parent links only point at files reached
   * earlier and shallower, so following them ends at the root.
   */
  chain(file: string, root: string): TraceStep[] | undefined {
    if (file === root) return [];
    const out: TraceStep[] = [];
    const seen = new Set<string>();
    for (let f = file; f !== root;) {
      const link = this.parents.get(f);
      if (!link || seen.has(f)) return undefined;
      seen.add(f);
      out.push(link.step);
      f = link.step.from;
    }
    return out.reverse();
  }
}
