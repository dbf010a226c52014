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

// The lexer works on UTF-16 code units; everything ASCII is decided by a table lookup, and the
// Unicode property regexes run only on non-ASCII characters.
const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}]/u;
/** 1 for the ASCII characters of `[A-Za-z0-9_]` (ID_Continue), 2 for `[A-Za-z_]` (also ID_Start). */
const ASCII_IDENT = new Uint8Array(128);
for (let k = 0; k < 128; k++) {
  const ch = String.fromCharCode(k);
  ASCII_IDENT[k] = /[A-Za-z_]/.test(ch) ? 2 : /[0-9]/.test(ch) ? 1 : 0;
}

/** Rust's whitespace (Pattern_White_Space), plus a byte-order mark. */
function isWhitespace(k: number): boolean {
  if (k < 128) return k === 32 || (k >= 9 && k <= 13);
  return k === 0x85 || k === 0x200e || k === 0x200f || k === 0x2028 || k === 0x2029 || k === 0xfeff;
}

/** Whether one UTF-16 unit is ID_Continue (a lone surrogate is not). */
function isIdContinueUnit(k: number): boolean {
  if (k < 128) return ASCII_IDENT[k] !== 0;
  return ID_CONTINUE.test(String.fromCharCode(k));
}

/** The length (1 or 2) of the code point at `text[at]`, which exists. */
function cpLength(text: string, at: number): number {
  const k = text.charCodeAt(at);
  if (k < 0xd800 || k > 0xdbff) return 1;
  const l = text.charCodeAt(at + 1);
  return l >= 0xdc00 && l <= 0xdfff ? 2 : 1;
}

function isHex(k: number): boolean {
  return (k >= 48 && k <= 57) || (k >= 65 && k <= 70) || (k >= 97 && k <= 102);
}

/** The longest literal prefix of a string token the lexer looks at (`r###…"`). */
const STRING_WINDOW = 260;
/** The longest char literal the lexer recognizes (`'\u{10_FFFF}'` and the like). */
const CHAR_WINDOW = 16;

/**
 * The end of the char literal whose opening quote is at `text[p]`: `'x'`, `'\n'`, `'\x41'`,
 * `'\u{…}'` (at most CHAR_WINDOW units long), or -1 when none starts there (a lifetime, a label).
 */
export function charLiteralEnd(text: string, p: number, n: number): number {
  const q = p + 1;
  if (q >= n) return -1;
  const k = text.charCodeAt(q);
  if (k === 92) {
    const e = text.charCodeAt(q + 1);
    // Each escape form is tried in turn, as a regex alternation would.
    if (e === 120 && isHex(text.charCodeAt(q + 2)) && isHex(text.charCodeAt(q + 3)) && text.charCodeAt(q + 4) === 39) return q + 5;
    if (e === 117 && text.charCodeAt(q + 2) === 123) {
      let r = q + 3;
      while (r < p + CHAR_WINDOW && (isHex(text.charCodeAt(r)) || text.charCodeAt(r) === 95)) r++;
      if (r > q + 3 && text.charCodeAt(r) === 125 && text.charCodeAt(r + 1) === 39 && r + 2 <= p + CHAR_WINDOW) return r + 2;
    }
    if (q + 1 < n && e !== 10 && e !== 13 && e !== 0x2028 && e !== 0x2029) {
      const end = q + 1 + cpLength(text, q + 1);
      if (text.charCodeAt(end) === 39 && end + 1 <= p + CHAR_WINDOW) return end + 1;
    }
    return -1;
  }
  if (k === 39 || k === 10) return -1;
  const end = q + cpLength(text, q);
  return text.charCodeAt(end) === 39 ? end + 1 : -1;
}

/** What Lexer.next() found: a token (its text is `text.slice(start, pos)`), a delimiter, or the end. */
export const LEX_END = 0;
export const LEX_IDENT = 1;
export const LEX_PUNCT = 2;
export const LEX_LITERAL = 3;
export const LEX_OPEN = 4;
export const LEX_CLOSE = 5;

