/**
 * A generated Cargo workspace for Nix tests and the benchmark: `app` (lib + bin) depending on
 * `count` library packages `p1`…`pN` (each depending on the previous one; app uses the last one
 * under the renamed extern `renamed`), which do not depend on it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageName(i: number): string {
  return `p${i}`;
}

export function writeGeneratedWorkspace(root: string, count: number): void {
  const names = Array.from({ length: count }, (_, i) => packageName(i + 1));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'Cargo.toml'), `[workspace]\nmembers = [${[...names, 'app'].map((n) => JSON.stringify(n)).join(', ')}]\nresolver = "2"\n`);
  names.forEach((name, i) => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const prev = i > 0 ? names[i - 1] : undefined;
    writeFileSync(
      join(dir, 'Cargo.toml'),
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\ndescription = "generated package ${name}"\n\n[dependencies]\n${prev ? `${prev} = { path = "../${prev}" }\n` : ''}`,
    );
    writeFileSync(join(dir, 'src', 'lib.rs'), `mod extra;\n\npub fn value() -> u64 {\n    ${prev ? `${prev}::value() + ` : ''}extra::base() * ${i + 1}\n}\n`);
    writeFileSync(join(dir, 'src', 'extra.rs'), `pub fn base() -> u64 {\n    ${i + 2}\n}\n`);
    writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
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
