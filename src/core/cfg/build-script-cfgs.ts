/**
 * The cfg names a package's build script can print (`cargo:rustc-cfg=NAME`), found without running
 * it. Every other custom name is then false for the package's units (unless RUSTFLAGS sets it).
 *
 * Read statically, from the build script's files:
 * - `cargo:rustc-cfg=` / `cargo::rustc-cfg=` in string literals: a literal name, a name prefix
 *   before a placeholder (`"…=has_{}"`), or a placeholder whose argument is a string literal or a
 *   parameter of a helper function called with literals (`fn emit(cfg: &str)` + `emit("x")`);
 * - autocfg's API: `emit`, `emit_has_type/path/trait`, `emit_sysroot_crate` (`has_` + mangled
 *   name), `emit_*_cfg(…, "cfg")`, `emit_rustc_version(a, b)` (`rustc_a_b`);
 * - `cfg_aliases!` (its alias names);
 * - `rustc-check-cfg` declarations (names the package expects from RUSTFLAGS; informational).
 * Anything else that may print a cfg — a marker built at run time, a placeholder fed by a
 * computed value, a build-dependency that is not known to print nothing — makes every name unknown.
 */
import { tokenize, splitCommas, type TokenTree } from '../syntax/tokens.js';

export type BuildScriptCfgs =
  | { kind: 'any'; reason: string }
  | {
      kind: 'names';
      /** Name → where the script prints it (`build.rs:12`). Plain objects, so that the result is JSON. */
      names: Record<string, string>;
      /** Prefix → where (`"cargo:rustc-cfg=has_{}"` prints names starting with `has_`). */
      prefixes: Record<string, string>;
      /** Names declared with `rustc-check-cfg` (expected from RUSTFLAGS or the script), sorted. */
      declared: string[];
    };

export interface BuildScriptFile {
  /** Path shown in reasons (relative to the package, e.g. `build.rs`). */
  name: string;
  text: string;
}

/** Build-dependencies known not to print `cargo:rustc-cfg` themselves (crate names, `-` as `_`). */
const SILENT_BUILD_DEPS = new Set([
  'cc',
  'pkg_config',
  'version_check',
  'rustc_version',
  'semver',
  'cmake',
  'vcpkg',
  'bindgen',
  'glob',
  'walkdir',
  'regex',
  'serde',
  'serde_json',
  'toml',
  'tempfile',
  'which',
  'lazy_static',
  'once_cell',
  'anyhow',
  'thiserror',
  'quote',
  'proc_macro2',
  'syn',
  'num_cpus',
  'cfg_if',
  'libc',
  'memchr',
  'prost_build',
  'tonic_build',
  'rustc_hash',
  'autocfg',
  'cfg_aliases',
]);

const AUTOCFG_HAS = new Set(['emit_has_type', 'emit_has_path', 'emit_has_trait', 'emit_sysroot_crate']);
const AUTOCFG_CFG = new Set(['emit_path_cfg', 'emit_type_cfg', 'emit_trait_cfg', 'emit_expression_cfg', 'emit_constant_cfg']);

const MARKER = /cargo::?rustc-cfg=/g;

class Unknown extends Error {}

interface Fn {
  name: string;
  params: string[];
  method: boolean;
}

interface Ctx {
  file: BuildScriptFile;
  fn: Fn | undefined;
}

/** Whether some of these build-dependencies (crate names) may print `cargo:rustc-cfg` themselves. */
export function buildDepsMayPrint(buildDeps: string[]): boolean {
  return buildDeps.some((d) => !SILENT_BUILD_DEPS.has(d.replace(/-/g, '_')));
}

