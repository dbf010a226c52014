/**
 * Walks a crate from its root file and lists the files rustc reads for it under one cfg set,
 * following rust-analyzer's module-resolution rules (see shared notes: rust-files.md).
 */
import { basename, dirname } from 'node:path';
import type { CfgSet } from '../cfg/set.js';
import { parseCfgTokens } from '../cfg/expr.js';
import type { Diagnostic } from '../diagnostics.js';
import { childPath, isInside, resolveFrom } from '../paths.js';
import { renderTokens, type TokenTree } from '../syntax/tokens.js';
import { and, cfgTextOf, evaluateAttrs, pathCondTextsOf, gateOf, not, type AttrPath, type EvaluatedAttrs, type Gate } from './attrs.js';
import type { Attr, Item, ProcItem } from './facts.js';
import { definedMacroNames, definitionOf, type LocalMacros, type MacroCall, type MacroDefinition } from './local-macros.js';
import { MacroExpander } from './macros/expander.js';
import { includeTarget } from './macro-args.js';
import { procEffects, type ProcMacroDeps } from './proc-macros.js';
import type { SourceStore } from './sources.js';
import { guardCfg, pushGuard, type Guard, type WalkTracer } from './trace.js';

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
  /** What proc-macros this unit can call (proc-macros.ts); undefined turns the proc-macro rules off. */
  procMacros?: ProcMacroDeps;
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
  /** Directories whose listing the result depends on (proc-macros that read a directory). */
  listedDirs?: Set<string>;
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
  /** How many macro expansions this position is nested in. */
  expansions?: number;
  /** Only when tracing: the cfgs guarding this position inside its file. */
  guard?: Guard;
  /** Only when tracing: below a false cfg (its text); nothing here is read. */
  dead?: string;
  /** Only when tracing: the proc-macro call whose expansion declares what is here (`automod::dir!("tests")`). */
  proc?: string;
}

/** The declaration that leads to a file, for the tracer. */
interface From {
  file: string;
  line: number;
  /** The declaring position, and its text (`mod x`, `include!("…")`). */
  walk?: Walk;
  via?: string;
  /** Why this declaration may not apply, beyond the guards of `walk` (an unknown `cfg_attr` path). */
  why?: string;
}

/**
 * Resolves a crate. Local `macro_rules!` are expanded where they are called (macros/expander.ts),
 * scoped as rustc scopes them. A `crate::m!` call that comes before `m`'s `#[macro_export]`
 * definition in walk order is expanded by a second walk that knows the exported definitions.
 */
export function resolveCrate(input: CrateInput, store: SourceStore, tracer?: WalkTracer): CrateFiles {
  const parse = (text: string) => store.parseSnippet(text);
  const first = new MacroExpander(parse);
  const r = new CrateWalker(input, store, first, undefined, tracer).walk();
  const exported = first.exportedDefs();
  // Files walked before a module-declaring macro was defined were read without their calls.
  const missedCalls = first.wantsCalls() && (r.skippedCalls || first.skipped);
  // A macro the crate defines itself is no proc-macro: the second walk leaves its calls alone.
  let local: string[] = [];
  if (r.procCalls.size > 0) {
    const defined = new Set<string>();
    const definesOne = definitionOf([...r.procCalls]);
    for (const f of r.out.files) {
      // A file the prefilter left unparsed has no facts, but may still define macros: it is parsed
      // when its text may define one of these names (the parse decides).
      const text = store.macroDefiningText(f);
      const facts = text !== undefined && definesOne.test(text) ? store.factsWithCalls(f) : store.facts(f);
      if (facts) definedMacroNames(facts.items, defined);
    }
    local = [...r.procCalls].filter((m) => defined.has(m));
  }
  if (!missedCalls && local.length === 0 && !exported.some((d) => first.unresolved.has(d.name))) return r.out;
  tracer?.reset();
  return new CrateWalker(input, store, new MacroExpander(parse, exported, first.wantsCalls()), new Set(local), tracer).walk().out;
}

/** rustc's default `recursion_limit`: macro expansions nest at most this deep. */
export const MAX_EXPANSION_DEPTH = 128;

