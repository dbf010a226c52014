/**
 * Calls of macros defined in the workspace (`macro_rules!`), as the crate walker sees them: a
 * `LocalMacros` turns a call into the items it produces, or says it cannot. The walker tells it
 * where definitions and module boundaries are, in source order, so that it can scope macros as
 * rustc does (see macros/scope.ts). The expander is macros/expander.ts.
 */
import type { Item } from './facts.js';

export type MacroCall = Item & { kind: 'macro'; definition: false };
export type MacroDefinition = Item & { kind: 'macro'; definition: true };

export interface LocalMacros {
  /** The items `call` expands to, as if written where it is called; undefined when not expanded. */
  expand(call: MacroCall): Item[] | undefined;
  /**
   * True once a macro in scope can expand to a module or an include: the walker then reads item
   * calls also from files the prefilter would leave unparsed.
   */
  wantsCalls(): boolean;
  /** Why `call` was not expanded, when a local definition was found for it. */
  whyNot(call: MacroCall): string | undefined;
  /** A `macro_rules!` definition, in source order. `uncertain`: it may not be compiled (and why). */
  define(def: MacroDefinition, file: string, uncertain: string | undefined): void;
  /** Entering a module (`#[macro_use]` lets its definitions out when it ends). */
  enterModule(macroUse: boolean): void;
  leaveModule(): void;
}

/** Expands nothing: every call is walked as an unexpanded token tree. */
export const NO_LOCAL_MACROS: LocalMacros = {
  expand: () => undefined,
  whyNot: () => undefined,
  wantsCalls: () => false,
  define: () => undefined,
  enterModule: () => undefined,
  leaveModule: () => undefined,
};

/** Names of every `macro_rules!` defined in `items` (and the bodies they nest), added to `out`. */
export function definedMacroNames(items: Item[], out: Set<string>): void {
  for (const item of items) {
    switch (item.kind) {
      case 'macro':
        if (item.definition) out.add(item.name);
        definedMacroNames(item.body, out);
        break;
      case 'mod':
        if (item.inline) definedMacroNames(item.body, out);
        break;
      case 'gated':
        definedMacroNames(item.body, out);
        break;
      case 'cfg-if':
        for (const b of item.branches) definedMacroNames(b.body, out);
        break;
      default:
        break;
    }
  }
}

/** What may separate the tokens of `macro_rules! name`: spaces and (unnested) comments. */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*`;

/**
 * A text test for files that may define a `macro_rules!` of one of `names`: true on every such
 * definition (unless a nested comment sits inside `macro_rules! name`), and possibly on others
 * (in comments and strings). Parsing decides; a file it rejects need not be parsed to know that
 * it defines none of them.
 */
export function definitionOf(names: readonly string[]): RegExp {
  const alternatives = names.map((n) => n.replace(/^r#/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`\\bmacro_rules${GAP}!${GAP}(?:r#)?(?:${alternatives})(?![A-Za-z0-9_])`);
}
