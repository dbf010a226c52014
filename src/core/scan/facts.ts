/**
 * Per-file facts: what a Rust source file says about the files rustc reads for it.
 * Facts are context-free (they do not depend on features or target), so they can be cached by
 * content hash and evaluated per unit later (see resolve.ts).
 */
import type { TokenTree } from '../syntax/tokens.js';

/** One attribute that may matter: `cfg`, `cfg_attr`, `path`, or an attribute whose value calls a macro. */
export interface Attr {
  /** Tokens inside `#[` … `]` (or `#![` … `]`). */
  tokens: TokenTree[];
  line: number;
}

export type IncludeMacro = 'include' | 'include_str' | 'include_bytes';

export type Item =
  /** `mod name;` or `mod name { … }`. */
  | { kind: 'mod'; name: string; line: number; attrs: Attr[]; inline: false }
  | { kind: 'mod'; name: string; line: number; attrs: Attr[]; inline: true; innerAttrs: Attr[]; body: Item[] }
  /** `include!(…)`, `include_str!(…)`, `include_bytes!(…)`: `args` are the tokens inside the parentheses. */
  | { kind: 'include'; macro: IncludeMacro; args: TokenTree[]; line: number; attrs: Attr[]; via?: string }
  /** Any other item or statement that has attributes and contains facts: its cfg gates them. */
  | { kind: 'gated'; line: number; attrs: Attr[]; body: Item[] }
  /** `cfg_if! { if #[cfg(a)] { … } else if #[cfg(b)] { … } else { … } }`: `cond` undefined for `else`. */
  | { kind: 'cfg-if'; line: number; attrs: Attr[]; branches: { cond: TokenTree[] | undefined; body: Item[] }[] }
  /** Items found inside a macro call (or a `macro_rules!` body) that cargo-units does not expand. */
  | {
      kind: 'macro';
      name: string;
      line: number;
      attrs: Attr[];
      definition: boolean;
      body: Item[];
      /** For a definition: the token tree after `macro_rules! name` (its rules), for the expander. */
      rules?: string;
      /** For a call: its delimited token tree (`{ pub mod a; }`), and the macro's path when not a bare name (`crate::m`). */
      args?: string;
      path?: string;
    }
  | ProcItem;

/** One attribute of an item that may be a proc-macro's input: its path and the tokens after it. */
export interface ProcAttr {
  /** The attribute's path as written (`grammar`, `template`, `sqlx::test`). */
  name: string;
  /** Tokens after the path: `= "x.pest"`, or one `(…)` group. */
  args: TokenTree[];
  line: number;
}

/** What proc-macros may read files from (see proc-macros.ts). */
export type ProcItem =
  /** A macro call `path!(…)` that may come from a proc-macro crate, with a string literal among its arguments. */
  | { kind: 'proc-call'; line: number; attrs: Attr[]; macro: string; args: TokenTree[] }
  /**
   * An item with derives or attributes that may come from proc-macro crates, and string literals
   * in them: `#[derive(Parser)] #[grammar = "g.pest"]`, `#[template(path = "x.html")]`.
   * `inputs` holds every such attribute of the item, and those with a string literal inside its body.
   */
  | { kind: 'proc-attrs'; line: number; attrs: Attr[]; derives: string[]; inputs: ProcAttr[] };

export interface FileFacts {
  /** Inner attributes of the file (`#![cfg(...)]`, `#![doc = include_str!(...)]`). */
  innerAttrs: Attr[];
  items: Item[];
  /** 1-based lines where the parser found syntax errors. */
  syntaxErrors: number[];
  /**
   * After a syntax error, the first delimiter the tokenizer never saw closed: the items after it
   * may be inside it, so the declarations found after it are uncertain.
   */
  unclosedDelimiter?: { line: number; delimiter: '(' | '[' | '{' };
  /** Set when the file is not valid UTF-8 (it was decoded with replacement characters). */
  invalidUtf8?: boolean;
  /**
   * Set on the facts of a text the prefilter leaves unparsed (hints.ts mayHoldFacts), parsed after
   * all for its macro calls (sources.ts factsWithCalls).
   */
  prefiltered?: true;
  /**
   * Set on the facts the prefilter gives a text it leaves unparsed when the text holds
   * `macro_rules`: it may define a macro (sources.ts macroDefiningText).
   */
  macroRules?: true;
}
