/**
 * std's macros as the build-script interpreter runs them: the printing ones (`println!`,
 * `print!`, `write!` to an unknown destination), `format!`, the panicking ones, `assert*!`,
 * `vec!`, `matches!`. Another crate's macro gives an unknown value, or makes the interpreter
 * give up when it may run local code or print.
 */
import type { Node } from 'web-tree-sitter';
import { GiveUp } from './items.js';
import type { Interp } from './interp.js';
import { equal, str, textOf, unknown, unknownIn, UNIT, type Value } from './values.js';

export function macroCall(it: Interp, name: string, n: Node): Value {
  switch (name) {
    case 'println':
    case 'print': {
      const parts = it.format(it.macroArgs(n), n);
      it.print(name === 'println' ? [...parts, '\n'] : parts, n);
      return UNIT;
    }
    case 'eprintln':
    case 'eprint':
      it.format(it.macroArgs(n), n);
      return UNIT;
    case 'write':
    case 'writeln': {
      const [dst, ...rest] = it.macroArgs(n);
      if (dst) it.eval(dst);
      const parts = it.format(rest, n);
      // The destination may be standard output: what it writes may be cargo instructions.
      it.maybe(`\`${name}!\` to a destination cargo-units does not follow at ${it.at(n)}`, () => it.print(name === 'writeln' ? [...parts, '\n'] : parts, n));
      return unknown(`the result of \`${name}!\` at ${it.at(n)}`);
    }
    case 'format': {
      const parts = it.format(it.macroArgs(n), n);
      const hole = parts.find((p) => typeof p !== 'string');
      return hole ? unknown((hole as { unknown: string }).unknown) : str(parts.join(''));
    }
    case 'panic':
    case 'unreachable':
    case 'todo':
    case 'unimplemented':
      it.abort(n, `panic (\`${name}!\`)`);
      break;
    case 'assert':
    case 'debug_assert':
    case 'assert_eq':
    case 'assert_ne':
    case 'debug_assert_eq':
    case 'debug_assert_ne': {
      const args = it.macroArgs(n);
      let holds: boolean | undefined;
      if (name.endsWith('assert')) {
        const v = it.eval(args[0]!);
        holds = v.k === 'bool' ? v.b : undefined;
      } else {
        const e = equal(it.eval(args[0]!), it.eval(args[1]!));
        holds = e === undefined ? undefined : name.endsWith('eq') ? e : !e;
      }
      // debug_assert depends on the profile.
      if (name.startsWith('debug') && holds === false) holds = undefined;
      if (holds === false) it.abort(n, `panic (\`${name}!\`)`);
      if (holds === undefined) it.maybe(`\`${n.text.slice(0, 40)}\` at ${it.at(n)}`, () => it.abort(n, `panic (\`${name}!\`)`));
      return UNIT;
    }
    case 'vec': {
      const tt = n.namedChildren.find((c) => c?.type === 'token_tree');
      if (tt && /;/.test(tt.text)) return unknown(`\`vec![x; n]\` at ${it.at(n)}`);
      return { k: 'array', items: it.macroArgs(n).map((a) => it.eval(a)) };
    }
    case 'matches': {
      const tt = n.namedChildren.find((c) => c?.type === 'token_tree');
      const inner = tt?.text.slice(1, -1) ?? '';
      const body = it.parseBlock(`match ${splitFirst(inner)} { ${restAfterFirst(inner)} => true, _ => false }`, `matches\0${inner}`);
      return it.eval(body.namedChildren[0]!);
    }
    case 'dbg':
      return it.macroArgs(n).map((a) => it.eval(a))[0] ?? UNIT;
    case 'concat': {
      const vals = it.macroArgs(n).map((a) => it.eval(a));
      const parts = vals.map((v) => (v.k === 'int' ? String(v.n) : textOf(v)));
      return parts.every((p) => p !== undefined) ? str(parts.join('')) : unknown(`\`concat!\` at ${it.at(n)}`);
    }
    case 'try': {
      const body = it.parseBlock(`(${n.namedChildren.find((c) => c?.type === 'token_tree')?.text ?? '()'})?`, `try\0${n.text}`);
      return it.eval(body.namedChildren[0]!);
    }
    case 'cfg':
      return unknown(`\`${n.text}\` (a cfg of the build script itself) at ${it.at(n)}`);
    case 'env':
    case 'option_env':
    case 'include_str':
    case 'include_bytes':
    case 'include':
    case 'stringify':
    case 'line':
    case 'file':
    case 'column':
    case 'module_path':
    case 'compile_error':
      return unknown(`\`${name}!\` at ${it.at(n)}`);
    case 'cfg_aliases':
      throw new GiveUp(`\`cfg_aliases!\` at ${it.at(n)}`);
  }
  // Another crate's macro: it may expand to anything.
  const text = n.text;
  if (/print|rustc-cfg|write|stdout/.test(text)) throw new GiveUp(`the macro \`${name}!\`, which cargo-units does not know, at ${it.at(n)}`);
  for (const f of [...it.items.fns.keys(), ...it.items.methods.keys()]) {
    if (new RegExp(`\\b${f}\\b`).test(text)) throw new GiveUp(`the macro \`${name}!\`, which cargo-units does not know, calls \`${f}\` at ${it.at(n)}`);
  }
  return unknown(unknownIn(UNIT) ?? `\`${name}!\` at ${it.at(n)}`);
}

/** `expr, pattern` → the expression (up to the first top-level comma). */
function splitFirst(s: string): string {
  return s.slice(0, topComma(s));
}
function restAfterFirst(s: string): string {
  return s.slice(topComma(s) + 1);
}
function topComma(s: string): number {
  let depth = 0;
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '\\') i++;
      else if (c === '"') q = false;
      continue;
    }
    if (c === '"') q = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) return i;
  }
  return s.length;
}
