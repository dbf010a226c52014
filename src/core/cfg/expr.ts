/**
 * `cfg` predicates: parsing (with rustc's grammar), and printing in a canonical form.
 *
 * The grammar follows rustc 1.95:
 *
 *     predicate := `true` | `false`                 (boolean literals, stable since 1.88)
 *                | IDENT                            (a name, e.g. `unix`)
 *                | IDENT `=` STRING                 (a pair, e.g. `target_os = "linux"`)
 *                | `all` `(` list `)` | `any` `(` list `)` | `not` `(` list-of-one `)`
 *                | `version` `(` STRING `)`         (nightly `cfg_version`)
 *                | `target` `(` pairs `)`           (nightly `cfg_target_compact`)
 *     list      := empty | predicate (`,` predicate)* `,`?
 *
 * `IDENT` is a single identifier (paths such as `a::b` are rejected), may be raw (`r#true` is a
 * name `true`, unlike the literal `true`), and may not be a keyword or `_`. `STRING` is a plain
 * or raw string literal: byte and C strings, numbers and suffixed strings are rejected.
 * `cfg(...)` itself holds exactly one predicate, with an optional trailing comma.
 */

import { tokenize, type Delimiter, type TokenTree } from '../syntax/tokens.js';
import { skipBlockComment } from '../syntax/comments.js';
import { decodeEscape } from '../syntax/escapes.js';

export type CfgExpr =
  | { type: 'name'; name: string }
  | { type: 'kv'; name: string; value: string }
  | { type: 'all'; items: CfgExpr[] }
  | { type: 'any'; items: CfgExpr[] }
  | { type: 'not'; item: CfgExpr }
  | { type: 'bool'; value: boolean }
  /** `version("1.80")` (nightly `cfg_version`): compares with the compiler's version; evaluates as unknown. */
  | { type: 'version'; version: string };

/** One cfg atom: a name (`unix`) or a name=value pair (`target_os="linux"`). */
export interface CfgAtom {
  name: string;
  value?: string;
}

export interface CfgParseOptions {
  /**
   * The crate's edition (`2015`, `2018`, `2021`, `2024`): decides whether `async`, `await`, `dyn`,
   * `try` (2018+) and `gen` (2024+) are keywords, which cannot be cfg names. When absent, only
   * keywords of every edition are rejected.
   */
  edition?: string;
  /** Offset reported for errors at the end of the input, e.g. the offset of the closing `)`. */
  end?: number;
}

/** A malformed cfg predicate. `offset` is a UTF-16 index into the parsed text. */
export class CfgSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'CfgSyntaxError';
  }
}

/** Deeper nesting is rejected, so that parsing and evaluating never exhaust the stack. */
export const MAX_CFG_DEPTH = 256;

const CLOSE: Record<Delimiter, string> = { '(': ')', '[': ']', '{': '}' };

/** Keywords in every edition (`true`/`false` are handled as boolean literals). */
const KEYWORDS_ALL_EDITIONS = new Set([
  'as',
  'break',
  'const',
  'continue',
  'crate',
  'else',
  'enum',
  'extern',
  'fn',
  'for',
  'if',
  'impl',
  'in',
  'let',
  'loop',
  'match',
  'mod',
  'move',
  'mut',
  'pub',
  'ref',
  'return',
  'self',
  'Self',
  'static',
  'struct',
  'super',
  'trait',
  'type',
  'unsafe',
  'use',
  'where',
  'while',
  'abstract',
  'become',
  'box',
  'do',
  'final',
  'macro',
  'override',
  'priv',
  'typeof',
  'unsized',
  'virtual',
  'yield',
]);
const KEYWORDS_2018 = ['async', 'await', 'dyn', 'try'];
const KEYWORDS_2024 = ['gen'];
/** Identifiers that cannot be raw (`r#self` is an error). */
const NOT_RAW = new Set(['self', 'Self', 'super', 'crate', '_']);
/** Every word that needs `r#` to be printed as a cfg name. */
const NEEDS_RAW = new Set([...KEYWORDS_ALL_EDITIONS, ...KEYWORDS_2018, ...KEYWORDS_2024, 'true', 'false']);

const IDENT_RE = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;

