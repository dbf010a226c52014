/**
 * rustc's textual scope for `macro_rules!`: a definition is visible after it, in the same module
 * and in modules declared after it; it leaves its module only through `#[macro_use]` on the
 * module. `#[macro_export]` also puts it at the crate root, where `crate::name!` and
 * `$crate::name!` find it from anywhere.
 */
import type { Rule } from './rules.js';

export interface MacroDef {
  name: string;
  /** The parsed arms, or why they could not be parsed. */
  rules: Rule[] | { error: string };
  file: string;
  line: number;
  exported: boolean;
  /** Identity of the definition's text (for memoising expansions). */
  key: string;
}

export class MacroScope {
  private readonly defs = new Map<string, MacroDef>();

  private constructor(
    private readonly parent: MacroScope | undefined,
    /** `#[macro_export]` definitions of the crate, shared by every scope. */
    private readonly exported: Map<string, MacroDef>,
  ) {}

  static root(): MacroScope {
    return new MacroScope(undefined, new Map());
  }

  /** The scope of a module declared here without `#[macro_use]`: sees ours, adds to its own. */
  child(): MacroScope {
    return new MacroScope(this, this.exported);
  }

  define(def: MacroDef): void {
    this.defs.set(def.name, def);
    if (def.exported) this.exported.set(def.name, def);
  }

  /**
   * The macro a call names. A bare `name!` looks in the textual scope, then among exported
   * macros (reachable through `use crate::name`). `crate::name!` / `$crate::name!` look among
   * exported macros only; other paths name macros of other crates or modules: undefined.
   */
  lookup(path: string): MacroDef | undefined {
    const parts = path
      .split('::')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const name = parts[parts.length - 1];
    if (name === undefined) return undefined;
    if (parts.length === 1) {
      for (let s = this as MacroScope | undefined; s; s = s.parent) {
        const d = s.defs.get(name);
        if (d) return d;
      }
      return this.exported.get(name);
    }
    if (parts.length === 2 && (parts[0] === 'crate' || parts[0] === '$crate')) return this.exported.get(name);
    return undefined;
  }

  /** Every exported definition seen so far. */
  exportedDefs(): MacroDef[] {
    return [...this.exported.values()];
  }

  /** Seeds exported definitions found by an earlier walk (for `crate::name!` before the definition in text). */
  seedExported(defs: Iterable<MacroDef>): void {
    for (const d of defs) if (!this.exported.has(d.name)) this.exported.set(d.name, d);
  }
}
