/**
 * Writes an arm's transcriber out with the matched fragments: `$name`, `$( … ) sep? op`
 * repetitions driven by the fragments they use, `$crate`, and `$$`.
 */
import type { Binding, Bindings } from './matcher.js';
import { isIdent, isPunct, isWord, type MTok } from './tokens.js';

export class TranscribeError extends Error {}

export function transcribe(tokens: MTok[], b: Bindings): MTok[] {
  return emit(tokens, b, []);
}

/** The binding of `name` at the current repetition indexes. */
function lookup(b: Bindings, name: string, idx: number[]): Binding | undefined {
  let cur = b.get(name);
  for (const i of idx) {
    if (cur?.t !== 'seq') return cur;
    cur = cur.items[i];
  }
  return cur;
}

function emit(ts: MTok[], b: Bindings, idx: number[]): MTok[] {
  const out: MTok[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.k === 'group') {
      out.push({ k: 'group', delim: t.delim, children: emit(t.children, b, idx) });
      continue;
    }
    if (!isPunct(t, '$')) {
      out.push(t);
      continue;
    }
    const next = ts[i + 1];
    if (isPunct(next, '$')) {
      out.push(next!);
      i++;
      continue;
    }
    if (isWord(next, 'crate')) {
      out.push({ k: 'ident', text: '$crate' });
      i++;
      continue;
    }
    if (next?.k === 'ident') {
      const v = lookup(b, next.text, idx);
      i++;
      if (v === undefined) {
        out.push(t, next); // not a fragment of this macro: kept as written
      } else if (v.t === 'one') {
        out.push(...v.toks);
      } else {
        throw new TranscribeError(`\`$${next.text}\` is still repeating at this depth`);
      }
      continue;
    }
    if (next?.k === 'group' && next.delim === '(') {
      let sep: MTok | undefined;
      let j = i + 2;
      const a = ts[j];
      if (!(isPunct(a, '*') || isPunct(a, '+') || isPunct(a, '?'))) {
        sep = a;
        j++;
      }
      if (!(isPunct(ts[j], '*') || isPunct(ts[j], '+') || isPunct(ts[j], '?'))) throw new TranscribeError('expected `*`, `+` or `?` after a repetition');
      const n = repeatCount(next.children, b, idx);
      for (let r = 0; r < n; r++) {
        if (r > 0 && sep) out.push(sep);
        out.push(...emit(next.children, b, [...idx, r]));
      }
      i = j;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** How many times a repetition runs: the length of every repeating fragment it uses (they must agree). */
function repeatCount(ts: MTok[], b: Bindings, idx: number[]): number {
  let n: number | undefined;
  const visit = (xs: MTok[]): void => {
    for (let i = 0; i < xs.length; i++) {
      const t = xs[i]!;
      if (t.k === 'group') visit(t.children);
      else if (isPunct(t, '$') && isIdent(xs[i + 1])) {
        const v = lookup(b, (xs[i + 1] as { text: string }).text, idx);
        if (v?.t === 'seq') {
          if (n !== undefined && n !== v.items.length) throw new TranscribeError('repetitions of different lengths in one transcriber repetition');
          n = v.items.length;
        }
      }
    }
  };
  visit(ts);
  if (n === undefined) throw new TranscribeError('a repetition in the transcriber uses no repeating fragment');
  return n;
}