/** Where `mod name;` (without `#[path]`) finds its file: the result of `CrateWalker.lookupModule`. */
export type ModuleLookup =
  /** `{dir}/name.rs` or `{dir}/name/mod.rs`. */
  | { kind: 'found'; file: string }
  /** Both exist (rustc's E0761): `file` is `name.rs`, `other` is `name/mod.rs`. */
  | { kind: 'ambiguous'; file: string; other: string }
  /** Neither exists. */
  | { kind: 'missing'; tried: [string, string] }
  /** The file would lie outside the workspace, lexically or through a symlink: never read. */
  | { kind: 'external'; path: string; via: 'path' | 'symlink' };

/** Walks one crate under one cfg set; `walk()` once per instance. */
export class CrateWalker {
  private out: CrateFiles = {
    files: new Set(),
    external: new Set(),
    uncertain: new Map(),
    diagnostics: [],
    probed: new Set(),
  };
  /** Files read whatever unknown cfgs say (never listed in `uncertain`). */
  private readonly certain = new Set<string>();
  /** Visit key → visited with certainty. */
  private readonly visited = new Map<string, boolean>();
  /** Files being walked, for cycle detection. */
  private readonly stack: string[] = [];
  /** Some file was read without its macro calls (the prefilter skipped it) while no macro wanted them. */
  private skippedCalls = false;
  /** Names of macros called in item position (the caller decides whether a second walk can expand them). */
  private readonly usedMacros = new Set<string>();

  /** Single-segment bang macros handed to the proc-macro rules (a second walk drops the crate's own). */
  private readonly procCalls = new Set<string>();

  constructor(
    private readonly input: CrateInput,
    private readonly store: SourceStore,
    private readonly macros: LocalMacros,
    /** Names of `macro_rules!` the crate defines: calls of them are not proc-macro calls. */
    private readonly localMacroNames: Set<string> = new Set(),
    /** Told why each file is reached (and what false cfgs switch off); the index never passes one. */
    private readonly tracer?: WalkTracer,
  ) {}

  walk(): { out: CrateFiles; usedMacros: Set<string>; procCalls: Set<string>; skippedCalls: boolean } {
    const { input, out } = this;
    out.probed.add(input.root);
    if (!this.store.isFile(input.root)) {
      out.diagnostics.push({ file: input.root, line: 0, severity: 'error', message: `crate root ${basename(input.root)} does not exist` });
    } else {
      const rootDir = dirname(input.root);
      this.visitFile(input.root, { dirPath: rootDir, fileDir: rootDir, inline: false }, undefined, 0);
    }
    return { out, usedMacros: this.usedMacros, procCalls: this.procCalls, skippedCalls: this.skippedCalls };
  }

  // --- results -------------------------------------------------------------------------------

  private diag(file: string, line: number, severity: Diagnostic['severity'], message: string): void {
    const ds = this.out.diagnostics;
    if (!ds.some((d) => d.file === file && d.line === line && d.message === message)) ds.push({ file, line, severity, message });
  }

  private addFile(abs: string, why: string | undefined): void {
    const { out } = this;
    out.files.add(abs);
    if (why === undefined) {
      this.certain.add(abs);
      out.uncertain.delete(abs);
    } else if (!this.certain.has(abs) && !out.uncertain.has(abs)) {
      out.uncertain.set(abs, why);
    }
  }

  /** Records a path outside the workspace; returns true if `abs` is outside (and so must not be read). */
  private external(abs: string, w: Walk, line: number, what: string): boolean {
    if (this.store.isInWorkspace(abs)) return false;
    this.out.external.add(abs);
    this.diag(w.file, line, 'warning', `${what} points outside the workspace (${abs}); it is listed as external and not read`);
    return true;
  }

  /**
   * Only when tracing: walks what a false cfg switched off. Nothing found there counts (files,
   * diagnostics, external paths go to a scratch result); only the paths looked at are kept, since
   * the trace depends on them.
   */
  private inDead(f: () => void): void {
    const live = this.out;
    this.out = { files: new Set(), external: new Set(), uncertain: new Map(), diagnostics: [], probed: live.probed };
    try {
      f();
    } finally {
      this.out = live;
    }
  }

