/**
 * How many build scripts of Debian's crate registry the build-script interpreter decides fully,
 * partly, or gives up on (for BENCHMARKS.md):
 *   node --import tsx scripts/build-script-tally.ts [--list]
 * Each script (build.rs or the manifest's `build = "…"`) is run abstractly for the host, with the
 * crate's default features and this rustc. "Names" are what the script can print, found statically
 * (build-script-cfgs.ts) plus what the interpreter saw printed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { buildDepsMayPrint, buildScriptCfgs } from '../src/core/cfg/build-script-cfgs.js';
import { ScriptEnv } from '../src/core/cfg/build-script-eval/env.js';
import { decisionUnknown, evaluateBuildScript } from '../src/core/cfg/build-script-eval/evaluate.js';
import { rustcVersion, targetCfg } from '../src/core/cfg/target.js';
import { loadRuntime, rustParserSync } from '../src/core/scan/parser.js';
import { buildDependencies, REGISTRY, scriptFiles } from '../test/build-scripts/cargo-runs.js';

await loadRuntime();
const parser = rustParserSync();
const host = await targetCfg();
const version = await rustcVersion();
const tally = { full: 0, part: 0, none: 0, silent: 0, gaveUp: 0, skipped: 0 };
const lines: string[] = [];
for (const d of readdirSync(REGISTRY).sort()) {
  const dir = join(REGISTRY, d);
  if (!existsSync(join(dir, 'Cargo.toml'))) continue;
  let manifest: { package?: { name?: string; version?: string; build?: string | boolean }; features?: Record<string, string[]> };
  try {
    manifest = parse(readFileSync(join(dir, 'Cargo.toml'), 'utf8')) as typeof manifest;
  } catch {
    continue;
  }
  const build = manifest.package?.build;
  const script = typeof build === 'string' ? join(dir, build) : build === false ? undefined : join(dir, 'build.rs');
  if (!script || !existsSync(script)) continue;
  const files = scriptFiles(script, dir);
  const deps = buildDependencies(dir);
  let status: keyof typeof tally;
  let detail: string;
  if (!files) {
    status = 'skipped';
    detail = 'includes files this tally does not follow';
  } else if (buildDepsMayPrint(deps)) {
    status = 'skipped';
    detail = `build-dependencies may print cfgs (${deps.join(', ')})`;
  } else {
    const features = ['default', ...(manifest.features?.default ?? [])].filter((f) => f === 'default' || !f.includes('/'));
    const env = new ScriptEnv({
      cfg: host.source === 'rustc' ? [...host.atoms] : undefined,
      features: manifest.features ? features.filter((f) => f in (manifest.features ?? {})) : [],
      target: host.triple,
      host: host.triple,
      pkgName: manifest.package?.name ?? d,
      pkgVersion: String(manifest.package?.version ?? '0.0.0'),
      rustcVersion: version,
    });
    const r = evaluateBuildScript(files, env, parser);
    if (r.kind === 'gave-up') {
      status = 'gaveUp';
      detail = r.reason;
    } else {
      const statics = buildScriptCfgs(files, deps);
      const names = new Set([...(statics.kind === 'names' ? Object.keys(statics.names) : []), ...r.set.map((s) => s.atom.name), ...Object.keys(r.unknown)]);
      const unknown = [...names].filter((n) => !r.set.some((s) => s.atom.name === n) && decisionUnknown(r, n) !== undefined);
      if (names.size === 0 && !r.any && Object.keys(r.prefixes).length === 0) status = 'silent';
      else if (r.any || Object.keys(r.prefixes).length > 0) status = unknown.length < names.size ? 'part' : 'none';
      else status = unknown.length === 0 ? 'full' : unknown.length < names.size ? 'part' : 'none';
      detail = `${names.size - unknown.length}/${names.size} decided${r.any ? ` (any name: ${r.any})` : ''}${unknown.length ? `; unknown: ${unknown.slice(0, 4).join(', ')}${unknown.length > 4 ? ', …' : ''} — ${(decisionUnknown(r, unknown[0]!) ?? '').slice(0, 120)}` : ''}`;
    }
  }
  tally[status]++;
  lines.push(`${d}: ${status} ${detail}`);
}
if (process.argv.includes('--list')) for (const l of lines) console.log(l);
const total = Object.values(tally).reduce((a, b) => a + b, 0);
console.log(
  `${total} build scripts: ${tally.full} fully decided, ${tally.part} partly, ${tally.none} not at all (every name depends on something unknown), ${tally.silent} print no cfg, ${tally.gaveUp} given up, ${tally.skipped} not run (a build-dependency may print cfgs, or included files)`,
);
