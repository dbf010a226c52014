/**
 * Build-script output from an existing cargo target directory (`target/debug/build/<pkg>-<hash>/output`):
 * the `cargo:rustc-cfg=…` / `cargo::rustc-cfg=…` lines tell which custom cfgs the script sets.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCfgOption, type CfgAtom } from '../cfg/expr.js';

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
 * certainly belongs to the features asked for: cargo's fingerprints must show that the package's
 * build script was compiled with exactly `features` (and no other feature set), and all outputs
 * found must print the same cfgs. Otherwise the package gets nothing (its custom cfgs stay unknown).
 */
export function findBuildOutputs(
  targetDir: string,
  packages: { name: string; features: string[] }[],
  triple?: string,
): Map<string, FoundOutput> {
  const profileDir = triple ? join(targetDir, triple, 'debug') : join(targetDir, 'debug');
  const result = new Map<string, FoundOutput>();
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const buildDirs = list(join(profileDir, 'build'));
  const fingerprints = list(join(profileDir, '.fingerprint'));
  for (const { name, features } of packages) {
    const ofPackage = (d: string) => d.startsWith(`${name}-`) && /^[0-9a-f]{16}$/.test(d.slice(name.length + 1));
    const featureSets = new Set<string>();
    for (const d of fingerprints.filter(ofPackage)) {
      try {
        const json = JSON.parse(readFileSync(join(profileDir, '.fingerprint', d, 'build-script-build-script-build.json'), 'utf8')) as { features?: unknown };
        if (typeof json.features === 'string') featureSets.add(featureKey(JSON.parse(json.features || '[]') as string[]));
      } catch {
        // not the build script's compile fingerprint
      }
    }
    if (featureSets.size !== 1 || !featureSets.has(featureKey(features))) continue;
    const candidates: FoundOutput[] = [];
    for (const d of buildDirs.filter(ofPackage)) {
      const file = join(profileDir, 'build', d, 'output');
      try {
        const mtimeMs = statSync(file).mtimeMs;
        candidates.push({ file, mtimeMs, output: parseBuildScriptOutput(readFileSync(file, 'utf8')) });
      } catch {
        // a compile directory (no output file)
      }
    }
    if (candidates.length === 0) continue;
    const cfgKey = (o: FoundOutput) => o.output.cfgs.map((c) => `${c.name}=${c.value ?? ''}`).sort().join(',');
    if (new Set(candidates.map(cfgKey)).size > 1) continue;
    candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
    result.set(name, candidates[0]!);
  }
  return result;
}

function featureKey(features: string[]): string {
  return [...features].sort().join(',');
}
