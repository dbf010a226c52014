/**
 * Extracts FileFacts from Rust source with tree-sitter-rust.
 * Items inside macro calls are re-parsed as items; `cfg_if!` is understood natively.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { includedRanges as parsedRanges } from '../syntax/skeleton.js';
import { HINT, hasModKeyword, hintOffsets } from './hints.js';
import { parseRust } from './parser.js';
import { tokenize, type TokenTree } from '../syntax/tokens.js';
import type { Attr, FileFacts, IncludeMacro, Item, ProcAttr } from './facts.js';
import { firstUnclosed, itemChunks } from './recover.js';

const INCLUDE_MACROS = new Set<string>(['include', 'include_str', 'include_bytes']);
/** Attributes whose first identifier can change which files are read. */
const RELEVANT_ATTRS = new Set<string>(['cfg', 'cfg_attr', 'path', 'macro_use', 'macro_export']);
/** Nodes whose children are items: macro calls there are kept (with their tokens) for the expander. */
const ITEM_LEVEL = new Set(['source_file', 'declaration_list']);
/** How deep macro bodies are re-parsed inside each other. */
const MAX_MACRO_DEPTH = 8;

interface Snippet {
  source: string;
  /** 0-based line of the snippet's first character in the file. */
  lineBase: number;
  /** Sorted offsets of `mod` / `include` occurrences, to skip subtrees that cannot hold facts. */
  hints: number[];
  /** True inside a macro body: includes are then found by the token scan of the outer call. */
  inMacro: boolean;
  depth: number;
}

/** Set while extractFacts runs with `readAll`. */
let readAll = false;

/**
 * The facts of a file. The parser skips what the walk never reads (syntax/skeleton.ts); with
 * `readAll` it reads every character, which gives the same facts (a check of the skipping).
 */
export function extractFacts(parser: Parser, source: string, options?: { readAll?: boolean }): FileFacts {
  readAll = options?.readAll ?? false;
  try {
    const syntaxErrors: number[] = [];
    const { items, innerAttrs } = parseSnippet(parser, source, 0, false, 0, syntaxErrors);
    const facts: FileFacts = { innerAttrs, items, syntaxErrors: [...new Set(syntaxErrors)].sort((a, b) => a - b) };
    if (syntaxErrors.length > 0) recover(parser, source, facts);
    return facts;
  } finally {
    readAll = false;
  }
}

/**
 * After a syntax error: every item is parsed again on its own (cut out by the tokenizer, see
 * recover.ts), and what tree-sitter's recovery lost is added to the facts. Declarations are
 * repeated rather than lost: walking one twice changes nothing.
 */
function recover(parser: Parser, source: string, facts: FileFacts): void {
  const tokens = tokenize(source);
  const found = new Set<string>();
  declarationKeys(facts.items, found);
  for (const item of recoverItems(parser, source, tokens)) {
    const keys = new Set<string>();
    declarationKeys([item], keys);
    if ([...keys].some((k) => !found.has(k))) facts.items.push(item);
  }
  const unclosed = firstUnclosed(tokens);
  if (unclosed) facts.unclosedDelimiter = { line: countLines(source, unclosed.offset) + 1, delimiter: unclosed.delimiter };
}

function recoverItems(parser: Parser, source: string, tokens: TokenTree[]): Item[] {
  const out: Item[] = [];
  for (const c of itemChunks(tokens)) {
    // recover() keeps only items that declare a module or an include: an item whose text names
    // neither (HINT) cannot, and is not parsed again.
    if (!HINT.test(source.slice(c.start, c.end))) continue;
    const lineBase = countLines(source, c.start);
    const pad = ' '.repeat(columnOf(source, c.start));
    const errors: number[] = [];
    const parsed = parseSnippet(parser, pad + source.slice(c.start, c.end), lineBase, false, 0, errors);
    if (errors.length === 0) {
      out.push(...parsed.items);
      continue;
    }
    if (c.mod) {
      // A broken inline module: its header parsed alone, its body item by item.
      const header = parseSnippet(parser, pad + source.slice(c.start, c.mod.body.offset) + ';', lineBase, false, 0, undefined).items[0];
      if (header?.kind === 'mod') {
        const body = recoverItems(parser, source, c.mod.body.children);
        out.push({ kind: 'mod', name: header.name, line: header.line, attrs: header.attrs, inline: true, innerAttrs: [], body });
        continue;
      }
    }
    // Any other broken item: include calls among its tokens are read under its attributes.
    out.push(...parsed.items);
    const have = new Set<string>();
    declarationKeys(parsed.items, have);
    const missing = scanIncludes(c.tokens, source, 0).filter((inc) => !have.has(keyOf(inc)));
    if (missing.length > 0) out.push({ kind: 'gated', line: lineBase + 1, attrs: chunkAttrs(c.tokens, source), body: missing });
  }
  return out;
}

