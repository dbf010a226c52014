/**
 * The cfg of one unit (what rustc's `--cfg`s and target say), and three-valued evaluation of
 * predicates against it: a predicate can be unknown when it depends on a cfg that a build script
 * (`cargo:rustc-cfg=…`) may set, or on a name the caller marks as unknown.
 */

import type { Tri } from '../cargo/model.js';
import { mayEmit, type BuildScriptCfgs } from './build-script-cfgs.js';
import { decisionUnknown, type ScriptDecisions } from './build-script-eval/evaluate.js';
import { cfgToString, parseCfg, CfgSyntaxError, type CfgAtom, type CfgExpr } from './expr.js';
import type { TargetCfg } from './target.js';

/**
 * Names rustc and Cargo set themselves (rustc's well-known cfg names, including the tool names
 * `clippy` and `rustfmt`, which are never set for a rustc build). A build script's
 * `cargo:rustc-cfg` is not considered for them.
 */
export const WELL_KNOWN_CFG_NAMES: ReadonlySet<string> = new Set([
  'target_os',
  'target_family',
  'target_arch',
  'target_env',
  'target_abi',
  'target_vendor',
  'target_endian',
  'target_pointer_width',
  'target_has_atomic',
  'target_has_atomic_load_store',
  'target_has_atomic_equal_alignment',
  'target_feature',
  'target_thread_local',
  'unix',
  'windows',
  'test',
  'debug_assertions',
  'proc_macro',
  'panic',
  'feature',
  'doc',
  'doctest',
  'miri',
  'overflow_checks',
  'relocation_model',
  'sanitize',
  'sanitizer_cfi_generalize_pointers',
  'sanitizer_cfi_normalize_integers',
  'fmt_debug',
  'ub_checks',
  'contract_checks',
  'emscripten_wasm_eh',
  'target_object_format',
  'clippy',
  'rustfmt',
]);

export interface CfgEvaluation {
  value: Tri;
  /**
   * When `value` is `'unknown'`: what made it so, deduplicated in order of appearance — the cfg
   * names (`has_foo`; for a pair `foo = "x"`, the name `foo`), or the whole predicate for
   * `version("…")`. Empty when `value` is true or false.
   */
  unknown: string[];
}

export interface CfgSetOptions {
  /** The cfgs that are set: names (`unix`) and pairs (`target_os="linux"`). */
  atoms?: Iterable<CfgAtom>;
  /**
   * Names not in {@link WELL_KNOWN_CFG_NAMES} and not set are unknown rather than false: the unit's
   * package has a build script, whose `cargo:rustc-cfg` may set any of them.
   */
  customNamesUnknown?: boolean;
  /**
   * With `customNamesUnknown`: what the build script can print (build-script-cfgs.ts). Only those
   * names are then unknown; every other custom name is false. Undefined: any name may be printed.
   */
  buildScript?: BuildScriptCfgs;
  /**
   * With `customNamesUnknown`: what the build script prints for this unit, found by running it
   * abstractly (build-script-eval). When decided, a custom name not set is unknown only if the
   * decisions say so; when the interpreter gave up, `buildScript` applies.
   */
  scriptDecisions?: ScriptDecisions;
  /** Names that are unknown unless set (whether well-known or not). */
  unknownNames?: Iterable<string>;
  /** The target triple, for Cargo platform keys that name a target (`[target.x86_64-pc-windows-msvc]`). */
  triple?: string;
}

