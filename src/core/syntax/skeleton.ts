/**
 * What the parser may leave out of a Rust file: ranges it never needs to read, so that it parses
 * a fraction of the file (most of a file is comments and function bodies). The parser skips them
 * through tree-sitter's included ranges, so every offset, line and node text stays that of the
 * file (a node's text is read from the file, excluded parts included).
 *
 * Left out:
 * - comments: no fact is ever read from a comment;
 * - the inside of a `{ … }` body that holds no hint (offsets where a fact may start, see
 *   extract.ts hintOffsets): the walk of the parsed tree skips such a body, unless
 *   - it is the body of an inline module (`mod name { … }`): its item-level macro calls are facts
 *     even without a hint,
 *   - it is, or is inside, the body of a `struct`, `enum`, `union` or `macro` item,
 *   - it is inside `( … )` or `[ … ]` (attributes, arguments);
 * - the inside of a macro call's token tree (`name!( … )`, `name! { … }`): facts read it as text
 *   (the call's arguments, re-parsed when needed), never as the parser's nodes;
 * - in a `macro_rules! name { … }`, the inside of each of its rules' groups (`( … ) => { … }`):
 *   the rules are read as nodes, their matchers and bodies as text.
 *
 * When the delimiters do not balance as the lexer sees them, nothing is left out.
 */

const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const SLASH = 0x2f;
const STAR = 0x2a;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const BANG = 0x21;
const EQUALS = 0x3d;
const SEMICOLON = 0x3b;
const NEWLINE = 0x0a;

/** Keywords whose item body is never left out (see above); `mod` only for its own body. */
const INERT_HEADERS = new Set(['struct', 'enum', 'union', 'macro']);

interface Frame {
  delimiter: number;
  open: number;
  /** The inside may be left out when it holds no hint. */
  blankable: boolean;
  /** The inside is left out whatever it holds (a macro call's token tree, a rule's group). */
  excluded: boolean;
  /** The group is a `macro_rules!` body: its child groups are excluded. */
  rules: boolean;
  /** Bodies nested in this group may be left out. */
  nestedBlankable: boolean;
  /** The header of the next body in this group (since the last `;`, `{` or `}`) names `mod`. */
  headerMod: boolean;
  /** … names `struct`, `enum`, `union` or `macro`. */
  headerInert: boolean;
}

/** Token kinds remembered for the three tokens before a `{`. */
const enum Prev {
  Other,
  Bang,
  Hash,
  Ident,
  MacroRules,
}

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}