  /** Tells the tracer that `abs` is reached (or, below a false cfg, would be) from `from`. */
  private trace(abs: string, from: From, depth: number, why: string | undefined): void {
    const w = from.walk;
    const localWhy = w?.guard?.why ?? from.why;
    const via = w?.proc !== undefined && w.proc !== from.via ? `${w.proc} → ${from.via ?? ''}` : (from.via ?? '');
    const step = { from: from.file, line: from.line, via, cfg: guardCfg(w?.guard) };
    if (w?.dead !== undefined) this.tracer!.wouldRead(abs, { ...step, cfg: w.dead, value: false });
    else
      this.tracer!.reached(abs, localWhy === undefined ? { ...step, value: true } : { ...step, value: 'unknown', reason: localWhy }, depth, why === undefined);
  }

  // --- files ---------------------------------------------------------------------------------

  private visitFile(abs: string, dir: ModDir, why: string | undefined, depth: number, from?: From, included = false): void {
    this.out.probed.add(abs);
    const dead = from?.walk?.dead;
    if (this.tracer && from) this.trace(abs, from, depth, why);
    const { stack } = this;
    if (stack.includes(abs)) {
      const cycle = [...stack.slice(stack.indexOf(abs)), abs].map((f) => basename(f)).join(' → ');
      this.diag(from?.file ?? abs, from?.line ?? 0, 'error', `circular modules: ${cycle}`);
      return;
    }
    const key = dead === undefined ? `${abs}\0${dir.dirPath}\0${dir.inline}` : `${abs}\0${dir.dirPath}\0${dir.inline}\0dead`;
    const prev = this.visited.get(key);
    if (prev === true || (prev === false && why !== undefined)) return;
    this.visited.set(key, why === undefined);
    if (depth > MAX_MODULE_DEPTH) {
      this.diag(from?.file ?? abs, from?.line ?? 0, 'error', `module nesting deeper than ${MAX_MODULE_DEPTH} (a #[path] cycle?): ${abs}`);
      return;
    }
    const withCalls = this.macros.wantsCalls();
    const facts = withCalls ? this.store.factsWithCalls(abs) : this.store.facts(abs);
    if (!facts) return;
    if (!withCalls && this.store.unparsed(abs)) this.skippedCalls = true;
    if (dead !== undefined) {
      stack.push(abs);
      try {
        const w: Walk = { file: abs, dir, why, depth, macro: undefined, dead };
        for (const inc of evaluateAttrs(facts.innerAttrs, this.input.cfg).includes) this.visitInclude(inc.item, w);
        this.walkItems(facts.items, w);
      } finally {
        stack.pop();
      }
      return;
    }
    this.addFile(abs, why);
    if (facts.invalidUtf8) this.diag(abs, 0, 'error', 'file is not valid UTF-8 (rustc will reject it)');
    // An include!d file may hold an expression, which does not parse as items: no warning for it.
    // After a syntax error each item was parsed on its own (recover.ts): only an unclosed delimiter leaves doubt.
    if (facts.unclosedDelimiter && !included) {
      const u = facts.unclosedDelimiter;
      this.diag(
        abs,
        u.line,
        'warning',
        `syntax error: the \`${u.delimiter}\` on this line is never closed; modules or includes declared after it may be missed`,
      );
    }
    const w: Walk = { file: abs, dir, why, depth, macro: undefined };
    if (this.tracer) w.guard = pushGuard(undefined, undefined, undefined);
    stack.push(abs);
    try {
      const inner = this.innerGate(facts.innerAttrs, w);
      if (inner.value === false) {
        // rustc read the file, then dropped its contents
        if (this.tracer) this.inDead(() => this.walkItems(facts.items, { ...w, dead: cfgTextOf(facts.innerAttrs) ?? 'false' }));
        return;
      }
      if (this.tracer) w.guard = pushGuard(w.guard, cfgTextOf(facts.innerAttrs), inner.reason);
      this.walkItems(facts.items, { ...w, why: why ?? inner.reason });
    } finally {
      stack.pop();
    }
  }

