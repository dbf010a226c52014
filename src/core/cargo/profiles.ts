/**
 * Cargo's profiles (`[profile.*]` of the workspace's root Cargo.toml) and the rustc flags and
 * build-script variables each unit gets from them, as cargo 1.7x–1.9x computes them:
 *
 * - built-in `dev` (opt-level 0, debug full, debug-assertions and overflow-checks on) and
 *   `release` (opt-level 3, no debuginfo, stripped of debuginfo); `test` inherits dev and `bench`
 *   release; a custom profile names its parent with `inherits`;
 * - a unit's settings: the profile, then for host units (build scripts, proc-macros and what only
 *   they use) `build-override` (by default opt-level 0, codegen-units unset, and debuginfo off
 *   "when possible": a unit shared with the target keeps the target's), then
 *   `package."*"` for packages outside the workspace, then `package.<name>`;
 * - `strip` defaults to `debuginfo` when the unit's debuginfo is off (not counting build-override's
 *   default), and an override that turns debuginfo off without setting `strip` sets it (measured);
 * - the flags: `-C opt-level`, `-C panic=abort` (never for host or test units), LTO
 *   (`-C lto[=thin]` where the unit links, `-C linker-plugin-lto` for the libraries it links,
 *   `-C embed-bitcode=no` without LTO), `-C codegen-units`, `-C debuginfo`, `-C debug-assertions`
 *   and `-C overflow-checks` where they differ from rustc's defaults for the opt-level,
 *   `-C rpath`, `-C strip`, in cargo's order.
 *
 * `incremental` is read and ignored: nothing is incremental inside a Nix build.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { InputError } from '../diagnostics.js';
import { locateKey } from './toml-keys.js';

export type DebugLevel = 'none' | 'line-directives-only' | 'line-tables-only' | 'limited' | 'full';
export type Strip = 'none' | 'debuginfo' | 'symbols';
export type Lto = 'false' | 'true' | 'thin' | 'off';

/** What one profile table may set (each key optional). */
export interface ProfileSettings {
  optLevel?: string;
  debug?: DebugLevel;
  strip?: Strip;
  debugAssertions?: boolean;
  overflowChecks?: boolean;
  lto?: Lto;
  panic?: 'unwind' | 'abort';
  /** `null`: unset (rustc's default), which build-override's default restores. */
  codegenUnits?: number | null;
  rpath?: boolean;
  splitDebuginfo?: string;
}

/** A unit's resolved settings. */
export interface UnitProfile {
  /** The profile's name (`dev`, `release`, `test`, `bench` or custom). */
  name: string;
  /** `release` when the profile is release or inherits from it, else `debug`: build scripts' PROFILE. */
  root: 'debug' | 'release';
  optLevel: string;
  debug: DebugLevel;
  /** Debuginfo is off only by build-override's default: a unit shared with the target gets `debugBasis`. */
  debugDeferred: boolean;
  /** The debuginfo before build-override's default (what `strip`'s default and sharing look at). */
  debugBasis: DebugLevel;
  strip: Strip;
  debugAssertions: boolean;
  overflowChecks: boolean;
  lto: Lto;
  panic: 'unwind' | 'abort';
  codegenUnits: number | null;
  rpath: boolean;
  splitDebuginfo: string | null;
}

interface ProfileTable {
  settings: ProfileSettings;
  buildOverride: ProfileSettings;
  packages: Map<string, ProfileSettings>;
  inherits?: string;
}

const DEV: ProfileSettings = {
  optLevel: '0',
  debug: 'full',
  debugAssertions: true,
  overflowChecks: true,
  lto: 'false',
  panic: 'unwind',
  codegenUnits: null,
  rpath: false,
};
const RELEASE: ProfileSettings = {
  optLevel: '3',
  debug: 'none',
  debugAssertions: false,
  overflowChecks: false,
  lto: 'false',
  panic: 'unwind',
  codegenUnits: null,
  rpath: false,
};
/** build-override's defaults (its debuginfo default is "deferred", applied separately). */
const BUILD_OVERRIDE: ProfileSettings = { optLevel: '0', codegenUnits: null };

/** A unit as the profile sees it. */
export interface ProfileUnit {
  package: string;
  /** A workspace member (`package."*"` applies to the others). */
  member: boolean;
  /** Compiled for the host: build scripts, proc-macros and their dependencies. */
  host: boolean;
  /** A test or bench unit: the `test`/`bench` profile, and never panic=abort. */
  test: boolean;
}

/** How a unit's output is used, for LTO: it links (bin, test, cdylib…), is a library linked by others, or is a host unit. */
export type LtoRole = 'link' | 'lib' | 'host';

