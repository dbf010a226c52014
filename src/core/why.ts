/**
 * Why a file belongs to its units: for each unit that reads it, the chain of declarations from
 * the crate root down to it (each with the cfg that guarded it); for units that do not, the
 * declaration a false cfg switched off; for a file nothing declares, where a declaration would go.
 *
 * Units are walked again with a tracer (scan/trace.ts) the first time they are asked about; the
 * trace is kept until the unit is resolved anew or a file only the trace looked at changes.
 */
import { basename, dirname, join } from 'node:path';
import type { Unit } from './cargo/units.js';
import type { IndexedUnit, UnitIndex } from './index.js';
import { isInside } from './paths.js';
import { resolveCrate } from './scan/resolve.js';
import { CrateTrace, type TraceStep } from './scan/trace.js';

/** One declaration on the way from a crate root to a file. Paths are absolute. */
export interface WhyStep {
  file: string;
  line: number;
  via: string;
  cfg: string | null;
  value: true | 'unknown';
  /** Why the value is unknown. */
  reason?: string;
}

export interface WhyUnit {
  unit: string;
  status: 'read' | 'uncertain';
  /** From the crate root down to the file's own declaration; [] when the file is the crate root. */
  chain: WhyStep[];
}

export interface WhyNotRead {
  unit: string;
  /** The declaration that would bring the file in. */
  file: string;
  line: number;
  via: string;
  /** The cfg that is false for this unit. */
  cfg: string;
  value: false;
}

/** Where a declaration for an undeclared file would go: each step declares the next module. */
export interface DeclareStep {
  /** The file that would hold the declaration. */
  file: string;
  declaration: string;
  /** False when the file does not exist yet (it would have to be created). */
  exists: boolean;
}

export interface WhyAnswer {
  file: string;
  units: WhyUnit[];
  notRead: WhyNotRead[];
  /** Only when no unit reads the file and no declaration of it is switched off. */
  declareIn?: DeclareStep[];
}

interface KeptTrace {
  trace: CrateTrace;
  /** What the trace saw of paths the unit's own resolution did not probe: `n` no file, else the content hash. */
  extra: Map<string, string>;
}

export class WhyIndex {
  private readonly traces = new WeakMap<IndexedUnit, KeptTrace>();

  constructor(readonly index: UnitIndex) {}

  /** Keeps `trace`, made by the walk that resolved `e` (IndexOptions.tracer), as that unit's. */
  adopt(e: IndexedUnit, trace: CrateTrace): void {
    this.traces.set(e, { trace, extra: new Map() });
  }

  /**
   * An IndexOptions.tracer that traces the units `explain(abs)` will ask about first (those
   * of the packages holding `abs`), for `adoptAll` once the index is open.
   */
  static tracerFor(abs: string): { tracer: (u: Unit) => CrateTrace | undefined; traces: Map<string, CrateTrace> } {
    const traces = new Map<string, CrateTrace>();
    return {
      traces,
      tracer: (u) => {
        if (!isInside(u.package.dir, abs)) return undefined;
        const t = new CrateTrace();
        traces.set(u.id, t);
        return t;
      },
    };
  }

  adoptAll(traces: Map<string, CrateTrace>): void {
    for (const [id, t] of traces) {
      const e = this.index.unit(id);
      if (e) this.adopt(e, t);
    }
  }

  /** Whether the trace of `unitId` is kept and still true (so a chain costs no walk). */
  hasTrace(unitId: string): boolean {
    const e = this.index.unit(unitId);
    const kept = e && this.traces.get(e);
    return !!kept && this.stillTrue(kept);
  }

  /** The trace of a unit's walk, walked now if not kept or no longer true. */
  traceOf(e: IndexedUnit): CrateTrace {
    const kept = this.traces.get(e);
    if (kept && this.stillTrue(kept)) return kept.trace;
    const trace = new CrateTrace();
    const r = resolveCrate(this.index.crateInput(e.unit), this.index.store, trace);
    const extra = new Map<string, string>();
    for (const p of r.probed) if (!e.probed.has(p)) extra.set(p, this.stateOf(p));
    this.traces.set(e, { trace, extra });
    return trace;
  }

  private stateOf(abs: string): string {
    const store = this.index.store;
    return store.isFile(abs) ? (store.read(abs)?.hash ?? 'n') : 'n';
  }

  private stillTrue(kept: KeptTrace): boolean {
    for (const [p, state] of kept.extra) if (this.stateOf(p) !== state) return false;
    return true;
  }

  /** The shortest chain by which `unitId` reads `abs` (undefined when it does not). */
  chainOf(abs: string, unitId: string): WhyStep[] | undefined {
    const e = this.index.unit(unitId);
    if (!e || !this.index.unitsOf(abs).includes(e)) return undefined;
    return this.chain(e, abs);
  }

  private chain(e: IndexedUnit, abs: string): WhyStep[] {
    const steps = this.traceOf(e).chain(abs, e.unit.target.path) ?? [];
    const lines = new Map<string, string[]>();
    return steps.map((s) => this.step(s, lines));
  }

