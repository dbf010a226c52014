/**
 * The environment cargo gives a build script, as far as it is known before any build:
 * `CARGO_CFG_*` (the target's cfg as `rustc --print cfg` prints it, with the RUSTFLAGS `--cfg`s),
 * `CARGO_FEATURE_*`, `TARGET`, `HOST`, `CARGO_PKG_NAME`/`VERSION*`, and `$RUSTC` (whose
 * `--version` output is known when the index ran that rustc). Everything else is unknown.
 *
 * Checked against a real build script printing its environment (cargo 1.95): multi-valued cfgs are
 * joined with `,` in rustc's order (`CARGO_CFG_TARGET_FEATURE=fxsr,sse,sse2`), names without a
 * value are set to the empty string (`CARGO_CFG_UNIX=`), `CARGO_CFG_DEBUG_ASSERTIONS` follows the
 * profile and `CARGO_CFG_FEATURE` lists the features (both unknown here: the Nix builds set the
 * first from `rustc --print cfg` and not the second).
 */
import type { CfgAtom } from '../expr.js';

export type EnvAnswer = { set: string } | { absent: true } | { unknown: string };

export interface ScriptEnvInput {
  /** The cfg atoms of the target the script's package is built for (rustc's order), RUSTFLAGS `--cfg`s last; undefined when not from rustc. */
  cfg: CfgAtom[] | undefined;
  /** Why `cfg` is undefined. */
  cfgUnknown?: string;
  /** Enabled features of the package in this unit. */
  features: string[];
  target: string;
  host: string;
  pkgName: string;
  pkgVersion: string;
  /** `rustc -vV` output of the rustc that builds the unit, when known. */
  rustcVersion: string | undefined;
}

export class ScriptEnv {
  private readonly cfg: Map<string, string> | undefined;
  private readonly fixed = new Map<string, string>();
  private readonly features: Set<string>;
  /** Set when an answer came from the target cfg rustc printed (the decision then depends on that rustc). */
  usedTargetCfg = false;

  constructor(readonly input: ScriptEnvInput) {
    if (input.cfg) {
      const values = new Map<string, string[]>();
      for (const a of input.cfg) {
        const key = a.name.toUpperCase();
        const list = values.get(key) ?? [];
        if (a.value !== undefined) list.push(a.value);
        values.set(key, list);
      }
      this.cfg = new Map([...values].map(([k, v]) => [k, v.join(',')]));
    }
    this.features = new Set(input.features.map((f) => f.toUpperCase().replace(/-/g, '_')));
    this.fixed.set('TARGET', input.target);
    this.fixed.set('HOST', input.host);
    this.fixed.set('CARGO_PKG_NAME', input.pkgName);
    this.fixed.set('CARGO_PKG_VERSION', input.pkgVersion);
    const m = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(input.pkgVersion);
    if (m) {
      this.fixed.set('CARGO_PKG_VERSION_MAJOR', m[1]!);
      this.fixed.set('CARGO_PKG_VERSION_MINOR', m[2]!);
      this.fixed.set('CARGO_PKG_VERSION_PATCH', m[3]!);
      this.fixed.set('CARGO_PKG_VERSION_PRE', m[4] ?? '');
    }
  }

  /** What `env::var(name)` finds. `RUSTC` is handled by the interpreter (a path it cannot know, but can run). */
  lookup(name: string, where: string): EnvAnswer {
    const fixed = this.fixed.get(name);
    if (fixed !== undefined) return { set: fixed };
    if (name === 'CARGO_CFG_DEBUG_ASSERTIONS' || name === 'CARGO_CFG_FEATURE') {
      return { unknown: `\`${name}\` (set from the build profile and features, differently by cargo and the Nix builds) at ${where}` };
    }
    if (name.startsWith('CARGO_CFG_')) {
      if (!this.cfg) return { unknown: `\`${name}\` (${this.input.cfgUnknown ?? 'the target cfg is not from rustc'}) at ${where}` };
      const v = this.cfg.get(name.slice('CARGO_CFG_'.length));
      this.usedTargetCfg = true;
      return v === undefined ? { absent: true } : { set: v };
    }
    if (name.startsWith('CARGO_FEATURE_')) return this.features.has(name.slice('CARGO_FEATURE_'.length)) ? { set: '1' } : { absent: true };
    return { unknown: `\`${name}\` (an environment variable cargo-units cannot know) at ${where}` };
  }

  /** The output of `$RUSTC` with these arguments, when it is known. */
  rustcOutput(args: string[]): string | undefined {
    const v = this.input.rustcVersion;
    if (v === undefined) return undefined;
    const key = args.join(' ');
    if (key === '--version' || key === '-V') return v.split('\n')[0] + '\n';
    if (key === '-vV' || key === '--version --verbose' || key === '-V -v' || key === '--verbose --version' || key === '-v -V')
      return v.endsWith('\n') ? v : v + '\n';
    return undefined;
  }
}
