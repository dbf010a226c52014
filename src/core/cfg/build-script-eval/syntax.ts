/** Syntax helpers of the build-script interpreter. */
import type { Node } from 'web-tree-sitter';
import { decodeEscape } from '../../syntax/escapes.js';

/** Names a piece of code may change: assigned, `&mut`-borrowed, or a method's receiver. */
export function mutatedNames(n: Node): Set<string> {
  const out = new Set<string>();
  const rootName = (x: Node | null): string | undefined => {
    while (x && x.type !== 'identifier') x = x.childForFieldName('value') ?? (x.type === 'unary_expression' ? x.namedChildren[0]! : null);
    return x?.text;
  };
  const walk = (x: Node): void => {
    if (x.type === 'assignment_expression' || x.type === 'compound_assignment_expr') {
      const r = rootName(x.childForFieldName('left'));
      if (r) out.add(r);
    } else if (x.type === 'reference_expression' && x.namedChildren.some((c) => c?.type === 'mutable_specifier')) {
      const r = rootName(x.childForFieldName('value'));
      if (r) out.add(r);
    } else if (x.type === 'call_expression') {
      const f = x.childForFieldName('function');
      if (f?.type === 'field_expression') {
        const r = rootName(f.childForFieldName('value'));
        if (r) out.add(r);
      }
    } else if (x.type === 'macro_invocation') {
      // Names inside a macro's tokens may be changed by what it expands to.
      for (const t of x.descendantsOfType('identifier')) if (t) out.add(t.text);
    }
    for (const c of x.namedChildren) if (c) walk(c);
  };
  walk(n);
  return out;
}

/** The character of a char literal (`'a'`, `'\\n'`, `'\\u{1F600}'`), undefined for others. */
export function decodeChar(text: string): string | undefined {
  const m = /^b?'(.*)'$/su.exec(text);
  if (!m) return undefined;
  const body = m[1]!;
  if (!body.startsWith('\\')) return [...body].length === 1 ? body : undefined;
  // One escape and nothing after it; any escape rustc rejects (or a byte above 0x7F) is unknown.
  const esc = decodeEscape(body, 0);
  return esc.error === undefined && esc.next === body.length && [...esc.value].length === 1 ? esc.value : undefined;
}