  /** Explains `abs` for every unit, or only for `unitId`. */
  explain(abs: string, unitId?: string): WhyAnswer {
    const wanted = (id: string) => unitId === undefined || id === unitId;
    const readers = this.index.unitsOf(abs).filter((e) => wanted(e.unit.id));
    const units: WhyUnit[] = readers.map((e) => ({
      unit: e.unit.id,
      status: e.uncertain.some((u) => u.file === abs) ? 'uncertain' : 'read',
      chain: this.chain(e, abs),
    }));
    const reading = new Set(readers.map((e) => e.unit.id));
    const notRead: WhyNotRead[] = [];
    const lines = new Map<string, string[]>();
    for (const e of this.candidates(abs)) {
      if (reading.has(e.unit.id) || !wanted(e.unit.id) || this.index.unitsOf(abs).includes(e)) continue;
      const off = this.traceOf(e).switchedOff.get(abs)?.[0];
      if (!off) continue;
      const s = this.step(off, lines);
      notRead.push({ unit: e.unit.id, file: s.file, line: s.line, via: s.via, cfg: off.cfg ?? 'false', value: false });
    }
    const answer: WhyAnswer = { file: abs, units, notRead };
    if (units.length === 0 && notRead.length === 0 && this.index.unitsOf(abs).length === 0) answer.declareIn = this.declareIn(abs);
    return answer;
  }

  /** Units that may declare `abs` under other cfgs: those of the package (deepest directory) holding it. */
  private candidates(abs: string): IndexedUnit[] {
    let best: string | undefined;
    for (const m of this.index.workspace.members) {
      if (isInside(m.dir, abs) && (best === undefined || m.dir.length > best.length)) best = m.dir;
    }
    return best === undefined ? [] : this.index.entries.filter((e) => e.unit.package.dir === best);
  }

  /** A trace step as shown: `mod x` gains the visibility written on its line (`pub mod x`). */
  private step(s: TraceStep, lines: Map<string, string[]>): WhyStep {
    let via = s.via;
    const m = /(^|\] )mod ((?:r#)?[A-Za-z_][A-Za-z0-9_]*)$/.exec(via);
    if (m) {
      let text = lines.get(s.from);
      if (!text) lines.set(s.from, (text = (this.index.store.read(s.from)?.text ?? '').split('\n')));
      const name = m[2]!;
      const line = text[s.line - 1] ?? '';
      const vis = new RegExp(`\\b(pub(?:\\s*\\([^)]*\\))?)\\s+mod\\s+(?:r#)?${name.replace(/^r#/, '')}\\b`).exec(line);
      if (vis) via = `${via.slice(0, m.index + m[1]!.length)}${vis[1]!.replace(/\s+/g, '')} mod ${name}`;
    }
    const out: WhyStep = { file: s.from, line: s.line, via, cfg: s.cfg, value: s.value === 'unknown' ? 'unknown' : true };
    if (s.value === 'unknown' && s.reason) out.reason = s.reason;
    return out;
  }

  /**
   * Where `mod name;` would go for a file nothing declares, by the module path rules: for
   * `src/foo/bar.rs`, in `src/foo.rs` or `src/foo/mod.rs` (whichever exists and is read), or
   * in a crate root of `src/`; when none exists, `src/foo.rs` is to be created and `mod foo;`
   * declared one level up, and so on up to the package directory.
   */
  private declareIn(abs: string): DeclareStep[] | undefined {
    let pkg: string | undefined;
    for (const m of this.index.workspace.members) if (isInside(m.dir, abs) && (pkg === undefined || m.dir.length > pkg.length)) pkg = m.dir;
    if (pkg === undefined) return undefined;
    const steps: DeclareStep[] = [];
    let file = abs;
    for (let depth = 0; depth < 64; depth++) {
      const isModRs = basename(file) === 'mod.rs';
      const dir = isModRs ? dirname(dirname(file)) : dirname(file);
      const stem = isModRs ? basename(dirname(file)) : basename(file).replace(/\.rs$/, '');
      if (!isInside(pkg, dir)) return steps.length > 0 ? steps : undefined;
      const decl = declaration(stem, isModRs ? `${stem}/mod.rs` : basename(file));
      const store = this.index.store;
      // Crate roots in `dir` (src/lib.rs, src/main.rs, tests/x.rs…), then `dir.rs` and `dir/mod.rs`.
      const roots = this.index.entries.filter((e) => dirname(e.unit.target.path) === dir && e.unit.target.path !== file).map((e) => e.unit.target.path);
      const parents = [...new Set(roots), `${dir}.rs`, join(dir, 'mod.rs')].filter((p) => p !== file && store.isFile(p));
      const read = parents.find((p) => this.index.unitsOf(p).length > 0) ?? parents[0];
      if (read) {
        steps.unshift({ file: read, declaration: decl, exists: true });
        return steps;
      }
      if (dir === pkg) return steps.length > 0 ? steps : undefined;
      // No parent module: `dir.rs` would have to be created and declared in its own parent.
      steps.unshift({ file: `${dir}.rs`, declaration: decl, exists: false });
      file = `${dir}.rs`;
    }
    return steps;
  }
}

/** `mod name;`, or with `#[path]` when the file name is not an identifier (`si-table.rs`). */
function declaration(stem: string, fileName: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(stem)) return `mod ${stem};`;
  return `#[path = ${JSON.stringify(fileName)}] mod ${stem.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_')};`;
}