/** The relevant outer attributes at the start of an item's tokens. */
function chunkAttrs(tokens: TokenTree[], source: string): Attr[] {
  const attrs: Attr[] = [];
  for (let i = 0; isHash(tokens[i]) && tokens[i + 1]?.kind === 'group'; i += 2) {
    const g = tokens[i + 1] as TokenTree & { kind: 'group' };
    const head = g.children[0];
    const text = source.slice(g.offset, g.end);
    if (head?.kind === 'ident' && (RELEVANT_ATTRS.has(head.text) || (text.includes('!') && /include/.test(text)))) {
      attrs.push({ tokens: g.children, line: countLines(source, tokens[i]!.offset) + 1 });
    }
  }
  return attrs;
}

function isHash(t: TokenTree | undefined): boolean {
  return t?.kind === 'punct' && t.text === '#';
}

function keyOf(item: Item): string {
  switch (item.kind) {
    case 'mod':
      return `mod ${item.name} ${item.line}`;
    case 'include':
      return `${item.macro} ${item.line}`;
    default:
      return `${item.kind} ${item.line}`;
  }
}

/** Keys of the declarations (module files, inline modules, include calls) in `items`, at any depth. */
function declarationKeys(items: Item[], out: Set<string>): void {
  for (const item of items) {
    switch (item.kind) {
      case 'mod':
        out.add(keyOf(item));
        if (item.inline) declarationKeys(item.body, out);
        break;
      case 'include':
        out.add(keyOf(item));
        break;
      case 'gated':
      case 'macro':
        declarationKeys(item.body, out);
        break;
      case 'cfg-if':
        for (const b of item.branches) declarationKeys(b.body, out);
        break;
    }
  }
}

function parseSnippet(
  parser: Parser,
  source: string,
  lineBase: number,
  inMacro: boolean,
  depth: number,
  syntaxErrors: number[] | undefined,
): { items: Item[]; innerAttrs: Attr[] } {
  // The parser skips what the walk never reads (comments, bodies without hints, macro token
  // trees: see syntax/skeleton.ts); node texts and lines stay those of `source`.
  const hints = hintOffsets(source);
  const includedRanges = readAll ? undefined : parsedRanges(source, hints);
  const tree = parseRust(parser, source, includedRanges);
  if (!tree) return { items: [], innerAttrs: [] };
  try {
    const snippet: Snippet = { source, lineBase, hints, inMacro, depth };
    if (syntaxErrors && tree.rootNode.hasError) collectErrors(tree.rootNode, lineBase, syntaxErrors);
    const innerAttrs: Attr[] = [];
    const items = walkChildren(parser, tree.rootNode, snippet, innerAttrs);
    return { items, innerAttrs };
  } finally {
    tree.delete();
  }
}