/** Analyses a build script (its files) with the package's build-dependencies (crate names). */
export function buildScriptCfgs(files: BuildScriptFile[], buildDeps: string[] = []): BuildScriptCfgs {
  for (const d of buildDeps) {
    const name = d.replace(/-/g, '_');
    if (!SILENT_BUILD_DEPS.has(name)) return { kind: 'any', reason: `the build script's build-dependency \`${d}\` may print cfgs` };
  }
  const names = new Map<string, string>();
  const prefixes = new Map<string, string>();
  const declared = new Set<string>();
  const parsed = files.map((file) => ({ file, trees: tokenize(file.text) }));
  /** Helper parameters whose literal arguments are cfg names: fn name → parameter index. */
  const helperParams: { fn: Fn; index: number; where: string }[] = [];
  const usesAutocfg = buildDeps.some((d) => d === 'autocfg') || files.some((f) => /\bautocfg\b/.test(f.text));

  const where = (ctx: Ctx, offset: number) => `${ctx.file.name}:${lineAt(ctx.file.text, offset)}`;
  const addValue = (value: string, at: string): void => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(value);
    if (!m) throw new Unknown(`${at}: prints a cfg cargo-units cannot read (\`${value.slice(0, 40)}\`)`);
    if (!names.has(m[1]!)) names.set(m[1]!, at);
  };

  try {
    // Pass 1: string literals, autocfg calls, cfg_aliases!.
    for (const { file, trees } of parsed) {
      visit(trees, { file, fn: undefined }, (ts, i, ctx) => {
        const t = ts[i]!;
        if (t.kind === 'literal' && t.value !== undefined) {
          if (t.value.includes('rustc-check-cfg')) {
            for (const m of t.value.matchAll(/cfg\(\s*([A-Za-z_][A-Za-z0-9_]*)/g)) declared.add(m[1]!);
            return;
          }
          if (!t.value.includes('rustc-cfg')) return;
          const at = where(ctx, t.offset);
          const starts = [...t.value.matchAll(MARKER)];
          if (starts.length === 0) throw new Unknown(`${at}: builds a \`rustc-cfg\` instruction at run time`);
          let placeholderIndex = countPlaceholders(t.value.slice(0, starts[0]!.index));
          for (const s of starts) {
            const rest = t.value.slice(s.index! + s[0].length);
            const lead = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0] ?? '';
            const after = rest.slice(lead.length);
            if (after.startsWith('{') && !after.startsWith('{{')) {
              if (lead !== '') {
                if (!prefixes.has(lead)) prefixes.set(lead, at);
                continue;
              }
              const arg = formatArgument(ts, i, after, placeholderIndex);
              if (arg === undefined) throw new Unknown(`${at}: prints a cfg whose name is computed at run time`);
              if (arg.kind === 'literal') addValue(arg.value, at);
              else {
                const index = ctx.fn?.params.indexOf(arg.name) ?? -1;
                if (!ctx.fn || index < 0) throw new Unknown(`${at}: prints a cfg whose name (\`${arg.name}\`) is computed at run time`);
                helperParams.push({ fn: ctx.fn, index, where: at });
              }
            } else if (lead !== '') {
              addValue(rest, at);
            } else {
              throw new Unknown(`${at}: prints a cfg cargo-units cannot read`);
            }
            placeholderIndex += countPlaceholders(rest);
          }
          return;
        }
        if (t.kind !== 'ident') return;
        const call = ts[i + 1];
        if (t.text === 'cfg_aliases' && isPunct(ts[i + 1], '!') && ts[i + 2]?.kind === 'group') {
          const g = ts[i + 2] as TokenTree & { kind: 'group' };
          for (const part of splitCommas(g.children)) {
            if (part[0]?.kind === 'ident' && isPunct(part[1], ':')) addValue(part[0].text, where(ctx, part[0].offset));
          }
          return;
        }
        if (!usesAutocfg || call?.kind !== 'group' || call.delimiter !== '(' || isWordBefore(ts, i, 'fn')) return;
        const args = splitCommas(call.children);
        const at = where(ctx, t.offset);
        const lit = (k: number) => {
          const a = args[k];
          return a?.length === 1 && a[0]!.kind === 'literal' ? a[0] : undefined;
        };
        if (t.text === 'emit' || AUTOCFG_CFG.has(t.text)) {
          const v = lit(t.text === 'emit' ? 0 : 1);
          if (v?.value === undefined) throw new Unknown(`${at}: autocfg's \`${t.text}\` with a cfg name computed at run time`);
          addValue(v.value, at);
        } else if (AUTOCFG_HAS.has(t.text)) {
          const v = lit(0);
          if (v?.value === undefined) {
            if (!prefixes.has('has_')) prefixes.set('has_', at);
          } else addValue(`has_${v.value.replace(/[^A-Za-z0-9]/g, '_')}`, at);
        } else if (t.text === 'emit_rustc_version') {
          const a = lit(0);
          const b = lit(1);
          if (a && b && /^\d+$/.test(a.text) && /^\d+$/.test(b.text)) addValue(`rustc_${a.text}_${b.text}`, at);
          else if (!prefixes.has('rustc_')) prefixes.set('rustc_', at);
        }
      });
    }
    // Pass 2: calls of helper functions whose parameter is printed as a cfg name.
    const done = new Set<string>();
    for (let k = 0; k < helperParams.length; k++) {
      const h = helperParams[k]!;
      const key = `${h.fn.name}/${h.index}`;
      if (done.has(key)) continue;
      done.add(key);
      if (done.size > 32) throw new Unknown(`${h.where}: helper functions nest too deeply`);
      for (const { file, trees } of parsed) {
        visit(trees, { file, fn: undefined }, (ts, i, ctx) => {
          const t = ts[i]!;
          const call = ts[i + 1];
          if (t.kind !== 'ident' || t.text !== h.fn.name || call?.kind !== 'group' || call.delimiter !== '(' || isWordBefore(ts, i, 'fn')) return;
          const viaMethod = isPunct(ts[i - 1], '.');
          const index = h.index - (h.fn.method && viaMethod ? 1 : 0);
          const arg = splitCommas(call.children)[index] ?? [];
          const at = where(ctx, t.offset);
          const a = arg[0]?.kind === 'punct' && arg[0].text === '&' ? arg.slice(1) : arg;
          const only = a.length === 1 ? a[0] : undefined;
          if (only?.kind === 'literal' && only.value !== undefined) addValue(only.value, at);
          else if (only?.kind === 'ident' && ctx.fn && ctx.fn.params.includes(only.text)) {
            helperParams.push({ fn: ctx.fn, index: ctx.fn.params.indexOf(only.text), where: at });
          } else throw new Unknown(`${at}: \`${h.fn.name}\` (which prints a cfg) is called with a name computed at run time`);
        });
      }
    }
  } catch (err) {
    if (err instanceof Unknown) return { kind: 'any', reason: err.message };
    if (err instanceof RangeError) return { kind: 'any', reason: 'the build script nests too deeply to be read' };
    throw err;
  }
  return { kind: 'names', names: Object.fromEntries(names), prefixes: Object.fromEntries(prefixes), declared: [...declared].sort() };
}

