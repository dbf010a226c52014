/**
 * A large generated workspace as real repositories have them (rust-lang/cargo): a Cargo workspace
 * of ≥ 1,000 .rs files, and ≥ 300 standalone test-fixture packages under tests/ that belong to no
 * workspace member: a third are their own workspace, a third "believe they are in a workspace"
 * (cargo would refuse them), a third have a malformed Cargo.toml. Deterministic.
 * `node --import tsx scripts/gen-large-workspace.ts DIR` writes one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorkspace } from './bench-gen.js';

export interface LargeWorkspace {
  root: string;
  rsFiles: number;
  fixtures: number;
}

export function generateLargeWorkspace(root: string, files = 1200, fixtures = 320): LargeWorkspace {
  let rsFiles = generateWorkspace(root, files, 12, 15);
  for (let i = 0; i < fixtures; i++) {
    const dir = join(root, 'tests', 'testsuite', 'fixtures', `case${i}`);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const pkg = `[package]\nname = "case${i}"\nversion = "0.1.0"\nedition = "2021"\n`;
    const manifest = i % 3 === 0 ? `${pkg}\n[workspace]\n` : i % 3 === 1 ? pkg : `[package\nname = "case${i}"\n`;
    writeFileSync(join(dir, 'Cargo.toml'), manifest);
    writeFileSync(join(dir, 'src', 'lib.rs'), `pub fn case${i}() -> u32 { ${i} }\n`);
    rsFiles++;
  }
  return { root, rsFiles, fixtures };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: gen-large-workspace.ts DIR');
  const w = generateLargeWorkspace(dir);
  console.log(`${w.root}: ${w.rsFiles} .rs files, ${w.fixtures} fixture packages under tests/`);
}
