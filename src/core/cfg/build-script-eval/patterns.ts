/**
 * Patterns of `let`, `match`, `if let` against abstract values: a match is certain (`yes`),
 * impossible (`no`), or depends on something unknown (`maybe`, its bindings unknown).
 */
import type { Node } from 'web-tree-sitter';
import type { Interp } from './interp.js';
import { pathSegments } from './items.js';
import { equal, int, unknown, unknownIn, type Value } from './values.js';

export type Match = 'yes' | 'no' | 'maybe';

export function matchPattern(it: Interp, pat: Node, v: Value): { r: Match; binds: [string, Value][] } {
  const binds: [string, Value][] = [];
  const r = matchInto(it, pat, v, binds);
  return { r, binds };
}

function matchInto(it: Interp, p: Node, v: Value, binds: [string, Value][]): Match {
  const unk = v.k === 'unknown';
  const lit = (x: Value): Match => {
    const e = equal(v, x);
    return e === undefined ? 'maybe' : e ? 'yes' : 'no';
  };
  switch (p.type) {
    case '_':
      return 'yes';
    case 'match_pattern': {
      const inner = p.namedChildren.find((c) => c && c.id !== p.childForFieldName('condition')?.id);
      return inner ? matchInto(it, inner, v, binds) : p.text.trim().startsWith('_') ? 'yes' : 'maybe';
    }
    case 'identifier': {
      if (p.text === 'None') return unk ? 'maybe' : v.k === 'opt' ? (v.some ? 'no' : 'yes') : 'maybe';
      const c = /^[A-Z][A-Z0-9_]*$/.test(p.text) ? it.constValue(p.text, p) : undefined;
      if (c) return lit(c);
      binds.push([p.text, v]);
      return 'yes';
    }
    case 'mut_pattern':
    case 'ref_pattern':
    case 'reference_pattern':
      return matchInto(
        it,
        p.namedChildren.find((c) => c?.type !== 'mutable_specifier')!,
        v,
        binds,
      );
    case 'string_literal':
    case 'raw_string_literal':
    case 'char_literal':
    case 'integer_literal':
    case 'boolean_literal':
      return lit(it.eval(p));
    case 'negative_literal': {
      const x = it.eval(p.namedChildren[0]!);
      return x.k === 'int' ? lit(int(-x.n)) : 'maybe';
    }
    case 'or_pattern': {
      let any: 'no' | 'maybe' = 'no';
      for (const c of p.namedChildren) {
        if (!c) continue;
        const sub: [string, Value][] = [];
        const r = matchInto(it, c, v, sub);
        if (r === 'yes' && any === 'no') {
          binds.push(...sub);
          return 'yes';
        }
        if (r !== 'no') {
          any = 'maybe';
          for (const [name] of sub) binds.push([name, unknown(`\`${name}\``)]);
        }
      }
      return any;
    }
    case 'tuple_pattern': {
      const parts = p.namedChildren.filter((c): c is Node => !!c);
      if (parts.some((c) => c.type === 'remaining_field_pattern')) {
        for (const c of parts) bindUnknown(it, c, binds);
        return 'maybe';
      }
      let r: Match = 'yes';
      parts.forEach((c, i) => {
        const item = v.k === 'tuple' ? (v.items[i] ?? unknown('a tuple item')) : unknown(unknownIn(v) ?? 'a tuple item');
        const x = matchInto(it, c, item, binds);
        if (x === 'no') r = 'no';
        else if (x === 'maybe' && r === 'yes') r = 'maybe';
      });
      return r;
    }
    case 'tuple_struct_pattern': {
      const type = p.childForFieldName('type');
      const name = type ? (pathSegments(type) ?? []).pop() : undefined;
      const subs = p.namedChildren.filter((c): c is Node => !!c && c.id !== type?.id);
      const inner = (x: Value | undefined): Match => {
        if (subs.length !== 1) {
          for (const c of subs) bindUnknown(it, c, binds);
          return 'maybe';
        }
        return matchInto(it, subs[0]!, x ?? unknown('a value'), binds);
      };
      if ((name === 'Some' && v.k === 'opt') || ((name === 'Ok' || name === 'Err') && v.k === 'res')) {
        const hit = name === 'Some' ? !!(v as { some?: Value }).some : (v as { ok: boolean }).ok === (name === 'Ok');
        if (!hit) {
          for (const c of subs) bindUnknown(it, c, binds);
          return 'no';
        }
        return inner(name === 'Some' ? (v as { some: Value }).some : (v as { v: Value }).v);
      }
      const r = inner(unknown(unknownIn(v) ?? `the value matched at ${it.at(p)}`));
      return r === 'no' ? 'no' : 'maybe';
    }
    case 'captured_pattern': {
      const [nameNode, sub] = p.namedChildren;
      const r = sub ? matchInto(it, sub, v, binds) : 'maybe';
      if (nameNode) binds.push([nameNode.text, v]);
      return r;
    }
    default:
      bindUnknown(it, p, binds);
      return 'maybe';
  }
}

/** Binds every identifier of a pattern we cannot match to unknown. */
function bindUnknown(it: Interp, p: Node, binds: [string, Value][]): void {
  if (p.type === 'identifier') {
    if (!/^[A-Z]/.test(p.text)) binds.push([p.text, unknown(`\`${p.text}\` at ${it.at(p)}`)]);
    return;
  }
  for (const c of p.namedChildren) if (c && c.type !== 'type_identifier' && c.type !== 'scoped_identifier') bindUnknown(it, c, binds);
}
