/**
 * A sysroot for `rustc --emit=dep-info --target T` when T's standard library is not installed
 * (there is no network for `rustup target add`): stand-ins for `core` and `compiler_builtins`,
 * compiled for T with `RUSTC_BOOTSTRAP=1` (`#![no_core]`), under `<dir>/lib/rustlib/<T>/lib`.
 * Enough for a `#![no_std]` crate to expand, so rustc writes which files it read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CORE = `#![feature(no_core)]
#![no_core]
pub mod prelude {
    pub mod rust_2015 {}
    pub mod rust_2018 {}
    pub mod rust_2021 {}
    pub mod rust_2024 {}
}
`;
const COMPILER_BUILTINS = '#![feature(no_core, compiler_builtins)]\n#![compiler_builtins]\n#![no_core]\n';

/** Whether rustc's own sysroot has a `core` for `triple`. */
export function hasStd(rustc: string, triple: string): boolean {
  const libdir = execFileSync(rustc, ['--print', 'target-libdir', '--target', triple], { encoding: 'utf8' }).trim();
  try {
    return readdirSync(libdir).some((f) => /^libcore-.*\.rlib$/.test(f));
  } catch {
    return false;
  }
}

/** Builds a fake sysroot for the triples in a new temporary directory and returns it. */
export function fakeSysroot(rustc: string, triples: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'cargo-units-sysroot-'));
  const src = join(root, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'core.rs'), CORE);
  writeFileSync(join(src, 'compiler_builtins.rs'), COMPILER_BUILTINS);
  const env = { ...process.env, RUSTC_BOOTSTRAP: '1' };
  for (const triple of triples) {
    const lib = join(root, 'lib', 'rustlib', triple, 'lib');
    mkdirSync(lib, { recursive: true });
    for (const name of ['core', 'compiler_builtins']) {
      execFileSync(
        rustc,
        [
          '--target',
          triple,
          '--crate-name',
          name,
          '--crate-type',
          'rlib',
          '--edition',
          '2021',
          '--cap-lints',
          'allow',
          '--emit=metadata',
          '-o',
          join(lib, `lib${name}.rmeta`),
          join(src, `${name}.rs`),
        ],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
    }
  }
  return root;
}
