/**
 * The truth for build-script decisions: what each build script really printed in one offline
 * `cargo check --message-format=json` (against Debian's registry), with the features cargo ran it
 * with. Everything is written under a temporary directory; the registry is only read.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'smol-toml';
import { findExecutable } from '../../src/core/toolchain.js';
import type { CfgAtom } from '../../src/core/cfg/expr.js';

export const REGISTRY = '/usr/share/cargo/registry';

export const OFFLINE_CONFIG = `[source.crates-io]\nreplace-with = "debian-packages"\n[source.debian-packages]\ndirectory = "${REGISTRY}"\n[net]\noffline = true\n`;

export interface ScriptRun {
  packageId: string;
  name: string;
  version: string;
  /** The package's directory. */
  dir: string;
  /** The build script's root file. */
  script: string;
  features: string[];
  /** What it printed with `cargo:rustc-cfg`. */
  cfgs: CfgAtom[];
}

/**
 * Runs `cargo check --message-format=json` in `dir` and pairs each build-script run with the
 * features of its compilation. A script that ran more than once (with two feature sets) is kept
 * only when every run printed the same cfgs (one entry per feature set); the messages cannot say
 * which run had which features.
 */
export async function cargoScriptRuns(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ runs: ScriptRun[]; stderr: string }> {
  const cargo = findExecutable('cargo');
  if (!cargo) throw new Error('cargo not found');
  const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(
      cargo,
      ['check', '--offline', '--keep-going', '--message-format=json', ...args],
      { cwd: dir, env: { ...process.env, ...env }, maxBuffer: 256 << 20, timeout: 20 * 60 * 1000 },
      (_err, stdout, stderr) => resolve({ stdout: String(stdout), stderr: String(stderr) }),
    );
  });
  const compiles = new Map<string, { features: string[]; script: string; manifest: string }[]>();
  const executed = new Map<string, string[][]>();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line) as {
      reason: string;
      package_id: string;
      manifest_path?: string;
      target?: { kind: string[]; src_path: string };
      features?: string[];
      cfgs?: string[];
    };
    if (m.reason === 'compiler-artifact' && m.target?.kind.includes('custom-build')) {
      const l = compiles.get(m.package_id) ?? [];
      l.push({ features: m.features ?? [], script: m.target.src_path, manifest: m.manifest_path ?? '' });
      compiles.set(m.package_id, l);
    } else if (m.reason === 'build-script-executed') {
      const l = executed.get(m.package_id) ?? [];
      l.push(m.cfgs ?? []);
      executed.set(m.package_id, l);
    }
  }
  const runs: ScriptRun[] = [];
  for (const [id, outs] of executed) {
    const comp = compiles.get(id);
    if (!comp || comp.length === 0) continue;
    // Several runs (e.g. for the host and the target with other features): usable only when they all printed the same.
    const keys = new Set(outs.map((o) => [...o].sort().join('\n')));
    if (keys.size !== 1 || (comp.length !== outs.length && outs.length !== 1)) continue;
    const manifest = parse(readFileSync(comp[0]!.manifest, 'utf8')) as { package?: { name?: string; version?: string } };
    const seen = new Set<string>();
    for (const c of comp) {
      const features = [...c.features].sort();
      if (seen.has(features.join())) continue;
      seen.add(features.join());
      runs.push({
        packageId: id,
        name: manifest.package?.name ?? '',
        version: String(manifest.package?.version ?? ''),
        dir: dirname(c.manifest),
        script: c.script,
        features,
        cfgs: outs[0]!.map(parseCfgLine),
      });
    }
  }
  return { runs: runs.sort((a, b) => (a.name < b.name ? -1 : 1)), stderr: r.stderr };
}

function parseCfgLine(s: string): CfgAtom {
  const m = /^([^=]+)="(.*)"$/s.exec(s);
  return m ? { name: m[1]!, value: m[2]! } : { name: s };
}

/** The files of a build script: its root and the `mod x;` files next to it (enough for registry scripts). Undefined when it includes other files. */
export function scriptFiles(root: string, pkgDir: string): { name: string; text: string }[] | undefined {
  const out: { name: string; text: string }[] = [];
  const seen = new Set<string>();
  const add = (file: string): boolean => {
    if (seen.has(file)) return true;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    if (/\binclude_(str|bytes)!|#\s*\[\s*path\b/.test(text)) return false;
    out.push({ name: file.slice(pkgDir.length + 1), text });
    // `include!("x.rs")` of a literal file next to it: its items are the script's too.
    for (const m of text.matchAll(/\binclude!\s*\(\s*"([^"]+)"\s*\)/g)) {
      const f = join(dirname(file), m[1]!);
      if (!existsSync(f) || !add(f)) return false;
    }
    if (/\binclude!\s*\(\s*[^"\s]/.test(text)) return false;
    for (const m of text.matchAll(/^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*;/gm)) {
      const base = file.endsWith('/mod.rs') || file === root ? dirname(file) : join(dirname(file), file.slice(dirname(file).length + 1, -3));
      const cands = [join(base, `${m[1]}.rs`), join(base, m[1]!, 'mod.rs')];
      const hit = cands.find((c) => existsSync(c));
      if (!hit || !add(hit)) return false;
    }
    return true;
  };
  return add(root) ? out : undefined;
}

/** The build-dependencies of a package (crate names), from its manifest. */
export function buildDependencies(pkgDir: string): string[] {
  const m = parse(readFileSync(join(pkgDir, 'Cargo.toml'), 'utf8')) as Record<string, unknown>;
  const names = new Set<string>();
  const add = (t: unknown) => {
    for (const [k, v] of Object.entries((t ?? {}) as Record<string, unknown>))
      names.add(typeof v === 'object' && v && 'package' in v ? String((v as { package: unknown }).package) : k);
  };
  add(m['build-dependencies']);
  add(m['build_dependencies']);
  for (const t of Object.values((m.target ?? {}) as Record<string, Record<string, unknown>>)) {
    add(t['build-dependencies']);
    add(t['build_dependencies']);
  }
  return [...names];
}