function isKeyword(name: string, edition: string | undefined): boolean {
  if (KEYWORDS_ALL_EDITIONS.has(name)) return true;
  if (edition === undefined) return false;
  const year = Number.parseInt(edition, 10);
  if (!Number.isFinite(year)) return false;
  if (year >= 2018 && KEYWORDS_2018.includes(name)) return true;
  if (year >= 2024 && KEYWORDS_2024.includes(name)) return true;
  return false;
}

function describe(t: TokenTree): string {
  switch (t.kind) {
    case 'ident':
      return t.text.startsWith("'") ? `lifetime \`${t.text}\`` : `\`${t.text}\``;
    case 'punct':
      return `\`${t.text}\``;
    case 'literal':
      return `literal \`${t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text}\``;
    case 'group':
      return `\`${t.delimiter}\``;
  }
}

function isPunct(t: TokenTree | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

/** Reads an identifier token: validates it and returns its (NFC-normalized) name. */
function readIdent(t: TokenTree, opts: CfgParseOptions): { name: string; raw: boolean; text: string } {
  if (t.kind !== 'ident' || t.text.startsWith("'")) {
    if (isPunct(t, '::')) throw new CfgSyntaxError(t.offset, 'a cfg name must be an identifier, not a path');
    throw new CfgSyntaxError(t.offset, `expected a cfg predicate (an identifier), found ${describe(t)}`);
  }
  const raw = t.text.startsWith('r#');
  const name = (raw ? t.text.slice(2) : t.text).normalize('NFC');
  if (name === '') throw new CfgSyntaxError(t.offset, 'expected an identifier after `r#`');
  if (!IDENT_RE.test(name)) throw new CfgSyntaxError(t.offset, `\`${t.text}\` is not a valid identifier`);
  if (raw && NOT_RAW.has(name)) throw new CfgSyntaxError(t.offset, `\`${name}\` cannot be a raw identifier`);
  if (name === '_') throw new CfgSyntaxError(t.offset, 'expected an identifier, found reserved identifier `_`');
  if (!raw && isKeyword(name, opts.edition)) {
    throw new CfgSyntaxError(t.offset, `expected an identifier, found keyword \`${name}\` (write \`r#${name}\` for a cfg named \`${name}\`)`);
  }
  return { name, raw, text: t.text };
}

/**
 * Decodes a string literal token as rustc does for a cfg value: plain `"…"` (with escapes) or raw
 * `r#"…"#`. CRLF counts as LF (rustc normalizes line endings before lexing).
 */
function readString(t: TokenTree): string {
  if (t.kind !== 'literal') throw new CfgSyntaxError(t.offset, `expected a string literal, found ${describe(t)}`);
  const text = t.text;
  const fail = (at: number, message: string): never => {
    throw new CfgSyntaxError(t.offset + at, message);
  };
  if (/^(?:b|br|c|cr)["#]/.test(text)) {
    fail(0, `expected a plain string literal, found ${text.startsWith('b') ? 'a byte' : 'a C'} string \`${text}\``);
  }
  const rawMatch = /^r(#*)"/.exec(text);
  if (rawMatch) {
    const start = rawMatch[0].length;
    const terminator = '"' + rawMatch[1];
    const end = text.indexOf(terminator, start);
    if (end < 0) fail(0, 'unterminated raw string literal');
    if (end + terminator.length !== text.length) fail(end + terminator.length, 'suffixes on string literals are invalid');
    const content = text.slice(start, end);
    const cr = /\r(?!\n)/.exec(content);
    if (cr) fail(start + cr.index, 'bare CR not allowed in raw string');
    return content.replace(/\r\n/g, '\n');
  }
  if (!text.startsWith('"')) fail(0, `expected a string literal, found ${describe(t)}`);
  let value = '';
  let i = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      if (i !== n - 1) fail(i + 1, 'suffixes on string literals are invalid');
      return value;
    }
    if (c === '\r') {
      if (text[i + 1] !== '\n') fail(i, 'bare CR not allowed in string');
      value += '\n';
      i += 2;
      continue;
    }
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const esc = decodeEscape(text, i);
    if (esc.error) fail(esc.error.at, esc.error.message);
    value += esc.value;
    i = esc.next;
  }
  return fail(0, 'unterminated string literal');
}

interface Cursor {
  tokens: TokenTree[];
  /** Offset of the end of this token list (the closing delimiter, or the end of the input). */
  end: number;
  opts: CfgParseOptions;
  depth: number;
}

/** Parses a comma-separated list of predicates (trailing comma allowed); returns items with their offsets. */
function parseList(c: Cursor): { items: CfgExpr[]; offsets: number[] } {
  if (c.depth > MAX_CFG_DEPTH) throw new CfgSyntaxError(c.tokens[0]?.offset ?? c.end, `cfg predicate nested more than ${MAX_CFG_DEPTH} levels deep`);
  const items: CfgExpr[] = [];
  const offsets: number[] = [];
  let i = 0;
  while (i < c.tokens.length) {
    const t = c.tokens[i]!;
    if (isPunct(t, ',')) throw new CfgSyntaxError(t.offset, 'expected a cfg predicate, found `,`');
    const r = parsePredicate(c, i);
    items.push(r.expr);
    offsets.push(t.offset);
    i = r.next;
    const sep = c.tokens[i];
    if (sep !== undefined) {
      if (!isPunct(sep, ',')) throw new CfgSyntaxError(sep.offset, `expected \`,\` or the end of the list, found ${describe(sep)}`);
      i++;
    }
  }
  return { items, offsets };
}

function parsePredicate(c: Cursor, i: number): { expr: CfgExpr; next: number } {
  const t = c.tokens[i]!;
  const { name, raw, text } = readIdent(t, c.opts);
  const next = c.tokens[i + 1];
  if (isPunct(next, '::')) throw new CfgSyntaxError(t.offset, 'a cfg name must be an identifier, not a path');
  if (!raw && (name === 'true' || name === 'false')) {
    if (next !== undefined && (next.kind === 'group' || isPunct(next, '='))) {
      throw new CfgSyntaxError(next.offset, `\`${name}\` is a boolean literal, not a cfg name (write \`r#${name}\` for a cfg named \`${name}\`)`);
    }
    return { expr: { type: 'bool', value: name === 'true' }, next: i + 1 };
  }
  if (next !== undefined && next.kind === 'group') {
    if (next.delimiter !== '(') throw new CfgSyntaxError(next.offset, `expected \`(\` after \`${text}\`, found \`${next.delimiter}\``);
    const inner: Cursor = { tokens: next.children, end: next.end - 1, opts: c.opts, depth: c.depth + 1 };
    const op = raw ? '' : name;
    switch (op) {
      case 'all':
      case 'any':
        return { expr: { type: op, items: parseList(inner).items }, next: i + 2 };
      case 'not': {
        const { items, offsets } = parseList(inner);
        if (items.length !== 1) {
          throw new CfgSyntaxError(items.length > 1 ? offsets[1]! : next.offset, `\`not\` takes exactly one cfg predicate, found ${items.length}`);
        }
        return { expr: { type: 'not', item: items[0]! }, next: i + 2 };
      }
      case 'version':
        return { expr: parseVersion(inner, next.offset), next: i + 2 };
      case 'target':
        return { expr: parseTargetCompact(inner), next: i + 2 };
      default:
        throw new CfgSyntaxError(t.offset, `invalid predicate \`${text}\`: expected \`all\`, \`any\` or \`not\``);
    }
  }
  if (isPunct(next, '=')) {
    const lit = c.tokens[i + 2];
    if (lit === undefined) throw new CfgSyntaxError(c.end, `expected a string literal after \`${text} =\``);
    if (lit.kind !== 'literal') throw new CfgSyntaxError(lit.offset, `expected a string literal after \`${text} =\`, found ${describe(lit)}`);
    return { expr: { type: 'kv', name, value: readString(lit) }, next: i + 3 };
  }
  return { expr: { type: 'name', name }, next: i + 1 };
}

/** `version("1.80")`: exactly one string literal (and an optional trailing comma). */
function parseVersion(c: Cursor, at: number): CfgExpr {
  const [first, second, third] = c.tokens;
  const expected = '`version` expects a version literal, e.g. `version("1.80")`';
  if (first === undefined) throw new CfgSyntaxError(at, expected);
  if (first.kind !== 'literal' || !/^r?[#"]/.test(first.text)) throw new CfgSyntaxError(first.offset, `${expected}, found ${describe(first)}`);
  if (second !== undefined && !isPunct(second, ',')) throw new CfgSyntaxError(second.offset, `expected \`,\` or \`)\`, found ${describe(second)}`);
  if (third !== undefined) throw new CfgSyntaxError(third.offset, '`version` expects a single version literal');
  return { type: 'version', version: readString(first) };
}

/** `target(os = "linux", arch = "x86_64")` means `all(target_os = "linux", target_arch = "x86_64")`. */
function parseTargetCompact(c: Cursor): CfgExpr {
  const { items, offsets } = parseList(c);
  const out: CfgExpr[] = [];
  items.forEach((item, k) => {
    if (item.type !== 'kv') throw new CfgSyntaxError(offsets[k]!, '`target(...)` takes only `key = "value"` pairs');
    out.push({ type: 'kv', name: `target_${item.name}`, value: item.value });
  });
  return { type: 'all', items: out };
}

/**
 * Parses the inside of `cfg( … )`: exactly one predicate, optionally followed by a comma.
 * Offsets in errors are those of the tokens (indexes into the text they were tokenized from).
 * The tokens are trusted to be complete: use {@link parseCfg} on text to also reject unbalanced
 * delimiters and stray characters.
 */
export function parseCfgTokens(tokens: TokenTree[], opts: CfgParseOptions = {}): CfgExpr {
  const end = opts.end ?? endOf(tokens);
  const { items, offsets } = parseList({ tokens, end, opts, depth: 0 });
  if (items.length === 0) throw new CfgSyntaxError(end, 'cfg predicate is not specified');
  if (items.length > 1) throw new CfgSyntaxError(offsets[1]!, 'multiple cfg predicates are specified; combine them with `all(...)` or `any(...)`');
  return items[0]!;
}

function endOf(tokens: TokenTree[]): number {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return 0;
  return last.kind === 'group' ? last.end : last.offset + last.text.length;
}

/**
 * Parses a cfg predicate from text: either wrapped, `cfg(unix)` (as in Cargo.toml
 * `[target.'cfg(unix)'.dependencies]`), or bare: `unix`, `feature = "x"`, `all(...)`.
 */
export function parseCfg(text: string, opts: Omit<CfgParseOptions, 'end'> = {}): CfgExpr {
  const tokens = tokenizeChecked(text);
  const [head, group, extra] = tokens;
  if (head?.kind === 'ident' && head.text === 'cfg' && group?.kind === 'group' && group.delimiter === '(') {
    if (extra !== undefined) throw new CfgSyntaxError(extra.offset, `unexpected ${describe(extra)} after \`cfg(...)\``);
    return parseCfgTokens(group.children, { ...opts, end: group.end - 1 });
  }
  return parseCfgTokens(tokens, { ...opts, end: text.length });
}

/**
 * Parses a `--cfg` option value as rustc does: `NAME` or `NAME="VALUE"` (e.g. `loom`,
 * `feature="serde"`, `foo = r"bar"`). `true` and `false` are rejected, as rustc does.
 */
export function parseCfgOption(text: string, opts: Omit<CfgParseOptions, 'end'> = {}): CfgAtom {
  const tokens = tokenizeChecked(text);
  const expected = 'expected `NAME` or `NAME="VALUE"`';
  const [head, eq, lit, extra] = tokens;
  if (head === undefined) throw new CfgSyntaxError(0, `empty cfg: ${expected}`);
  const { name, raw, text: headText } = readIdent(head, opts);
  if (!raw && (name === 'true' || name === 'false')) {
    throw new CfgSyntaxError(head.offset, `\`${name}\` is a boolean literal, not a cfg name (write \`r#${name}\` for a cfg named \`${name}\`)`);
  }
  if (eq === undefined) return { name };
  if (isPunct(eq, '::')) throw new CfgSyntaxError(head.offset, 'a cfg name must be an identifier, not a path');
  if (!isPunct(eq, '=')) throw new CfgSyntaxError(eq.offset, `${expected}, found ${describe(eq)}`);
  if (lit === undefined) throw new CfgSyntaxError(text.length, `expected a string literal after \`${headText} =\``);
  if (lit.kind !== 'literal') throw new CfgSyntaxError(lit.offset, `expected a string literal after \`${headText} =\`, found ${describe(lit)}`);
  const value = readString(lit);
  if (extra !== undefined) throw new CfgSyntaxError(extra.offset, `${expected}, found ${describe(extra)} after the value`);
  return { name, value };
}

/**
 * Tokenizes `text` and checks what the tolerant tokenizer lets through: every character is in a
 * token or in whitespace/comments, and every group is closed by its own delimiter.
 */
function tokenizeChecked(text: string): TokenTree[] {
  let tokens: TokenTree[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    if (err instanceof RangeError) throw new CfgSyntaxError(0, 'cfg predicate nested too deeply');
    throw err;
  }
  checkCoverage(text, tokens, 0, text.length, undefined, 0);
  return tokens;
}

function checkCoverage(text: string, tokens: TokenTree[], from: number, to: number, parent: TokenTree | undefined, depth: number): void {
  if (depth > MAX_CFG_DEPTH) throw new CfgSyntaxError(parent?.offset ?? 0, `cfg predicate nested more than ${MAX_CFG_DEPTH} levels deep`);
  let pos = from;
  for (const t of tokens) {
    checkTrivia(text, pos, Math.min(t.offset, to));
    const end = t.kind === 'group' ? t.end : t.offset + t.text.length;
    if (end > to && parent !== undefined && parent.kind === 'group') {
      // The token ran past the group's supposed closer: an unterminated string swallowed it, or the group is unclosed.
      if (t.kind === 'literal') throw new CfgSyntaxError(t.offset, 'unterminated string literal');
      throw new CfgSyntaxError(parent.offset, `unclosed \`${parent.delimiter}\``);
    }
    if (t.kind === 'group') {
      const closerAt = t.end - 1;
      if (closerAt <= t.offset || text[closerAt] !== CLOSE[t.delimiter]) {
        throw new CfgSyntaxError(t.offset, `unclosed \`${t.delimiter}\``);
      }
      checkCoverage(text, t.children, t.offset + 1, closerAt, t, depth + 1);
    }
    pos = end;
  }
  checkTrivia(text, pos, to);
}

/** Checks that `text[from, to)` holds only whitespace and comments. */
function checkTrivia(text: string, from: number, to: number): void {
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < to && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const start = i;
      const comment = skipBlockComment(text, i, to);
      i = comment.next;
      if (!comment.closed) throw new CfgSyntaxError(start, 'unterminated block comment');
    } else if (c === ')' || c === ']' || c === '}') {
      throw new CfgSyntaxError(i, `unexpected closing delimiter \`${c}\``);
    } else {
      const cp = text.codePointAt(i)!;
      throw new CfgSyntaxError(i, `unexpected character \`${String.fromCodePoint(cp)}\``);
    }
  }
}

/** Renders a name, adding `r#` when it would otherwise read as a keyword or boolean literal. */
export function cfgNameToString(name: string): string {
  return NEEDS_RAW.has(name) ? `r#${name}` : name;
}

/** Renders a string as a Rust string literal that parses back to the same value. */
export function cfgStringLiteral(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** Renders an atom as rustc prints it in `--print cfg`, and as `--cfg` takes it: `unix`, `target_os="linux"`. */
export function cfgAtomToString(atom: CfgAtom): string {
  return atom.value === undefined ? cfgNameToString(atom.name) : `${cfgNameToString(atom.name)}=${cfgStringLiteral(atom.value)}`;
}

/** Canonical text of a predicate (without the `cfg( )` wrapper): `all(unix, feature = "x")`. */
export function cfgToString(expr: CfgExpr): string {
  switch (expr.type) {
    case 'name':
      return cfgNameToString(expr.name);
    case 'kv':
      return `${cfgNameToString(expr.name)} = ${cfgStringLiteral(expr.value)}`;
    case 'all':
    case 'any':
      return `${expr.type}(${expr.items.map(cfgToString).join(', ')})`;
    case 'not':
      return `not(${cfgToString(expr.item)})`;
    case 'bool':
      return expr.value ? 'true' : 'false';
    case 'version':
      return `version(${cfgStringLiteral(expr.version)})`;
  }
}
