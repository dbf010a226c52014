/**
 * `verify --cargo`: the truth from cargo itself. Runs `cargo check --workspace --all-targets`
 * (with the index's features and target) into a temporary target directory, in the workspace root
 * so that its `.cargo/config.toml` applies (sources, `net.offline`), and takes each unit's files
 * from cargo's own dep-info (`deps/<crate>-<hash>.d`, `build/<pkg>-<hash>/build_script_build-<hash>.d`).
 * Dependencies are built, so proc-macros expand, build scripts run and `OUT_DIR` is real.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { TargetKind } from './cargo/model.js';
import { parseDepInfo } from './depinfo.js';
import type { IndexedUnit, UnitIndex } from './index.js';
import { isInside } from './paths.js';
import { compareUnit, report, type UnitVerdict, type VerifyReport } from './verify.js';

export interface CargoVerifyOptions {
  cargo: string;
  /** Called as each unit's verdict is known. */
  onUnit?: (v: UnitVerdict) => void;
  /** Use this target directory (kept) instead of a temporary one (removed). */
  targetDir?: string;
  /** More arguments for `cargo check`. */
  cargoArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface CargoVerifyReport extends VerifyReport {
  /** cargo's exit status and the first error lines when it was not 0 (some units may still be checked). */
  cargoStatus: number;
  cargoErrors: string[];
}

/** What cargo says about one compiled unit (`compiler-artifact` message). */
interface Artifact {
  packageName: string;
  /** The package's directory when it comes from a path (a workspace member); undefined for a registry or git package. */
  packageDir: string | undefined;
  kind: TargetKind;
  name: string;
  test: boolean;
  filenames: string[];
}

export async function verifyWithCargo(index: UnitIndex, entries: IndexedUnit[], opts: CargoVerifyOptions): Promise<CargoVerifyReport> {
  const started = performance.now();
  const targetDir = opts.targetDir ?? mkdtempSync(join(tmpdir(), 'cargo-units-verify-cargo-'));
  try {
    const args = ['check', '--workspace', '--all-targets', '--keep-going', '--message-format=json-render-diagnostics', ...featureArgs(index)];
    if (index.options.target) args.push('--target', index.options.target);
    args.push(...(opts.cargoArgs ?? []));
    const root = index.workspace.root;
    const run = await runCargo(opts.cargo, args, root, { ...process.env, ...opts.env, CARGO_TARGET_DIR: targetDir });
    const artifacts = run.stdout.split('\n').flatMap((l) => artifactOf(l));
    const verdicts: UnitVerdict[] = [];
    for (const entry of entries) {
      const v = verdictOf(entry, artifacts, root, targetDir);
      verdicts.push(v);
      opts.onUnit?.(v);
    }
    const errors = run.stderr
      .split('\n')
      .filter((l) => /^error/.test(l))
      .slice(0, 5);
    return { ...report(verdicts, (performance.now() - started) / 1000), cargoStatus: run.code, cargoErrors: errors };
  } finally {
    if (!opts.targetDir) rmSync(targetDir, { recursive: true, force: true });
  }
}

function featureArgs(index: UnitIndex): string[] {
  const f = index.options.features;
  const out: string[] = [];
  if (f.allFeatures) out.push('--all-features');
  if (f.noDefaultFeatures) out.push('--no-default-features');
  if (f.features.length > 0) out.push('--features', f.features.join(','));
  return out;
}

const KINDS: Record<string, TargetKind> = {
  lib: 'lib',
  rlib: 'lib',
  dylib: 'lib',
  cdylib: 'lib',
  staticlib: 'lib',
  'proc-macro': 'proc-macro',
  bin: 'bin',
  example: 'example',
  test: 'test',
  bench: 'bench',
  'custom-build': 'custom-build',
};

function artifactOf(line: string): Artifact[] {
  if (!line.startsWith('{')) return [];
  let m: { reason?: string; package_id?: string; target?: { kind?: string[]; name?: string }; profile?: { test?: boolean }; filenames?: string[] };
  try {
    m = JSON.parse(line);
  } catch {
    return [];
  }
  if (m.reason !== 'compiler-artifact' || !m.target || !m.package_id) return [];
  const kind = KINDS[m.target.kind?.[0] ?? ''];
  if (!kind) return [];
  return [
    {
      packageName: packageNameOf(m.package_id),
      packageDir: packageDirOf(m.package_id),
      kind,
      name: m.target.name ?? '',
      test: m.profile?.test === true,
      filenames: m.filenames ?? [],
    },
  ];
}

