/** Deterministic generated workspaces for `npm run bench` (scripts/bench.ts). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prng as mulberry32 } from '../src/core/cfg/testkit.js';

export { mulberry32 };

function moduleBody(n: number, rand: () => number): string {
  const parts: string[] = ['use std::fmt;', ''];
  const count = 1 + Math.floor(rand() * 5);
  for (let k = 0; k < count; k++) {
    const id = `${n}_${k}`;
    parts.push(
      `/// A generated type.`,
      `#[derive(Debug, Clone, PartialEq)]`,
      `pub struct S${id} {`,
      `    pub a: u32,`,
      `    pub b: String,`,
      `}`,
      ``,
      `impl S${id} {`,
      `    pub fn new(a: u32) -> Self {`,
      `        Self { a, b: format!("{}", a) }`,
      `    }`,
      ``,
      `    pub fn mix(&self, x: u32) -> u32 {`,
      `        let mut y = x ^ self.a;`,
      `        for k in 0..10u32 {`,
      `            y = y.wrapping_mul(31).wrapping_add(k);`,
      `        }`,
      `        y`,
      `    }`,
      `}`,
      ``,
      `impl fmt::Display for S${id} {`,
      `    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {`,
      `        write!(f, "S({}, {})", self.a, self.b)`,
      `    }`,
      `}`,
      ``,
      `pub enum E${id} { A, B(u32), C { x: i64 } }`,
      ``,
      `pub fn g${id}(v: &[u32]) -> u32 {`,
      `    v.iter().map(|x| x * 2).filter(|x| x % 3 != 0).sum()`,
      `}`,
      ``,
    );
  }
  return parts.join('\n');
}

/**
 * A workspace of `crates` crates with `files` .rs files in all: nested modules (`name.rs` with a
 * `name/` directory, and `name/mod.rs`), modules gated by `cfg(feature)`, `cfg(test)` and
 * `cfg(unix)`, `include_str!` data files, an integration test and a bin per crate.
 */
export function generateWorkspace(root: string, files: number, crates: number, seed: number): number {
  const rand = mulberry32(seed);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const names = Array.from({ length: crates }, (_, i) => `gen${i}`);
  writeFileSync(join(root, 'Cargo.toml'), `[workspace]\nmembers = [${names.map((n) => `"crates/${n}"`).join(', ')}]\nresolver = "2"\n`);
  let written = 0;
  let n = 0;
  const write = (p: string, text: string): void => {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    if (p.endsWith('.rs')) written++;
  };
  for (let c = 0; c < crates; c++) {
    const dir = join(root, 'crates', names[c]!);
    const deps = c > 0 ? `[dependencies]\n${names[c - 1]} = { path = "../${names[c - 1]}" }\n` : '';
    write(
      join(dir, 'Cargo.toml'),
      `[package]\nname = "${names[c]}"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\ndefault = ["extra"]\nextra = []\nslow = []\n\n${deps}`,
    );
    write(join(dir, 'tests', 'it.rs'), `#[test]\nfn works() { assert_eq!(${names[c]}::answer(), 42); }\n`);
    write(join(dir, 'src', 'main.rs'), `fn main() { println!("{}", ${names[c]}::answer()); }\n`);
    const budget = Math.round(((c + 1) * files) / crates) - written;
    // Breadth-first: each module file declares up to 4 children until the crate's budget is used.
    const queue: { file: string; childDir: string; depth: number; decls: string[] }[] = [];
    const lib = { file: join(dir, 'src', 'lib.rs'), childDir: join(dir, 'src'), depth: 0, decls: ['pub fn answer() -> u32 { 42 }'] };
    queue.push(lib);
    const all = [lib];
    let made = 1; // lib.rs
    for (let qi = 0; qi < queue.length && made < budget; qi++) {
      const parent = queue[qi]!;
      const kids = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < kids && made < budget; k++) {
        const name = `m${k}_${n++}`;
        const gate =
          n % 5 === 0
            ? '#[cfg(feature = "extra")]\n'
            : n % 7 === 0
              ? '#[cfg(test)]\n'
              : n % 11 === 0
                ? '#[cfg(unix)]\n'
                : n % 17 === 0
                  ? '#[cfg(feature = "slow")]\n'
                  : '';
        parent.decls.push(`${gate}pub mod ${name};`);
        const modRs = rand() < 0.3;
        const file = modRs ? join(parent.childDir, name, 'mod.rs') : join(parent.childDir, `${name}.rs`);
        const node = { file, childDir: join(parent.childDir, name), depth: parent.depth + 1, decls: [] as string[] };
        if (n % 13 === 0) {
          const data = `data_${n}.txt`;
          write(join(dirname(file), data), `generated data ${n}\n`);
          node.decls.push(`pub const DATA: &str = include_str!("${data}");`);
        }
        queue.push(node);
        all.push(node);
        made++;
      }
    }
    for (const m of all) write(m.file, `${m.decls.join('\n')}\n\n${moduleBody(n++, rand)}`);
  }
  return written;
}
