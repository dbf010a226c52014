/**
 * Calls of macros defined in the workspace (`macro_rules!`), as the crate walker sees them: a
 * `LocalMacros` turns a call into the items it produces, or says it cannot.
 *
 * Today's expander knows one shape exactly: a `macro_rules!` whose rules only wrap items in
 * attributes (`cfg_fs! { pub mod fs; }`, see extract.ts `itemWrapper`). A fuller expander plugs in
 * by implementing the same interface.
 */
import { renderTokens } from '../syntax/tokens.js';
import type { Attr, Item } from './facts.js';

export type MacroCall = Item & { kind: 'macro'; definition: false };

export interface LocalMacros {
  /** The items `call` expands to, as if written where it is called; undefined when not expanded. */
  expand(call: MacroCall): Item[] | undefined;
}

/** Expands nothing: every call is walked as an unexpanded token tree. */
export const NO_LOCAL_MACROS: LocalMacros = { expand: () => undefined };

/** Item-wrapping `macro_rules!` definitions found in the crate's files, by name. */
export class ItemWrappers implements LocalMacros {
  /** null when a name has conflicting definitions (then no call of it is expanded). */
  private readonly byName = new Map<string, Attr[] | null>();

  /** Collects the definitions in `items` (and in the bodies they nest). */
  add(items: Item[]): void {
    for (const item of items) {
      switch (item.kind) {
        case 'macro':
          if (item.definition) {
            const prev = this.byName.get(item.name);
            const attrs = item.wrapper ?? null;
            if (prev === undefined) this.byName.set(item.name, attrs);
            else if (prev === null || attrs === null || attrText(prev) !== attrText(attrs)) this.byName.set(item.name, null);
          }
          this.add(item.body);
          break;
        case 'mod':
          if (item.inline) this.add(item.body);
          break;
        case 'gated':
          this.add(item.body);
          break;
        case 'cfg-if':
          for (const b of item.branches) this.add(b.body);
          break;
        case 'include':
          break;
      }
    }
  }

  /** True when some name in `names` is a wrapper this expander will expand. */
  expandsAny(names: Iterable<string>): boolean {
    for (const n of names) if (this.byName.get(n)) return true;
    return false;
  }

  expand(call: MacroCall): Item[] | undefined {
    const wrapper = this.byName.get(call.name);
    if (!wrapper) return undefined;
    // Each item gets the macro's attributes, as rustc expands it.
    return call.body.map((b): Item => {
      const withAttrs = { ...b, attrs: [...wrapper, ...b.attrs] };
      if (withAttrs.kind === 'include') delete withAttrs.via;
      return withAttrs;
    });
  }
}

function attrText(attrs: Attr[]): string {
  return attrs.map((a) => renderTokens(a.tokens)).join('|');
}

/** Names of every `macro_rules!` defined in `items` (and the bodies they nest). */
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