  /** Inner attributes: `#![cfg]` decides whether the rest of the file counts; includes in values are read. */
  private innerGate(attrs: Attr[], w: Walk): Gate {
    if (attrs.length === 0) return { value: true };
    const ev = evaluateAttrs(attrs, this.input.cfg);
    for (const p of ev.problems) this.diag(w.file, p.line, 'warning', p.message);
    if (ev.cfg.value !== false) {
      for (const inc of ev.includes) {
        if (inc.gate.value !== false) this.visitInclude(inc.item, { ...w, why: w.why ?? inc.gate.reason });
      }
    }
    return ev.cfg;
  }

  // --- items ---------------------------------------------------------------------------------

  private walkItems(items: Item[], w: Walk): void {
    for (const item of items) this.walkItem(item, w);
  }

  private walkItem(item: Item, w: Walk): void {
    const ev = evaluateAttrs(item.attrs, this.input.cfg);
    for (const p of ev.problems) this.diag(w.file, p.line, 'warning', p.message);
    let gate = ev.cfg;
    let dead = w.dead;
    if (gate.value === false) {
      if (w.macro === undefined) {
        if (!this.tracer) return;
        dead ??= cfgTextOf(item.attrs) ?? 'false';
      } else {
        gate = { value: 'unknown', reason: `its cfg is false, but it is inside \`${w.macro}!\`, which cargo-units does not expand` };
      }
    }
    const why = w.why ?? gate.reason;
    const here: Walk = { ...w, why };
    if (this.tracer) {
      here.guard = pushGuard(w.guard, cfgTextOf(item.attrs), gate.reason);
      if (dead !== undefined) here.dead = dead;
      if (dead !== undefined && w.dead === undefined) return this.inDead(() => this.walkGated(item, ev, here));
    }
    this.walkGated(item, ev, here);
  }

  /** An item whose own cfg is not false (or, when tracing, is walked as switched off). */
  private walkGated(item: Item, ev: EvaluatedAttrs, here: Walk): void {
    const why = here.why;
    for (const inc of ev.includes) {
      if (inc.gate.value !== false) this.visitInclude(inc.item, { ...here, why: why ?? inc.gate.reason });
    }
    switch (item.kind) {
      case 'mod':
        // A module scopes the macros defined in it; `#[macro_use]` lets them out after it.
        this.macros.enterModule(item.attrs.some((a) => a.tokens[0]?.kind === 'ident' && a.tokens[0].text === 'macro_use'));
        try {
          if (item.inline) this.walkInlineMod(item, ev.paths, here);
          else this.visitModFile(item, ev.paths, here);
        } finally {
          this.macros.leaveModule();
        }
        return;
      case 'include':
        this.visitInclude(item, here);
        return;
      case 'gated':
        this.walkItems(item.body, here);
        return;
      case 'cfg-if':
        this.walkCfgIf(item, here);
        return;
      case 'macro':
        if (item.definition) this.walkMacroDefinition({ ...item, definition: true }, here);
        else this.walkMacroCall({ ...item, definition: false }, here);
        return;
      case 'proc-call':
      case 'proc-attrs':
        this.walkProcItem(item, here);
        return;
    }
  }

  // --- proc-macros ---------------------------------------------------------------------------