function mayHoldFacts(node: Node, s: Snippet): boolean {
  const start = node.startIndex;
  const end = node.endIndex;
  // binary search for the first hint >= start
  let lo = 0;
  let hi = s.hints.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.hints[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.hints.length && s.hints[lo]! < end;
}

function collectErrors(node: Node, lineBase: number, out: number[]): void {
  if (out.length > 50) return;
  if (node.isError || node.isMissing) {
    out.push(lineBase + node.startPosition.row + 1);
    return;
  }
  if (!node.hasError) return;
  for (const c of node.children) if (c) collectErrors(c, lineBase, out);
}

function lineOf(node: Node, s: Snippet): number {
  return s.lineBase + node.startPosition.row + 1;
}

/** Reads an attribute node; returns it when it can matter for file lists. */
function readAttr(attrItem: Node, s: Snippet): Attr | undefined {
  const attr = attrItem.namedChildren.find((c) => c?.type === 'attribute');
  if (!attr) return undefined;
  const text = attr.text;
  const head = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
  if (!head) return undefined;
  const relevant = RELEVANT_ATTRS.has(head) || (text.includes('!') && /include/.test(text));
  if (!relevant) return undefined;
  return { tokens: tokenize(text), line: lineOf(attrItem, s) };
}

function macroName(node: Node): string {
  const m = node.childForFieldName('macro');
  const text = m?.text ?? '';
  const last = text.split('::').pop() ?? text;
  return last.trim();
}

function tokenTreeOf(node: Node): Node | undefined {
  return node.namedChildren.find((c) => c?.type === 'token_tree') ?? undefined;
}

function walkChildren(parser: Parser, node: Node, s: Snippet, innerAttrs: Attr[]): Item[] {
  const items: Item[] = [];
  let pending: Attr[] = [];
  let procAttrs: ProcAttr[] = [];
  let derives: string[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    switch (c.type) {
      case 'line_comment':
      case 'block_comment':
        continue;
      case 'attribute_item': {
        const a = readAttr(c, s);
        if (a) pending.push(a);
        if (!s.inMacro) readProcAttr(c, s, procAttrs, derives);
        continue;
      }
      case 'inner_attribute_item': {
        const a = readAttr(c, s);
        if (a) innerAttrs.push(a);
        continue;
      }
      default:
        if (procAttrs.length > 0 || derives.length > 0) {
          const inputs = [...procAttrs.filter((a) => hasString(a.args)), ...(derives.length > 0 ? bodyProcAttrs(c, s) : [])];
          if (inputs.length > 0) items.push({ kind: 'proc-attrs', line: lineOf(c, s), attrs: pending, derives, inputs });
          procAttrs = [];
          derives = [];
        }
    }
    switch (c.type) {
      case 'mod_item':
        items.push(readMod(parser, c, s, pending));
        break;
      case 'macro_invocation':
        items.push(...readMacroCall(parser, c, s, pending, ITEM_LEVEL.has(node.type)));
        break;
      case 'expression_statement': {
        // `m!(…);` in item position parses as a statement holding the call.
        const call = ITEM_LEVEL.has(node.type) ? c.namedChildren.find((x) => x?.type === 'macro_invocation') : undefined;
        if (call && c.namedChildren.length === 1) {
          items.push(...readMacroCall(parser, call, s, pending, true));
          break;
        }
        if (mayHoldFacts(c, s)) {
          const body = walkChildren(parser, c, s, []);
          if (body.length > 0) {
            if (pending.length > 0) items.push({ kind: 'gated', line: lineOf(c, s), attrs: pending, body });
            else items.push(...body);
          }
        }
        break;
      }
      case 'macro_definition':
        items.push(...readMacroDefinition(parser, c, s, pending));
        break;
      default:
        if (mayHoldFacts(c, s)) {
          const body = walkChildren(parser, c, s, []);
          if (body.length > 0) {
            if (pending.length > 0) items.push({ kind: 'gated', line: lineOf(c, s), attrs: pending, body });
            else items.push(...body);
          }
        }
    }
    pending = [];
  }
  return items;
}

/** Attributes that are not proc-macro inputs: rustc's own, and tools'. `derive` is read apart. */
const BUILTIN_ATTRS = new Set([
  'cfg',
  'cfg_attr',
  'path',
  'doc',
  'allow',
  'warn',
  'deny',
  'forbid',
  'expect',
  'deprecated',
  'must_use',
  'inline',
  'cold',
  'test',
  'ignore',
  'should_panic',
  'bench',
  'repr',
  'non_exhaustive',
  'automatically_derived',
  'macro_export',
  'macro_use',
  'link',
  'link_name',
  'link_section',
  'export_name',
  'no_mangle',
  'used',
  'target_feature',
  'track_caller',
  'global_allocator',
  'windows_subsystem',
  'crate_type',
  'crate_name',
  'no_std',
  'no_main',
  'recursion_limit',
  'type_length_limit',
  'feature',
  'proc_macro',
  'proc_macro_derive',
  'proc_macro_attribute',
  'instruction_set',
  'naked',
  'unsafe',
  'coverage',
  'collapse_debuginfo',
  'no_link',
  'no_implicit_prelude',
  'debugger_visualizer',
  'register_tool',
  'optimize',
  'diagnostic',
  'rustfmt',
  'clippy',
]);

/** Reads an outer attribute as a possible proc-macro input (or a derive list). */
function readProcAttr(attrItem: Node, s: Snippet, out: ProcAttr[], derives: string[]): void {
  const attr = attrItem.namedChildren.find((c) => c?.type === 'attribute');
  if (!attr) return;
  const ts = tokenize(attr.text);
  let i = 0;
  const path: string[] = [];
  while (ts[i]?.kind === 'ident') {
    path.push((ts[i] as { text: string }).text);
    if (ts[i + 1]?.kind === 'punct' && (ts[i + 1] as { text: string }).text === '::') i += 2;
    else {
      i++;
      break;
    }
  }
  const first = path[0];
  if (
    first === undefined ||
    (path.length === 1 && BUILTIN_ATTRS.has(first)) ||
    first === 'rustfmt' ||
    first === 'clippy' ||
    first === 'diagnostic' ||
    first.startsWith('rustc_')
  )
    return;
  const args = ts.slice(i);
  if (first === 'derive' && path.length === 1) {
    const g = args[0];
    if (g?.kind === 'group') {
      for (const t of g.children) if (t.kind === 'ident') derives.push(t.text);
    }
    return;
  }
  out.push({ name: path.join('::'), args, line: lineOf(attrItem, s) });
}

/** Helper attributes with a string literal inside an item's body (fields, variants) of a derived item. */
function bodyProcAttrs(node: Node, s: Snippet): ProcAttr[] {
  if (!['struct_item', 'enum_item', 'union_item'].includes(node.type) || !node.text.includes('"')) return [];
  const out: ProcAttr[] = [];
  const ts = tokenize(node.text);
  const rows = node.startPosition.row;
  const visit = (list: TokenTree[]): void => {
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      const g = list[i + 1];
      if (t.kind === 'punct' && t.text === '#' && g?.kind === 'group' && g.delimiter === '[') {
        const [head, ...rest] = g.children;
        if (head?.kind === 'ident' && !BUILTIN_ATTRS.has(head.text) && hasString(rest)) {
          out.push({ name: head.text, args: rest, line: s.lineBase + rows + countLines(node.text, t.offset) + 1 });
        }
        i++;
      } else if (t.kind === 'group') visit(t.children);
    }
  };
  visit(ts);
  return out;
}

