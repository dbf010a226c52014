/**
 * Tokens as the macro engine sees them: the tokenizer's trees without offsets, with one extra bit
 * per punctuation mark (`joint`: the next token is punctuation that follows it without a space), so
 * that `->`, `..=` or `::<` survive a round trip through text.
 */
import { Lexer, LEX_END, LEX_IDENT, LEX_LITERAL, LEX_OPEN, LEX_PUNCT, type Delimiter } from '../../syntax/tokens.js';

export type MTok =
  { k: 'ident'; text: string } | { k: 'punct'; text: string; joint: boolean } | { k: 'lit'; text: string } | { k: 'group'; delim: Delimiter; children: MTok[] };

const CLOSE: Record<Delimiter, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * The tokens of `text`, as tokenize() would read them (unclosed groups end at the end, stray
 * closers are skipped), built directly: a punctuation mark is joint when the next token of the same
 * group is punctuation that starts where it ends.
 */
export function lex(text: string): MTok[] {
  const lx = new Lexer(text, false);
  const top: MTok[] = [];
  const stack: { delim: Delimiter; out: MTok[] }[] = [];
  let out = top;
  let lastPunct: (MTok & { k: 'punct' }) | undefined;
  let lastPunctEnd = -1;
  for (;;) {
    const kind = lx.next();
    if (kind === LEX_END) return top;
    if (kind === LEX_PUNCT) {
      if (lastPunct && lastPunctEnd === lx.start) lastPunct.joint = true;
      lastPunct = { k: 'punct', text: lx.punct, joint: false };
      lastPunctEnd = lx.pos;
      out.push(lastPunct);
      continue;
    }
    lastPunct = undefined;
    if (kind === LEX_IDENT) out.push({ k: 'ident', text: text.slice(lx.start, lx.pos) });
    else if (kind === LEX_LITERAL) out.push({ k: 'lit', text: text.slice(lx.start, lx.pos) });
    else if (kind === LEX_OPEN) {
      const group: MTok = { k: 'group', delim: text[lx.start] as Delimiter, children: [] };
      out.push(group);
      stack.push({ delim: group.delim, out });
      out = group.children;
    } else {
      const frame = stack[stack.length - 1];
      if (frame && CLOSE[frame.delim] === text[lx.start]) {
        stack.pop();
        out = frame.out;
      }
      // a stray or mismatched closer is skipped
    }
  }
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