  /** Files a proc-macro reads (proc-macros.ts): module items walked here, files and directories listed. */
  private walkProcItem(item: ProcItem, w: Walk): void {
    const deps = this.input.procMacros;
    if (!deps || w.macro !== undefined || w.dead !== undefined) return;
    if (item.kind === 'proc-call' && !item.macro.includes('::')) {
      if (this.localMacroNames.has(item.macro)) return;
      this.procCalls.add(item.macro);
      this.usedMacros.add(item.macro);
    }
    const { store } = this;
    const debug = this.input.cfg.evaluate({ type: 'name', name: 'debug_assertions' }).value;
    const effects = procEffects(item, {
      packageDir: this.input.packageDir,
      file: w.file,
      deps,
      debugAssertions: debug,
      list: (dir) => {
        this.listed(dir);
        return store.listDir(dir);
      },
      exists: (abs) => {
        this.out.probed.add(abs);
        if (!store.isInWorkspace(abs)) return 'outside';
        if (store.isFile(abs)) return 'file';
        return store.listDir(abs) ? 'dir' : undefined;
      },
      readText: (abs) => store.read(abs)?.text,
    });
    // When tracing: the macro call as the declaration that reads what it names.
    const procVia = this.tracer
      ? item.kind === 'proc-call'
        ? `${item.macro}!(${renderTokens(item.args)})`
        : item.inputs.map((a) => `#[${a.name}${a.args.length > 0 && a.args[0]!.kind !== 'group' ? ' ' : ''}${renderTokens(a.args)}]`).join(' ')
      : undefined;
    for (const e of effects) {
      if (e.kind === 'items') {
        this.walkItems(e.items, procVia === undefined ? w : { ...w, proc: procVia });
        continue;
      }
      const why = w.why ?? e.why;
      // An attribute-driven read is shown at the attributes (they come before the item's own line).
      const line = item.kind === 'proc-attrs' ? Math.min(item.line, ...item.inputs.map((i) => i.line)) : item.line;
      const from: From | undefined = procVia === undefined ? undefined : { file: w.file, line, walk: w, via: procVia, why: e.why };
      this.out.probed.add(e.path);
      if (this.external(e.path, w, item.line, e.what)) continue;
      if (!e.dir) {
        if (store.isFile(e.path)) {
          if (from) this.trace(e.path, from, w.depth + 1, why);
          this.addFile(e.path, why);
        } else this.diag(w.file, item.line, 'warning', `${e.what}: ${e.path} does not exist`);
        continue;
      }
      if (!this.addTree(e.path, '', e.filter, why, 0, from)) this.diag(w.file, item.line, 'warning', `${e.what}: directory ${e.path} does not exist`);
    }
  }

  private listed(dir: string): void {
    (this.out.listedDirs ??= new Set()).add(dir);
  }

  /** Every file under `dir` (links followed, within the workspace) whose relative path passes `filter`. */
  private addTree(dir: string, rel: string, filter: ((rel: string) => boolean) | undefined, why: string | undefined, depth: number, from?: From): boolean {
    this.listed(dir);
    const listing = this.store.listDir(dir);
    if (!listing || depth > MAX_MODULE_DEPTH) return false;
    for (const f of listing.files) {
      const r = rel + f;
      if (!filter || filter(r)) {
        if (from) this.trace(childPath(dir, f), from, (from.walk?.depth ?? 0) + 1, why);
        this.addFile(childPath(dir, f), why);
      }
    }
    for (const d of listing.dirs) this.addTree(childPath(dir, d), `${rel}${d}/`, filter, why, depth + 1, from);
    return true;
  }

  private walkInlineMod(item: Item & { kind: 'mod'; inline: true }, paths: AttrPath[], w: Walk): void {
    const name = rawName(item.name);
    const base = w.dir.inline ? w.dir.dirPath : w.dir.fileDir;
    for (const d of childDirs(paths, name, w.dir.dirPath, base, w.why)) {
      const inner: Walk = { ...w, why: d.why, dir: { dirPath: d.dir, fileDir: w.dir.fileDir, inline: true } };
      const g = this.innerGate(item.innerAttrs, inner);
      if (g.value === false) {
        if (this.tracer) this.inDead(() => this.walkItems(item.body, { ...inner, dead: inner.dead ?? cfgTextOf(item.innerAttrs) ?? 'false' }));
        continue;
      }
      if (this.tracer) inner.guard = pushGuard(inner.guard, cfgTextOf(item.innerAttrs), g.reason ?? (d.why === w.why ? undefined : d.why));
      this.walkItems(item.body, { ...inner, why: inner.why ?? g.reason });
    }
  }