export interface UnitCfgOptions {
  /** The target's cfg, from `targetCfg()`. */
  target: TargetCfg;
  /** Enabled features: each becomes `feature="NAME"`. */
  features: string[];
  /** Built with `--test` (`cargo test` of a lib/bin/test target): sets `test`. */
  test: boolean;
  /** A proc-macro crate: sets `proc_macro`. */
  procMacro: boolean;
  /**
   * The profile's `debug-assertions` (default true: the dev profile). Overrides whatever the
   * target cfg says, since `rustc --print cfg` reports `debug_assertions` for its own defaults.
   */
  debugAssertions?: boolean;
  /** Extra cfgs, as `--cfg` in RUSTFLAGS: `loom`, `foo="bar"`. */
  extra?: CfgAtom[];
  /** The package has a build script (and this unit is not the build script itself). */
  buildScriptMaySet: boolean;
  /** What that build script can print, when it could be read (see CfgSetOptions.buildScript). */
  buildScript?: BuildScriptCfgs;
  /** What the build script prints for this unit (see CfgSetOptions.scriptDecisions); its set names are added. */
  scriptDecisions?: ScriptDecisions;
  /** Names that are unknown unless set. */
  unknownNames?: string[];
}

const NO_UNKNOWN: string[] = [];
const TRUE: CfgEvaluation = { value: true, unknown: NO_UNKNOWN };
const FALSE: CfgEvaluation = { value: false, unknown: NO_UNKNOWN };

export class CfgSet {
  private readonly names = new Set<string>();
  private readonly pairs = new Map<string, Set<string>>();
  readonly customNamesUnknown: boolean;
  readonly buildScript: BuildScriptCfgs | undefined;
  readonly scriptDecisions: ScriptDecisions | undefined;
  readonly unknownNames: ReadonlySet<string>;
  readonly triple: string | undefined;

  constructor(opts: CfgSetOptions = {}) {
    for (const a of opts.atoms ?? []) this.add(a);
    this.customNamesUnknown = opts.customNamesUnknown ?? false;
    this.buildScript = opts.buildScript;
    this.scriptDecisions = opts.scriptDecisions;
    this.unknownNames = new Set(opts.unknownNames ?? []);
    this.triple = opts.triple;
  }

  /** The cfg rustc uses for one unit: target, profile, features, `--test`, proc-macro, extra `--cfg`s. */
  static forUnit(opts: UnitCfgOptions): CfgSet {
    const atoms: CfgAtom[] = opts.target.atoms.filter((a) => a.name !== 'debug_assertions');
    if (opts.debugAssertions ?? true) atoms.push({ name: 'debug_assertions' });
    if (opts.test) atoms.push({ name: 'test' });
    if (opts.procMacro) atoms.push({ name: 'proc_macro' });
    for (const f of opts.features) atoms.push({ name: 'feature', value: f });
    atoms.push(...(opts.extra ?? []));
    const decided = opts.buildScriptMaySet && opts.scriptDecisions?.kind === 'decided' ? opts.scriptDecisions : undefined;
    // Names the build script prints on every run are set, as cargo passes them to rustc.
    for (const s of decided?.set ?? []) atoms.push(s.atom);
    return new CfgSet({
      atoms,
      customNamesUnknown: opts.buildScriptMaySet,
      buildScript: opts.buildScript,
      ...(decided ? { scriptDecisions: decided } : {}),
      unknownNames: opts.unknownNames,
      triple: opts.target.triple,
    });
  }

  private add(a: CfgAtom): void {
    if (a.value === undefined) {
      this.names.add(a.name);
    } else {
      let values = this.pairs.get(a.name);
      if (!values) this.pairs.set(a.name, (values = new Set()));
      values.add(a.value);
    }
  }

  /** Whether the name (or, with `value`, the pair) is set. */
  has(name: string, value?: string): boolean {
    return value === undefined ? this.names.has(name) : this.pairs.get(name)?.has(value) === true;
  }

  /** The values set for `name` (e.g. every `target_feature`), sorted. */
  values(name: string): string[] {
    return [...(this.pairs.get(name) ?? [])].sort();
  }

  /** Every atom that is set, sorted by name then value (names before pairs). */
  atoms(): CfgAtom[] {
    const out: CfgAtom[] = [...this.names].map((name) => ({ name }));
    for (const [name, values] of this.pairs) for (const value of values) out.push({ name, value });
    return out.sort((a, b) =>
      a.name !== b.name
        ? a.name < b.name
          ? -1
          : 1
        : a.value === b.value
          ? 0
          : a.value === undefined
            ? -1
            : b.value === undefined
              ? 1
              : a.value < b.value
                ? -1
                : 1,
    );
  }

