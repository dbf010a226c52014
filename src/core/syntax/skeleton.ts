/**
 * What the parser may leave out of a Rust file: ranges it never needs to read, so that it parses
 * a fraction of the file (most of a file is comments and function bodies). The parser skips them
 * through tree-sitter's included ranges, so every offset, line and node text stays that of the
 * file (a node's text is read from the file, excluded parts included).
 *
 * Left out:
 * - comments: no fact is ever read from a comment;
 * - the inside of a `{ … }` group that holds no hint (offsets where a fact may start, see
 *   hints.ts hintOffsets): the walk of the parsed tree never enters a node without a hint, and
 *   reads the few things it needs inside one (attributes, derives' helper attributes, macro
 *   rules) from the node's text. Except the body of an inline module (`mod name { … }`), whose
 *   item-level macro calls are facts even without a hint;
 * - the inside of a macro call's token tree (`name!( … )`, `name![ … ]`, `name! { … }`), whatever
 *   it holds: the walk reads a call's arguments as text (re-parsed when needed), never as the
 *   parser's nodes.
 *
 * When the braces do not balance as the lexer sees them, nothing is left out.
 *
 * The lexer jumps from one brace, quote, apostrophe, slash or `!` to the next with a regular
 * expression: it runs once per file in a short-lived process, where a loop over every character
 * would mostly run in V8's interpreter.
 */

import { skipBlockComment } from './comments.js';
import { charLiteralEnd } from './tokens.js';