function bad(file: string, text: string, path: (string | number)[], message: string): InputError {
  const at = locateKey(text, path);
  return new InputError(file, at?.line ?? 1, at?.column, message);
}

const DEBUG_NAMES: Record<string, DebugLevel> = {
  true: 'full',
  2: 'full',
  full: 'full',
  1: 'limited',
  limited: 'limited',
  false: 'none',
  0: 'none',
  none: 'none',
  'line-tables-only': 'line-tables-only',
  'line-directives-only': 'line-directives-only',
};

const KNOWN_KEYS = new Set([
  'opt-level',
  'debug',
  'strip',
  'debug-assertions',
  'overflow-checks',
  'lto',
  'panic',
  'codegen-units',
  'rpath',
  'split-debuginfo',
  'incremental',
  'inherits',
  'package',
  'build-override',
  'trim-paths',
]);

/** Reads one profile table (or a build-override / package table) into settings. */
function readSettings(file: string, text: string, path: string[], raw: Record<string, unknown>, nested: boolean): ProfileSettings {
  const s: ProfileSettings = {};
  const at = (key: string) => [...path, key];
  for (const [key, v] of Object.entries(raw)) {
    const err = (what: string) => bad(file, text, at(key), `${path.join('.')}.${key}: ${what}`);
    switch (key) {
      case 'opt-level':
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3) s.optLevel = String(v);
        else if (v === 's' || v === 'z' || v === '0' || v === '1' || v === '2' || v === '3') s.optLevel = v;
        else throw err(`must be 0, 1, 2, 3, "s" or "z", got ${JSON.stringify(v)}`);
        break;
      case 'debug': {
        const d = DEBUG_NAMES[String(v)];
        if (!d || (typeof v === 'string' && (v === 'true' || v === 'false')))
          throw err(`must be a boolean, 0, 1, 2, "none", "line-directives-only", "line-tables-only", "limited" or "full", got ${JSON.stringify(v)}`);
        s.debug = d;
        break;
      }
      case 'strip':
        if (v === true) s.strip = 'symbols';
        else if (v === false) s.strip = 'none';
        else if (v === 'none' || v === 'debuginfo' || v === 'symbols') s.strip = v;
        else throw err(`must be a boolean, "none", "debuginfo" or "symbols", got ${JSON.stringify(v)}`);
        break;
      case 'debug-assertions':
      case 'overflow-checks':
      case 'rpath':
      case 'incremental':
        if (typeof v !== 'boolean') throw err(`must be a boolean, got ${JSON.stringify(v)}`);
        if (key === 'debug-assertions') s.debugAssertions = v;
        if (key === 'overflow-checks') s.overflowChecks = v;
        if (key === 'rpath') s.rpath = v;
        break;
      case 'lto':
        if (nested) throw err('cannot be set per package or in build-override');
        if (v === true || v === 'fat') s.lto = 'true';
        else if (v === false) s.lto = 'false';
        else if (v === 'thin' || v === 'off') s.lto = v;
        else throw err(`must be a boolean, "fat", "thin" or "off", got ${JSON.stringify(v)}`);
        break;
      case 'panic':
        if (nested) throw err('cannot be set per package or in build-override');
        if (v !== 'unwind' && v !== 'abort') throw err(`must be "unwind" or "abort", got ${JSON.stringify(v)}`);
        s.panic = v;
        break;
      case 'codegen-units':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw err(`must be a positive integer, got ${JSON.stringify(v)}`);
        s.codegenUnits = v;
        break;
      case 'split-debuginfo':
        if (v !== 'off' && v !== 'packed' && v !== 'unpacked') throw err(`must be "off", "packed" or "unpacked", got ${JSON.stringify(v)}`);
        s.splitDebuginfo = v;
        break;
      case 'trim-paths':
        break;
      default:
        if (!KNOWN_KEYS.has(key)) throw err('unknown profile setting');
        if (nested && (key === 'package' || key === 'build-override' || key === 'inherits')) throw err('cannot be nested here');
    }
  }
  return s;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A package spec of `[profile.X.package.<spec>]`: `name`, `name@version` or `"*"`; the name is what matters here. */
function specName(spec: string): string {
  return spec === '*' ? '*' : spec.replace(/@.*$/, '');
}

