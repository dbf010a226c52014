/**
 * Evaluates the attributes of one item under a unit's cfg: `cfg`, `cfg_attr` (expanded first, as
 * rustc does), `path`, and include calls in attribute values (`#[doc = include_str!("…")]`).
 */
import { cfgToString, parseCfgTokens, type CfgExpr } from '../cfg/expr.js';
import type { CfgSet } from '../cfg/set.js';
import type { Tri } from '../cargo/model.js';
import { splitCommas, type TokenTree } from '../syntax/tokens.js';
import { scanIncludes } from './extract.js';
import type { Attr, Item } from './facts.js';

export interface Gate {
  value: Tri;
  /** Why the value is unknown (names the cfg and the unknown names). */
  reason?: string;
}

export interface AttrPath {
  path: string;
  gate: Gate;
}

export interface EvaluatedAttrs {
  /** Conjunction of every `cfg` (and `cfg_attr(p, cfg(q))`). */
  cfg: Gate;
  /** `path = "…"` attributes with the condition under which each applies. */
  paths: AttrPath[];
  /** Include calls in attribute values, each with the condition of its `cfg_attr`s. */
  includes: { item: Item & { kind: 'include' }; gate: Gate }[];
  /** Malformed cfg predicates: (line, message). */
  problems: { line: number; message: string }[];
}

interface Expanded {
  meta: TokenTree[];
  conds: CfgExpr[];
  /** Some enclosing `cfg_attr` predicate was malformed: whether it applies is unknown. */
  malformed: boolean;
  line: number;
}

const TRUE: Gate = { value: true };

/** One expanded attribute, with what can be worked out once, whatever the cfg. */
type Prepared =
  | { kind: 'cfg'; e: Expanded; expr?: CfgExpr; error?: string }
  | { kind: 'path'; e: Expanded; path: string }
  | { kind: 'includes'; e: Expanded; items: (Item & { kind: 'include' })[] };

/** Attribute lists are immutable facts: their expansion and parsed predicates are kept per list. */
const preparedByAttrs = new WeakMap<Attr[], { entries: Prepared[]; problems: { line: number; message: string }[] }>();

function prepare(attrs: Attr[]): { entries: Prepared[]; problems: { line: number; message: string }[] } {
  let p = preparedByAttrs.get(attrs);
  if (p) return p;
  const problems: { line: number; message: string }[] = [];
  const expanded: Expanded[] = [];
  for (const a of attrs) expand(a.tokens, [], false, a.line, expanded, problems);
  const entries: Prepared[] = [];
  for (const e of expanded) {
    const [head, second, third] = e.meta;
    if (head?.kind !== 'ident') continue;
    if (head.text === 'cfg' && second?.kind === 'group' && second.delimiter === '(') {
      try {
        const pred = parseCfgTokens(second.children);
        const expr: CfgExpr = e.conds.length === 0 ? pred : { type: 'any', items: [{ type: 'not', item: allOf(e.conds) }, pred] };
        entries.push({ kind: 'cfg', e, expr });
      } catch (err) {
        entries.push({ kind: 'cfg', e, error: (err as Error).message });
      }
    } else if (head.text === 'path' && second?.kind === 'punct' && second.text === '=' && third?.kind === 'literal') {
      if (third.value !== undefined) entries.push({ kind: 'path', e, path: third.value });
    } else if (e.meta.length > 2) {
      const items = scanIncludes(e.meta.slice(1), '', e.line).map((item) => ({ ...item, line: e.line }));
      if (items.length > 0) entries.push({ kind: 'includes', e, items });
    }
  }
  p = { entries, problems };
  preparedByAttrs.set(attrs, p);
  return p;
}

const NONE: EvaluatedAttrs = Object.freeze({ cfg: { value: true }, paths: [], includes: [], problems: [] }) as EvaluatedAttrs;