/** The characters the lexer stops at: everything else is skipped natively. */
const SIGNIFICANT = /[{}"'/!]/g;
/** What a macro call's ( ) or [ ] token tree is scanned for, to find its end. */
const DELIMITERS = /[()[\]{}"'/]/g;

/** A range of the text the parser reads (the shape of tree-sitter's included ranges). */
export interface IncludedRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

/**
 * The ranges of `text` the parser should read, given the sorted offsets where facts may start:
 * everything but what is left out (above). Undefined when the whole text must be read (nothing to
 * leave out, or the lexer lost track of the braces). Offsets and columns are UTF-16 indexes.
 * Ranges shorter than `minLeftOut` are read.
 */
export function includedRanges(text: string, hints: readonly number[], minLeftOut = MIN_LEFT_OUT): IncludedRange[] | undefined {
  const blanks = blankRanges(text, hints, minLeftOut);
  if (blanks === undefined || blanks.length === 0) return undefined;
  const out: IncludedRange[] = [];
  let row = 0;
  let lineStart = 0;
  let scanned = 0;
  const point = (offset: number): { row: number; column: number } => {
    for (let nl = text.indexOf('\n', scanned); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      row++;
      lineStart = nl + 1;
    }
    scanned = Math.max(scanned, offset);
    return { row, column: offset - lineStart };
  };
  let at = 0;
  for (const [start, end] of blanks) {
    if (start > at) out.push({ startIndex: at, endIndex: start, startPosition: point(at), endPosition: point(start) });
    at = end;
  }
  if (at < text.length || out.length === 0) out.push({ startIndex: at, endIndex: text.length, startPosition: point(at), endPosition: point(text.length) });
  return out;
}

/** True when a hint lies in [start, end). */
function hasHint(hints: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = hints.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hints[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < hints.length && hints[lo]! < end;
}

/** What a `{` opens. */
const enum Body {
  /** Left out when it holds no hint. */
  Blankable,
  /** A macro call's token tree: left out whatever it holds. */
  MacroTree,
  /** An inline module's body: kept. */
  Kept,
}

/**
 * What to leave out: comments and the outermost left-out bodies' insides, as sorted, disjoint
 * [start, end) ranges; undefined when the braces do not balance.
 */
export function blankRanges(text: string, hints: readonly number[], minLeftOut = MIN_LEFT_OUT): [number, number][] | undefined {
  const n = text.length;
  const opens: { at: number; body: Body }[] = [];
  const found: [number, number][] = [];
  const sig = new RegExp(SIGNIFICANT.source, 'g');
  for (let m = sig.exec(text); m; m = sig.exec(text)) {
    const i = m.index;
    switch (text.charCodeAt(i)) {
      case 0x7b /* { */:
        opens.push({ at: i, body: bodyKind(text, i) });
        break;
      case 0x7d /* } */: {
        const open = opens.pop();
        if (!open) return undefined;
        if (i > open.at + 1 && (open.body === Body.MacroTree || (open.body === Body.Blankable && !hasHint(hints, open.at, i)))) {
          found.push([open.at + 1, i]);
        }
        break;
      }
      case 0x22 /* " */:
        sig.lastIndex = skipString(text, i);
        break;
      case 0x27 /* ' */:
        sig.lastIndex = skipCharOrLifetime(text, i);
        break;
      case 0x21 /* ! */: {
        // `name!( … )` or `name![ … ]` (`name! { … }`: see bodyKind).
        let open = i + 1;
        while (isSpace(text.charCodeAt(open))) open++;
        const c = text.charCodeAt(open);
        if ((c === 0x28 || c === 0x5b) && isMacroBang(text, i)) {
          const close = closingDelimiter(text, open);
          if (close < 0) return undefined;
          if (close > open + 1) found.push([open + 1, close]);
          sig.lastIndex = close + 1;
        }
        break;
      }
      default: /* / */ {
        const next = text.charCodeAt(i + 1);
        if (next === 0x2f /* / */) {
          const nl = text.indexOf('\n', i);
          const end = nl < 0 ? n : nl;
          found.push([i, end]);
          sig.lastIndex = end;
        } else if (next === 0x2a /* * */) {
          const end = skipBlockComment(text, i).next;
          found.push([i, end]);
          sig.lastIndex = end;
        }
      }
    }
  }
  if (opens.length > 0) return undefined;
  return outermost(text, found, minLeftOut);
}

function isIdentChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** The offset of the last non-space character before `i` (-1 when none). */
function lastNonSpace(text: string, i: number): number {
  let j = i - 1;
  while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
  return j;
}

/** The identifier ending at `end` (inclusive), `r#` included: its start, or -1 when `end` ends none. */
function identStart(text: string, end: number): number {
  let j = end;
  while (j >= 0 && isIdentChar(text.charCodeAt(j))) j--;
  if (j === end) return -1;
  if (j >= 1 && text.charCodeAt(j) === 0x23 /* # */ && text.charCodeAt(j - 1) === 0x72 /* r */ && (j < 2 || !isIdentChar(text.charCodeAt(j - 2)))) j -= 2;
  return j + 1;
}

/** Keywords that can stand before `!` as the logical not (`if !x`), which is no macro call. */
const NOT_MACRO = new Set(['if', 'while', 'match', 'return', 'in', 'break', 'yield', 'else', 'let', 'impl', 'for', 'as', 'mut', 'move', 'box']);

/** Whether the `!` at `bang` follows a macro's name: `name!`, `name !`; not `-> !`, `if !x`, `#![`. */
function isMacroBang(text: string, bang: number): boolean {
  const nameEnd = lastNonSpace(text, bang);
  const start = nameEnd >= 0 ? identStart(text, nameEnd) : -1;
  return start >= 0 && !NOT_MACRO.has(text.slice(start, nameEnd + 1));
}

/** The offset of the delimiter closing the one at `open` (-1 when the groups inside do not balance). */
function closingDelimiter(text: string, open: number): number {
  const stack: number[] = [];
  const scan = new RegExp(DELIMITERS.source, 'g');
  scan.lastIndex = open;
  for (let m = scan.exec(text); m; m = scan.exec(text)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) stack.push(c === 0x28 ? 0x29 : c === 0x5b ? 0x5d : 0x7d);
    else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    } else if (c === 0x22) scan.lastIndex = skipString(text, i);
    else if (c === 0x27) scan.lastIndex = skipCharOrLifetime(text, i);
    else if (text.charCodeAt(i + 1) === 0x2f) {
      const nl = text.indexOf('\n', i);
      scan.lastIndex = nl < 0 ? text.length : nl;
    } else if (text.charCodeAt(i + 1) === 0x2a) scan.lastIndex = skipBlockComment(text, i).next;
  }
  return -1;
}

/** What the `{` at `i` opens, from the tokens before it (a comment between them keeps the body). */
function bodyKind(text: string, i: number): Body {
  const last = lastNonSpace(text, i);
  if (last < 0) return Body.Blankable;
  const c = text.charCodeAt(last);
  if (c === 0x21 /* ! */) {
    // `name! {` (also `name ! {`); not `-> ! {` nor `if !{ … }`.
    return isMacroBang(text, last) ? Body.MacroTree : Body.Blankable;
  }
  if (c === 0x2f /* / */) return Body.Kept; // a comment before `{`: could hide `mod name`
  const nameStart = identStart(text, last);
  if (nameStart < 0) return Body.Blankable;
  const before = lastNonSpace(text, nameStart);
  if (before >= 0 && text.charCodeAt(before) === 0x2f) return Body.Kept;
  const kwStart = before >= 0 ? identStart(text, before) : -1;
  return kwStart >= 0 && text.slice(kwStart, before + 1) === 'mod' ? Body.Kept : Body.Blankable;
}

const ONLY_SPACE = /^\s*$/;

/**
 * Shorter ranges are read rather than left out: each range left out costs the parser a jump and
 * a read, more than a few dozen characters of parsing.
 */
const MIN_LEFT_OUT = 48;

/**
 * Sorts ranges, drops those inside others, joins those apart by white space only (lines of `//`
 * comments: the parser jumps once over all of them) and drops the short ones.
 */
function outermost(text: string, ranges: [number, number][], minLeftOut: number): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] < last[1]) continue;
    if (last && ONLY_SPACE.test(text.slice(last[1], r[0]))) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out.filter(([start, end]) => end - start >= minLeftOut);
}

/**
 * At a `"`: the offset after the string literal it opens. A raw string (`r"…"`, `r#"…"#`, `br`,
 * `cr`) is told by the prefix before the quote; any other (`"…"`, `b"…"`, `c"…"`) ends at the
 * first quote not escaped by a backslash.
 */
function skipString(text: string, q: number): number {
  let k = q;
  while (k > 0 && text.charCodeAt(k - 1) === 0x23 /* # */) k--;
  const hashes = q - k;
  let raw = false;
  if (k > 0 && text.charCodeAt(k - 1) === 0x72 /* r */) {
    let p = k - 2;
    const pc = p >= 0 ? text.charCodeAt(p) : -1;
    if (pc === 0x62 /* b */ || pc === 0x63 /* c */) p--;
    raw = p < 0 || !isIdentChar(text.charCodeAt(p));
  }
  if (raw) {
    const close = '"' + '#'.repeat(hashes);
    const end = text.indexOf(close, q + 1);
    return end < 0 ? text.length : end + close.length;
  }
  for (let end = text.indexOf('"', q + 1); end >= 0; end = text.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
  }
  return text.length;
}

/** At `'`: after a char literal (tokens.ts charLiteralEnd), or after the `'` of a lifetime or label. */
function skipCharOrLifetime(text: string, i: number): number {
  const end = charLiteralEnd(text, i, text.length);
  return end < 0 ? i + 1 : end;
}
