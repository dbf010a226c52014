/**
 * Files read through proc-macros: a table of well-known macros with their exact rules, and a
 * conservative rule for any other macro that comes from a proc-macro crate.
 *
 * The walker (resolve.ts) hands each `proc-call` / `proc-attrs` item here and applies what comes
 * back: module items to walk where the macro is called (automod), files and directories read.
 *
 * | macro | reads |
 * |---|---|
 * | `automod::dir!("d")` | `mod x;` for each regular `d/*.rs` file (`CARGO_MANIFEST_DIR`-relative) but mod.rs, lib.rs, main.rs |
 * | pest_derive `#[grammar = "g"]` | `CARGO_MANIFEST_DIR/g`, else `CARGO_MANIFEST_DIR/src/g`; `#[grammar_inline]` nothing |
 * | rust-embed `#[folder = "d"]` | every file under `d` (links followed), filtered by `#[include]`/`#[exclude]` globs; only with rust-embed's `debug-embed` feature or without `debug_assertions` |
 * | `include_dir!("d")` | every file under `d` (`$CARGO_MANIFEST_DIR` expanded; relative to the package) |
 * | askama/rinja `#[template(path = "t")]` | `t` in the first of the template dirs (`templates/`, or `[general] dirs` of askama.toml / rinja.toml) holding it, and the templates it includes, extends or imports; the config file |
 * | sqlx `query_file*!("f", …)` | `CARGO_MANIFEST_DIR/f` |
 * | sqlx `migrate!("d")` | every file in `d` (default `./migrations`) |
 *
 * Any other macro from a proc-macro dependency (bang, attribute, or a derive's helper attribute):
 * a string literal in its input that names an existing file or directory (relative to the package,
 * or to the calling file) is listed as `uncertain`, a directory with everything under it; a path
 * outside the workspace is `external` and never read.
 */
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { isInside } from '../paths.js';
import type { TokenTree } from '../syntax/tokens.js';
import { splitCommas } from '../syntax/tokens.js';
import type { Attr, Item, ProcAttr, ProcItem } from './facts.js';

/** Which macros can come from proc-macro crates, for one unit. */
export interface ProcMacroDeps {
  /**
   * Names (as the code writes them, underscores) of the unit's direct dependencies that are
   * proc-macro crates or depend on one (and so may re-export its macros); 'unknown' when the
   * dependency graph is not known (then every dependency counts).
   */
  providers: Set<string> | 'unknown';
  /** Whether rust-embed's `debug-embed` feature is on: true, false, or 'unknown'. */
  rustEmbedDebugEmbed: boolean | 'unknown';
}

/** What a proc-macro item makes rustc read. */
export type ProcEffect =
  /** Items the macro expands to, walked where it is called. */
  | { kind: 'items'; items: Item[] }
  /** A file or directory (everything under it, filtered) read; `why` set when not certain. */
  | { kind: 'path'; path: string; dir: boolean; filter?: (rel: string) => boolean; why?: string; what: string };

/** What the rules need to know about the file system and the unit. */
export interface ProcContext {
  packageDir: string;
  /** The file holding the item. */
  file: string;
  deps: ProcMacroDeps;
  /** `debug_assertions` of the unit (rust-embed embeds only without it, or with debug-embed). */
  debugAssertions: boolean | 'unknown';
  /** Regular files (links followed) and directories in `dir`; undefined when it is not a readable directory. */
  list(dir: string): { files: string[]; dirs: string[]; links: string[] } | undefined;
  /** What `abs` is; 'outside' when it lies outside the workspace (never looked at). */
  exists(abs: string): 'file' | 'dir' | 'outside' | undefined;
  readText(abs: string): string | undefined;
}

const AUTOMOD_SKIP = new Set(['mod.rs', 'lib.rs', 'main.rs']);
const SQLX_QUERY_FILE = new Set([
  'query_file',
  'query_file_as',
  'query_file_scalar',
  'query_file_unchecked',
  'query_file_as_unchecked',
  'query_file_scalar_unchecked',
]);

function lastSegment(path: string): string {
  return path.split('::').pop() ?? path;
}