function hasString(ts: TokenTree[]): boolean {
  return ts.some((t) => (t.kind === 'literal' && t.value !== undefined) || (t.kind === 'group' && hasString(t.children)));
}

/** Macros of std and core: never proc-macro calls. */
const STD_MACROS = new Set([
  'println',
  'print',
  'eprintln',
  'eprint',
  'format',
  'format_args',
  'write',
  'writeln',
  'panic',
  'assert',
  'assert_eq',
  'assert_ne',
  'debug_assert',
  'debug_assert_eq',
  'debug_assert_ne',
  'unreachable',
  'unimplemented',
  'todo',
  'vec',
  'matches',
  'dbg',
  'concat',
  'stringify',
  'env',
  'option_env',
  'compile_error',
  'file',
  'line',
  'column',
  'module_path',
  'cfg',
  'cfg_if',
  'thread_local',
  'macro_rules',
  'include',
  'include_str',
  'include_bytes',
]);

/** The `path!(…)` call as a possible proc-macro input: when it has a string literal, or is sqlx's `migrate!`. */
function readProcCall(node: Node, name: string, args: TokenTree[], s: Snippet, attrs: Attr[]): Item[] {
  if (s.inMacro || STD_MACROS.has(name)) return [];
  if (!hasString(args) && name !== 'migrate') return [];
  const path = (node.childForFieldName('macro')?.text ?? name).replace(/\s+/g, '');
  return [{ kind: 'proc-call', line: lineOf(node, s), attrs, macro: path, args }];
}

