/**
 * Extracts FileFacts from Rust source with tree-sitter-rust.
 * Items inside macro calls are re-parsed as items; `cfg_if!` is understood natively.
 */
import type { Node, Parser } from 'web-tree-sitter';
import { tokenize, type TokenTree } from '../syntax/tokens.js';
import type { Attr, FileFacts, IncludeMacro, Item } from './facts.js';

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

export function extractFacts(parser: Parser, source: string): FileFacts {
  const syntaxErrors: number[] = [];
  const { items, innerAttrs } = parseSnippet(parser, source, 0, false, 0, syntaxErrors);
  return { innerAttrs, items, syntaxErrors: [...new Set(syntaxErrors)].sort((a, b) => a - b) };
}

function parseSnippet(
  parser: Parser,
  source: string,
  lineBase: number,
  inMacro: boolean,
  depth: number,
  syntaxErrors: number[] | undefined,
): { items: Item[]; innerAttrs: Attr[] } {
  const tree = parser.parse(source);
  if (!tree) return { items: [], innerAttrs: [] };
  try {
    const snippet: Snippet = { source, lineBase, hints: hintOffsets(source), inMacro, depth };
    if (syntaxErrors && tree.rootNode.hasError) collectErrors(tree.rootNode, lineBase, syntaxErrors);
    const innerAttrs: Attr[] = [];
    const items = walkChildren(parser, tree.rootNode, snippet, innerAttrs);
    return { items, innerAttrs };
  } finally {
    tree.delete();
  }
}

function hintOffsets(source: string): number[] {
  const out: number[] = [];
  const re = /\bmod\b|include/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m.index);
  return out;
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
  for (const c of node.namedChildren) {
    if (!c) continue;
    switch (c.type) {
      case 'line_comment':
      case 'block_comment':
        continue;
      case 'attribute_item': {
        const a = readAttr(c, s);
        if (a) pending.push(a);
        continue;
      }
      case 'inner_attribute_item': {
        const a = readAttr(c, s);
        if (a) innerAttrs.push(a);
        continue;
      }
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
  if (!mayHoldFacts(node, s) || s.depth >= MAX_MACRO_DEPTH) {
    return itemLevel && name !== 'macro_rules' ? [{ kind: 'macro', name, line, attrs, definition: false, body: [], ...call }] : [];
  }
  const text = tt.text;
  const ttLine = s.lineBase + tt.startPosition.row;
  if (name === 'cfg_if') {
    const cfgIf = readCfgIf(parser, text, ttLine, s, line, attrs);
    if (cfgIf) return [cfgIf];
  }
  const body = macroBody(parser, text, ttLine, s, name);
  return body.length > 0 || itemLevel ? [{ kind: 'macro', name, line, attrs, definition: false, body, ...call }] : [];
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
  const rulesText = nameNode ? node.text.slice(nameNode.endIndex - node.startIndex).replace(/;\s*$/, '').trim() : undefined;
  if (body.length === 0 && !rulesText) return [];
  return [{ kind: 'macro', name, line, attrs, definition: true, body, ...(rulesText ? { rules: rulesText } : {}) }];
}

/** Items declared in a macro's token tree: re-parsed as items, plus every include call among its tokens. */
function macroBody(parser: Parser, ttText: string, ttLine: number, s: Snippet, via: string): Item[] {
  const body: Item[] = [];
  const inner = ttText.slice(1, -1);
  if (/\bmod\b/.test(inner)) {
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
      if (
        t.kind === 'ident' &&
        INCLUDE_MACROS.has(t.text) &&
        bang?.kind === 'punct' &&
        bang.text === '!' &&
        args?.kind === 'group'
      ) {
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
function readCfgIf(
  parser: Parser,
  ttText: string,
  ttLine: number,
  s: Snippet,
  line: number,
  attrs: Attr[],
): Item | undefined {
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
