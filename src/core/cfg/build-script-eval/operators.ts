/**
 * Operators on abstract values: `!`, `-`, comparisons, arithmetic, `&&`/`||` (the right side runs
 * in maybe mode when the left one is unknown), and compound assignment.
 */
import type { Node } from 'web-tree-sitter';
import type { Interp } from './interp.js';
import { bool, equal, int, str, textOf, unknown, unknownIn, UNIT, type Value } from './values.js';

export function unaryOp(it: Interp, n: Node): Value {
  const op = n.child(0)?.type;
  const v = it.eval(n.namedChildren[0]!);
  if (op === '*') return v;
  if (op === '!') {
    if (v.k === 'bool') return bool(!v.b);
    return unknown(unknownIn(v) ?? `\`${n.text}\` at ${it.at(n)}`);
  }
  if (op === '-' && v.k === 'int') return int(-v.n);
  return unknown(unknownIn(v) ?? `\`${n.text}\` at ${it.at(n)}`);
}

export function binaryOp(it: Interp, n: Node): Value {
  const op = n.childForFieldName('operator')!.type;
  const left = n.childForFieldName('left')!;
  const right = n.childForFieldName('right')!;
  if (op === '&&' || op === '||') {
    const a = it.eval(left);
    if (a.k === 'bool') return a.b === (op === '&&') ? it.eval(right) : a;
    const why = unknownIn(a) ?? `\`${left.text}\` at ${it.at(left)}`;
    const b = it.maybe(why, () => it.eval(right));
    // a && false = false and a || true = true, whatever a is.
    if (b?.k === 'bool' && b.b === (op === '||')) return b;
    return unknown(why);
  }
  const a = it.eval(left);
  const b = it.eval(right);
  const why = () => unknownIn(a) ?? unknownIn(b) ?? `\`${n.text.slice(0, 40)}\` at ${it.at(n)}`;
  switch (op) {
    case '==':
    case '!=': {
      const e = equal(a, b);
      return e === undefined ? unknown(why()) : bool(op === '==' ? e : !e);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const x = a.k === 'int' ? a.n : textOf(a);
      const y = b.k === 'int' ? b.n : textOf(b);
      if (x === undefined || y === undefined || typeof x !== typeof y) return unknown(why());
      return bool(op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y);
    }
    case '+':
      if (a.k === 'int' && b.k === 'int') return int(a.n + b.n);
      if (a.k === 'str' && !a.rustc && textOf(b) !== undefined) return str(a.s + textOf(b)!);
      return unknown(why());
    case '-':
    case '*':
    case '/':
    case '%':
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>': {
      if (a.k === 'bool' && b.k === 'bool' && (op === '&' || op === '|' || op === '^'))
        return bool(op === '&' ? a.b && b.b : op === '|' ? a.b || b.b : a.b !== b.b);
      if (a.k !== 'int' || b.k !== 'int') return unknown(why());
      if ((op === '/' || op === '%') && b.n === 0) return unknown(why());
      const r =
        op === '-'
          ? a.n - b.n
          : op === '*'
            ? a.n * b.n
            : op === '/'
              ? Math.trunc(a.n / b.n)
              : op === '%'
                ? a.n % b.n
                : op === '&'
                  ? a.n & b.n
                  : op === '|'
                    ? a.n | b.n
                    : op === '^'
                      ? a.n ^ b.n
                      : op === '<<'
                        ? a.n << b.n
                        : a.n >> b.n;
      return Number.isSafeInteger(r) && Math.abs(r) < 2 ** 31 ? int(r) : unknown(why());
    }
    default:
      return unknown(why());
  }
}

export function compoundAssign(it: Interp, n: Node): Value {
  const left = n.childForFieldName('left')!;
  const op = n.childForFieldName('operator')!.text.slice(0, -1);
  const a = it.eval(left);
  const b = it.eval(n.childForFieldName('right')!);
  let r: Value = unknown(unknownIn(a) ?? unknownIn(b) ?? `\`${n.text.slice(0, 40)}\` at ${it.at(n)}`);
  if (a.k === 'int' && b.k === 'int') {
    const x = op === '+' ? a.n + b.n : op === '-' ? a.n - b.n : op === '*' ? a.n * b.n : undefined;
    if (x !== undefined && Math.abs(x) < 2 ** 31) r = int(x);
  } else if (op === '+' && a.k === 'str' && !a.rustc && textOf(b) !== undefined) r = str(a.s + textOf(b)!);
  else if ((op === '|' || op === '&') && a.k === 'bool' && b.k === 'bool') r = bool(op === '|' ? a.b || b.b : a.b && b.b);
  it.assignTo(left, r);
  return UNIT;
}