/**
 * Rust's lexer, one token at a time, without building anything: next() skips trivia and reports
 * the kind of what follows; `start` and `pos` delimit it. Trees are built by tokenize() here and
 * by the macro engine (scan/macros/tokens.ts), each with its own token objects.
 */
export class Lexer {
  /** Index after the last token read. */
  pos = 0;
  /** Index of the last token read. */
  start = 0;
  /** The decoded value of the last token when it is a string literal (and `decode` is on); else undefined. */
  value: string | undefined = undefined;
  /** The text of the last punctuation token (one character, `::` or `=>`). */
  punct = '';
  private readonly n: number;

  constructor(
    readonly text: string,
    /** Whether string literals' values are decoded. */
    private readonly decode = true,
  ) {
    this.n = text.length;
  }

  /** Skips trivia and reads what follows: a token, an opening or closing delimiter (one character), or the end. */
  next(): number {
    const text = this.text;
    const n = this.n;
    let i = this.pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 47) {
          const nl = text.indexOf('\n', i + 2);
          i = nl < 0 ? n : nl;
          continue;
        }
        if (d === 42) {
          i = skipBlockComment(text, i, n).next;
          continue;
        }
      }
      this.start = i;
      if (c === 41 || c === 93 || c === 125) {
        this.pos = i + 1;
        return LEX_CLOSE;
      }
      if (c === 40 || c === 91 || c === 123) {
        this.pos = i + 1;
        return LEX_OPEN;
      }
      this.pos = i;
      return this.token(c);
    }
    this.start = this.pos = n;
    return LEX_END;
  }

  /** Reads a string literal from `start`; its opening quote is at `quotePos`. */
  private string(quotePos: number, raw: number): number {
    // raw < 0: normal string with escapes; raw >= 0: raw string with that many '#'.
    const text = this.text;
    const n = this.n;
    let i = quotePos + 1;
    let value = '';
    if (raw < 0) {
      let run = i;
      while (i < n) {
        const k = text.charCodeAt(i);
        if (k === 34) break;
        if (k === 92 && i + 1 < n) {
          const esc = decodeEscape(text, i);
          if (this.decode) value += text.slice(run, i) + esc.value;
          i = run = esc.next;
        } else if (k === 13 && text.charCodeAt(i + 1) === 10) {
          if (this.decode) value += text.slice(run, i) + '\n';
          i = run = i + 2;
        } else {
          i++;
        }
      }
      if (this.decode && i > run) value += text.slice(run, i);
      i = Math.min(n, i + 1);
    } else {
      const terminator = raw === 0 ? '"' : '"' + '#'.repeat(raw);
      const end = text.indexOf(terminator, i);
      if (this.decode) {
        value = text.slice(i, end < 0 ? n : end);
        if (value.includes('\r')) value = value.replace(/\r\n/g, '\n');
      }
      i = end < 0 ? n : end + terminator.length;
    }
    // literal suffix (rare), e.g. "abc"suffix
    while (i < n && isIdContinueUnit(text.charCodeAt(i))) i++;
    this.pos = i;
    this.value = this.decode ? value : undefined;
    return LEX_LITERAL;
  }

  /** Reads the token at `start`, which is neither trivia nor a delimiter; `c` is its first unit. */
  private token(c: number): number {
    const text = this.text;
    const n = this.n;
    const start = this.start;
    this.value = undefined;
    // Strings: "..", r"..", r#".."#, b"..", br"..", c"..", cr"..".
    if (c === 34) return this.string(start, -1);
    if (c === 98 || c === 99 || c === 114) {
      const j = c === 114 ? start : start + 1;
      const d = text.charCodeAt(j);
      if (j !== start && d === 34) return this.string(j, -1);
      if (d === 114) {
        let k = j + 1;
        while (text.charCodeAt(k) === 35) k++;
        if (text.charCodeAt(k) === 34 && k + 1 - start <= STRING_WINDOW) return this.string(k, k - j - 1);
      }
    }
    let i = start;
    if (c === 39 || (c === 98 && text.charCodeAt(start + 1) === 39)) {
      const quote = c === 98 ? start + 1 : start;
      const end = charLiteralEnd(text, quote, n);
      if (end >= 0) {
        this.pos = end;
        return LEX_LITERAL;
      }
      if (c === 98) {
        this.pos = start + 1;
        return LEX_IDENT; // `b`
      }
      // a lifetime or label
      i = start + 1;
      while (i < n && isIdContinueUnit(text.charCodeAt(i))) i++;
      this.pos = i;
      return LEX_IDENT;
    }
    if (c >= 48 && c <= 57) {
      i++;
      while (i < n) {
        const k = text.charCodeAt(i);
        if (k === 46) {
          const next = text.charCodeAt(i + 1);
          if (!(next >= 48 && next <= 57)) break;
        } else if (k >= 128 || ASCII_IDENT[k] === 0) {
          break;
        }
        i++;
      }
      this.pos = i;
      return LEX_LITERAL;
    }
    const len = c < 0xd800 || c > 0xdbff ? 1 : cpLength(text, start);
    const rawIdent = c === 114 && text.charCodeAt(start + 1) === 35;
    if (rawIdent || (c < 128 ? ASCII_IDENT[c] === 2 : ID_START.test(text.slice(start, start + len)))) {
      i = rawIdent ? start + 2 : start + len;
      while (i < n) {
        const k = text.charCodeAt(i);
        if (k < 128) {
          if (ASCII_IDENT[k] === 0) break;
          i++;
        } else {
          const l = cpLength(text, i);
          if (!ID_CONTINUE.test(text.slice(i, i + l))) break;
          i += l;
        }
      }
      this.pos = i;
      return LEX_IDENT;
    }
    // Multi-character punctuation that matters for parsing paths.
    if (c === 58 && text.charCodeAt(start + 1) === 58) {
      this.pos = start + 2;
      this.punct = '::';
    } else if (c === 61 && text.charCodeAt(start + 1) === 62) {
      this.pos = start + 2;
      this.punct = '=>';
    } else {
      this.pos = start + len;
      this.punct = len === 1 ? text[start]! : text.slice(start, start + 2);
    }
    return LEX_PUNCT;
  }
}

