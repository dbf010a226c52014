/**
 * Registry dependencies for the Nix builder: Cargo.lock's registry packages, where their sources
 * come from (a vendor directory, or Nix's builtin fetchurl with the lock's sha256), the whole
 * graph's feature resolution, and the registry units the members' units need.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { DependencyGraph } from '../cargo/graph.js';
import { crateKey, gitSource, isGitSource, isRegistrySource, readLockfile, type LockedPackage } from '../cargo/lockfile.js';
import { findVendored, vendoredCrates } from '../cargo/registry.js';
import { RegistryUnits } from '../cargo/registry-units.js';
import { CfgSet } from '../cfg/set.js';
import { InputError } from '../diagnostics.js';
import { cargoHome } from '../toolchain.js';
import type { UnitIndex } from '../index.js';
import { profileContext } from './units-json.js';

/** crates.io's download URL; `{name}`, `{version}` and `{sha256}` are substituted. */
export const DEFAULT_CRATE_URL = 'https://static.crates.io/crates/{name}/{name}-{version}.crate';

export interface NixCrate {
  name: string;
  version: string;
  /** The lock's sha256 of the `.crate` file (null when the lock has none). */
  sha256: string | null;
  /** Where builtin fetchurl gets the `.crate` file. */
  url: string;
  /** The vendored source directory (absolute), used instead of fetching when set. */
  vendor: string | null;
  /** A git dependency: fetched with builtins.fetchGit at the locked commit; `subdir` holds the crate. */
  git: { url: string; rev: string; subdir: string } | null;
}

export interface RegistryOptions {
  /**
   * `--vendor DIR`: sources from there (`cargo vendor` or Debian registry layout). Default: the
   * directory source replacing crates.io in `.cargo/config.toml`, if any.
   */
  vendor?: string;
  /** Fetch with builtin fetchurl even when a vendor directory gives the manifests. */
  fetch?: boolean;
  /** URL template for fetching (DEFAULT_CRATE_URL when unset). */
  crateUrl?: string;
}

export interface RegistryContext {
  graph: DependencyGraph;
  units: RegistryUnits;
  crates: Record<string, NixCrate>;
}

/** Where cargo unpacks downloaded crates: `$CARGO_HOME/registry/src/<index>/NAME-VERSION`. */
function cargoHomeCrate(p: LockedPackage): string | undefined {
  const src = join(cargoHome(), 'registry', 'src');
  let indexes: string[];
  try {
    indexes = readdirSync(src);
  } catch {
    return undefined;
  }
  for (const i of indexes) {
    const dir = join(src, i, crateKey(p));
    if (existsSync(join(dir, 'Cargo.toml'))) return dir;
  }
  return undefined;
}

/**
 * The directory source that replaces crates.io in the nearest `.cargo/config.toml` (or
 * `.cargo/config`) at or above `dir`, as `cargo vendor` tells users to write:
 * `[source.crates-io] replace-with = "X"` and `[source.X] directory = "DIR"`.
 */
export function configuredVendorDir(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of ['config.toml', 'config']) {
      const file = join(d, '.cargo', name);
      let doc: Record<string, unknown>;
      try {
        doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      const sources = (doc.source ?? {}) as Record<string, Record<string, unknown>>;
      const replaced = sources['crates-io']?.['replace-with'];
      const directory = typeof replaced === 'string' ? sources[replaced]?.directory : undefined;
      if (typeof directory === 'string') return resolve(d, directory);
    }
    if (dirname(d) === d) return undefined;
  }
}

/** A package inside a directory tree (a git checkout): the directory of its Cargo.toml, relative to `root` ('' for the root). */
function packageIn(root: string, name: string, depth = 3): string | undefined {
  try {
    if (new RegExp(`^\\s*name\\s*=\\s*"${name.replace(/[^A-Za-z0-9_-]/g, '')}"`, 'm').test(readFileSync(join(root, 'Cargo.toml'), 'utf8'))) return '';
  } catch {
    // no manifest here
  }
  if (depth === 0) return undefined;
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'target') continue;
    const sub = packageIn(join(root, e.name), name, depth - 1);
    if (sub !== undefined) return sub === '' ? e.name : `${e.name}/${sub}`;
  }
  return undefined;
}

/** A git dependency's checkout made by cargo: `$CARGO_HOME/git/checkouts/<repo>-<hash>/<short rev>/`, and the crate's directory in it. */
function cargoGitCheckout(p: LockedPackage): { checkout: string; subdir: string } | undefined {
  const git = p.source ? gitSource(p.source) : undefined;
  if (!git) return undefined;
  const base = join(cargoHome(), 'git', 'checkouts');
  let repos: string[];
  try {
    repos = readdirSync(base);
  } catch {
    return undefined;
  }
  for (const r of repos) {
    const checkout = join(base, r, git.rev.slice(0, 7));
    if (!existsSync(checkout)) continue;
    const subdir = packageIn(checkout, p.name);
    if (subdir !== undefined) return { checkout, subdir };
  }
  return undefined;
}

