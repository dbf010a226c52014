/**
 * The walker's `macro_rules!` expander: definitions enter a textual scope as the walker meets
 * them; a call to a visible definition is expanded (macros/expand.ts), and the expansion's tokens
 * are parsed as items by the same extractor as files, so that `mod`, `#[path]`, `#[cfg]`,
 * `include*!` and further macro calls in it are found. A call it cannot expand (a macro of
 * another crate, no matching arm, an ambiguous definition) is left to the walker's conservative
 * handling.
 */
import type { FileFacts, Item } from '../facts.js';
import type { LocalMacros, MacroCall, MacroDefinition } from '../local-macros.js';
import { defineMacro, expandCall } from './expand.js';
import { MacroScope, type MacroDef } from './scope.js';
import { mayHoldFacts } from '../hints.js';

/**
 * Whether a definition's rules may produce a module file, an include or a `#[path]`: any `mod`
 * followed by what can be a module's name (an identifier, `r#`, or a `$` fragment or repetition,
 * after spaces or comments) other than an inline-module opener (`mod name {`, `mod $name {`), any
 * `include*!`, any `path =`. A `mod` followed by anything else names no module: syn's
 * `Token![mod]` rule (`[mod] => { $crate::token::Mod }`) made every syn file be parsed with its
 * calls. An inline module's items come from the same rules and the call's tokens, which the
 * prefilter (hints.ts mayHoldFacts) already looks at in the calling file.
 */
export const MAY_NAME_FILES =
  /\bmod\b(?=(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*(?:[A-Za-z_$]|r#))(?!\s+(?:r#)?\$?[A-Za-z_][A-Za-z0-9_]*\s*\{)|\binclude(?:_str|_bytes)?\s*!|\bpath\s*=/;

/** Expansions per crate walk, against macros that multiply (a call expanding to two calls of itself). */
export const MAX_EXPANSIONS = 20_000;

export class MacroExpander implements LocalMacros {
  private scope: MacroScope;
  private readonly saved: MacroScope[] = [];
  private expansions = 0;
  private productive: boolean;
  /** Some expansion was left unparsed while no macro in scope could name a file. */
  skipped = false;
  /** Names of calls no visible definition matched (a second walk may find an exported one). */
  readonly unresolved = new Set<string>();
  /** Why the last call of each name was not expanded (for the walker's reason). */
  private readonly failures = new Map<string, string>();

  constructor(
    /** Parses expanded text as items (the store's extractor). */
    private readonly parse: (text: string) => FileFacts,
    exported: MacroDef[] = [],
    /** Read calls in every file from the start (a second walk, after the first found such macros). */
    wantCalls = false,
  ) {
    this.productive = wantCalls;
    this.scope = MacroScope.root();
    this.scope.seedExported(exported);
  }

  exportedDefs(): MacroDef[] {
    return this.scope.exportedDefs();
  }

  wantsCalls(): boolean {
    return this.productive;
  }

  define(def: MacroDefinition, file: string, uncertain: string | undefined): void {
    if (def.rules === undefined) return;
    if (MAY_NAME_FILES.test(def.rules)) this.productive = true;
    const exported = def.attrs.some((a) => a.tokens[0]?.kind === 'ident' && a.tokens[0].text === 'macro_export');
    const d = defineMacro(def.name, def.rules, file, def.line, exported);
    const prev = this.scope.lookup(def.name);
    if (uncertain !== undefined && prev && prev.key !== d.key) {
      // Two definitions, and which one rustc sees depends on something unknown: expand neither.
      this.scope.define({ ...d, rules: { error: `it has several definitions, and which one applies is unknown (${uncertain})` } });
      return;
    }
    this.scope.define(d);
  }

  enterModule(macroUse: boolean): void {
    this.saved.push(this.scope);
    if (!macroUse) this.scope = this.scope.child();
  }

  leaveModule(): void {
    this.scope = this.saved.pop() ?? this.scope;
  }

  whyNot(call: MacroCall): string | undefined {
    return this.failures.get(call.name);
  }

  expand(call: MacroCall): Item[] | undefined {
    this.failures.delete(call.name);
    if (call.args === undefined) return undefined;
    const def = this.scope.lookup(call.path ?? call.name);
    if (!def) {
      this.unresolved.add(call.name);
      return undefined;
    }
    if (++this.expansions > MAX_EXPANSIONS) {
      this.failures.set(call.name, `more than ${MAX_EXPANSIONS} macro expansions in this crate`);
      return undefined;
    }
    const r = expandCall(def, call.args);
    if (!r.ok) {
      this.failures.set(call.name, r.reason);
      return undefined;
    }
    // While no macro in scope can name a file, an expansion that cannot hold a fact (by the
    // files' prefilter) holds nothing the walk needs: it is not parsed. Should such a macro be
    // defined later, the crate is walked again with calls read from the start (resolve.ts).
    if (!this.productive && !expansionMayHoldFacts(r.text)) {
      this.skipped = true;
      return [];
    }
    // Every unit of a crate expands the same calls: their items are parsed once.
    const key = `${call.line}\0${r.text}`;
    let items = parsedExpansions.get(key);
    if (!items) {
      // Inner attributes in an expansion (`#![…]`) are not items: rustc rejects them there.
      items = reline(this.parse(r.text).items, call.line);
      if (parsedExpansions.size >= 4096) parsedExpansions.delete(parsedExpansions.keys().next().value!);
      parsedExpansions.set(key, items);
    }
    return items;
  }
}

/** mayHoldFacts of expansions, by text: every unit of a crate expands the same calls. */
const factsHint = new Map<string, boolean>();

function expansionMayHoldFacts(text: string): boolean {
  let may = factsHint.get(text);
  if (may === undefined) {
    may = mayHoldFacts(text);
    if (factsHint.size >= 4096) factsHint.delete(factsHint.keys().next().value!);
    factsHint.set(text, may);
  }
  return may;
}

/** Items of expansions by call line and expanded text (the walker never modifies items). */
const parsedExpansions = new Map<string, Item[]>();

/** Items of an expansion carry the line of the call they came from. */
function reline(items: Item[], line: number): Item[] {
  return items.map((it): Item => {
    const attrs = it.attrs.map((a) => ({ ...a, line }));
    switch (it.kind) {
      case 'mod':
        return it.inline ? { ...it, line, attrs, innerAttrs: it.innerAttrs.map((a) => ({ ...a, line })), body: reline(it.body, line) } : { ...it, line, attrs };
      case 'gated':
      case 'macro':
        return { ...it, line, attrs, body: reline(it.body, line) } as Item;
      case 'cfg-if':
        return { ...it, line, attrs, branches: it.branches.map((b) => ({ ...b, body: reline(b.body, line) })) };
      case 'include':
      case 'proc-call':
      case 'proc-attrs':
        return { ...it, line, attrs };
    }
  });
}