function firstSegment(path: string): string | undefined {
  const parts = path.split('::').filter((p) => p !== '');
  return parts.length > 1 ? parts[0] : undefined;
}

/** Whether `path` (as written) may name a macro of one of `crates` (underscored names). */
function fromCrate(deps: ProcMacroDeps, path: string, crates: string[]): boolean {
  const first = firstSegment(path);
  if (first !== undefined && first !== 'crate' && first !== 'self' && first !== 'super') return crates.includes(first);
  if (deps.providers === 'unknown') return true;
  return crates.some((c) => (deps.providers as Set<string>).has(c));
}

/** Whether any proc-macro can be behind `path`. */
function fromAnyProcMacro(deps: ProcMacroDeps, path: string): boolean {
  if (deps.providers === 'unknown') return true;
  const first = firstSegment(path);
  if (first !== undefined) return deps.providers.has(first);
  return deps.providers.size > 0;
}

function strings(ts: TokenTree[]): string[] {
  const out: string[] = [];
  for (const t of ts) {
    if (t.kind === 'literal' && t.value !== undefined && !/^b|^c/.test(t.text)) out.push(t.value);
    else if (t.kind === 'group') out.push(...strings(t.children));
  }
  return out;
}

/** `= "v"` → v. */
function nameValue(args: TokenTree[]): string | undefined {
  const [eq, lit] = args;
  if (eq?.kind === 'punct' && eq.text === '=' && lit?.kind === 'literal' && lit.value !== undefined && args.length === 2) return lit.value;
  return undefined;
}

/** `(key = "v", …)` → v of `key`. */
function keyValue(args: TokenTree[], key: string): string | undefined {
  const g = args[0];
  if (g?.kind !== 'group') return undefined;
  for (const part of splitCommas(g.children)) {
    const [k, ...rest] = part;
    if (k?.kind === 'ident' && k.text === key) return nameValue(rest);
  }
  return undefined;
}

export function procEffects(item: ProcItem, ctx: ProcContext): ProcEffect[] {
  return item.kind === 'proc-call' ? callEffects(item, ctx) : attrEffects(item, ctx);
}

function callEffects(item: ProcItem & { kind: 'proc-call' }, ctx: ProcContext): ProcEffect[] {
  const name = lastSegment(item.macro);
  const pkg = ctx.packageDir;
  const args = item.args;
  if (name === 'dir' && fromCrate(ctx.deps, item.macro, ['automod'])) {
    const lit = args.find((t) => t.kind === 'literal' && t.value !== undefined);
    if (lit?.kind === 'literal') return automod(join(pkg, lit.value!), item, ctx);
  }
  if (name === 'include_dir' && fromCrate(ctx.deps, item.macro, ['include_dir'])) {
    const [p] = strings(args);
    if (p !== undefined) {
      const expanded = p.replace(/\$(?:\{CARGO_MANIFEST_DIR\}|CARGO_MANIFEST_DIR\b)/g, pkg);
      if (!expanded.includes('$')) return [{ kind: 'path', path: resolve(pkg, expanded), dir: true, what: `include_dir!("${p}")` }];
    }
  }
  if (SQLX_QUERY_FILE.has(name) && fromCrate(ctx.deps, item.macro, ['sqlx', 'sqlx_macros'])) {
    const [p] = strings(args);
    if (p !== undefined) return [{ kind: 'path', path: resolve(pkg, p), dir: false, what: `${name}!("${p}")` }];
  }
  if (name === 'migrate' && fromCrate(ctx.deps, item.macro, ['sqlx', 'sqlx_macros'])) {
    const p = strings(args)[0] ?? './migrations';
    return [{ kind: 'path', path: resolve(pkg, p), dir: true, filter: (rel) => !rel.includes('/'), what: `migrate!("${p}")` }];
  }
  if (!fromAnyProcMacro(ctx.deps, item.macro)) return [];
  return general(`\`${item.macro}!\``, strings(args), ctx);
}

