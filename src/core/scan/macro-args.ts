/**
 * Evaluates the arguments of macro calls that name files: `include!("…")`, and the string
 * expressions rustc accepts there (`concat!` of literals and `env!("CARGO_MANIFEST_DIR" | "OUT_DIR")`).
 */
import { resolveFrom } from '../paths.js';
import type { TokenTree } from '../syntax/tokens.js';

export type IncludeTarget =
  { kind: 'relative'; path: string } | { kind: 'absolute'; path: string } | { kind: 'out-dir'; path: string } | { kind: 'unknown'; text: string };

/** Evaluates the argument of an include macro: a string, or `concat!` of strings and `env!(…)`. */
export function includeTarget(args: TokenTree[], packageDir: string): IncludeTarget {
  const parts = evalStringExpr(args);
  if (parts === undefined) return { kind: 'unknown', text: renderArgs(args) };
  let text = '';
  let anchor: 'none' | 'manifest' | 'out' = 'none';
  for (const [i, p] of parts.entries()) {
    if (p.kind === 'env') {
      if (i !== 0) return { kind: 'unknown', text: renderArgs(args) };
      if (p.name === 'CARGO_MANIFEST_DIR') anchor = 'manifest';
      else if (p.name === 'OUT_DIR') anchor = 'out';
      else return { kind: 'unknown', text: renderArgs(args) };
    } else {
      text += p.text;
    }
  }
  if (anchor === 'out') return { kind: 'out-dir', path: `$OUT_DIR/${text.replace(/^\/+/, '')}` };
  if (anchor === 'manifest') return { kind: 'absolute', path: resolveFrom(packageDir, `./${text.replace(/^\/+/, '')}`) };
  if (text.startsWith('/')) return { kind: 'absolute', path: resolveFrom('/', text) };
  return { kind: 'relative', path: text };
}

type StrPart = { kind: 'str'; text: string } | { kind: 'env'; name: string };

function evalStringExpr(tokens: TokenTree[]): StrPart[] | undefined {
  // Drop a trailing comma.
  const last = tokens[tokens.length - 1];
  const ts = last?.kind === 'punct' && last.text === ',' ? tokens.slice(0, -1) : tokens;
  const only = ts[0];
  if (ts.length === 1 && only?.kind === 'literal' && only.value !== undefined) return [{ kind: 'str', text: only.value }];
  // [path::]name ! ( … )
  let i = 0;
  const isPathSep = (t: TokenTree | undefined) => t?.kind === 'punct' && t.text === '::';
  while (ts[i]?.kind === 'ident' && isPathSep(ts[i + 1])) i += 2;
  const name = ts[i];
  const bang = ts[i + 1];
  const group = ts[i + 2];
  if (name?.kind !== 'ident' || bang?.kind !== 'punct' || bang.text !== '!' || group?.kind !== 'group' || i + 3 !== ts.length) return undefined;
  if (name.text === 'env') {
    const arg = group.children[0];
    if (arg?.kind === 'literal' && arg.value !== undefined) return [{ kind: 'env', name: arg.value }];
    return undefined;
  }
  if (name.text === 'concat') {
    const out: StrPart[] = [];
    let cur: TokenTree[] = [];
    const flush = (): boolean => {
      if (cur.length === 0) return true;
      const p = evalStringExpr(cur);
      cur = [];
      if (!p) return false;
      out.push(...p);
      return true;
    };
    for (const t of group.children) {
      if (t.kind === 'punct' && t.text === ',') {
        if (!flush()) return undefined;
      } else cur.push(t);
    }
    if (!flush()) return undefined;
    return out;
  }
  return undefined;
}

export function renderArgs(args: TokenTree[]): string {
  const s = args.map((t) => (t.kind === 'group' ? '(…)' : t.text)).join('');
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