  /** The items a `macro_rules!` body declares are read only where the macro is used. */
  private walkMacroDefinition(item: MacroDefinition, w: Walk): void {
    // A definition inside a macro cargo-units did not expand may not exist: not in scope.
    if (w.macro === undefined) this.macros.define(item, w.file, w.why);
    const reason = `declared in the body of \`macro_rules! ${item.name}\`, read only where that macro is used`;
    const inner: Walk = { ...w, why: w.why ?? reason, macro: item.name };
    if (this.tracer) inner.guard = pushGuard(w.guard, undefined, reason);
    this.walkItems(item.body, inner);
  }

  /**
   * A macro call in item position. The seam for macro expansion: a call the local-macro expander
   * expands is walked as the items it produces; std macros pass their arguments through; any other
   * call is walked as an unexpanded token tree, whose declarations are uncertain.
   */
  private walkMacroCall(call: MacroCall, w: Walk): void {
    this.usedMacros.add(call.name);
    const depth = w.expansions ?? 0;
    const expanded = w.macro === undefined ? this.macros.expand(call) : undefined;
    if (expanded && depth >= MAX_EXPANSION_DEPTH) {
      this.diag(w.file, call.line, 'error', `recursion limit (${MAX_EXPANSION_DEPTH}) reached while expanding \`${call.name}!\``);
    } else if (expanded) {
      this.walkItems(expanded, { ...w, expansions: depth + 1 });
      return;
    }
    if (TRANSPARENT_MACROS.has(call.name)) {
      this.walkItems(call.body, w);
      return;
    }
    const whyNot = this.macros.whyNot(call);
    const reason = whyNot
      ? `declared inside \`${call.name}!\`, which cargo-units could not expand: ${whyNot}`
      : `declared inside \`${call.name}!\`, which cargo-units does not expand`;
    const inner: Walk = { ...w, why: w.why ?? reason, macro: call.name };
    if (this.tracer) inner.guard = pushGuard(w.guard, undefined, reason);
    this.walkItems(call.body, inner);
  }

  private walkCfgIf(item: Item & { kind: 'cfg-if' }, w: Walk): void {
    // Branch i is compiled when its condition holds and no earlier one did.
    let noneBefore: Gate = { value: true };
    const earlier: string[] = [];
    for (const branch of item.branches) {
      let cond: Gate = { value: true };
      if (branch.cond) cond = this.condGate(branch.cond, w, item.line);
      const active = and(noneBefore, cond);
      // The branch's predicate as text: its own cfg, after none of the earlier ones.
      const text = this.tracer ? cfgIfText(earlier, branch.cond) : undefined;
      if (branch.cond && this.tracer) earlier.push(renderTokens(branch.cond));
      if (active.value !== false || w.macro !== undefined) {
        const why = w.why ?? (active.value === false ? `inside \`${w.macro}!\`` : active.reason);
        const inner: Walk = { ...w, why };
        if (this.tracer) inner.guard = pushGuard(w.guard, text, active.value === false ? `inside \`${w.macro}!\`` : active.reason);
        this.walkItems(branch.body, inner);
      } else if (this.tracer) {
        this.inDead(() => this.walkItems(branch.body, { ...w, dead: w.dead ?? text ?? 'false' }));
      }
      noneBefore = and(noneBefore, not(cond));
      if (noneBefore.value === false && w.macro === undefined && !this.tracer) break;
    }
  }

  private condGate(tokens: TokenTree[], w: Walk, line: number): Gate {
    try {
      return gateOf(parseCfgTokens(tokens), this.input.cfg);
    } catch (err) {
      this.diag(w.file, line, 'warning', `malformed cfg in cfg_if!: ${(err as Error).message}`);
      return { value: 'unknown', reason: `malformed cfg in cfg_if! on line ${line}` };
    }
  }

  // --- module files --------------------------------------------------------------------------