function isIdentContinue(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

/** A range of the text the parser reads (the shape of tree-sitter's included ranges). */
export interface IncludedRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

/**
 * The ranges of `text` the parser should read, given the sorted offsets where facts may start:
 * everything but what skeleton rules blank. Undefined when the whole text must be read (nothing
 * to leave out, or the lexer lost track of the braces). Offsets and columns are UTF-16 indexes.
 */
export function includedRanges(text: string, hints: readonly number[]): IncludedRange[] | undefined {
  const blanks = blankRanges(text, hints);
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

/**
 * What to blank: comments and the outermost blankable bodies' interiors, as sorted, disjoint
 * [start, end) ranges; undefined when the delimiters do not balance.
 */
export function blankRanges(text: string, hints: readonly number[]): [number, number][] | undefined {
  const n = text.length;
  const top: Frame = { delimiter: 0, open: -1, blankable: false, excluded: false, rules: false, nestedBlankable: true, headerMod: false, headerInert: false };
  const stack: Frame[] = [top];
  let frame = top;
  /** Insides of the bodies that may be left out (if they hold no hint), in the order they close. */
  const bodies: [number, number][] = [];
  /** Insides left out whatever they hold. */
  const trees: [number, number][] = [];
  /** Comments, in order. */
  const comments: [number, number][] = [];
  // The three significant tokens before the current position.
  let prev = Prev.Other as Prev;
  let prev2 = Prev.Other as Prev;
  let prev3 = Prev.Other as Prev;
  const push = (kind: Prev): void => {
    prev3 = prev2;
    prev2 = prev;
    prev = kind;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) {
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      comments.push([i, end]);
      i = end;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const start = i;
      i = skipBlockComment(text, i + 2);
      comments.push([start, i]);
      continue;
    }
    if (c === QUOTE) {
      i = skipString(text, i + 1);
      push(Prev.Other);
      continue;
    }
    if (c === APOSTROPHE) {
      i = skipCharOrLifetime(text, i);
      push(Prev.Other);
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      i++;
      while (i < n && isIdentContinue(text.charCodeAt(i))) i++;
      const len = i - start;
      const next = text.charCodeAt(i);
      // String prefixes: r"…", r#"…"#, br"…", cr"…", b"…", c"…"; raw identifiers r#name.
      if (len <= 2 && (next === QUOTE || next === HASH)) {
        const word = text.slice(start, i);
        if ((word === 'r' || word === 'br' || word === 'cr') && (next === QUOTE || next === HASH)) {
          let j = i;
          while (text.charCodeAt(j) === HASH) j++;
          if (text.charCodeAt(j) === QUOTE) {
            i = skipRawString(text, j + 1, j - i);
            push(Prev.Other);
            continue;
          }
          if (word === 'r' && j === i + 1 && isIdentStart(text.charCodeAt(j))) {
            i = j;
            while (i < n && isIdentContinue(text.charCodeAt(i))) i++;
            push(Prev.Ident);
            continue;
          }
        } else if ((word === 'b' || word === 'c') && next === QUOTE) {
          i = skipString(text, i + 1);
          push(Prev.Other);
          continue;
        }
      }
      if (c < 0x30 || c > 0x39) {
        const word = len >= 3 && len <= 11 ? text.slice(start, i) : '';
        if (word === 'mod') frame.headerMod = true;
        else if (INERT_HEADERS.has(word)) frame.headerInert = true;
        push(word === 'macro_rules' ? Prev.MacroRules : Prev.Ident);
      } else {
        push(Prev.Other);
      }
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      i++;
      while (i < n && isIdentContinue(text.charCodeAt(i))) i++;
      push(Prev.Other);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_PAREN || c === OPEN_BRACKET) {
      const next: Frame = {
        delimiter: c,
        open: i,
        blankable: false,
        excluded: false,
        rules: false,
        nestedBlankable: false,
        headerMod: false,
        headerInert: false,
      };
      if (frame.excluded) {
        next.excluded = true;
      } else if (frame.rules) {
        // A rule's matcher or body.
        trees.push([i + 1, -1]);
        next.excluded = true;
      } else if (prev === Prev.Bang && prev2 !== Prev.Hash) {
        // `name!( … )`; not the `[` of an inner attribute `#![ … ]`.
        trees.push([i + 1, -1]);
        next.excluded = true;
      } else if (prev === Prev.Ident && prev2 === Prev.Bang && prev3 === Prev.MacroRules) {
        next.rules = true;
      } else if (c === OPEN_BRACE && frame.nestedBlankable && !frame.headerInert) {
        next.blankable = !frame.headerMod;
        next.nestedBlankable = true;
      }
      frame.headerMod = false;
      frame.headerInert = false;
      frame = next;
      stack.push(frame);
      i++;
      push(Prev.Other);
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_PAREN || c === CLOSE_BRACKET) {
      const opener = c === CLOSE_BRACE ? OPEN_BRACE : c === CLOSE_PAREN ? OPEN_PAREN : OPEN_BRACKET;
      if (frame.delimiter !== opener) return undefined;
      if (frame.blankable && i > frame.open + 1) bodies.push([frame.open + 1, i]);
      const last = trees[trees.length - 1];
      if (last && last[1] < 0 && last[0] === frame.open + 1) last[1] = i;
      stack.pop();
      frame = stack[stack.length - 1]!;
      if (c === CLOSE_BRACE) {
        frame.headerMod = false;
        frame.headerInert = false;
      }
      i++;
      push(Prev.Other);
      continue;
    }
    if (c === SEMICOLON) {
      frame.headerMod = false;
      frame.headerInert = false;
    }
    // A macro call's `!` follows its name (`-> ! {` is a function returning `!`).
    const bang = c === BANG && text.charCodeAt(i + 1) !== EQUALS && (prev === Prev.Ident || prev === Prev.MacroRules);
    push(bang ? Prev.Bang : c === HASH ? Prev.Hash : Prev.Other);
    i++;
  }
  if (stack.length !== 1) return undefined;
  const found = bodies.filter(([start, end]) => !hasHint(hints, start, end));
  return outermost([...found, ...trees.filter(([start, end]) => end > start), ...comments]);
}

/** Sorts ranges and drops those inside others. */
function outermost(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] < last[1]) continue;
    out.push(r);
  }
  return out;
}

/** After `/*`: the offset after the matching `*\/`, nested comments included (or the end). */
function skipBlockComment(text: string, i: number): number {
  const n = text.length;
  let depth = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === STAR && text.charCodeAt(i + 1) === SLASH) {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      i += 2;
      depth++;
    } else {
      i++;
    }
  }
  return n;
}

/** After an opening `"`: the offset after the closing one. */
function skipString(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return n;
}

/** After `r#…#"`: the offset after `"#…#` with the same number of hashes. */
function skipRawString(text: string, i: number, hashes: number): number {
  const close = '"' + '#'.repeat(hashes);
  const end = text.indexOf(close, i);
  return end < 0 ? text.length : end + close.length;
}

/** At `'`: after a char literal (`'a'`, `'\n'`, `'\u{1F600}'`), or after the `'` of a lifetime or label. */
function skipCharOrLifetime(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === BACKSLASH) {
    // An escape: the escaped character, then anything up to the closing quote (`\u{…}`, `\x7f`).
    const close = text.indexOf("'", i + 3);
    const nl = text.indexOf('\n', i + 1);
    if (close >= 0 && (nl < 0 || close < nl)) return close + 1;
    return i + 1;
  }
  // One character (a surrogate pair counts as one) and a closing quote.
  const width = next >= 0xd800 && next <= 0xdbff ? 2 : 1;
  if (next !== NEWLINE && text.charCodeAt(i + 1 + width) === APOSTROPHE) return i + 2 + width;
  return i + 1;
}