/** The package name in a package id: `path+file:///dir#name@1.0.0`, `path+file:///dir/name#1.0.0`, or `name 1.0.0 (source)`. */
export function packageNameOf(id: string): string {
  const old = /^(\S+) \S+ \(/.exec(id);
  if (old) return old[1]!;
  const hash = id.lastIndexOf('#');
  const frag = hash >= 0 ? id.slice(hash + 1) : id;
  const at = frag.indexOf('@');
  if (at >= 0) return frag.slice(0, at);
  // `…/name#1.0.0`: the name is the last path segment.
  const url = hash >= 0 ? id.slice(0, hash) : id;
  return basename(url.replace(/\?.*$/, ''));
}

/** The directory of a path package id (`path+file:///dir#…`, `name 1.0.0 (path+file:///dir)`); undefined for other sources. */
export function packageDirOf(id: string): string | undefined {
  const m = /(?:^|\()path\+file:\/\/([^#?)]*)/.exec(id);
  return m ? resolve(decodeURIComponent(m[1]!)) : undefined;
}

const norm = (s: string) => s.replace(/-/g, '_');

function verdictOf(entry: IndexedUnit, artifacts: Artifact[], root: string, targetDir: string): UnitVerdict {
  const u = entry.unit;
  // Same name is not enough: a dev-dependency may pull the registry's copy of the package itself
  // (syn's ref-cast → ref-cast-impl → syn), whose dep-info lists no workspace file at all.
  const matches = artifacts.filter(
    (a) => a.packageName === u.package.name && a.packageDir === resolve(u.package.dir) && a.kind === u.kind && norm(a.name) === norm(u.target.name),
  );
  // A lib, bin or example is built twice under --all-targets: once as itself, once in test mode.
  const a = matches.find((x) => x.test === u.test) ?? (matches.length === 1 && (u.kind === 'test' || u.kind === 'bench') ? matches[0] : undefined);
  const failed = (error: string): UnitVerdict => ({
    id: u.id,
    listed: entry.files.length,
    read: [],
    missed: [],
    extra: [],
    unexplained: [],
    seconds: 0,
    error,
  });
  if (!a) return failed("cargo check did not build this unit (see cargo's errors)");
  const depFile = a.filenames.flatMap(depInfoCandidates).find((d) => existsSync(d));
  if (!depFile) return failed(`cargo wrote no dep-info for it (looked next to ${a.filenames.map((f) => basename(f)).join(', ')})`);
  const read = new Set<string>();
  for (const f of parseDepInfo(readFileSync(depFile, 'utf8')).files) {
    const abs = resolve(root, f);
    if (isInside(root, abs) && !isInside(targetDir, abs)) read.add(abs);
  }
  return compareUnit(entry, read, 0);
}

/**
 * `deps/libfoo-HASH.rmeta` → `deps/foo-HASH.d`. A build script's artifact is a hard link without
 * the hash (`build/p-H/build-script-build`); its dep-info is the one `build_script_build-HASH.d` beside it.
 */
function depInfoCandidates(file: string): string[] {
  let b = basename(file).replace(/\.(rmeta|rlib|so|dylib|dll|a|lib|exe|wasm)$/, '');
  if (b.startsWith('lib') && /\.(rmeta|rlib|so|dylib|a)$/.test(file)) b = b.slice(3);
  const dir = dirname(file);
  const out = [join(dir, `${b}.d`)];
  if (b.startsWith('build-script-')) {
    const prefix = `${b.replace(/-/g, '_')}-`;
    try {
      for (const e of readdirSync(dir)) if (e.startsWith(prefix) && e.endsWith('.d')) out.push(join(dir, e));
    } catch {
      // no such directory
    }
  }
  return out;
}

function runCargo(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => done({ code: 127, stdout: '', stderr: String(e) }));
    child.on('close', (code) => done({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
