/**
 * Walks a crate from its root file and lists the files rustc reads for it under one cfg set,
 * following rust-analyzer's module-resolution rules (see shared notes: rust-files.md).
 */
import { basename, dirname, join } from 'node:path';
import type { CfgSet } from '../cfg/set.js';
import { parseCfgTokens } from '../cfg/expr.js';
import type { Diagnostic } from '../diagnostics.js';
import { childPath, isInside, resolveFrom } from '../paths.js';
import { and, evaluateAttrs, gateOf, not, type Gate } from './attrs.js';
import type { Attr, Item } from './facts.js';
import type { SourceStore } from './sources.js';
import { renderTokens, type TokenTree } from '../syntax/tokens.js';

/**
 * A bound on module nesting, so that a chain through a directory symlink loop (`src/sub -> .`),
 * whose paths never repeat, still terminates. rustc has no such bound for distinct files, so it
 * sits far above any real crate's nesting (rust-analyzer's 32 is too low: a 40-deep chain is real input).
 */
export const MAX_MODULE_DEPTH = 256;

export interface CrateInput {
  /** Absolute crate root file. */
  root: string;
  /** Absolute package directory (`CARGO_MANIFEST_DIR`). */
  packageDir: string;
  cfg: CfgSet;
}

export interface CrateFiles {
  /** Absolute paths of workspace files rustc reads (or may read: see `uncertain`). */
  files: Set<string>;
  /** Files outside the workspace: `$OUT_DIR/…` or absolute paths. Never read. */
  external: Set<string>;
  /** Files that are read only if an unknown cfg or an unexpanded macro says so, with the reason. */
  uncertain: Map<string, string>;
  diagnostics: Diagnostic[];
  /** Every path whose existence or content the result depends on (for incremental updates). */
  probed: Set<string>;
}

/** Where `mod x;` looks for files, at some point inside a file. */
interface ModDir {
  /** Directory in which child modules are looked up. */
  dirPath: string;
  /** Directory of the file being read (base of top-level `#[path]`). */
  fileDir: string;
  /** Inside an inline module: `#[path]` is then relative to dirPath. */
  inline: boolean;
}

interface Walk {
  file: string;
  dir: ModDir;
  /** Reason the current position may not be compiled at all (undefined: it certainly is). */
  why: string | undefined;
  depth: number;
  /** Inside a macro cargo-units does not expand: false cfgs are not trusted. */
  macro: string | undefined;
}

/**
 * Resolves a crate. Local `macro_rules!` that only wrap items (`cfg_fs! { pub mod fs; }`) are
 * expanded exactly: a first walk finds their definitions, and a second one uses them if needed.
 */
export function resolveCrate(input: CrateInput, store: SourceStore): CrateFiles {
  const first = walkCrate(input, store, new Map());
  if (first.usedMacros.size === 0) return first.out;
  const wrappers = new Map<string, Attr[] | null>();
  for (const f of first.out.files) {
    const facts = store.facts(f);
    if (facts) collectWrappers(facts.items, wrappers);
  }
  if (![...first.usedMacros].some((m) => wrappers.get(m))) return first.out;
  return walkCrate(input, store, wrappers).out;
}

/** Item-wrapping macro definitions by name; null when a name has conflicting definitions. */
function collectWrappers(items: Item[], out: Map<string, Attr[] | null>): void {
  for (const item of items) {
    switch (item.kind) {
      case 'macro':
        if (item.definition) {
          const prev = out.get(item.name);
          const attrs = item.wrapper ?? null;
          if (prev === undefined) out.set(item.name, attrs);
          else if (prev === null || attrs === null || attrText(prev) !== attrText(attrs)) out.set(item.name, null);
        }
        collectWrappers(item.body, out);
        break;
      case 'mod':
        if (item.inline) collectWrappers(item.body, out);
        break;
      case 'gated':
        collectWrappers(item.body, out);
        break;
      case 'cfg-if':
        for (const b of item.branches) collectWrappers(b.body, out);
        break;
      case 'include':
        break;
    }
  }
}

