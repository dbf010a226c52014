/**
 * Decides the cfgs of real registry build scripts (as the index would, for a package built for the
 * host with the features cargo ran the script with) and compares them with what cargo's run of
 * each script printed. Used by registry.test.ts and by the tally in BENCHMARKS.md.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDepsMayPrint, buildScriptCfgs } from '../../src/core/cfg/build-script-cfgs.js';
import { ScriptEnv } from '../../src/core/cfg/build-script-eval/env.js';
import { evaluateBuildScript, decisionUnknown, type ScriptDecisions } from '../../src/core/cfg/build-script-eval/evaluate.js';
import { rustcVersion, targetCfg } from '../../src/core/cfg/target.js';
import { loadRuntime, rustParserSync } from '../../src/core/scan/parser.js';
import { buildDependencies, cargoScriptRuns, OFFLINE_CONFIG, REGISTRY, scriptFiles, type ScriptRun } from './cargo-runs.js';
import { compareWithTruth, type Verdict } from './compare.js';

export interface ScriptResult {
  run: ScriptRun;
  decisions: ScriptDecisions | { kind: 'skipped'; reason: string };
  verdict: Verdict;
}

/** The newest version of each crate in the registry, as `name = "=version"` lines. */
export function dependencyLines(crates: string[]): string[] {
  const dirs = readdirSync(REGISTRY);
  return crates.map((name) => {
    const versions = dirs.filter((d) => d.startsWith(`${name}-`) && /^\d/.test(d.slice(name.length + 1))).map((d) => d.slice(name.length + 1));
    if (versions.length === 0) throw new Error(`${name} is not in ${REGISTRY} (see .ci/run)`);
    versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return `${JSON.stringify(name)} = "=${versions[versions.length - 1]}"`;
  });
}

/** Builds a package depending on `crates` (offline, `cargo check`), and decides and compares every build script that ran. */
export async function registryScripts(crates: string[]): Promise<{ results: ScriptResult[]; stderr: string; dir: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-registry-scripts-'));
  const ws = join(tmp, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'lib.rs'), '');
  writeFileSync(
    join(ws, 'Cargo.toml'),
    `[package]\nname = "registry-scripts"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n${dependencyLines(crates).join('\n')}\n`,
  );
  mkdirSync(join(tmp, '.cargo'));
  writeFileSync(join(tmp, '.cargo', 'config.toml'), OFFLINE_CONFIG);
  const { runs, stderr } = await cargoScriptRuns(ws, [], { CARGO_TARGET_DIR: join(tmp, 'target') });
  await loadRuntime();
  const parser = rustParserSync();
  const host = await targetCfg();
  const version = await rustcVersion();
  const results: ScriptResult[] = [];
  for (const run of runs) {
    const files = scriptFiles(run.script, run.dir);
    const deps = buildDependencies(run.dir);
    const statics = files ? buildScriptCfgs(files, deps) : undefined;
    const staticNames = statics?.kind === 'names' ? Object.keys(statics.names) : [];
    let decisions: ScriptResult['decisions'];
    if (!files) decisions = { kind: 'skipped', reason: 'the build script includes files' };
    else if (buildDepsMayPrint(deps)) decisions = { kind: 'skipped', reason: `a build-dependency may print cfgs (${deps.join(', ')})` };
    else {
      const env = new ScriptEnv({
        cfg: host.source === 'rustc' ? [...host.atoms] : undefined,
        features: run.features,
        target: host.triple,
        host: host.triple,
        pkgName: run.name,
        pkgVersion: run.version,
        rustcVersion: version,
      });
      decisions = evaluateBuildScript(files, env, parser);
    }
    const d = decisions;
    const names = d.kind === 'decided' ? [...staticNames, ...d.set.map((s) => s.atom.name), ...Object.keys(d.unknown)] : staticNames;
    const verdict = compareWithTruth(run.cfgs, names, (name) => {
      if (d.kind !== 'decided') return 'unknown';
      if (d.set.some((s) => s.atom.name === name && s.atom.value === undefined)) return true;
      return decisionUnknown(d, name) === undefined ? false : 'unknown';
    });
    results.push({ run, decisions, verdict });
  }
  return { results, stderr, dir: tmp };
}

/** Copies a fixture directory (helper for callers that want a scratch copy). */
export function scratchCopy(dir: string): string {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-scratch-'));
  cpSync(dir, join(tmp, 'copy'), { recursive: true });
  return join(tmp, 'copy');
}