function readMod(parser: Parser, node: Node, s: Snippet, attrs: Attr[]): Item {
  const name = node.childForFieldName('name')?.text ?? '';
  const body = node.childForFieldName('body');
  const line = lineOf(node, s);
  if (!body) return { kind: 'mod', name, line, attrs, inline: false };
  const innerAttrs: Attr[] = [];
  const items = walkChildren(parser, body, s, innerAttrs);
  return { kind: 'mod', name, line, attrs, inline: true, innerAttrs, body: items };
}

function readMacroCall(parser: Parser, node: Node, s: Snippet, attrs: Attr[], itemLevel: boolean): Item[] {
  const name = macroName(node);
  const tt = tokenTreeOf(node);
  if (!tt) return [];
  const line = lineOf(node, s);
  if (INCLUDE_MACROS.has(name)) {
    if (s.inMacro) return [];
    const group = tokenize(tt.text)[0];
    const args = group?.kind === 'group' ? group.children : [];
    return [{ kind: 'include', macro: name as IncludeMacro, args, line, attrs }];
  }
  const path = macroPath(node);
  const call = { args: tt.text, ...(path !== name ? { path } : {}) };
  const proc: Item[] = [];
  if ((!s.inMacro && !STD_MACROS.has(name) && tt.text.includes('"')) || name === 'migrate') {
    const group = tokenize(tt.text)[0];
    proc.push(...readProcCall(node, name, group?.kind === 'group' ? group.children : [], s, attrs));
  }
  if (!mayHoldFacts(node, s) || s.depth >= MAX_MACRO_DEPTH) {
    return itemLevel && name !== 'macro_rules' ? [...proc, { kind: 'macro', name, line, attrs, definition: false, body: [], ...call }] : proc;
  }
  const text = tt.text;
  const ttLine = s.lineBase + tt.startPosition.row;
  if (name === 'cfg_if') {
    const cfgIf = readCfgIf(parser, text, ttLine, s, line, attrs);
    if (cfgIf) return [cfgIf];
  }
  const body = macroBody(parser, text, ttLine, s, name);
  return body.length > 0 || itemLevel ? [...proc, { kind: 'macro', name, line, attrs, definition: false, body, ...call }] : proc;
}

/** The macro's path as written, without spaces (`crate::m`, `$crate::m`, `m`). */
function macroPath(node: Node): string {
  return (node.childForFieldName('macro')?.text ?? '').replace(/\s+/g, '');
}

function readMacroDefinition(parser: Parser, node: Node, s: Snippet, attrs: Attr[]): Item[] {
  const name = node.childForFieldName('name')?.text ?? '';
  const line = lineOf(node, s);
  const rules = node.namedChildren.filter((r): r is Node => r?.type === 'macro_rule');
  const body: Item[] = [];
  if (mayHoldFacts(node, s) && s.depth < MAX_MACRO_DEPTH) {
    for (const rule of rules) {
      const right = rule.childForFieldName('right');
      if (!right) continue;
      body.push(...macroBody(parser, right.text, s.lineBase + right.startPosition.row, s, name));
    }
  }
  const nameNode = node.childForFieldName('name');
  const rulesText = nameNode
    ? node.text
        .slice(nameNode.endIndex - node.startIndex)
        .replace(/;\s*$/, '')
        .trim()
    : undefined;
  // Kept even when empty: a call of a macro the crate defines is no proc-macro call (resolve.ts).
  return [{ kind: 'macro', name, line, attrs, definition: true, body, ...(rulesText ? { rules: rulesText } : {}) }];
}