/** The profiles of a workspace. */
export class Profiles {
  private constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly tables: Map<string, ProfileTable>,
  ) {}

  /** From the root Cargo.toml's text (`[profile]` is read only there, as cargo does). */
  static parse(file: string, text: string): Profiles {
    let doc: Record<string, unknown>;
    try {
      doc = parse(text) as Record<string, unknown>;
    } catch (e) {
      const line = (e as { line?: number }).line ?? 1;
      throw new InputError(file, line, undefined, `invalid TOML: ${String((e as Error).message).split('\n')[0]}`);
    }
    const tables = new Map<string, ProfileTable>();
    const profile = doc.profile ?? {};
    if (!isTable(profile)) throw bad(file, text, ['profile'], '`profile` must be a table');
    for (const [name, raw] of Object.entries(profile)) {
      if (!isTable(raw)) throw bad(file, text, ['profile', name], `profile.${name} must be a table`);
      if (!/^[A-Za-z0-9_-]+$/.test(name)) throw bad(file, text, ['profile', name], `invalid profile name \`${name}\``);
      const path = ['profile', name];
      const inherits = raw.inherits;
      if (inherits !== undefined && typeof inherits !== 'string') throw bad(file, text, [...path, 'inherits'], `profile.${name}.inherits must be a string`);
      if (inherits !== undefined && (name === 'dev' || name === 'release'))
        throw bad(file, text, [...path, 'inherits'], `\`inherits\` must not be set in the built-in profile \`${name}\``);
      const packages = new Map<string, ProfileSettings>();
      const pk = raw.package ?? {};
      if (!isTable(pk)) throw bad(file, text, [...path, 'package'], `profile.${name}.package must be a table`);
      for (const [spec, t] of Object.entries(pk)) {
        if (!isTable(t)) throw bad(file, text, [...path, 'package', spec], `profile.${name}.package.${spec} must be a table`);
        packages.set(specName(spec), readSettings(file, text, [...path, 'package', spec], t, true));
      }
      const bo = raw['build-override'] ?? {};
      if (!isTable(bo)) throw bad(file, text, [...path, 'build-override'], `profile.${name}.build-override must be a table`);
      tables.set(name, {
        settings: readSettings(file, text, path, raw, false),
        buildOverride: readSettings(file, text, [...path, 'build-override'], bo, true),
        packages,
        ...(inherits !== undefined ? { inherits } : {}),
      });
    }
    return new Profiles(file, text, tables);
  }

  /** The profiles of the workspace whose root manifest is `manifestPath`. */
  static read(manifestPath: string): Profiles {
    return Profiles.parse(manifestPath, readFileSync(manifestPath, 'utf8'));
  }

  /** Whether `name` is a profile cargo would accept (`--profile NAME`). */
  has(name: string): boolean {
    return ['dev', 'release', 'test', 'bench'].includes(name) || this.tables.has(name);
  }

  /** The chain from the built-in root to `name`, with the merged tables. */
  private chain(name: string, seen: string[] = []): { root: 'debug' | 'release'; table: ProfileTable } {
    if (seen.includes(name)) throw bad(this.file, this.text, ['profile', name, 'inherits'], `profile inheritance loop: ${[...seen, name].join(' -> ')}`);
    const own = this.tables.get(name);
    let parent: { root: 'debug' | 'release'; table: ProfileTable };
    if (name === 'dev' || name === 'release') {
      parent = {
        root: name === 'dev' ? 'debug' : 'release',
        table: { settings: name === 'dev' ? DEV : RELEASE, buildOverride: BUILD_OVERRIDE, packages: new Map() },
      };
    } else {
      const inherits = own?.inherits ?? (name === 'test' ? 'dev' : name === 'bench' ? 'release' : undefined);
      if (inherits === undefined) {
        if (!own) throw new InputError(this.file, 1, undefined, `profile \`${name}\` is not defined in ${this.file}`);
        throw bad(this.file, this.text, ['profile', name], `profile \`${name}\` must set \`inherits\` (e.g. inherits = "release")`);
      }
      if (!this.has(inherits))
        throw bad(this.file, this.text, ['profile', name, 'inherits'], `profile \`${name}\` inherits from \`${inherits}\`, which is not defined`);
      parent = this.chain(inherits, [...seen, name]);
    }
    if (!own) return parent;
    const packages = new Map(parent.table.packages);
    for (const [k, v] of own.packages) packages.set(k, { ...packages.get(k), ...v });
    return {
      root: parent.root,
      table: { settings: { ...parent.table.settings, ...own.settings }, buildOverride: { ...parent.table.buildOverride, ...own.buildOverride }, packages },
    };
  }

  /** The profile a unit is built with when `requested` is asked for (`test`/`bench` for test units of dev/release). */
  unitProfile(requested: string, u: ProfileUnit): UnitProfile {
    const name = u.test && requested === 'dev' ? 'test' : u.test && requested === 'release' ? 'bench' : requested;
    const { root, table } = this.chain(name);
    let s: ProfileSettings = { ...table.settings };
    let deferred = false;
    let basis = s.debug!;
    const apply = (layer: ProfileSettings | undefined) => {
      if (!layer) return;
      s = { ...s, ...layer };
      if (layer.debug !== undefined) {
        deferred = false;
        basis = layer.debug;
        // Measured with cargo 1.95: an override that turns debuginfo off without saying `strip`
        // strips debuginfo, even when the profile says strip = "symbols".
        if (layer.debug === 'none' && layer.strip === undefined) s.strip = 'debuginfo';
      }
    };
    if (u.host) {
      // build-override's default debuginfo is off, "deferred": undone for a unit shared with the target.
      deferred = true;
      s = { ...s, debug: 'none' };
      apply(table.buildOverride);
    }
    if (!u.member) apply(table.packages.get('*'));
    apply(table.packages.get(u.package));
    return {
      name,
      root,
      optLevel: s.optLevel!,
      debug: s.debug!,
      debugDeferred: deferred,
      debugBasis: basis,
      strip: s.strip ?? (basis === 'none' ? 'debuginfo' : 'none'),
      debugAssertions: s.debugAssertions!,
      overflowChecks: s.overflowChecks!,
      lto: s.lto!,
      panic: u.test || u.host ? 'unwind' : s.panic!,
      codegenUnits: s.codegenUnits ?? null,
      rpath: s.rpath!,
      splitDebuginfo: s.splitDebuginfo ?? null,
    };
  }

  /**
   * Whether a package outside the workspace builds the same for the host as for the target (so
   * one unit serves both, as cargo shares it): equal flags once the host's deferred debuginfo is
   * promoted to the target's.
   */
  hostSharesTarget(requested: string, pkg: string): boolean {
    const target = this.unitProfile(requested, { package: pkg, member: false, host: false, test: false });
    const host = this.unitProfile(requested, { package: pkg, member: false, host: true, test: false });
    const promoted: UnitProfile = host.debugDeferred ? { ...host, debug: host.debugBasis, debugDeferred: false } : host;
    return JSON.stringify(rustcProfileFlags(promoted, 'host')) === JSON.stringify(rustcProfileFlags(target, 'lib'));
  }
}

