/**
 * The rules of a `macro_rules!` definition: each arm's matcher (tokens, groups, `$name:kind`
 * fragments and `$( … ) sep? op` repetitions) and its transcriber (kept as tokens).
 */
import type { Delimiter } from '../../syntax/tokens.js';
import { isIdent, isPunct, isWord, lex, type MTok } from './tokens.js';

export const FRAGMENT_KINDS = new Set([
  'item',
  'block',
  'stmt',
  'pat',
  'pat_param',
  'expr',
  'expr_2021',
  'ty',
  'ident',
  'path',
  'tt',
  'meta',
  'lifetime',
  'vis',
  'literal',
]);
export type FragmentKind = string;

export type RepOp = '*' | '+' | '?';

export type Matcher =
  | { t: 'tok'; tok: MTok }
  | { t: 'group'; delim: Delimiter; sub: Matcher[] }
  | { t: 'frag'; name: string; kind: FragmentKind }
  | { t: 'rep'; sub: Matcher[]; sep: MTok | undefined; op: RepOp; vars: string[] };

export interface Rule {
  matcher: Matcher[];
  transcriber: MTok[];
}

export class MacroSyntaxError extends Error {}

/** Parses the token tree after `macro_rules! name` (`{ (…) => {…}; … }`, or `(…);`). */
export function parseRules(text: string): Rule[] {
  const [outer] = lex(text);
  if (outer?.k !== 'group') throw new MacroSyntaxError('expected the rules in a delimited group');
  const ts = outer.children;
  const rules: Rule[] = [];
  let i = 0;
  while (i < ts.length) {
    const m = ts[i];
    const arrow = ts[i + 1];
    const tr = ts[i + 2];
    if (m?.k !== 'group' || !isPunct(arrow, '=>') || tr?.k !== 'group')
      throw new MacroSyntaxError(`malformed rule ${rules.length + 1}: expected \`(matcher) => {transcriber}\``);
    rules.push({ matcher: parseMatcher(m.children), transcriber: tr.children });
    i += 3;
    if (isPunct(ts[i], ';')) i++;
    else if (i < ts.length) throw new MacroSyntaxError(`expected \`;\` after rule ${rules.length}`);
  }
  if (rules.length === 0) throw new MacroSyntaxError('macro has no rules');
  return rules;
}

export function parseMatcher(ts: MTok[]): Matcher[] {
  const out: Matcher[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.k === 'group') {
      out.push({ t: 'group', delim: t.delim, sub: parseMatcher(t.children) });
      continue;
    }
    if (!isPunct(t, '$')) {
      out.push({ t: 'tok', tok: t });
      continue;
    }
    const next = ts[i + 1];
    if (isIdent(next) && next.text !== 'crate') {
      const kind = ts[i + 3];
      if (!isPunct(ts[i + 2], ':') || !isIdent(kind)) throw new MacroSyntaxError(`missing fragment specifier for \`$${next.text}\``);
      if (!FRAGMENT_KINDS.has(kind.text)) throw new MacroSyntaxError(`unknown fragment specifier \`${kind.text}\``);
      out.push({ t: 'frag', name: next.text, kind: kind.text });
      i += 3;
      continue;
    }
    if (isWord(next, 'crate')) {
      out.push({ t: 'tok', tok: { k: 'ident', text: '$crate' } });
      i += 1;
      continue;
    }
    if (next?.k === 'group' && next.delim === '(') {
      const sub = parseMatcher(next.children);
      const a = ts[i + 2];
      const b = ts[i + 3];
      let sep: MTok | undefined;
      let op: RepOp;
      if (isRepOp(a)) {
        op = (a as { text: RepOp }).text;
        i += 2;
      } else if (a && a.k !== 'group' && isRepOp(b) && !isPunct(b, '?')) {
        sep = a;
        op = (b as { text: RepOp }).text;
        i += 3;
      } else {
        throw new MacroSyntaxError('expected one of `*`, `+`, `?` after a repetition');
      }
      out.push({ t: 'rep', sub, sep, op, vars: varsOf(sub) });
      continue;
    }
    throw new MacroSyntaxError('unexpected `$` in a matcher');
  }
  return out;
}

function isRepOp(t: MTok | undefined): boolean {
  return isPunct(t, '*') || isPunct(t, '+') || isPunct(t, '?');
}

/** Every fragment name bound inside a matcher. */
export function varsOf(ms: Matcher[]): string[] {
  const out: string[] = [];
  for (const m of ms) {
    if (m.t === 'frag') out.push(m.name);
    else if (m.t === 'group' || m.t === 'rep') out.push(...varsOf(m.sub));
  }
  return out;
}
