/**
 * A small Rust tokenizer that builds token trees, enough to read attributes (`cfg(...)`,
 * `cfg_attr(...)`, `path = "..."`) and macro arguments (`include_str!(concat!(...))`).
 * It never throws: unknown characters become punctuation, unclosed groups end at the input's end.
 */
import { skipBlockComment } from './comments.js';
import { decodeEscape } from './escapes.js';

export type Delimiter = '(' | '[' | '{';

export type TokenTree =
  | { kind: 'ident'; text: string; offset: number }
  | { kind: 'punct'; text: string; offset: number }
  /** `value` is the decoded string for string literals (normal, raw, byte); undefined for other literals. */
  | { kind: 'literal'; text: string; value?: string; offset: number }
  /** `end` is the offset after the closer (the input's length when unclosed). */
  | { kind: 'group'; delimiter: Delimiter; children: TokenTree[]; offset: number; end: number; closed: boolean };

const CLOSE: Record<Delimiter, string> = { '(': ')', '[': ']', '{': '}' };
/** Rust's whitespace (Pattern_White_Space), plus a byte-order mark. */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v', '\u0085', '\u200E', '\u200F', '\u2028', '\u2029', '\uFEFF']);

/** Tokenizes `text` into a forest of token trees. Offsets are UTF-16 indexes into `text`. */
export function tokenize(text: string): TokenTree[] {
  let i = 0;
  const n = text.length;

  function skipTrivia(): void {
    while (i < n) {
      const c = text[i] ?? '';
      if (WHITESPACE.has(c)) {
        i++;
      } else if (c === '/' && text[i + 1] === '/') {
        while (i < n && text[i] !== '\n') i++;
      } else if (c === '/' && text[i + 1] === '*') {
        i = skipBlockComment(text, i, n).next;
      } else {
        break;
      }
    }
  }

  function readString(start: number, quotePos: number, raw: number): TokenTree {
    // raw < 0: normal string with escapes; raw >= 0: raw string with that many '#'.
    i = quotePos + 1;
    let value = '';
    if (raw < 0) {
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) {
          const esc = decodeEscape(text, i);
          value += esc.value;
          i = esc.next;
        } else if (text[i] === '\r' && text[i + 1] === '\n') {
          value += '\n';
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
      i = Math.min(n, i + 1);
    } else {
      const terminator = '"' + '#'.repeat(raw);
      const end = text.indexOf(terminator, i);
      const stop = end < 0 ? n : end;
      value = text.slice(i, stop).replace(/\r\n/g, '\n');
      i = end < 0 ? n : end + terminator.length;
    }
    // literal suffix (rare), e.g. "abc"suffix
    while (i < n && /[\p{ID_Continue}]/u.test(text[i]!)) i++;
    return { kind: 'literal', text: text.slice(start, i), value, offset: start };
  }

  function readToken(): TokenTree | undefined {
    const start = i;
    const c = text[i]!;
    // Strings: "..", r"..", r#".."#, b"..", br"..", c"..", cr"..".
    const strMatch = /^(?:b|c)?r(#*)"|^(?:b|c)?"/.exec(text.slice(i, i + 260));
    if (strMatch) {
      const raw = strMatch[0].includes('r') ? (strMatch[1]?.length ?? 0) : -1;
      return readString(start, start + strMatch[0].length - 1, raw);
    }
    if (c === "'" || (c === 'b' && text[i + 1] === "'")) {
      if (c === 'b') i++;
      // char literal or lifetime
      const ch = /^'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F_]+\}|.)|[^\\'\n])'/u.exec(text.slice(i, i + 16));
      if (ch) {
        i += ch[0].length;
        return { kind: 'literal', text: text.slice(start, i), offset: start };
      }
      if (c === 'b') {
        i = start + 1;
        return { kind: 'ident', text: 'b', offset: start };
      }
      i++;
      while (i < n && /[\p{ID_Continue}]/u.test(text[i]!)) i++;
      return { kind: 'ident', text: text.slice(start, i), offset: start };
    }
    if (/[0-9]/.test(c)) {
      i++;
      while (i < n && /[0-9a-zA-Z_.]/.test(text[i]!)) {
        if (text[i] === '.' && (text[i + 1] === '.' || !/[0-9]/.test(text[i + 1] ?? ''))) break;
        i++;
      }
      return { kind: 'literal', text: text.slice(start, i), offset: start };
    }
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    if (/[\p{ID_Start}_]/u.test(cp) || (c === 'r' && text[i + 1] === '#')) {
      if (c === 'r' && text[i + 1] === '#') i += 2;
      else i += cp.length;
      for (;;) {
        if (i >= n) break;
        const next = String.fromCodePoint(text.codePointAt(i)!);
        if (!/[\p{ID_Continue}]/u.test(next)) break;
        i += next.length;
      }
      return { kind: 'ident', text: text.slice(start, i), offset: start };
    }
    // Multi-character punctuation that matters for parsing paths.
    if (c === ':' && text[i + 1] === ':') {
      i += 2;
      return { kind: 'punct', text: '::', offset: start };
    }
    if (c === '=' && text[i + 1] === '>') {
      i += 2;
      return { kind: 'punct', text: '=>', offset: start };
    }
    i += cp.length;
    return { kind: 'punct', text: cp, offset: start };
  }

  // Iterative, so that deeply nested input cannot overflow the stack.
  function readForest(): TokenTree[] {
    const top: TokenTree[] = [];
    const stack: { group: TokenTree & { kind: 'group' }; out: TokenTree[] }[] = [];
    let out = top;
    for (;;) {
      skipTrivia();
      if (i >= n) break;
      const c = text[i]!;
      if (c === ')' || c === ']' || c === '}') {
        i++;
        const frame = stack[stack.length - 1];
        if (frame && CLOSE[frame.group.delimiter] === c) {
          frame.group.end = i;
          frame.group.closed = true;
          stack.pop();
          out = stack.length > 0 ? stack[stack.length - 1]!.group.children : top;
        }
        // a stray or mismatched closer is skipped
        continue;
      }
      if (c === '(' || c === '[' || c === '{') {
        const group: TokenTree & { kind: 'group' } = { kind: 'group', delimiter: c, children: [], offset: i, end: n, closed: false };
        i++;
        out.push(group);
        stack.push({ group, out });
        out = group.children;
        continue;
      }
      const t = readToken();
      if (t) out.push(t);
    }
    return top;
  }

  return readForest();
}

/** Splits a token list on top-level commas, dropping empty trailing parts. */
export function splitCommas(tokens: TokenTree[]): TokenTree[][] {
  const parts: TokenTree[][] = [];
  let cur: TokenTree[] = [];
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === ',') {
      parts.push(cur);
      cur = [];
    } else {
      cur.push(t);
    }
  }
  if (cur.length > 0) parts.push(cur);
  return parts;
}

/** Renders tokens back to compact source text (for messages). */
export function renderTokens(tokens: TokenTree[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'group') {
      const close = CLOSE[t.delimiter];
      out += t.delimiter + renderTokens(t.children) + close;
    } else if (t.kind === 'punct') {
      out += t.text === ',' ? ', ' : t.text === '=' ? ' = ' : t.text;
    } else {
      if (out && /[\p{ID_Continue}"']$/u.test(out)) out += ' ';
      out += t.text;
    }
  }
  return out;
}