/** The registry context of a workspace, or undefined when it has no registry dependencies. */
export function registryContext(index: UnitIndex, opts: RegistryOptions = {}): RegistryContext | undefined {
  const ws = index.workspace;
  const hasRegistryDeps = ws.members.some((m) => m.dependencies.some((d) => d.path === undefined));
  const lockPath = join(ws.root, 'Cargo.lock');
  if (!hasRegistryDeps) return undefined;
  if (!existsSync(lockPath)) throw new InputError(ws.manifestPath, 0, undefined, 'the workspace has registry dependencies but no Cargo.lock: run `cargo generate-lockfile` (offline: with `--offline` and a vendored source)');
  const lock = readLockfile(lockPath);
  // Without --vendor: the directory source cargo itself is configured to use, if any.
  if (opts.vendor === undefined) {
    const configured = configuredVendorDir(ws.root);
    if (configured) opts = { ...opts, vendor: configured };
  }
  const vendored = opts.vendor ? vendoredCrates(lock, opts.vendor, lock.packages.filter((p) => isRegistrySource(p.source))) : undefined;
  const crateDir = (p: LockedPackage): string => {
    if (isGitSource(p.source)) {
      const vendoredGit = opts.vendor ? findVendored(opts.vendor, p)?.dir : undefined;
      if (vendoredGit) return vendoredGit;
      const co = cargoGitCheckout(p);
      if (co) return co.subdir ? join(co.checkout, co.subdir) : co.checkout;
      throw new InputError(lock.path, p.line, undefined,
        `git dependency \`${p.name} v${p.version}\` (${p.source}): its checkout is needed to plan its units; run \`cargo fetch\` (it goes to $CARGO_HOME/git/checkouts), or vendor it (\`cargo vendor\`)`);
    }
    const dir = vendored?.get(crateKey(p))?.dir ?? (opts.vendor ? findVendored(opts.vendor, p)?.dir : cargoHomeCrate(p));
    if (!dir) {
      throw new InputError(lock.path, p.line, undefined,
        `the source of \`${p.name} v${p.version}\` is needed to plan its units: pass \`--vendor DIR\` (a \`cargo vendor\` directory or /usr/share/cargo/registry), or let cargo download it first (\`cargo fetch\`)`);
    }
    return dir;
  };
  const cfg = (t: typeof index.targetCfg) => CfgSet.forUnit({ target: t, features: [], test: false, procMacro: false, buildScriptMaySet: false, extra: index.options.cfgs });
  const targetSet = cfg(index.targetCfg);
  const hostSet = cfg(index.hostCfg);
  const graph = new DependencyGraph(ws, lock, {
    features: index.options.features,
    platform: (key) => targetSet.evaluatePlatform(key),
    hostPlatform: (key) => hostSet.evaluatePlatform(key),
    crateDir,
  });
  // A package's host and target copies are one unit only where the profile builds them alike (dev: yes; release: no).
  const profile = profileContext(index);
  const units = new RegistryUnits(graph, index.options.target !== undefined && index.targetCfg.triple !== index.hostCfg.triple, (name) => profile.profiles.hostSharesTarget(profile.requested, name));
  // Plan the edges of every member unit now, so that every registry unit exists.
  for (const u of index.units) units.depsOf(u);
  const crates: Record<string, NixCrate> = {};
  const template = opts.crateUrl ?? DEFAULT_CRATE_URL;
  for (const node of new Set(units.nodeOf.values())) {
    const p = node.locked!;
    const key = crateKey(p);
    const sha256 = p.checksum ?? null;
    const git = p.source && isGitSource(p.source) ? gitSource(p.source) : undefined;
    const gitVendored = git && opts.vendor && !opts.fetch ? findVendored(opts.vendor, p)?.dir : undefined;
    if (git) {
      const co = gitVendored ? undefined : cargoGitCheckout(p);
      crates[key] = { name: p.name, version: p.version, sha256: null, url: git.url, vendor: gitVendored ?? null, git: gitVendored ? null : { ...git, subdir: co?.subdir ?? '' } };
      continue;
    }
    if (!opts.vendor || opts.fetch) {
      if (!sha256) throw new InputError(lock.path, p.line, undefined, `\`${p.name} v${p.version}\` has no sha256 checksum in Cargo.lock, so it cannot be fetched as a fixed-output source; use \`--vendor DIR\``);
    }
    crates[key] = {
      name: p.name,
      version: p.version,
      sha256,
      url: template.replaceAll('{name}', p.name).replaceAll('{version}', p.version).replaceAll('{sha256}', sha256 ?? ''),
      vendor: opts.vendor && !opts.fetch ? crateDir(p) : null,
      git: null,
    };
  }
  return { graph, units, crates };
}