function attrEffects(item: ProcItem & { kind: 'proc-attrs' }, ctx: ProcContext): ProcEffect[] {
  const pkg = ctx.packageDir;
  const derives = new Set(item.derives);
  const out: ProcEffect[] = [];
  const handled = new Set<ProcAttr>();
  const named = (n: string) => item.inputs.filter((a) => a.name === n);
  // pest_derive
  if (derives.has('Parser') && fromCrate(ctx.deps, 'Parser', ['pest_derive'])) {
    for (const a of named('grammar')) {
      const v = nameValue(a.args);
      if (v === undefined) continue;
      handled.add(a);
      const direct = resolve(pkg, v);
      const path = ctx.exists(direct) ? direct : resolve(join(pkg, 'src'), v);
      out.push({ kind: 'path', path, dir: false, what: `#[grammar = "${v}"]` });
    }
    for (const a of named('grammar_inline')) handled.add(a);
  }
  // rust-embed
  if ((derives.has('RustEmbed') || derives.has('Embed')) && fromCrate(ctx.deps, 'RustEmbed', ['rust_embed'])) {
    const folder = named('folder')
      .map((a) => ({ a, v: nameValue(a.args) }))
      .find((x) => x.v !== undefined);
    const includes = named('include')
      .map((a) => nameValue(a.args))
      .filter((v): v is string => v !== undefined);
    const excludes = named('exclude')
      .map((a) => nameValue(a.args))
      .filter((v): v is string => v !== undefined);
    for (const n of ['folder', 'include', 'exclude', 'prefix', 'crate_path', 'metadata_only']) for (const a of named(n)) handled.add(a);
    if (folder?.v !== undefined) {
      const embed = embedsAtCompileTime(ctx);
      if (!folder.v.includes('$')) {
        const inc = includes.map(globRegex);
        const exc = excludes.map(globRegex);
        out.push({
          kind: 'path',
          path: resolve(pkg, folder.v),
          dir: true,
          filter: (rel) => !exc.some((r) => r.test(rel)) && (inc.length === 0 || inc.some((r) => r.test(rel))),
          what: `#[folder = "${folder.v}"]`,
          ...(embed === 'unknown'
            ? {
                why: `rust-embed embeds #[folder = "${folder.v}"] at compile time only with its \`debug-embed\` feature or without debug_assertions, and cargo-units cannot tell whether either holds`,
              }
            : {}),
        });
      } else {
        out.push(...general('rust-embed', [folder.v], ctx));
      }
    }
  }
  // askama / rinja
  if (derives.has('Template') && fromCrate(ctx.deps, 'Template', ['askama', 'rinja', 'askama_derive', 'rinja_derive'])) {
    for (const a of named('template')) {
      handled.add(a);
      const configName = keyValue(a.args, 'config');
      const p = keyValue(a.args, 'path');
      const { dirs, configFile } = templateDirs(ctx, configName);
      if (configFile) out.push({ kind: 'path', path: configFile, dir: false, what: `#[template] config ${configName ?? ''}`.trim() });
      if (p !== undefined) out.push(...templates(p, dirs, ctx));
    }
  }
  for (const a of item.inputs) {
    if (handled.has(a) || !fromAnyProcMacro(ctx.deps, a.name)) continue;
    out.push(...general(`\`#[${a.name}]\``, strings(a.args), ctx));
  }
  return out;
}

/**
 * rust-embed puts `include_bytes!` of each file under `#[cfg(not(debug_assertions))]` unless its
 * `debug-embed` feature is on. Off in this package's view, another package may still turn it on
 * (feature unification): then it is not known.
 */
function embedsAtCompileTime(ctx: ProcContext): true | 'unknown' {
  return ctx.deps.rustEmbedDebugEmbed === true || ctx.debugAssertions === false ? true : 'unknown';
}

function automod(dir: string, item: ProcItem, ctx: ProcContext): ProcEffect[] {
  const listing = ctx.list(dir);
  if (!listing) return [];
  const attrs: Attr[] = [];
  const items: Item[] = [];
  // automod takes regular files only (`file_type()` does not follow links), sorted.
  for (const f of [...listing.files].sort()) {
    if (!f.endsWith('.rs') || AUTOMOD_SKIP.has(f)) continue;
    const name = f.slice(0, -3);
    if (name.includes('-')) {
      const tokens: TokenTree[] = [
        { kind: 'ident', text: 'path', offset: 0 },
        { kind: 'punct', text: '=', offset: 0 },
        { kind: 'literal', text: JSON.stringify(f), value: f, offset: 0 },
      ];
      items.push({ kind: 'mod', name: name.replace(/-/g, '_'), line: item.line, attrs: [{ tokens, line: item.line }], inline: false });
    } else {
      items.push({ kind: 'mod', name, line: item.line, attrs, inline: false });
    }
  }
  return [{ kind: 'items', items }];
}