  private visitModFile(item: Item & { kind: 'mod' }, paths: AttrPath[], w: Walk): void {
    const name = rawName(item.name);
    const base = w.dir.inline ? w.dir.dirPath : w.dir.fileDir;
    const from: From = { file: w.file, line: item.line, walk: w, via: `mod ${name}` };
    const chosen = paths.find((p) => p.gate.value === true); // rustc uses the first `path`
    const maybe = paths.filter((p) => p.gate.value === 'unknown');
    const candidates: { file: string; why: string | undefined; explicit: boolean; path?: AttrPath }[] = [];
    if (chosen) candidates.push({ file: resolveFrom(base, normalizePathAttr(chosen.path)), why: w.why, explicit: true, path: chosen });
    for (const p of maybe) candidates.push({ file: resolveFrom(base, normalizePathAttr(p.path)), why: w.why ?? p.gate.reason, explicit: true, path: p });
    const childDir = childPath(w.dir.dirPath, name);
    if (this.tracer && w.dead === undefined) this.traceOtherPaths(item, paths, chosen, from);
    if (!chosen) {
      const why = w.why ?? maybe[0]?.gate.reason;
      const found = this.lookupModule(name, w.dir.dirPath);
      switch (found.kind) {
        case 'external': {
          this.out.external.add(found.path);
          const how = found.via === 'path' ? 'lies outside the workspace' : 'is a symlink out of the workspace';
          this.diag(w.file, item.line, 'warning', `module \`${name}\` ${how} (${found.path}); it is listed as external and not read`);
          return;
        }
        case 'missing':
          if (maybe.length === 0) {
            this.diag(w.file, item.line, 'error', `file not found for module \`${name}\`: neither ${found.tried[0]} nor ${found.tried[1]} exists`);
            return;
          }
          break;
        case 'ambiguous':
          this.diag(w.file, item.line, 'error', `file for module \`${name}\` found at both ${found.file} and ${found.other}`);
          // rustc reports E0761 here; list both so no build misses either.
          this.visitFile(
            found.other,
            { dirPath: childDir, fileDir: dirname(found.other), inline: false },
            w.why ?? 'ambiguous module file (E0761)',
            w.depth + 1,
            { ...from, why: 'ambiguous module file (E0761)' },
          );
          candidates.push({ file: found.file, why, explicit: false });
          break;
        case 'found':
          candidates.push({ file: found.file, why, explicit: false });
          break;
      }
    }
    for (const c of candidates) {
      if (!c.explicit) {
        this.visitFile(c.file, { dirPath: childDir, fileDir: dirname(c.file), inline: false }, c.why, w.depth + 1, { ...from, why: maybe[0]?.gate.reason });
        continue;
      }
      // A `#[path]` file owns its directory.
      this.out.probed.add(c.file);
      if (this.external(c.file, w, item.line, `#[path] of module \`${name}\``)) continue;
      if (!this.store.isFile(c.file)) {
        this.diag(w.file, item.line, 'error', `file not found for module \`${name}\`: ${c.file}`);
        continue;
      }
      const d = dirname(c.file);
      const via = this.tracer ? `#[path = ${JSON.stringify(c.path?.path ?? '')}] mod ${name}` : undefined;
      this.visitFile(c.file, { dirPath: d, fileDir: d, inline: false }, c.why, w.depth + 1, { ...from, via, why: c.path?.gate.reason });
    }
  }

  /**
   * Only when tracing: the files `mod name;` would read under other cfgs, which `cfg_attr(p, path = …)`
   * chooses between. A path whose `p` is false would be read if `p` held; the default file
   * would be read if the chosen path's `p` did not.
   */
  private traceOtherPaths(item: Item & { kind: 'mod' }, paths: AttrPath[], chosen: AttrPath | undefined, from: From): void {
    const w = from.walk!;
    const conds = pathCondTextsOf(item.attrs);
    const base = w.dir.inline ? w.dir.dirPath : w.dir.fileDir;
    const name = rawName(item.name);
    paths.forEach((p, i) => {
      if (p.gate.value !== false || conds[i] === undefined) return;
      const via = `#[path = ${JSON.stringify(p.path)}] mod ${name}`;
      this.tracer!.wouldRead(resolveFrom(base, normalizePathAttr(p.path)), { from: w.file, line: item.line, via, cfg: conds[i]!, value: false });
    });
    const cond = chosen ? conds[paths.indexOf(chosen)] : undefined;
    if (cond === undefined) return;
    const found = this.lookupModule(name, w.dir.dirPath);
    if (found.kind === 'found' || found.kind === 'ambiguous') {
      this.tracer!.wouldRead(found.file, { from: w.file, line: item.line, via: `mod ${name}`, cfg: `not(${cond})`, value: false });
    }
  }

