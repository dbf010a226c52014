/**
 * Real build-script output for a corpus crate: `cargo check --lib` of a copy of the crate, offline
 * against Debian's crate registry, once per feature set into one cargo target directory. Everything
 * is written under a fresh temporary directory (the copy, its `.cargo/config.toml`, the target
 * directory); the registry and the user's cargo configuration are only read.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { findExecutable } from '../../src/core/toolchain.js';
import { REGISTRY } from './corpus.js';

export interface CargoBuild {
  /** The temporary directory holding everything; remove it when done. */
  dir: string;
  /** The cargo target directory, for `--build-output`. */
  targetDir: string;
  /** cargo's stderr of each run whose exit status was not 0 (e.g. a dependency that needs nightly). */
  failures: string[];
}

/**
 * Builds the crate at `crateDir` for each feature set (`undefined` = default features). Only the
 * dev-dependencies are dropped from the copy's manifest (cargo resolves them even for `--lib`, and
 * Debian does not package all of them), and a `rust-toolchain.toml` that would make rustup fetch
 * components; neither is seen by a build script. `--keep-going` lets every build script run even
 * when a dependency cannot be compiled on a stable rustc.
 */
export async function cargoBuild(crateDir: string, featureSets: (string[] | undefined)[]): Promise<CargoBuild> {
  const cargo = findExecutable('cargo');
  if (!cargo) throw new Error('cargo not found');
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-corpus-build-'));
  const copy = join(tmp, basename(crateDir));
  cpSync(crateDir, copy, { recursive: true });
  rmSync(join(copy, 'rust-toolchain.toml'), { force: true });
  rmSync(join(copy, 'rust-toolchain'), { force: true });
  const manifest = parse(readFileSync(join(copy, 'Cargo.toml'), 'utf8')) as Record<string, unknown>;
  delete manifest['dev-dependencies'];
  delete manifest['dev_dependencies'];
  for (const t of Object.values((manifest.target ?? {}) as Record<string, Record<string, unknown>>)) {
    delete t['dev-dependencies'];
    delete t['dev_dependencies'];
  }
  writeFileSync(join(copy, 'Cargo.toml'), stringify(manifest));
  mkdirSync(join(tmp, '.cargo'));
  writeFileSync(
    join(tmp, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian-packages"\n[source.debian-packages]\ndirectory = "${REGISTRY}"\n[net]\noffline = true\n`,
  );
  const targetDir = join(tmp, 'target');
  const failures: string[] = [];
  for (const features of featureSets) {
    const args = ['check', '--lib', '--offline', '--keep-going', '--quiet', '--message-format=short'];
    if (features) args.push('--features', features.join(','));
    const r = await run(cargo, args, copy, { ...process.env, CARGO_TARGET_DIR: targetDir });
    if (r.code !== 0)
      failures.push(
        `cargo ${args.join(' ')}: ${r.stderr
          .split('\n')
          .filter((l) => /error/.test(l))
          .slice(0, 3)
          .join(' | ')}`,
      );
  }
  return { dir: tmp, targetDir, failures };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 << 20, timeout: 10 * 60 * 1000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr: String(stderr) });
    });
  });
}
