/**
 * Tokens as the macro engine sees them: the tokenizer's trees without offsets, with one extra bit
 * per punctuation mark (`joint`: the next token is punctuation that follows it without a space), so
 * that `->`, `..=` or `::<` survive a round trip through text.
 */
import { tokenize, type Delimiter, type TokenTree } from '../../syntax/tokens.js';

export type MTok =
  { k: 'ident'; text: string } | { k: 'punct'; text: string; joint: boolean } | { k: 'lit'; text: string } | { k: 'group'; delim: Delimiter; children: MTok[] };

const CLOSE: Record<Delimiter, string> = { '(': ')', '[': ']', '{': '}' };

/** Converts one source's token trees (offsets from the same text). */
export function fromTrees(trees: TokenTree[]): MTok[] {
  const out: MTok[] = [];
  for (let i = 0; i < trees.length; i++) {
    const t = trees[i]!;
    switch (t.kind) {
      case 'ident':
        out.push({ k: 'ident', text: t.text });
        break;
      case 'literal':
        out.push({ k: 'lit', text: t.text });
        break;
      case 'punct': {
        const next = trees[i + 1];
        out.push({ k: 'punct', text: t.text, joint: next?.kind === 'punct' && next.offset === t.offset + t.text.length });
        break;
      }
      case 'group':
        out.push({ k: 'group', delim: t.delimiter, children: fromTrees(t.children) });
        break;
    }
  }
  return out;
}

export function lex(text: string): MTok[] {
  return fromTrees(tokenize(text));
}

/** Source text for the tokens: what the tree-sitter parser reads back. `$crate` becomes `crate`. */
export function render(toks: MTok[]): string {
  const parts: string[] = [];
  const emit = (ts: MTok[]): void => {
    for (const t of ts) {
      switch (t.k) {
        case 'group':
          parts.push(t.delim);
          emit(t.children);
          parts.push(CLOSE[t.delim], ' ');
          break;
        case 'punct':
          parts.push(t.text, t.joint ? '' : ' ');
          break;
        case 'ident':
          parts.push(t.text === '$crate' ? 'crate' : t.text, ' ');
          break;
        case 'lit':
          parts.push(t.text, ' ');
          break;
      }
    }
  };
  emit(toks);
  return parts.join('');
}

export function isPunct(t: MTok | undefined, text: string): boolean {
  return t?.k === 'punct' && t.text === text;
}

export function isIdent(t: MTok | undefined, text?: string): t is MTok & { k: 'ident' } {
  return t?.k === 'ident' && (text === undefined || t.text === text);
}

/** Like isIdent with a text, without narrowing the token's type (a false answer says nothing about its kind). */
export function isWord(t: MTok | undefined, text: string): boolean {
  return t?.k === 'ident' && t.text === text;
}

/** Token equality as the matcher needs it (spacing ignored). */
export function sameToken(a: MTok, b: MTok): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 'group' && b.k === 'group') {
    return a.delim === b.delim && a.children.length === b.children.length && a.children.every((c, i) => sameToken(c, b.children[i]!));
  }
  return (a as { text: string }).text === (b as { text: string }).text;
}
