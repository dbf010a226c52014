/**
 * The corpus's truth from cargo itself: a copy of the crate with its dev-dependencies, checked
 * offline against Debian's registry with `cargo check --workspace --all-targets` (tests, benches
 * and examples included), each unit's files taken from cargo's own dep-info (verify --cargo).
 * One copy and one cargo target directory per crate serve both feature modes; everything is
 * written under one temporary directory, removed by `dispose`. A caller checking several crates
 * passes one shared `targetDir` (and removes it): their common dependencies are then checked once.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { UnitIndex } from '../../src/core/index.js';
import { findExecutable } from '../../src/core/toolchain.js';
import { verifyWithCargo, type CargoVerifyReport } from '../../src/core/verify-cargo.js';
import { modeFeatures, REGISTRY, requireCrate } from './corpus.js';

export interface CargoTruthCopy {
  /** The crate's copy (the workspace cargo checks). */
  dir: string;
  /** Dev-dependencies Debian's registry lacks, dropped from the copy's manifest. */
  dropped: string[];
  /** Test, bench and example targets whose files Debian's package lacks, dropped from the manifest. */
  droppedTargets: string[];
  check(mode: 'default' | 'all'): Promise<{ report: CargoVerifyReport; features: string[]; units: number }>;
  dispose(): void;
}

function inRegistry(pkg: string): boolean {
  return readdirSync(REGISTRY).some((d) => d.startsWith(`${pkg}-`) && /^\d/.test(d.slice(pkg.length + 1)));
}

export function cargoTruthCopy(name: string, shared?: { targetDir: string }): CargoTruthCopy {
  const cargo = findExecutable('cargo');
  if (!cargo) throw new Error('cargo not found');
  const src = requireCrate(name);
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-corpus-truth-'));
  const dir = join(tmp, basename(src));
  cpSync(src, dir, { recursive: true });
  rmSync(join(dir, 'rust-toolchain.toml'), { force: true });
  rmSync(join(dir, 'rust-toolchain'), { force: true });
  const manifest = parse(readFileSync(join(dir, 'Cargo.toml'), 'utf8')) as Record<string, unknown>;
  const dropped: string[] = [];
  const prune = (table: unknown) => {
    if (!table || typeof table !== 'object') return;
    for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
      const pkg = v && typeof v === 'object' && typeof (v as { package?: unknown }).package === 'string' ? (v as { package: string }).package : k;
      if (!inRegistry(pkg)) {
        delete (table as Record<string, unknown>)[k];
        dropped.push(pkg);
      }
    }
  };
  prune(manifest['dev-dependencies']);
  for (const t of Object.values((manifest.target ?? {}) as Record<string, Record<string, unknown>>)) prune(t['dev-dependencies']);
  // Debian drops some tests, benches and examples but keeps their tables.
  const droppedTargets: string[] = [];
  for (const key of ['test', 'bench', 'example']) {
    const list = manifest[key];
    if (!Array.isArray(list)) continue;
    manifest[key] = list.filter((t: Record<string, unknown>) => {
      const path = typeof t.path === 'string' ? t.path : `${key === 'test' ? 'tests' : key === 'bench' ? 'benches' : 'examples'}/${String(t.name)}.rs`;
      const keep = existsSync(join(dir, path)) || existsSync(join(dir, path.replace(/\.rs$/, ''), 'main.rs'));
      if (!keep) droppedTargets.push(`${key} ${String(t.name)}`);
      return keep;
    });
  }
  writeFileSync(join(dir, 'Cargo.toml'), stringify(manifest));
  mkdirSync(join(dir, '.cargo'));
  writeFileSync(
    join(dir, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian-packages"\n[source.debian-packages]\ndirectory = "${REGISTRY}"\n[net]\noffline = true\n`,
  );
  const targetDir = shared?.targetDir ?? join(tmp, 'target');
  return {
    dir,
    dropped,
    droppedTargets,
    async check(mode) {
      const features = await modeFeatures(name, mode);
      const index = await UnitIndex.open(dir, { features: { features, allFeatures: false, noDefaultFeatures: false }, cfgs: [], cache: false });
      const report = await verifyWithCargo(index, index.entries, {
        cargo,
        targetDir,
        // New lints of a newer rustc must not stop an old crate's tests from compiling.
        env: { RUSTFLAGS: '--cap-lints=warn', CARGO_HOME: join(tmp, 'cargo-home') },
      });
      return { report, features, units: index.entries.length };
    },
    dispose() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
