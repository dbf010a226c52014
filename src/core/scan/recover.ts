/**
 * Recovery after a syntax error: tree-sitter-rust rejects some valid code (`str![[r#"…"#]]`: `str`
 * is a primitive type to it), and its error recovery may drop what follows. The project's tokenizer
 * never fails, so it cuts the file into items at token-tree level; extract.ts then parses each item
 * on its own, so that no error can swallow the items after it.
 */
import type { TokenTree } from '../syntax/tokens.js';

type Group = TokenTree & { kind: 'group' };

export interface ItemChunk {
  /** Offsets of the item's text (attributes included) in the tokenized text. */
  start: number;
  end: number;
  /** The item's tokens. */
  tokens: TokenTree[];
  /** For `… mod name { … }`: the name and the body group. */
  mod?: { name: string; body: Group };
}

/** Keywords after which an item ends with its `{ … }` group (otherwise it ends at `;`). */
const BRACE_ITEMS = new Set(['fn', 'struct', 'enum', 'union', 'trait', 'impl', 'mod', 'macro_rules']);
/** Keywords of items that end at `;` even when they hold a `{ … }` group. */
const SEMI_ITEMS = new Set(['use', 'const', 'static', 'type', 'let']);
/** Modifiers that may precede an item's keyword. */
const MODIFIERS = new Set(['pub', 'unsafe', 'async', 'default', 'auto', 'safe']);

function isPunct(t: TokenTree | undefined, text: string): boolean {
  return t?.kind === 'punct' && t.text === text;
}

function endOf(t: TokenTree): number {
  return t.kind === 'group' ? t.end : t.offset + t.text.length;
}

/** Cuts a sequence of items (a file, or the body of an inline module) into one chunk per item. */
export function itemChunks(tokens: TokenTree[]): ItemChunk[] {
  const chunks: ItemChunk[] = [];
  let i = 0;
  while (i < tokens.length) {
    const start = i;
    // Inner attribute `#![…]`: a chunk of its own.
    if (isPunct(tokens[i], '#') && isPunct(tokens[i + 1], '!') && tokens[i + 2]?.kind === 'group') {
      i += 3;
      chunks.push(chunk(tokens, start, i));
      continue;
    }
    // Outer attributes.
    while (isPunct(tokens[i], '#') && tokens[i + 1]?.kind === 'group') i += 2;
    const head = headOf(tokens, i);
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (isPunct(t, ';')) {
        i++;
        break;
      }
      if (t.kind === 'group' && t.delimiter === '{' && head.endsAtBrace && i > start) {
        i++;
        break;
      }
    }
    if (i === start) i++; // never loop on an empty chunk
    const c = chunk(tokens, start, i);
    if (head.modName !== undefined) {
      const body = c.tokens[c.tokens.length - 1];
      if (body?.kind === 'group' && body.delimiter === '{') c.mod = { name: head.modName, body };
    }
    chunks.push(c);
  }
  return chunks;
}

function chunk(tokens: TokenTree[], from: number, to: number): ItemChunk {
  const ts = tokens.slice(from, to);
  return { start: ts[0]!.offset, end: endOf(ts[ts.length - 1]!), tokens: ts };
}

/** What the item starting at `i` (after its attributes) is: whether it ends with a brace group, its module name. */
function headOf(tokens: TokenTree[], i: number): { endsAtBrace: boolean; modName?: string } {
  let j = i;
  for (;;) {
    const t = tokens[j];
    if (t?.kind !== 'ident') break;
    if (t.text === 'pub' && tokens[j + 1]?.kind === 'group' && (tokens[j + 1] as Group).delimiter === '(') j += 2;
    else if (MODIFIERS.has(t.text)) j++;
    else if (t.text === 'const' && tokens[j + 1]?.kind === 'ident' && ['fn', 'unsafe', 'async', 'extern'].includes((tokens[j + 1] as { text: string }).text))
      j++;
    else if (t.text === 'extern' && tokens[j + 1]?.kind === 'literal') j += 2;
    else break;
  }
  const kw = tokens[j];
  if (kw?.kind !== 'ident') return { endsAtBrace: false };
  if (kw.text === 'mod') {
    const name = tokens[j + 1];
    return { endsAtBrace: true, ...(name?.kind === 'ident' ? { modName: name.text } : {}) };
  }
  if (BRACE_ITEMS.has(kw.text)) return { endsAtBrace: true };
  if (kw.text === 'extern') return { endsAtBrace: !(tokens[j + 1]?.kind === 'ident' && (tokens[j + 1] as { text: string }).text === 'crate') };
  if (SEMI_ITEMS.has(kw.text)) return { endsAtBrace: false };
  // A macro call `path::name! { … }` ends with its braces; `name!(…);` at its `;`.
  let k = j;
  while (tokens[k]?.kind === 'ident' && isPunct(tokens[k + 1], '::')) k += 2;
  if (tokens[k]?.kind === 'ident' && isPunct(tokens[k + 1], '!')) {
    const g = tokens[k + 2]?.kind === 'ident' ? tokens[k + 3] : tokens[k + 2]; // `macro_rules! name { … }` shape too
    return { endsAtBrace: g?.kind === 'group' && g.delimiter === '{' };
  }
  return { endsAtBrace: true };
}

/** The first group in `tokens` (recursively) that is never closed, or undefined when all are balanced. */
export function firstUnclosed(tokens: TokenTree[]): Group | undefined {
  for (const t of tokens) {
    if (t.kind !== 'group') continue;
    if (!t.closed) return t;
    const inner = firstUnclosed(t.children);
    if (inner) return inner;
  }
  return undefined;
}