/** Why `name` may be set by this build script, or undefined when it cannot be. */
export function mayEmit(cfgs: BuildScriptCfgs, name: string): string | undefined {
  if (cfgs.kind === 'any') return cfgs.reason;
  const at = Object.hasOwn(cfgs.names, name) ? cfgs.names[name] : undefined;
  if (at) return `its build script prints \`cargo:rustc-cfg=${name}\` (${at})`;
  for (const [p, where] of Object.entries(cfgs.prefixes)) if (name.startsWith(p)) return `its build script prints cfgs named \`${p}…\` (${where})`;
  return undefined;
}

type Visitor = (ts: TokenTree[], i: number, ctx: Ctx) => void;

/** Visits every token, knowing the function whose body it is in. */
function visit(ts: TokenTree[], ctx: Ctx, f: Visitor): void {
  let pendingFn: Fn | undefined;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.kind === 'ident' && t.text === 'fn' && ts[i + 1]?.kind === 'ident') {
      const params = ts.slice(i + 2).find((x) => x.kind === 'group' && x.delimiter === '(');
      if (params?.kind === 'group') pendingFn = { name: (ts[i + 1] as { text: string }).text, ...paramNames(params.children) };
    }
    f(ts, i, ctx);
    if (t.kind === 'group') {
      const inner = t.delimiter === '{' && pendingFn ? { ...ctx, fn: pendingFn } : ctx;
      if (t.delimiter === '{') pendingFn = undefined;
      visit(t.children, inner, f);
    } else if (t.kind === 'punct' && t.text === ';') pendingFn = undefined;
  }
}

function paramNames(ts: TokenTree[]): { params: string[]; method: boolean } {
  const params: string[] = [];
  let method = false;
  for (const part of splitCommas(ts)) {
    const idents = part.filter((x) => x.kind === 'ident' && x.text !== 'mut') as { text: string }[];
    const colon = part.findIndex((x) => x.kind === 'punct' && x.text === ':');
    if (colon < 0 && idents.some((x) => x.text === 'self')) {
      method = true;
      params.push('self');
      continue;
    }
    const pat = part.slice(0, colon < 0 ? part.length : colon).filter((x) => x.kind === 'ident' && x.text !== 'mut');
    params.push(pat.length === 1 ? (pat[0] as { text: string }).text : '');
  }
  return { params, method };
}

/** Placeholders `{…}` (not `{{`) in a format string. */
function countPlaceholders(s: string): number {
  return [...s.replace(/\{\{|\}\}/g, '').matchAll(/\{[^}]*\}/g)].length;
}

type FormatArg = { kind: 'literal'; value: string } | { kind: 'ident'; name: string };

/** The argument a placeholder (text starting at `{`) takes, when the literal is a print macro's format string. */
function formatArgument(ts: TokenTree[], i: number, placeholder: string, index: number): FormatArg | undefined {
  const spec = /^\{([^}:]*)/.exec(placeholder)?.[1] ?? '';
  // ts[i] is the format string; its arguments follow, each after a comma.
  const rest = splitCommas(ts.slice(i + 1)).slice(1);
  const pick = (): TokenTree[] | undefined => {
    if (spec === '') return rest[index];
    if (/^\d+$/.test(spec)) return rest[Number(spec)];
    const named = rest.find((p) => p[0]?.kind === 'ident' && p[0].text === spec && isPunct(p[1], '='));
    if (named) return named.slice(2);
    return [{ kind: 'ident', text: spec, offset: 0 }]; // an inline capture: `{name}`
  };
  const a0 = pick();
  const a = a0 && a0[0]?.kind === 'punct' && a0[0].text === '&' ? a0.slice(1) : a0;
  if (!a || a.length !== 1) return undefined;
  const only = a[0]!;
  if (only.kind === 'literal' && only.value !== undefined) return { kind: 'literal', value: only.value };
  if (only.kind === 'ident') return { kind: 'ident', name: only.text };
  return undefined;
}

function isPunct(t: TokenTree | undefined, text: string): boolean {
  return t?.kind === 'punct' && t.text === text;
}

function isWordBefore(ts: TokenTree[], i: number, word: string): boolean {
  const p = ts[i - 1];
  return p?.kind === 'ident' && p.text === word;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