  /** Why `name` is unknown when not set, or undefined when an unset `name` is false. */
  unknownReason(name: string): string | undefined {
    if (this.unknownNames.has(name)) return `cfg \`${name}\` is marked as unknown`;
    // A well-known name the build script may print by name (`cargo:rustc-cfg=feature="x"`) is unknown too.
    if (this.customNamesUnknown && this.scriptDecisions?.kind === 'decided' && Object.hasOwn(this.scriptDecisions.unknown, name)) {
      return `the package's build script may set it: ${this.scriptDecisions.unknown[name]}`;
    }
    if (!this.customNamesUnknown || WELL_KNOWN_CFG_NAMES.has(name)) return undefined;
    if (this.scriptDecisions?.kind === 'decided') {
      const why = decisionUnknown(this.scriptDecisions, name);
      return why === undefined ? undefined : `the package's build script may set it: ${why}`;
    }
    if (!this.buildScript) return `the package's build script may set cfg \`${name}\``;
    const why = mayEmit(this.buildScript, name);
    return why === undefined ? undefined : `the package's build script may set it: ${why.replace(/^its build script /, '')}`;
  }

  /** Whether an unset `name` (or pair with that name) evaluates as unknown rather than false. */
  isUnknownName(name: string): boolean {
    return this.unknownReason(name) !== undefined;
  }

  /** Evaluates a predicate with Kleene's three-valued logic. */
  evaluate(expr: CfgExpr): CfgEvaluation {
    switch (expr.type) {
      case 'bool':
        return expr.value ? TRUE : FALSE;
      case 'name':
        if (this.names.has(expr.name)) return TRUE;
        return this.isUnknownName(expr.name) ? { value: 'unknown', unknown: [expr.name] } : FALSE;
      case 'kv':
        if (this.has(expr.name, expr.value)) return TRUE;
        return this.isUnknownName(expr.name) ? { value: 'unknown', unknown: [expr.name] } : FALSE;
      case 'version':
        return { value: 'unknown', unknown: [cfgToString(expr)] };
      case 'not': {
        const r = this.evaluate(expr.item);
        return r.value === 'unknown' ? r : r.value ? FALSE : TRUE;
      }
      case 'all':
      case 'any': {
        // all: false wins, any: true wins; otherwise unknown if any item is unknown.
        const decisive = expr.type === 'any';
        const unknown: string[] = [];
        for (const item of expr.items) {
          const r = this.evaluate(item);
          if (r.value === decisive) return decisive ? TRUE : FALSE;
          if (r.value === 'unknown') unknown.push(...r.unknown);
        }
        if (unknown.length === 0) return decisive ? FALSE : TRUE;
        return { value: 'unknown', unknown: [...new Set(unknown)] };
      }
    }
  }

  /**
   * Evaluates a Cargo platform key, as in `[target.'KEY'.dependencies]`: `cfg(…)` is evaluated
   * against this set, and a target name (`x86_64-pc-windows-msvc`) matches this set's triple.
   * Returns `'unknown'` only when the cfg depends on an unknown name. Cargo evaluates these keys
   * against `rustc --print cfg` (plus RUSTFLAGS `--cfg`s) alone: use a set made with no features,
   * `test` and `procMacro` false, no build script, and the default `debugAssertions`.
   * Throws {@link CfgSyntaxError} for a malformed key, as Cargo rejects it.
   */
  evaluatePlatform(key: string): Tri {
    if (key.startsWith('cfg(') && key.endsWith(')')) return this.evaluate(parseCfg(key)).value;
    const bad = /[^A-Za-z0-9_.-]/.exec(key);
    if (key === '' || bad) {
      throw new CfgSyntaxError(bad?.index ?? 0, `invalid target platform \`${key}\`: expected \`cfg(…)\` or a target name`);
    }
    return this.triple !== undefined && key === this.triple;
  }
}
