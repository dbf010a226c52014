/** Shared helpers for tests that run fixture workspaces through the index and real rustc. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, UnitIndex, type IndexOptions, type IndexedUnit } from '../src/core/index.js';
import { toRelative } from '../src/core/paths.js';
import { findRustc } from '../src/core/toolchain.js';
import { verify } from '../src/core/verify.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(REPO, 'test', 'fixtures');
export const EXAMPLE = join(REPO, 'examples', 'workspace');

/** The development corpus, as Debian's registry installs it. */
export const REGISTRY = '/usr/share/cargo/registry';
export const CORPUS_CRATES = [
  'serde-1.0.152',
  'serde_json-1.0.87',
  'regex-1.7.1',
  'regex-syntax-0.6.27',
  'syn-1.0.107',
  'anyhow-1.0.69',
  'memchr-2.5.0',
  'libc-0.2.139',
];

/** The example workspace, the fixtures and the given registry crates that are installed. */
export function sourceDirs(crates: string[] = CORPUS_CRATES): string[] {
  return [EXAMPLE, FIXTURES, ...crates.map((c) => join(REGISTRY, c)).filter((d) => existsSync(d))];
}

/** Every .rs file under `dir` (`target/` directories left out). */
export function rsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'target') rsFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.rs')) out.push(p);
  }
  return out;
}

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** A private copy of a fixture in a temporary directory (for tests that write files). */
export function copyFixture(src: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-test-'));
  const dest = join(dir, 'ws');
  cpSync(src, dest, { recursive: true });
  return dest;
}

export function options(
  over: Omit<Partial<IndexOptions>, 'features'> & { features?: string[]; allFeatures?: boolean; noDefaultFeatures?: boolean } = {},
): IndexOptions {
  return {
    ...DEFAULT_OPTIONS,
    target: over.target,
    cfgs: over.cfgs ?? [],
    features: {
      features: over.features ?? [],
      allFeatures: over.allFeatures ?? false,
      noDefaultFeatures: over.noDefaultFeatures ?? false,
    },
  };
}

export function open(dir: string, opts: IndexOptions = DEFAULT_OPTIONS): Promise<UnitIndex> {
  return UnitIndex.open(dir, opts);
}

/** The unit's files relative to the workspace root. */
export function filesOf(index: UnitIndex, id: string): string[] {
  const e = index.unit(id);
  assert.ok(e, `no unit ${id}; units: ${index.entries.map((x) => x.unit.id).join(', ')}`);
  return e.files.map((f) => toRelative(index.workspace.root, f));
}

export function uncertainOf(index: UnitIndex, id: string): Map<string, string> {
  const e = index.unit(id)!;
  return new Map(e.uncertain.map((u) => [toRelative(index.workspace.root, u.file), u.reason]));
}

export function rustcAvailable(): boolean {
  return findRustc() !== undefined;
}

/**
 * Runs real `rustc --emit=dep-info` for the units and asserts that no file rustc read is missing
 * from our lists, and that every extra file is explained by an `uncertain` entry.
 */
export async function assertAgreesWithRustc(index: UnitIndex, entries: IndexedUnit[] = index.entries): Promise<void> {
  const rustc = findRustc();
  assert.ok(rustc, 'rustc is needed for this test (install it through rustup or apt)');
  const report = await verify(index, entries, { rustc, jobs: 2 });
  const rel = (f: string) => toRelative(index.workspace.root, f);
  const problems = report.units
    .filter((v) => v.error || v.missed.length > 0 || v.unexplained.length > 0)
    .map((v) => `${v.id}: ${v.error ?? ''} missed=[${v.missed.map(rel).join(', ')}] unexplained extra=[${v.unexplained.map(rel).join(', ')}]`);
  assert.deepEqual(problems, [], `disagreements with rustc:\n${problems.join('\n')}`);
}