  /** Looks up `{dirPath}/name.rs`, then `{dirPath}/name/mod.rs`. Never looks outside the root. */
  lookupModule(name: string, dirPath: string): ModuleLookup {
    const { store, out } = this;
    const a = childPath(dirPath, `${name}.rs`);
    const b = childPath(dirPath, name, 'mod.rs');
    if (!isInside(store.root, a)) return { kind: 'external', path: a, via: 'path' };
    out.probed.add(a);
    out.probed.add(b);
    const hasA = store.isFile(a);
    const hasB = store.isFile(b);
    if (hasA && hasB) return { kind: 'ambiguous', file: a, other: b };
    if (hasA) return { kind: 'found', file: a };
    if (hasB) return { kind: 'found', file: b };
    if (!store.isInWorkspace(a)) return { kind: 'external', path: a, via: 'symlink' };
    return { kind: 'missing', tried: [a, b] };
  }

  // --- include!, include_str!, include_bytes! --------------------------------------------------

  private visitInclude(item: Item & { kind: 'include' }, w: Walk): void {
    const { out } = this;
    const target = includeTarget(item.args, this.input.packageDir);
    const what = `${item.macro}!`;
    let why = w.why;
    if (item.via !== undefined && why === undefined && !TRANSPARENT_MACROS.has(item.via)) {
      why = `${what} inside \`${item.via}!\`, which cargo-units does not expand`;
    }
    if (target.kind === 'unknown') {
      this.diag(w.file, item.line, 'warning', `${what} with a path cargo-units cannot evaluate (${target.text}); the file it reads is not listed`);
      out.uncertain.set(w.file, out.uncertain.get(w.file) ?? `line ${item.line}: ${what}(${target.text}) reads a file cargo-units cannot name`);
      return;
    }
    if (target.kind === 'out-dir') {
      out.external.add(target.path);
      return;
    }
    const abs = target.kind === 'absolute' ? target.path : resolveFrom(dirname(w.file), target.path);
    out.probed.add(abs);
    if (this.external(abs, w, item.line, what)) return;
    if (!this.store.isFile(abs)) {
      this.diag(w.file, item.line, 'error', `${what} of a file that does not exist: ${abs}`);
      return;
    }
    const from: From = {
      file: w.file,
      line: item.line,
      walk: w,
      via: this.tracer ? `${what}(${renderTokens(item.args)})` : undefined,
      why: why === w.why ? undefined : why,
    };
    if (item.macro === 'include') {
      // The included text is parsed as items (or an expression) that own their directory.
      const d = dirname(abs);
      this.visitFile(abs, { dirPath: d, fileDir: d, inline: false }, why, w.depth + 1, from, true);
    } else {
      if (this.tracer) this.trace(abs, from, w.depth + 1, why);
      if (w.dead === undefined) this.addFile(abs, why);
    }
  }
}

/** Macros that pass their arguments through to the compiled code, so includes inside them are read. */
const TRANSPARENT_MACROS = new Set([
  'concat',
  'format',
  'format_args',
  'print',
  'println',
  'eprint',
  'eprintln',
  'write',
  'writeln',
  'panic',
  'assert',
  'assert_eq',
  'assert_ne',
  'debug_assert',
  'debug_assert_eq',
  'debug_assert_ne',
  'vec',
  'dbg',
  'stringify',
  'matches',
  'todo',
  'unimplemented',
  'unreachable',
  'cfg_if',
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

/** A `cfg_if!` branch's predicate: its own, after none of the earlier ones held. */
function cfgIfText(earlier: string[], cond: TokenTree[] | undefined): string | undefined {
  const parts = [
    ...(earlier.length === 0 ? [] : [earlier.length === 1 ? `not(${earlier[0]})` : `not(any(${earlier.join(', ')}))`]),
    ...(cond ? [renderTokens(cond)] : []),
  ];
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : `all(${parts.join(', ')})`;
}
