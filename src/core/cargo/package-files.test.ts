/**
 * A package's file list against real `cargo package --list --offline --allow-dirty` on small
 * packages: in a git repository and outside one, with `include`, with `exclude` (negations and
 * directory patterns), nested packages, target/, hidden and ignored files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { findExecutable } from '../toolchain.js';
import { compilePattern, includeExclude, matchPatterns, packageFiles } from './package-files.js';

const MANIFEST = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "d"\nrepository = "https://example.com/p"\n';

const TREE: Record<string, string> = {
  'build.rs': 'fn main() {}\n',
  'src/lib.rs': '\n',
  'src/gen/table.rs': '\n',
  'data/a.txt': 'a\n',
  'data/sub/b.txt': 'b\n',
  'data/ignored.log': 'x\n',
  'data/.hidden-file': 'h\n',
  'data/.hidden-dir/y': 'y\n',
  'data/target/z': 'z\n',
  'docs/guide.md': 'g\n',
  'docs/keep.md': 'k\n',
  '.gitignore': '*.log\n/scratch/\n',
  '.dotfile': 'd\n',
  'scratch/notes.txt': 'n\n',
  'target/debug/out': 't\n',
  'nested/Cargo.toml': '[package]\nname = "nested"\nversion = "0.1.0"\n',
  'nested/src/lib.rs': '\n',
  'untracked.txt': 'u\n',
};

function make(extraManifest: string, git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-pkgfiles-'));
  for (const [rel, text] of Object.entries({ 'Cargo.toml': MANIFEST + extraManifest, ...TREE })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  if (git) {
    const g = (...args: string[]) => assert.equal(spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).status, 0, args.join(' '));
    g('init', '-q');
    // Tracked: everything but untracked.txt and target/ (and what .gitignore ignores).
    g('add', 'Cargo.toml', 'build.rs', 'src', 'data', 'docs', '.gitignore', '.dotfile', 'nested');
  }
  return dir;
}

/** `cargo package --list`, without the files cargo generates for the .crate. */
function cargoList(dir: string): string[] {
  const r = spawnSync('cargo', ['package', '--list', '--offline', '--allow-dirty'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CARGO_HOME: join(dir, '..', `${dir.split('/').pop()}-home`) },
  });
  assert.equal(r.status, 0, r.stderr);
  const generated = new Set(['Cargo.toml.orig', '.cargo_vcs_info.json', ...(existsSync(join(dir, 'Cargo.lock')) ? [] : ['Cargo.lock'])]);
  return r.stdout
    .split('\n')
    .filter((l) => l && !generated.has(l))
    .sort();
}

const SKIP = !findExecutable('cargo') ? 'cargo not installed' : !findExecutable('git') ? 'git not installed' : false;

const CASES: [string, string, boolean][] = [
  ['git repository', '', true],
  ['no repository', '', false],
  ['git, exclude with a negation and a directory', 'exclude = ["data/", "*.md", "!docs/keep.md"]\n', true],
  ['no repository, exclude', 'exclude = ["/src/gen", "untracked.*"]\n', false],
  ['git, include', 'include = ["src/**", "/data/*.txt", "build.rs", ".dotfile", "*.log"]\n', true],
  ['no repository, include with a hidden file', 'include = ["**/*.txt", "data/.hidden-dir/"]\n', false],
];

for (const [name, extra, git] of CASES) {
  test(`package file list is cargo package --list's: ${name}`, { skip: SKIP, timeout: 60_000 }, () => {
    const dir = make(extra, git);
    try {
      assert.deepEqual(packageFiles(dir, includeExclude(join(dir, 'Cargo.toml'))), cargoList(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}-home`, { recursive: true, force: true });
    }
  });
}

test('gitignore-style patterns: anchoring, directories, **, negation (last match wins)', () => {
  const m = (pats: string[], rel: string) => matchPatterns(pats.map(compilePattern), rel);
  assert.equal(m(['*.md'], 'docs/a.md'), true);
  assert.equal(m(['/a.md'], 'docs/a.md'), undefined);
  assert.equal(m(['docs/'], 'docs/a.md'), true);
  assert.equal(m(['docs/'], 'docs'), undefined, 'a directory pattern matches no file named docs');
  assert.equal(m(['src/**/*.rs'], 'src/a/b/c.rs'), true);
  assert.equal(m(['src/**/*.rs'], 'src/c.rs'), true);
  assert.equal(m(['*.md', '!keep.md'], 'docs/keep.md'), false);
  assert.equal(m(['d?ta/[ab].txt'], 'data/a.txt'), true);
});
