/**
 * Matches a macro call's tokens against one arm's matcher, with backtracking over repetitions
 * (bounded, so that a pathological macro cannot hang the index).
 */
import { fragmentLength } from './fragments.js';
import type { Matcher } from './rules.js';
import { sameToken, type MTok } from './tokens.js';

export type Binding = { t: 'one'; kind: string; toks: MTok[] } | { t: 'seq'; items: Binding[] };
export type Bindings = Map<string, Binding>;

/** Thrown when matching takes more steps than MAX_MATCH_STEPS. */
export class MatchBudgetExceeded extends Error {}

export const MAX_MATCH_STEPS = 200_000;

/**
 * The bindings when `input` matches `matcher` completely, else undefined. Repetitions are first
 * matched greedily, without backtracking, as rustc's matcher effectively does (it rejects the
 * ambiguous cases); the recursion depth then follows the matcher's nesting, not the input's length.
 * Only when that fails is the bounded backtracking matcher tried.
 */
export function matchRule(matcher: Matcher[], input: MTok[]): Bindings | undefined {
  const b = new Map<string, Binding>();
  const end = greedy(matcher, input, 0, b);
  if (end === input.length) return b;
  try {
    return backtracking(matcher, input);
  } catch (err) {
    if (err instanceof RangeError) throw new MatchBudgetExceeded('the call is too long for the backtracking matcher');
    throw err;
  }
}

/** Matches `ms` from `ti` without backtracking; the index after the match, or -1. Adds to `b`. */
function greedy(ms: Matcher[], ts: MTok[], ti: number, b: Bindings): number {
  let at = ti;
  for (const m of ms) {
    switch (m.t) {
      case 'tok': {
        const t = ts[at];
        if (t === undefined || !sameToken(m.tok, t)) return -1;
        at++;
        break;
      }
      case 'group': {
        const g = ts[at];
        if (g?.k !== 'group' || g.delim !== m.delim) return -1;
        if (greedy(m.sub, g.children, 0, b) !== g.children.length) return -1;
        at++;
        break;
      }
      case 'frag': {
        const n = fragmentLength(m.kind, ts, at);
        if (n < 0) return -1;
        b.set(m.name, { t: 'one', kind: m.kind, toks: ts.slice(at, at + n) });
        at += n;
        break;
      }
      case 'rep': {
        const iters: Bindings[] = [];
        for (;;) {
          if (m.op === '?' && iters.length === 1) break;
          let from = at;
          if (iters.length > 0 && m.sep) {
            const s = ts[at];
            if (s === undefined || !sameToken(m.sep, s)) break;
            from = at + 1;
          }
          const ib = new Map<string, Binding>();
          const end = greedy(m.sub, ts, from, ib);
          if (end < 0 || end === from) break;
          iters.push(ib);
          at = end;
        }
        if (m.op === '+' && iters.length === 0) return -1;
        for (const v of m.vars) b.set(v, { t: 'seq', items: iters.map((ib) => ib.get(v)!).filter((x) => x !== undefined) });
        break;
      }
    }
  }
  return at;
}

function backtracking(matcher: Matcher[], input: MTok[]): Bindings | undefined {
  let steps = 0;
  const tick = (): void => {
    if (++steps > MAX_MATCH_STEPS) throw new MatchBudgetExceeded(`matching took more than ${MAX_MATCH_STEPS} steps`);
  };
  type K = (ti: number, b: Bindings) => Bindings | undefined;

  const seq = (ms: Matcher[], mi: number, ts: MTok[], ti: number, b: Bindings, k: K): Bindings | undefined => {
    tick();
    if (mi === ms.length) return k(ti, b);
    const m = ms[mi]!;
    switch (m.t) {
      case 'tok': {
        const t = ts[ti];
        return t !== undefined && sameToken(m.tok, t) ? seq(ms, mi + 1, ts, ti + 1, b, k) : undefined;
      }
      case 'group': {
        const g = ts[ti];
        if (g?.k !== 'group' || g.delim !== m.delim) return undefined;
        return seq(m.sub, 0, g.children, 0, b, (end, b2) => (end === g.children.length ? seq(ms, mi + 1, ts, ti + 1, b2, k) : undefined));
      }
      case 'frag': {
        const n = fragmentLength(m.kind, ts, ti);
        if (n < 0) return undefined;
        const b2 = new Map(b);
        b2.set(m.name, { t: 'one', kind: m.kind, toks: ts.slice(ti, ti + n) });
        return seq(ms, mi + 1, ts, ti + n, b2, k);
      }
      case 'rep': {
        const iterate = (count: number, at: number, iters: Bindings[]): Bindings | undefined => {
          tick();
          const canMore = m.op !== '?' || count === 0;
          if (canMore) {
            let from = at;
            let sepOk = true;
            if (count > 0 && m.sep) {
              const s = ts[at];
              sepOk = s !== undefined && sameToken(m.sep, s);
              from = at + 1;
            }
            if (sepOk) {
              const r = seq(m.sub, 0, ts, from, new Map(), (end, ib) => (end === from ? undefined : iterate(count + 1, end, [...iters, ib])));
              if (r) return r;
            }
          }
          if (m.op === '+' && count === 0) return undefined;
          const b2 = new Map(b);
          for (const v of m.vars) b2.set(v, { t: 'seq', items: iters.map((ib) => ib.get(v)!).filter((x) => x !== undefined) });
          return seq(ms, mi + 1, ts, at, b2, k);
        };
        return iterate(0, ti, []);
      }
    }
  };

  return seq(matcher, 0, input, 0, new Map(), (end, b) => (end === input.length ? b : undefined));
}
