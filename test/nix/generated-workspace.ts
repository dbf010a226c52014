/**
 * A generated Cargo workspace for Nix tests and the benchmark: `app` (lib + bin) depending on
 * `count` library packages `p1`…`pN` (each with an integration test tests/it.rs and a README) (by default each depending on the previous one; app uses the last one
 * under the renamed extern `renamed`), which do not depend on it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageName(i: number): string {
  return `p${i}`;
}

/** Package i (1-based) depends on these packages: by default the previous one (a chain). */
export type DepsOf = (i: number) => number[];

export const chain: DepsOf = (i) => (i > 1 ? [i - 1] : []);

/** A binary tree: package i depends on package ⌊i/2⌋. */
export const tree: DepsOf = (i) => (i > 1 ? [Math.floor(i / 2)] : []);

export function writeGeneratedWorkspace(root: string, count: number, depsOf: DepsOf = chain): void {
  const names = Array.from({ length: count }, (_, i) => packageName(i + 1));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'Cargo.toml'), `[workspace]\nmembers = [${[...names, 'app'].map((n) => JSON.stringify(n)).join(', ')}]\nresolver = "2"\n`);
  names.forEach((name, i) => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const deps = depsOf(i + 1).map(packageName);
    writeFileSync(
      join(dir, 'Cargo.toml'),
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\ndescription = "generated package ${name}"\n\n[dependencies]\n${deps.map((d) => `${d} = { path = "../${d}" }\n`).join('')}`,
    );
    writeFileSync(join(dir, 'src', 'lib.rs'), `mod extra;\n\npub fn value() -> u64 {\n    ${deps.map((d) => `${d}::value() + `).join('')}extra::base() * ${i + 1}\n}\n`);
    writeFileSync(join(dir, 'src', 'extra.rs'), `pub fn base() -> u64 {\n    ${i + 2}\n}\n`);
    writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', 'it.rs'), `#[test]\nfn value_is_positive() {\n    assert!(${name}::value() > 0);\n}\n`);
  });
  const app = join(root, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(
    join(app, 'Cargo.toml'),
    `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\ndescription = "the app"\n\n[dependencies]\n${names.map((n, i) => (i === count - 1 ? `renamed = { package = "${n}", path = "../${n}" }\n` : `${n} = { path = "../${n}" }\n`)).join('')}`,
  );
  writeFileSync(join(app, 'src', 'lib.rs'), `pub fn total() -> u64 {\n    0${names.map((n, i) => ` + ${i === count - 1 ? 'renamed' : n}::value()`).join('')}\n}\n`);
  writeFileSync(join(app, 'src', 'main.rs'), `fn main() {\n    println!("total {} ({})", app::total(), env!("CARGO_PKG_DESCRIPTION"));\n}\n`);
}