const DEBUGINFO_FLAG: Record<DebugLevel, string | null> = {
  none: null,
  'line-directives-only': 'line-directives-only',
  'line-tables-only': 'line-tables-only',
  limited: '1',
  full: '2',
};

/** The `-C` flags cargo passes for a profile, in cargo's order. */
export function rustcProfileFlags(p: UnitProfile, role: LtoRole): string[] {
  const out: string[] = [];
  const c = (v: string) => out.push('-C', v);
  if (p.optLevel !== '0') c(`opt-level=${p.optLevel}`);
  if (p.panic === 'abort' && role !== 'host') c('panic=abort');
  const lto = role === 'host' ? 'false' : p.lto;
  if (lto === 'true' || lto === 'thin') c(role === 'link' ? (lto === 'true' ? 'lto' : 'lto=thin') : 'linker-plugin-lto');
  else if (lto === 'off' && role === 'link') c('lto=off');
  else c('embed-bitcode=no');
  if (p.codegenUnits !== null) c(`codegen-units=${p.codegenUnits}`);
  const debuginfo = DEBUGINFO_FLAG[p.debug];
  if (debuginfo !== null) {
    c(`debuginfo=${debuginfo}`);
    if (p.splitDebuginfo !== null) c(`split-debuginfo=${p.splitDebuginfo}`);
  }
  // rustc turns debug-assertions on at opt-level 0 only, and overflow-checks with them.
  if (p.optLevel !== '0') {
    if (p.debugAssertions) {
      c('debug-assertions=on');
      if (!p.overflowChecks) c('overflow-checks=off');
    } else if (p.overflowChecks) c('overflow-checks=on');
  } else if (!p.debugAssertions) {
    c('debug-assertions=off');
    if (p.overflowChecks) c('overflow-checks=on');
  } else if (!p.overflowChecks) c('overflow-checks=off');
  if (p.rpath) c('rpath');
  if (p.strip !== 'none') c(`strip=${p.strip}`);
  return out;
}

/** PROFILE, OPT_LEVEL and DEBUG for a build-script run, from the profile of the units that use its output. */
export function buildScriptProfileEnv(p: UnitProfile): Record<string, string> {
  return { PROFILE: p.root, OPT_LEVEL: p.optLevel, DEBUG: String(p.debug !== 'none') };
}