function attrText(attrs: Attr[]): string {
  return attrs.map((a) => renderTokens(a.tokens)).join('|');
}

function walkCrate(
  input: CrateInput,
  store: SourceStore,
  wrappers: Map<string, Attr[] | null>,
): { out: CrateFiles; usedMacros: Set<string> } {
  const usedMacros = new Set<string>();
  const out: CrateFiles = {
    files: new Set(),
    external: new Set(),
    uncertain: new Map(),
    diagnostics: [],
    probed: new Set(),
  };
  const certain = new Set<string>();
  const visited = new Map<string, boolean>(); // key → visited with certainty
  const stack: string[] = []; // files being walked, for cycle detection

  const diag = (file: string, line: number, severity: Diagnostic['severity'], message: string) => {
    if (!out.diagnostics.some((d) => d.file === file && d.line === line && d.message === message)) {
      out.diagnostics.push({ file, line, severity, message });
    }
  };

  const addFile = (abs: string, why: string | undefined): void => {
    out.files.add(abs);
    if (why === undefined) {
      certain.add(abs);
      out.uncertain.delete(abs);
    } else if (!certain.has(abs) && !out.uncertain.has(abs)) {
      out.uncertain.set(abs, why);
    }
  };

  /** Records a path outside the workspace; returns true if `abs` is outside (and so must not be read). */
  const external = (abs: string, w: Walk, line: number, what: string): boolean => {
    if (store.isInWorkspace(abs)) return false;
    out.external.add(abs);
    diag(w.file, line, 'warning', `${what} points outside the workspace (${abs}); it is listed as external and not read`);
    return true;
  };

  const visitFile = (
    abs: string,
    dir: ModDir,
    why: string | undefined,
    depth: number,
    from?: { file: string; line: number },
    included = false,
  ): void => {
    out.probed.add(abs);
    if (stack.includes(abs)) {
      const cycle = [...stack.slice(stack.indexOf(abs)), abs].map((f) => basename(f)).join(' → ');
      diag(from?.file ?? abs, from?.line ?? 0, 'error', `circular modules: ${cycle}`);
      return;
    }
    const key = `${abs}\0${dir.dirPath}\0${dir.inline}`;
    const prev = visited.get(key);
    if (prev === true || (prev === false && why !== undefined)) return;
    visited.set(key, why === undefined);
    if (depth > MAX_MODULE_DEPTH) {
      diag(from?.file ?? abs, from?.line ?? 0, 'error', `module nesting deeper than ${MAX_MODULE_DEPTH} (a #[path] cycle?): ${abs}`);
      return;
    }
    const facts = store.facts(abs);
    if (!facts) return;
    addFile(abs, why);
    if (facts.invalidUtf8) diag(abs, 0, 'error', 'file is not valid UTF-8 (rustc will reject it)');
    // An include!d file may hold an expression, which does not parse as items: no warning for it.
    if (facts.syntaxErrors.length > 0 && !included) {
      diag(abs, facts.syntaxErrors[0]!, 'warning', 'syntax error; the files this file declares were read from what parses');
    }
    const w: Walk = { file: abs, dir, why, depth, macro: undefined };
    stack.push(abs);
    try {
      const inner = innerGate(facts.innerAttrs, w);
      if (inner.value === false) return; // rustc read the file, then dropped its contents
      walkItems(facts.items, { ...w, why: why ?? inner.reason });
    } finally {
      stack.pop();
    }
  };

  /** Inner attributes: `#![cfg]` decides whether the rest of the file counts; includes in values are read. */
  const innerGate = (attrs: Attr[], w: Walk): Gate => {
    if (attrs.length === 0) return { value: true };
    const ev = evaluateAttrs(attrs, input.cfg);
    for (const p of ev.problems) diag(w.file, p.line, 'warning', p.message);
    if (ev.cfg.value !== false) {
      for (const inc of ev.includes) {
        if (inc.gate.value !== false) visitInclude(inc.item, { ...w, why: w.why ?? inc.gate.reason });
      }
    }
    return ev.cfg;
  };

  const walkItems = (items: Item[], w: Walk): void => {
    for (const item of items) walkItem(item, w);
  };

  const walkItem = (item: Item, w: Walk): void => {
    const ev = evaluateAttrs(item.attrs, input.cfg);
    for (const p of ev.problems) diag(w.file, p.line, 'warning', p.message);
    let gate = ev.cfg;
    if (gate.value === false) {
      if (w.macro === undefined) return;
      gate = { value: 'unknown', reason: `its cfg is false, but it is inside \`${w.macro}!\`, which cargo-units does not expand` };
    }
    const why = w.why ?? gate.reason;
    const here: Walk = { ...w, why };
    for (const inc of ev.includes) {
      if (inc.gate.value !== false) visitInclude(inc.item, { ...here, why: why ?? inc.gate.reason });
    }
    switch (item.kind) {
      case 'mod':
        if (item.inline) {
          const name = rawName(item.name);
          const base = w.dir.inline ? w.dir.dirPath : w.dir.fileDir;
          const dirs = childDirs(ev.paths, name, w.dir.dirPath, base, why);
          for (const d of dirs) {
            const inner: Walk = { ...here, why: d.why, dir: { dirPath: d.dir, fileDir: w.dir.fileDir, inline: true } };
            const g = innerGate(item.innerAttrs, inner);
            if (g.value === false) continue;
            walkItems(item.body, { ...inner, why: inner.why ?? g.reason });
          }
        } else {
          visitModFile(item, ev.paths, here);
        }
        return;
      case 'include':
        visitInclude(item, here);
        return;
      case 'gated':
        walkItems(item.body, here);
        return;
      case 'cfg-if':
        walkCfgIf(item, here);
        return;
      case 'macro': {
        if (!item.definition) usedMacros.add(item.name);
        const wrapper = item.definition ? undefined : wrappers.get(item.name);
        if (wrapper) {
          // A local item-wrapping macro: each item gets the macro's attributes, as rustc expands it.
          const expanded = item.body.map((b): Item => {
            const withAttrs = { ...b, attrs: [...wrapper, ...b.attrs] };
            if (withAttrs.kind === 'include') delete withAttrs.via;
            return withAttrs;
          });
          walkItems(expanded, here);
          return;
        }
        if (!item.definition && TRANSPARENT_MACROS.has(item.name)) {
          walkItems(item.body, here); // std macros keep their arguments
          return;
        }
        const reason = item.definition
          ? `declared in the body of \`macro_rules! ${item.name}\`, read only where that macro is used`
          : `declared inside \`${item.name}!\`, which cargo-units does not expand`;
        walkItems(item.body, { ...here, why: here.why ?? reason, macro: item.name });
        return;
      }
    }
  };

  const walkCfgIf = (item: Item & { kind: 'cfg-if' }, w: Walk): void => {
    // Branch i is compiled when its condition holds and no earlier one did.
    let noneBefore: Gate = { value: true };
    for (const branch of item.branches) {
      let cond: Gate = { value: true };
      if (branch.cond) cond = condGate(branch.cond, w, item.line);
      const active = and(noneBefore, cond);
      if (active.value !== false || w.macro !== undefined) {
        const why = w.why ?? (active.value === false ? `inside \`${w.macro}!\`` : active.reason);
        walkItems(branch.body, { ...w, why });
      }
      noneBefore = and(noneBefore, not(cond));
      if (noneBefore.value === false && w.macro === undefined) break;
    }
  };

  const condGate = (tokens: TokenTree[], w: Walk, line: number): Gate => {
    try {
      return gateOf(parseCfgTokens(tokens), input.cfg);
    } catch (err) {
      diag(w.file, line, 'warning', `malformed cfg in cfg_if!: ${(err as Error).message}`);
      return { value: 'unknown', reason: `malformed cfg in cfg_if! on line ${line}` };
    }
  };

  const visitModFile = (item: Item & { kind: 'mod' }, paths: { path: string; gate: Gate }[], w: Walk): void => {
    const name = rawName(item.name);
    const base = w.dir.inline ? w.dir.dirPath : w.dir.fileDir;
    const chosen = paths.find((p) => p.gate.value === true); // rustc uses the first `path`
    const maybe = paths.filter((p) => p.gate.value === 'unknown');
    const candidates: { file: string; why: string | undefined; explicit: boolean }[] = [];
    if (chosen) candidates.push({ file: resolveFrom(base, normalizePathAttr(chosen.path)), why: w.why, explicit: true });
    for (const p of maybe) {
      candidates.push({ file: resolveFrom(base, normalizePathAttr(p.path)), why: w.why ?? p.gate.reason, explicit: true });
    }
    if (!chosen) {
      const why = w.why ?? (maybe.length > 0 ? maybe[0]!.gate.reason : undefined);
      const defaultFile = findModuleFile(name, w.dir.dirPath, w, item.line);
      if (defaultFile === null) return;
      if (defaultFile) candidates.push({ file: defaultFile, why, explicit: false });
      else if (maybe.length === 0) {
        diag(w.file, item.line, 'error', `file not found for module \`${name}\`: neither ${join(w.dir.dirPath, `${name}.rs`)} nor ${join(w.dir.dirPath, name, 'mod.rs')} exists`);
        return;
      }
    }
    for (const c of candidates) {
      if (c.explicit) {
        out.probed.add(c.file);
        if (external(c.file, w, item.line, `#[path] of module \`${name}\``)) continue;
        if (!store.isFile(c.file)) {
          diag(w.file, item.line, 'error', `file not found for module \`${name}\`: ${c.file}`);
          continue;
        }
        visitFile(c.file, { dirPath: dirname(c.file), fileDir: dirname(c.file), inline: false }, c.why, w.depth + 1, { file: w.file, line: item.line });
      } else {
        const dirPath = childPath(w.dir.dirPath, name);
        visitFile(c.file, { dirPath, fileDir: dirname(c.file), inline: false }, c.why, w.depth + 1, { file: w.file, line: item.line });
      }
    }
  };

  /** `{dir}/name.rs`, else `{dir}/name/mod.rs`; undefined when neither exists; null when outside the root. */
  const findModuleFile = (name: string, dirPath: string, w: Walk, line: number): string | undefined | null => {
    const a = childPath(dirPath, `${name}.rs`);
    const b = childPath(dirPath, name, 'mod.rs');
    if (!isInside(store.root, a)) {
      out.external.add(a);
      diag(w.file, line, 'warning', `module \`${name}\` lies outside the workspace (${a}); it is listed as external and not read`);
      return null;
    }
    out.probed.add(a);
    out.probed.add(b);
    const hasA = store.isFile(a);
    const hasB = store.isFile(b);
    if (hasA && hasB) {
      diag(w.file, line, 'error', `file for module \`${name}\` found at both ${a} and ${b}`);
      // rustc reports E0761 here; list both so no build misses either.
      visitFile(b, { dirPath: childPath(dirPath, name), fileDir: dirname(b), inline: false }, w.why ?? 'ambiguous module file (E0761)', w.depth + 1);
      return a;
    }
    if (hasA) return a;
    if (hasB) return b;
    if (!store.isInWorkspace(a)) {
      out.external.add(a);
      diag(w.file, line, 'warning', `module \`${name}\` is a symlink out of the workspace (${a}); it is listed as external and not read`);
      return null;
    }
    return undefined;
  };

  const visitInclude = (item: Item & { kind: 'include' }, w: Walk): void => {
    const target = includeTarget(item.args, input.packageDir);
    const what = `${item.macro}!`;
    let why = w.why;
    if (item.via !== undefined && why === undefined && !TRANSPARENT_MACROS.has(item.via)) {
      why = `${what} inside \`${item.via}!\`, which cargo-units does not expand`;
    }
    if (target.kind === 'unknown') {
      diag(w.file, item.line, 'warning', `${what} with a path cargo-units cannot evaluate (${target.text}); the file it reads is not listed`);
      out.uncertain.set(w.file, out.uncertain.get(w.file) ?? `line ${item.line}: ${what}(${target.text}) reads a file cargo-units cannot name`);
      return;
    }
    if (target.kind === 'out-dir') {
      out.external.add(target.path);
      return;
    }
    const abs = target.kind === 'absolute' ? target.path : resolveFrom(dirname(w.file), target.path);
    out.probed.add(abs);
    if (external(abs, w, item.line, what)) return;
    if (!store.isFile(abs)) {
      diag(w.file, item.line, 'error', `${what} of a file that does not exist: ${abs}`);
      return;
    }
    if (item.macro === 'include') {
      // The included text is parsed as items (or an expression) that own their directory.
      const d = dirname(abs);
      visitFile(abs, { dirPath: d, fileDir: d, inline: false }, why, w.depth + 1, { file: w.file, line: item.line }, true);
    } else {
      addFile(abs, why);
    }
  };

  const rootDir = dirname(input.root);
  out.probed.add(input.root);
  if (!store.isFile(input.root)) {
    out.diagnostics.push({ file: input.root, line: 0, severity: 'error', message: `crate root ${basename(input.root)} does not exist` });
    return { out, usedMacros };
  }
  visitFile(input.root, { dirPath: rootDir, fileDir: rootDir, inline: false }, undefined, 0);
  return { out, usedMacros };
}

