/**
 * Build-script output from an existing cargo target directory (`target/debug/build/<pkg>-<hash>/output`):
 * the `cargo:rustc-cfg=…` / `cargo::rustc-cfg=…` lines tell which custom cfgs the script sets.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCfgOption, type CfgAtom } from '../cfg/expr.js';
import { declaredInputsCurrent, sameCompiler } from './build-output-current.js';

export interface BuildScriptOutput {
  cfgs: CfgAtom[];
  env: Record<string, string>;
  checkCfgs: string[];
  warnings: string[];
}

/** Parses the directives a build script printed (both `cargo:` and `cargo::` forms). */
export function parseBuildScriptOutput(text: string): BuildScriptOutput {
  const out: BuildScriptOutput = { cfgs: [], env: {}, checkCfgs: [], warnings: [] };
  for (const raw of text.split(/\r?\n/)) {
    const m = /^cargo::?([a-z-]+)=(.*)$/.exec(raw);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    switch (key) {
      case 'rustc-cfg':
        try {
          out.cfgs.push(parseCfgOption(value));
        } catch {
          // cargo rejects a malformed cfg; nothing to learn from it
        }
        break;
      case 'rustc-env': {
        const eq = value.indexOf('=');
        if (eq > 0) out.env[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      case 'rustc-check-cfg':
        out.checkCfgs.push(value);
        break;
      case 'warning':
        out.warnings.push(value);
        break;
    }
  }
  return out;
}

export interface FoundOutput {
  /** The `output` file the cfgs were read from. */
  file: string;
  mtimeMs: number;
  output: BuildScriptOutput;
}

/**
 * The build-script output of each package under `<targetDir>[/<triple>]/debug`, used only when it
 * certainly belongs to the features asked for. Each run of a build script (`build/<pkg>-<hash>/output`)
 * is traced through cargo's fingerprints to the compile of the build script it ran, whose
 * fingerprint records the package's features; one target directory can so hold the outputs of
 * several feature sets. When no run can be traced (another cargo's fingerprint format), the outputs
 * are used only if the package's build script was compiled with exactly `features` and no other
 * feature set. An output whose declared inputs changed since (`rerun-if-changed`,
 * `rerun-if-env-changed`), or a target directory last built by another rustc, does not qualify.
 * All outputs that qualify must print the same cfgs. Otherwise the package gets nothing (its
 * custom cfgs stay unknown).
 */
export function findBuildOutputs(
  targetDir: string,
  packages: { name: string; features: string[]; dir?: string }[],
  triple?: string,
  opts: { rustc?: string; env?: NodeJS.ProcessEnv } = {},
): Map<string, FoundOutput> {
  const profileDir = triple ? join(targetDir, triple, 'debug') : join(targetDir, 'debug');
  const result = new Map<string, FoundOutput>();
  if (!sameCompiler(targetDir, opts.rustc)) return result;
  const buildDirs = list(join(profileDir, 'build'));
  const fingerprints = list(join(profileDir, '.fingerprint'));
  // With `--target`, build scripts are compiled for the host: their fingerprints are under `<targetDir>/debug`.
  const hostFingerprintDir = join(targetDir, 'debug', '.fingerprint');
  const hostFingerprints = triple ? list(hostFingerprintDir) : [];
  for (const { name, features, dir: packageDir } of packages) {
    const ofPackage = (d: string) => d.startsWith(`${name}-`) && /^[0-9a-f]{16}$/.test(d.slice(name.length + 1));
    const dirs = fingerprints.filter(ofPackage);
    const compiles = [...dirs.map((d) => join(profileDir, '.fingerprint', d)), ...hostFingerprints.filter(ofPackage).map((d) => join(hostFingerprintDir, d))]
      .map(scriptCompile)
      .filter((c): c is ScriptCompile => c !== undefined);
    const runs = dirs.map((d) => ({ d, deps: scriptRunDeps(join(profileDir, '.fingerprint', d)) })).filter((r) => r.deps.length > 0);
    const wanted = featureKey(features);
    let dirsOfFeatures: string[] = [];
    const traced = runs
      .map((r) => ({ d: r.d, compile: compiles.filter((c) => c.hash !== undefined && r.deps.includes(c.hash)) }))
      .filter((r) => r.compile.length === 1);
    if (traced.length > 0) {
      dirsOfFeatures = traced.filter((r) => r.compile[0]!.features === wanted).map((r) => r.d);
    } else {
      const featureSets = new Set(compiles.map((c) => c.features));
      if (featureSets.size === 1 && featureSets.has(wanted)) dirsOfFeatures = buildDirs.filter(ofPackage);
    }
    const candidates: FoundOutput[] = [];
    for (const d of dirsOfFeatures) {
      const file = join(profileDir, 'build', d, 'output');
      try {
        const mtimeMs = statSync(file).mtimeMs;
        if (!declaredInputsCurrent(join(profileDir, '.fingerprint', d), packageDir, mtimeMs, opts.env ?? process.env)) continue;
        candidates.push({ file, mtimeMs, output: parseBuildScriptOutput(readFileSync(file, 'utf8')) });
      } catch {
        // a compile directory, or a run that did not finish (no output file)
      }
    }
    if (candidates.length === 0) continue;
    const cfgKey = (o: FoundOutput) =>
      o.output.cfgs
        .map((c) => `${c.name}=${c.value ?? ''}`)
        .sort()
        .join(',');
    if (new Set(candidates.map(cfgKey)).size > 1) continue;
    candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
    result.set(name, candidates[0]!);
  }
  return result;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

interface ScriptCompile {
  /** The package's features, as `featureKey` gives them. */
  features: string;
  /** The fingerprint's hash as cargo writes it (16 hex digits), when readable. */
  hash?: string;
}

/** The compile of a build script recorded in one fingerprint directory, if that is what it holds. */
function scriptCompile(dir: string): ScriptCompile | undefined {
  let features: string;
  try {
    const json = JSON.parse(readFileSync(join(dir, 'build-script-build-script-build.json'), 'utf8')) as { features?: unknown };
    if (typeof json.features !== 'string') return undefined;
    features = featureKey(JSON.parse(json.features || '[]') as string[]);
  } catch {
    return undefined;
  }
  try {
    const hash = readFileSync(join(dir, 'build-script-build-script-build'), 'utf8').trim();
    return /^[0-9a-f]{16}$/.test(hash) ? { features, hash } : { features };
  } catch {
    return { features };
  }
}

/**
 * The fingerprint hashes of the units a build-script run depends on, in the 16-hex-digit form of
 * the compile fingerprints' hash files. The JSON holds them as u64 numbers (beyond a double's
 * precision, so read as text) and the hash files as their little-endian bytes.
 */
function scriptRunDeps(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'run-build-script-build-script-build.json'), 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const m of text.matchAll(/\[\s*\d+\s*,\s*"[^"]*"\s*,\s*(?:true|false)\s*,\s*(\d+)\s*\]/g)) {
    const n = BigInt(m[1]!);
    if (n >= 1n << 64n) continue;
    const be = n.toString(16).padStart(16, '0');
    out.push(be.match(/../g)!.reverse().join(''));
  }
  return out;
}

function featureKey(features: string[]): string {
  return [...features].sort().join(',');
}
