/**
 * The rustc command line and environment cargo would use for one unit (for dep-info and builds).
 */
import { join } from 'node:path';
import type { Package } from './cargo/model.js';
import type { Unit } from './cargo/units.js';

export interface RustcInvocation {
  args: string[];
  env: Record<string, string>;
}

export interface InvocationOptions {
  /** `--target` triple, for units that are not compiled for the host. */
  target?: string;
  /** Extra `--cfg` values, as `name` or `name="value"`. */
  cfgs: { name: string; value?: string }[];
  /** Value of OUT_DIR for packages with a build script. */
  outDir?: string;
  /** Directory for CARGO_TARGET_TMPDIR (tests and benches). */
  targetTmpDir?: string;
}

/** rustc's `--crate-type` values for a unit. */
export function crateTypes(unit: Unit): string[] {
  if (unit.kind === 'custom-build' || unit.kind === 'bin' || unit.kind === 'test' || unit.kind === 'bench') return ['bin'];
  if (unit.cfgTest) return ['bin'];
  if (unit.kind === 'proc-macro') return ['proc-macro'];
  if (unit.kind === 'example') return unit.target.crateTypes.length > 0 ? unit.target.crateTypes : ['bin'];
  return unit.target.crateTypes.length > 0 ? unit.target.crateTypes : ['lib'];
}

export function rustcInvocation(unit: Unit, opts: InvocationOptions): RustcInvocation {
  const t = unit.target;
  const args = ['--crate-name', t.crateName, `--edition=${t.edition}`];
  if (unit.cfgTest) args.push('--test');
  else for (const ct of crateTypes(unit)) args.push('--crate-type', ct);
  if (unit.kind === 'proc-macro') args.push('--extern', 'proc_macro');
  for (const f of unit.features) args.push('--cfg', `feature="${f}"`);
  for (const c of opts.cfgs) args.push('--cfg', c.value === undefined ? c.name : `${c.name}="${c.value}"`);
  if (opts.target && !unit.host) args.push('--target', opts.target);
  return { args, env: cargoEnv(unit, opts) };
}

/** The environment cargo sets for rustc (`env!("CARGO_PKG_NAME")` and friends). */
export function cargoEnv(unit: Unit, opts: InvocationOptions): Record<string, string> {
  const p = unit.package;
  const env: Record<string, string> = {
    ...packageEnv(p),
    CARGO_CRATE_NAME: unit.target.crateName,
    CARGO_PRIMARY_PACKAGE: '1',
  };
  if (unit.kind === 'bin') env.CARGO_BIN_NAME = unit.name;
  if (opts.outDir && unit.kind !== 'custom-build' && p.targets.some((x) => x.kind === 'custom-build')) env.OUT_DIR = opts.outDir;
  if ((unit.kind === 'test' || unit.kind === 'bench') && opts.targetTmpDir) env.CARGO_TARGET_TMPDIR = opts.targetTmpDir;
  if (unit.kind === 'test' || unit.kind === 'bench') {
    for (const bin of p.targets.filter((x) => x.kind === 'bin')) {
      env[`CARGO_BIN_EXE_${bin.name}`] = join(opts.targetTmpDir ?? '/nonexistent', bin.name);
    }
  }
  return env;
}

export function packageEnv(p: Package): Record<string, string> {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(p.version);
  const md = p.metadata;
  return {
    CARGO_MANIFEST_DIR: p.dir,
    CARGO_MANIFEST_PATH: p.manifestPath,
    CARGO_PKG_NAME: p.name,
    CARGO_PKG_VERSION: p.version,
    CARGO_PKG_VERSION_MAJOR: m?.[1] ?? '0',
    CARGO_PKG_VERSION_MINOR: m?.[2] ?? '0',
    CARGO_PKG_VERSION_PATCH: m?.[3] ?? '0',
    CARGO_PKG_VERSION_PRE: m?.[4] ?? '',
    CARGO_PKG_AUTHORS: md.authors.join(':'),
    CARGO_PKG_DESCRIPTION: md.description ?? '',
    CARGO_PKG_HOMEPAGE: md.homepage ?? '',
    CARGO_PKG_REPOSITORY: md.repository ?? '',
    CARGO_PKG_LICENSE: md.license ?? '',
    CARGO_PKG_LICENSE_FILE: md.licenseFile ?? '',
    CARGO_PKG_RUST_VERSION: md.rustVersion ?? '',
    CARGO_PKG_README: md.readme ?? '',
  };
}
