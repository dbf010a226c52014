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
    };

export interface FileFacts {
  /** Inner attributes of the file (`#![cfg(...)]`, `#![doc = include_str!(...)]`). */
  innerAttrs: Attr[];
  items: Item[];
  /** 1-based lines where the parser found syntax errors. */
  syntaxErrors: number[];
  /** Set when the file is not valid UTF-8 (it was decoded with replacement characters). */
  invalidUtf8?: boolean;
}