/** The template directories of askama/rinja and the config file that set them. */
function templateDirs(ctx: ProcContext, configName: string | undefined): { dirs: string[]; configFile?: string } {
  const pkg = ctx.packageDir;
  for (const name of configName ? [configName] : ['askama.toml', 'rinja.toml']) {
    const file = resolve(pkg, name);
    const text = ctx.exists(file) === 'file' ? ctx.readText(file) : undefined;
    if (text === undefined) continue;
    const m = /^\s*dirs\s*=\s*\[([^\]]*)\]/m.exec(text);
    const dirs = m ? [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)].map((x) => resolve(pkg, x[1] ?? x[2] ?? '')) : [join(pkg, 'templates')];
    return { dirs, configFile: file };
  }
  return { dirs: [join(pkg, 'templates')] };
}

/** A template and, transitively, those it includes, extends or imports. */
function templates(path: string, dirs: string[], ctx: ProcContext): ProcEffect[] {
  const out: ProcEffect[] = [];
  const seen = new Set<string>();
  const queue: { p: string; from?: string }[] = [{ p: path }];
  while (queue.length > 0) {
    const { p, from } = queue.shift()!;
    // A relative reference is looked up next to the referring template first (askama's find_template).
    const candidates = [...(from && !p.startsWith('/') ? [join(dirname(from), p)] : []), ...dirs.map((d) => join(d, p.replace(/^\/+/, '')))];
    const found = candidates.find((c) => ctx.exists(c) === 'file');
    if (!found || seen.has(found)) continue;
    seen.add(found);
    out.push({ kind: 'path', path: found, dir: false, what: `template "${p}"` });
    const text = ctx.readText(found) ?? '';
    for (const m of text.matchAll(/\{%-?\s*(?:include|extends|import)\s+"([^"]+)"/g)) queue.push({ p: m[1]!, from: found });
  }
  return out;
}

/** The general rule: string literals naming existing files or directories are (uncertainly) read. */
function general(what: string, values: string[], ctx: ProcContext): ProcEffect[] {
  const out: ProcEffect[] = [];
  for (const v of values) {
    if (/^[\s./\\]*$/.test(v) || v.includes('\n') || v.length > 4096) continue;
    for (const base of new Set([ctx.packageDir, dirname(ctx.file)])) {
      const abs = resolve(base, v);
      // The package itself (or an ancestor) is never taken whole.
      if (isInside(abs, ctx.packageDir)) continue;
      const kind = ctx.exists(abs);
      if (!kind) continue;
      if (kind === 'outside') {
        // Never looked at: only a string that looks like a path is taken for one.
        if (!/[/\\]|\.[A-Za-z0-9]+$/.test(v)) continue;
        out.push({ kind: 'path', path: abs, dir: false, what: `"${v}" in ${what}` });
        break;
      }
      out.push({
        kind: 'path',
        path: abs,
        dir: kind === 'dir',
        what: `"${v}" in ${what}`,
        why: `the string "${v}" in ${what} (a macro of a proc-macro crate) names this ${kind === 'dir' ? 'directory' : 'file'}: it may read it`,
      });
      break;
    }
  }
  return out;
}

function resolve(base: string, p: string): string {
  return normalize(isAbsolute(p) ? p : join(base, p)).replace(/\/+$/, '') || '/';
}

/** globset's default `Glob`: `*` and `?` cross `/`, `**` too, `[…]` classes, `{a,b}` alternatives. */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      re += '.*';
      while (glob[i + 1] === '*') i++;
    } else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((a) => globRegex(a).source.slice(1, -1))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, (x) => `\\${x}`);
  }
  return new RegExp(`^${re}$`);
}