/** Macros that pass their arguments through to the compiled code, so includes inside them are read. */
const TRANSPARENT_MACROS = new Set([
  'concat', 'format', 'format_args', 'print', 'println', 'eprint', 'eprintln', 'write', 'writeln', 'panic',
  'assert', 'assert_eq', 'assert_ne', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne', 'vec', 'dbg',
  'stringify', 'matches', 'todo', 'unimplemented', 'unreachable', 'cfg_if',
]);

function rawName(name: string): string {
  return name.startsWith('r#') ? name.slice(2) : name;
}

/** On Windows hosts `\` separates; elsewhere rustc takes it as part of a file name, and so do we. */
function normalizePathAttr(p: string): string {
  let s = process.platform === 'win32' ? p.replace(/\\/g, '/') : p;
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

function childDirs(
  paths: { path: string; gate: Gate }[],
  name: string,
  dirPath: string,
  base: string,
  why: string | undefined,
): { dir: string; why: string | undefined }[] {
  const chosen = paths.find((p) => p.gate.value === true); // rustc uses the first `path`
  const maybe = paths.filter((p) => p.gate.value === 'unknown');
  const out: { dir: string; why: string | undefined }[] = [];
  if (chosen) out.push({ dir: resolveFrom(base, normalizePathAttr(chosen.path)), why });
  else out.push({ dir: childPath(dirPath, name), why: why ?? maybe[0]?.gate.reason });
  for (const p of maybe) out.push({ dir: resolveFrom(base, normalizePathAttr(p.path)), why: why ?? p.gate.reason });
  return out;
}

export type IncludeTarget =
  | { kind: 'relative'; path: string }
  | { kind: 'absolute'; path: string }
  | { kind: 'out-dir'; path: string }
  | { kind: 'unknown'; text: string };

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

function renderArgs(args: TokenTree[]): string {
  const s = args.map((t) => (t.kind === 'group' ? '(…)' : t.text)).join('');
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