export function evaluateAttrs(attrs: Attr[], cfg: CfgSet): EvaluatedAttrs {
  if (attrs.length === 0) return NONE;
  const { entries, problems } = prepare(attrs);
  const out: EvaluatedAttrs = { cfg: TRUE, paths: [], includes: [], problems: [...problems] };
  for (const p of entries) {
    const e = p.e;
    switch (p.kind) {
      case 'cfg':
        if (p.expr === undefined) {
          out.problems.push({ line: e.line, message: `malformed cfg: ${p.error}` });
          out.cfg = and(out.cfg, { value: 'unknown', reason: `malformed #[cfg] on line ${e.line}` });
        } else {
          out.cfg = and(out.cfg, e.malformed ? malformedGate(e.line) : gateOf(p.expr, cfg));
        }
        break;
      case 'path':
        out.paths.push({ path: p.path, gate: condGate(e, cfg) });
        break;
      case 'includes':
        for (const item of p.items) out.includes.push({ item, gate: condGate(e, cfg) });
        break;
    }
  }
  return out;
}

function expand(tokens: TokenTree[], conds: CfgExpr[], malformed: boolean, line: number, out: Expanded[], problems: { line: number; message: string }[]): void {
  const [head, args] = tokens;
  if (head?.kind === 'ident' && head.text === 'cfg_attr' && args?.kind === 'group' && tokens.length === 2) {
    const parts = splitCommas(args.children);
    const predTokens = parts[0];
    if (!predTokens || parts.length < 2) {
      if (!predTokens) problems.push({ line, message: 'malformed cfg_attr: expected a predicate' });
      return;
    }
    let pred: CfgExpr | undefined;
    try {
      pred = parseCfgTokens(predTokens);
    } catch (err) {
      problems.push({ line, message: `malformed cfg_attr predicate: ${(err as Error).message}` });
    }
    // A malformed predicate keeps its attributes under a condition that is never decided.
    const next = pred ? [...conds, pred] : conds;
    for (const inner of parts.slice(1)) expand(inner, next, malformed || !pred, line, out, problems);
    return;
  }
  out.push({ meta: tokens, conds, malformed, line });
}

function allOf(conds: CfgExpr[]): CfgExpr {
  return conds.length === 1 ? conds[0]! : { type: 'all', items: conds };
}

function condGate(e: Expanded, cfg: CfgSet): Gate {
  if (e.malformed) return malformedGate(e.line);
  return e.conds.length === 0 ? TRUE : gateOf(allOf(e.conds), cfg);
}

function malformedGate(line: number): Gate {
  return { value: 'unknown', reason: `malformed cfg_attr predicate on line ${line}` };
}

export function gateOf(expr: CfgExpr, cfg: CfgSet): Gate {
  const r = cfg.evaluate(expr);
  if (r.value !== 'unknown') return { value: r.value };
  const unknown = [...new Set(r.unknown)];
  const names = unknown.map((n) => `\`${n}\``).join(', ');
  // Why the first name is unknown (which build script line prints it), when the set knows.
  const why = unknown.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(unknown[0]!) ? cfg.unknownReason(unknown[0]!) : undefined;
  return {
    value: 'unknown',
    reason: `cfg(${cfgToString(expr)}) depends on ${names || 'an unknown cfg'}${why ? `: ${why}` : ', which a build script or RUSTFLAGS may set'}`,
  };
}

/** Kleene conjunction of two gates, keeping the first reason. */
export function and(a: Gate, b: Gate): Gate {
  if (a.value === false || b.value === false) return { value: false };
  if (a.value === 'unknown') return a;
  if (b.value === 'unknown') return b;
  return TRUE;
}

export function not(g: Gate): Gate {
  if (g.value === 'unknown') return g;
  return { value: !g.value };
}

/** The text of the `cfg` predicates among `attrs` (their conjunction); undefined when there is none. */
export function cfgTextOf(attrs: Attr[]): string | undefined {
  if (attrs.length === 0) return undefined;
  const texts = prepare(attrs).entries.flatMap((p) => (p.kind === 'cfg' ? [p.expr ? cfgToString(p.expr) : `malformed cfg on line ${p.e.line}`] : []));
  return texts.length === 0 ? undefined : texts.length === 1 ? texts[0] : `all(${texts.join(', ')})`;
}

/** For each `path` attribute (in evaluateAttrs' order): the text of the `cfg_attr` predicates it sits under (undefined: none). */
export function pathCondTextsOf(attrs: Attr[]): (string | undefined)[] {
  if (attrs.length === 0) return [];
  return prepare(attrs).entries.flatMap((p) => (p.kind === 'path' ? [p.e.conds.length === 0 ? undefined : cfgToString(allOf(p.e.conds))] : []));
}