/** Items declared in a macro's token tree: re-parsed as items, plus every include call among its tokens. */
function macroBody(parser: Parser, ttText: string, ttLine: number, s: Snippet, via: string): Item[] {
  const body: Item[] = [];
  const inner = ttText.slice(1, -1);
  // Only declarations are read from a body (an unexpanded call's items are walked for them, and
  // proc-macro inputs are not read inside macros): without a `mod` that can declare a module
  // file, as the files' prefilter reasons, it has none besides the includes found below.
  if (hasModKeyword(inner)) {
    body.push(...parseSnippet(parser, ' ' + inner, ttLine, true, s.depth + 1, undefined).items);
  }
  if (!s.inMacro && /include/.test(inner)) {
    for (const inc of scanIncludes(tokenize(ttText), ttText, ttLine)) body.push({ ...inc, via });
  }
  return body;
}

/** Include calls anywhere in a token forest (`include_str!(...)`, `std::include!(...)`). */
export function scanIncludes(tokens: TokenTree[], text: string, lineBase: number): (Item & { kind: 'include' })[] {
  const out: (Item & { kind: 'include' })[] = [];
  const visit = (ts: TokenTree[]): void => {
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.kind === 'group') {
        visit(t.children);
        continue;
      }
      const bang = ts[i + 1];
      const args = ts[i + 2];
      if (t.kind === 'ident' && INCLUDE_MACROS.has(t.text) && bang?.kind === 'punct' && bang.text === '!' && args?.kind === 'group') {
        out.push({
          kind: 'include',
          macro: t.text as IncludeMacro,
          args: args.children,
          line: lineBase + countLines(text, t.offset) + 1,
          attrs: [],
        });
        i += 2;
      }
    }
  };
  visit(tokens);
  return out;
}

function countLines(text: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * `cfg_if! { if #[cfg(a)] { … } else if #[cfg(b)] { … } else { … } }`.
 * Returns undefined when the tokens do not have that shape (the caller then treats it as any macro).
 */
function readCfgIf(parser: Parser, ttText: string, ttLine: number, s: Snippet, line: number, attrs: Attr[]): Item | undefined {
  const outer = tokenize(ttText)[0];
  if (outer?.kind !== 'group') return undefined;
  const ts = outer.children;
  const branches: { cond: TokenTree[] | undefined; body: Item[] }[] = [];
  let i = 0;
  const isIdent = (t: TokenTree | undefined, text: string) => t?.kind === 'ident' && t.text === text;
  const branchBody = (g: TokenTree & { kind: 'group' }): Item[] => {
    const inner = ttText.slice(g.offset + 1, g.end - 1);
    const lineBase = ttLine + countLines(ttText, g.offset);
    // Branch bodies are plain items (includes in them are found by the parser, gated by the branch).
    const pad = ' '.repeat(columnOf(ttText, g.offset + 1));
    return parseSnippet(parser, pad + inner, lineBase, s.inMacro, s.depth + 1, undefined).items;
  };
  while (i < ts.length) {
    if (branches.length > 0) {
      if (!isIdent(ts[i], 'else')) return undefined;
      i++;
      const g = ts[i];
      if (g?.kind === 'group' && g.delimiter === '{') {
        branches.push({ cond: undefined, body: branchBody(g) });
        i++;
        if (i !== ts.length) return undefined;
        break;
      }
    }
    if (!isIdent(ts[i], 'if')) return undefined;
    const hash = ts[i + 1];
    const meta = ts[i + 2];
    const body = ts[i + 3];
    if (hash?.kind !== 'punct' || hash.text !== '#' || meta?.kind !== 'group' || meta.delimiter !== '[') return undefined;
    if (body?.kind !== 'group' || body.delimiter !== '{') return undefined;
    const [cfgIdent, cfgArgs, ...rest] = meta.children;
    if (!isIdent(cfgIdent, 'cfg') || cfgArgs?.kind !== 'group' || rest.length > 0) return undefined;
    branches.push({ cond: cfgArgs.children, body: branchBody(body) });
    i += 4;
  }
  if (branches.length === 0) return undefined;
  return { kind: 'cfg-if', line, attrs, branches };
}

function columnOf(text: string, offset: number): number {
  const nl = text.lastIndexOf('\n', offset - 1);
  return offset - (nl + 1);
}
