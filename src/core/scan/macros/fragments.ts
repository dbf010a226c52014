/**
 * How many tokens each fragment specifier takes from the input, as rustc's parser would take them.
 * Fragments that rustc parses as a whole expression, type or pattern are read up to the first
 * token that may follow them (rustc's follow-set rules guarantee that the matcher continues with
 * one of those): groups count as one token, and `<…>` after `::` (and in types and paths) nests.
 * Returns -1 when the fragment cannot start here.
 */
import type { FragmentKind } from './rules.js';
import { isIdent, isPunct, isWord, type MTok } from './tokens.js';

/** Words that end an expression-like fragment when they appear at its top level. */
const PAT_STOP_WORDS = new Set(['if', 'in']);
const TY_STOP_WORDS = new Set(['as', 'where']);
/** Item keywords whose item a `{…}` group does not end (`use a::{b};`, `const X: T = S {…};`). */
const NOT_ENDED_BY_BRACES = new Set(['use', 'const', 'static', 'type', 'let', 'extern']);
/** Words after which a group still belongs to the type (`&mut [u8]`, `dyn (Fn())`). */
const OPEN_TYPE_WORDS = new Set(['mut', 'const', 'dyn', 'impl']);

export function fragmentLength(kind: FragmentKind, ts: MTok[], i: number): number {
  const t = ts[i];
  switch (kind) {
    case 'tt':
      return t === undefined ? -1 : 1;
    case 'ident':
      return isIdent(t) && t.text !== '_' && !t.text.startsWith("'") ? 1 : -1;
    case 'lifetime':
      return isIdent(t) && t.text.startsWith("'") ? 1 : -1;
    case 'literal':
      if (t?.k === 'lit' || isWord(t, 'true') || isWord(t, 'false')) return 1;
      return isPunct(t, '-') && ts[i + 1]?.k === 'lit' ? 2 : -1;
    case 'block':
      return t?.k === 'group' && t.delim === '{' ? 1 : -1;
    case 'vis':
      return visLength(ts, i);
    case 'item':
      return itemLength(ts, i);
    case 'path':
      return pathLength(ts, i);
    case 'meta':
      return metaLength(ts, i);
    case 'ty':
      return nonEmpty(typeLength(ts, i));
    case 'pat':
      return nonEmpty(patLength(ts, i, false));
    case 'pat_param':
      return nonEmpty(patLength(ts, i, true));
    case 'expr':
    case 'expr_2021':
    case 'stmt':
      return nonEmpty(exprLength(ts, i));
    default:
      return -1;
  }
}

function nonEmpty(n: number): number {
  return n > 0 ? n : -1;
}

function visLength(ts: MTok[], i: number): number {
  if (!isWord(ts[i], 'pub')) return 0;
  const g = ts[i + 1];
  if (g?.k === 'group' && g.delim === '(') {
    const first = g.children[0];
    if (isWord(first, 'crate') || isWord(first, 'self') || isWord(first, 'super') || isWord(first, 'in')) return 2;
  }
  return 1;
}

/** `#[…]`* vis? then up to a top-level `;` or the `{…}` that ends the item. */
function itemLength(ts: MTok[], start: number): number {
  let i = start;
  while (isPunct(ts[i], '#') && ts[i + 1]?.k === 'group' && (ts[i + 1] as { delim: string }).delim === '[') i += 2;
  i += visLength(ts, i);
  const head = ts[i];
  if (head === undefined) return -1;
  // `macro_rules! name { … }` or `name!(…);` / `path::name! { … }`
  let j = i;
  while (isIdent(ts[j]) && isPunct(ts[j + 1], '::')) j += 2;
  if (isIdent(ts[j]) && isPunct(ts[j + 1], '!')) {
    let k = j + 2;
    if (isIdent(ts[k])) k++; // macro_rules! name
    const g = ts[k];
    if (g?.k !== 'group') return -1;
    if (g.delim === '{') return k + 1 - start;
    return isPunct(ts[k + 1], ';') ? k + 2 - start : -1;
  }
  if (!isIdent(head)) return -1;
  // Items whose braces do not end them: `use a::{b, c};`, `const X: T = S { … };`.
  let bracesEnd = !NOT_ENDED_BY_BRACES.has(head.text) || (head.text === 'extern' && !isWord(ts[i + 1], 'crate'));
  for (let k = i; k < ts.length; k++) {
    const t = ts[k]!;
    if (isPunct(t, ';')) return k + 1 - start;
    if (isPunct(t, '=') && !(k > i && isPunct(ts[k - 1], '='))) bracesEnd = false;
    if (t.k === 'group' && t.delim === '{' && bracesEnd) {
      return k + 1 - start;
    }
  }
  return -1;
}

function pathLength(ts: MTok[], start: number): number {
  let i = start;
  if (isPunct(ts[i], '::')) i++;
  if (isPunct(ts[i], '<')) {
    // qualified path `<T as Trait>::x`
    const close = angleEnd(ts, i);
    if (close < 0) return -1;
    i = close;
    if (!isPunct(ts[i], '::')) return -1;
    i++;
  }
  for (;;) {
    const seg = ts[i];
    if (!isIdent(seg) || seg.text.startsWith("'")) return -1;
    i++;
    // generic args: `<…>` or `::<…>`, or Fn sugar `(…) -> T`
    let k = i;
    if (isPunct(ts[k], '::') && isPunct(ts[k + 1], '<')) k++;
    if (isPunct(ts[k], '<')) {
      const close = angleEnd(ts, k);
      if (close < 0) return -1;
      i = close;
    } else if (ts[k]?.k === 'group' && (ts[k] as { delim: string }).delim === '(' && k === i && isFnTrait(seg.text)) {
      i = k + 1;
      if (isPunct(ts[i], '-') && isPunct(ts[i + 1], '>')) {
        const n = typeLength(ts, i + 2);
        if (n <= 0) return -1;
        i += 2 + n;
      }
    }
    if (isPunct(ts[i], '::') && isIdent(ts[i + 1])) {
      i++;
      continue;
    }
    return i - start;
  }
}

