/**
 * The accuracy corpus: real crates from Debian's crate registry, scanned as root packages and
 * verified against bare rustc's dep-info (proc-macro rules off: rustc alone cannot expand them),
 * with default features and with all features but nightly ones.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UnitIndex } from '../../src/core/index.js';
import { featureMap } from '../../src/core/cargo/features.js';
import { findRustc } from '../../src/core/toolchain.js';
import { verify, type VerifyReport } from '../../src/core/verify.js';
import type { Unit } from '../../src/core/cargo/units.js';

export const REGISTRY = '/usr/share/cargo/registry';

/** Crate name → features that need a nightly compiler (or crates Debian does not ship). */
export const CORPUS: Record<string, string[]> = {
  serde: ['unstable'],
  serde_json: [],
  regex: ['pattern', 'unstable'],
  'regex-syntax': [],
  syn: [],
  anyhow: [],
  // `core` and `compiler_builtins` are the optional dependencies rustc-dep-of-std turns on (#![feature], E0554).
  memchr: ['compiler_builtins', 'core', 'rustc-dep-of-std'],
  libc: ['const-extern-fn', 'rustc-dep-of-std'],
};

/** The newest version of `name` in the registry (e.g. `/usr/share/cargo/registry/serde-1.0.152`). */
export function crateDir(name: string): string | undefined {
  if (!existsSync(REGISTRY)) return undefined;
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}-(\\d+)\\.(\\d+)\\.(\\d+)$`);
  const versions = readdirSync(REGISTRY)
    .map((d) => ({ d, m: re.exec(d) }))
    .filter((x): x is { d: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => {
      for (let i = 1; i <= 3; i++) {
        const diff = Number(a.m[i]) - Number(b.m[i]);
        if (diff !== 0) return diff;
      }
      return 0;
    });
  const last = versions[versions.length - 1];
  return last ? join(REGISTRY, last.d) : undefined;
}

export interface CrateResult {
  crate: string;
  mode: 'default' | 'all';
  features: string[];
  units: number;
  report: VerifyReport;
  indexSeconds: number;
  /** Units whose package's build-script output was known and current. */
  withOutput: string[];
}

/** The features a mode enables explicitly: none for `default`, every non-nightly feature for `all`. */
export async function modeFeatures(name: string, mode: 'default' | 'all'): Promise<string[]> {
  if (mode === 'default') return [];
  const probe = await UnitIndex.open(requireCrate(name));
  const pkg = probe.workspace.members[0]!;
  const nightly = new Set(CORPUS[name] ?? []);
  return [...featureMap(pkg).keys()].filter((f) => !nightly.has(f)).sort();
}

export function requireCrate(name: string): string {
  const dir = crateDir(name);
  if (!dir) throw new Error(`${name} is not installed under ${REGISTRY} (apt-get install librust-${name.replace(/_/g, '-')}-dev)`);
  return dir;
}

/**
 * Verifies every unit of the crate. With `buildOutput` (a cargo target directory), the custom cfgs
 * its build script printed for these features are known, as with `--build-output`.
 */
export async function verifyCrate(name: string, mode: 'default' | 'all', jobs = 2, buildOutput?: string, truthOutput?: string): Promise<CrateResult> {
  const dir = requireCrate(name);
  const rustc = findRustc();
  if (!rustc) throw new Error('rustc not found');
  const features = await modeFeatures(name, mode);
  const started = performance.now();
  const index = await UnitIndex.open(dir, {
    features: { features, allFeatures: false, noDefaultFeatures: false },
    cfgs: [],
    buildOutput,
    // Bare rustc does not expand the proc-macros of dependencies, so it cannot see what they read
    // (automod's files in serde_json's and syn's tests): compare like with like. The truth with
    // proc-macros expanded is cargo's (corpus-cargo.test.ts).
    procMacroRules: false,
  });
  const indexSeconds = (performance.now() - started) / 1000;
  // With `truthOutput` (a cargo target directory), rustc is given the build script's real output
  // (cfgs, env), whatever the index decided or knew: the truth for lists made without build output.
  const truth = truthOutput
    ? await UnitIndex.open(dir, {
        features: { features, allFeatures: false, noDefaultFeatures: false },
        cfgs: [],
        buildOutput: truthOutput,
        procMacroRules: false,
      })
    : undefined;
  const scriptOutput = truth ? (u: Unit) => truth.buildScriptOutput(truth.unit(u.id)?.unit ?? u)?.output : undefined;
  const report = await verify(index, index.entries, { rustc, jobs, ...(scriptOutput ? { scriptOutput } : {}) });
  const withOutput = index.entries.filter((e) => index.buildScriptOutput(e.unit)).map((e) => e.unit.id);
  return { crate: name, mode, features, units: index.entries.length, report, indexSeconds, withOutput };
}