/** Tokenizes `text` into a forest of token trees. Offsets are UTF-16 indexes into `text`. */
export function tokenize(text: string): TokenTree[] {
  const lx = new Lexer(text);
  const top: TokenTree[] = [];
  // Iterative, so that deeply nested input cannot overflow the stack.
  const stack: (TokenTree & { kind: 'group' })[] = [];
  let out = top;
  for (;;) {
    const kind = lx.next();
    switch (kind) {
      case LEX_END:
        return top;
      case LEX_OPEN: {
        const delimiter = text[lx.start] as Delimiter;
        const group: TokenTree & { kind: 'group' } = { kind: 'group', delimiter, children: [], offset: lx.start, end: text.length, closed: false };
        out.push(group);
        stack.push(group);
        out = group.children;
        break;
      }
      case LEX_CLOSE: {
        const group = stack[stack.length - 1];
        if (group && CLOSE[group.delimiter] === text[lx.start]) {
          group.end = lx.pos;
          group.closed = true;
          stack.pop();
          out = stack.length > 0 ? stack[stack.length - 1]!.children : top;
        }
        // a stray or mismatched closer is skipped
        break;
      }
      case LEX_PUNCT:
        out.push({ kind: 'punct', text: lx.punct, offset: lx.start });
        break;
      case LEX_IDENT:
        out.push({ kind: 'ident', text: text.slice(lx.start, lx.pos), offset: lx.start });
        break;
      default:
        out.push(
          lx.value === undefined
            ? { kind: 'literal', text: text.slice(lx.start, lx.pos), offset: lx.start }
            : { kind: 'literal', text: text.slice(lx.start, lx.pos), value: lx.value, offset: lx.start },
        );
    }
  }
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