function isFnTrait(name: string): boolean {
  return name === 'Fn' || name === 'FnMut' || name === 'FnOnce';
}

/** Index after the `>` that closes the `<` at `open`; -1 if unclosed. `->` does not close. */
function angleEnd(ts: MTok[], open: number): number {
  let depth = 0;
  for (let k = open; k < ts.length; k++) {
    const t = ts[k]!;
    if (isPunct(t, '<')) depth++;
    else if (isPunct(t, '>') && !(k > 0 && isPunct(ts[k - 1], '-') && (ts[k - 1] as { joint: boolean }).joint)) {
      depth--;
      if (depth === 0) return k + 1;
    } else if (isPunct(t, ';') || (t.k === 'group' && t.delim === '{' && depth === 0)) return -1;
  }
  return -1;
}

function metaLength(ts: MTok[], start: number): number {
  let i = start;
  if (isWord(ts[i], 'unsafe') && ts[i + 1]?.k === 'group') {
    return 2;
  }
  if (isPunct(ts[i], '::')) i++;
  if (!isIdent(ts[i])) return -1;
  i++;
  while (isPunct(ts[i], '::') && isIdent(ts[i + 1])) i += 2;
  const next = ts[i];
  if (next?.k === 'group') return i + 1 - start;
  if (isPunct(next, '=') && !(next as { joint: boolean }).joint) {
    // `= "lit"` (the usual case), else an expression such as `include_str!("…")`
    const n = ts[i + 1]?.k === 'lit' ? 1 : exprLength(ts, i + 1);
    return n > 0 ? i + 1 + n - start : -1;
  }
  return i - start;
}

/** A type: up to `=>` `,` `=` `|` `;` `:` `>` `as` `where`, or a `[…]`/`{…}` after the type has begun. */
function typeLength(ts: MTok[], start: number): number {
  let depth = 0;
  let i = start;
  for (; i < ts.length; i++) {
    const t = ts[i]!;
    if (depth === 0 && i > start) {
      if (t.k === 'group' && t.delim !== '(' && !endsWithOpenType(ts, i)) break;
      if (isIdent(t) && TY_STOP_WORDS.has(t.text)) break;
    }
    if (t.k !== 'punct') continue;
    const arrow = t.text === '>' && i > 0 && isPunct(ts[i - 1], '-') && (ts[i - 1] as { joint: boolean }).joint;
    if (t.text === '<') depth++;
    else if (t.text === '>' && !arrow) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0) {
      if (t.text === '=>' || t.text === ',' || t.text === ';' || t.text === '|') break;
      if (t.text === '=' || t.text === ':') break;
    }
  }
  return i - start;
}

/** A group right after `&`, `*`, `mut`, `dyn`, `->`… still belongs to the type (`& [u8]`, `-> (A, B)`). */
function endsWithOpenType(ts: MTok[], i: number): boolean {
  const prev = ts[i - 1];
  if (prev === undefined) return true;
  if (prev.k === 'punct') return prev.text !== '>' || (isPunct(ts[i - 2], '-') && (ts[i - 2] as { joint: boolean }).joint);
  return isIdent(prev) && (prev.text.startsWith("'") || OPEN_TYPE_WORDS.has(prev.text));
}

function patLength(ts: MTok[], start: number, param: boolean): number {
  let i = start;
  if (!param && isPunct(ts[i], '|')) i++;
  for (; i < ts.length; i++) {
    const t = ts[i]!;
    if (isIdent(t) && PAT_STOP_WORDS.has(t.text)) break;
    if (t.k !== 'punct') continue;
    if (t.text === '=>' || t.text === ',') break;
    if (t.text === '=' && !t.joint && !isPunct(ts[i - 1], '.') && !isPunct(ts[i - 1], '=')) break;
    if (t.text === '|' && param) break;
  }
  return i - start;
}

/** An expression (or statement): up to a top-level `,`, `;` or `=>`; closures' `|a, b|` and turbofish `::<A, B>` nest. */
function exprLength(ts: MTok[], start: number): number {
  let i = start;
  for (; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.k !== 'punct') continue;
    if (t.text === ',' || t.text === ';' || t.text === '=>') break;
    if (t.text === '::' && isPunct(ts[i + 1], '<')) {
      const close = angleEnd(ts, i + 1);
      if (close < 0) return -1;
      i = close - 1;
      continue;
    }
    if (t.text === '|' && startsClosure(ts, i, start)) {
      let k = i + 1;
      while (k < ts.length && !isPunct(ts[k], '|')) k++;
      i = k;
    }
  }
  return i - start;
}

/** `|` opens closure parameters at an expression's start or after an operator, `move` or `(`. */
function startsClosure(ts: MTok[], i: number, start: number): boolean {
  if (i === start) return true;
  const prev = ts[i - 1]!;
  if (isWord(prev, 'move') || isWord(prev, 'async')) return true;
  if (prev.k === 'punct') return !(prev.text === '|' && prev.joint);
  return false;
}
