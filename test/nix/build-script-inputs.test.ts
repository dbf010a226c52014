/**
 * A build script that prints no `rerun-if-changed` reruns, under Nix, when a file of its
 * package's own list changes (cargo package --list: git-tracked or untracked-not-ignored files,
 * `exclude` applied, nested packages left out), and for nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findExecutable } from '../../src/core/toolchain.js';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';

const FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["gen"]\nexclude = ["gen/sub"]\nresolver = "2"\n',
  '.gitignore': '/target\n*.tmp\n',
  'gen/Cargo.toml': '[package]\nname = "gen"\nversion = "0.1.0"\nedition = "2021"\nlicense = "MIT"\ndescription = "d"\nrepository = "https://example.com/gen"\nexclude = ["notes/"]\n',
  // Counts data/'s files and prints no rerun-if-changed: cargo watches the package's file list.
  'gen/build.rs': 'fn main() {\n    let n = std::fs::read_dir("data").unwrap().count();\n    let out = std::env::var("OUT_DIR").unwrap();\n    std::fs::write(format!("{out}/n.rs"), format!("const N: usize = {n};")).unwrap();\n}\n',
  'gen/src/main.rs': 'include!(concat!(env!("OUT_DIR"), "/n.rs"));\n\nfn main() {\n    println!("{N} files");\n}\n',
  'gen/data/a.txt': 'a\n',
  'gen/scratch.tmp': 'ignored\n',
  'gen/notes/n.md': 'excluded\n',
  'gen/sub/Cargo.toml': '[package]\nname = "sub"\nversion = "0.1.0"\nedition = "2021"\n',
  'gen/sub/src/lib.rs': '\n',
};

const RUN = 'gen/custom-build/build-script-build#run';

test('build-script inputs without rerun-if-changed: the package\'s cargo file list, nothing else', { skip: NIX_SKIP || (findExecutable('git') ? false : 'git not installed'), timeout: 300_000 }, () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-bsinputs-')), 'ws');
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  }
  assert.equal(spawnSync('git', ['-C', ws, 'init', '-q']).status, 0);
  assert.equal(spawnSync('git', ['-C', ws, 'add', '-A']).status, 0);
  const env = isolatedNixEnv();
  const build = () => {
    const b = cliBuild(env, ws, ['--unit', 'gen/bin/gen']);
    assert.equal(b.status, 0, b.stderr);
    return b;
  };
  const first = build();
  assert.ok(finishedOf(first).built.includes(RUN));
  assert.equal(spawnSync(join(doneOut(first, 'gen/bin/gen'), 'bin', 'gen'), { encoding: 'utf8' }).stdout, '1 files\n');

  // The run's file list is cargo's.
  const units = JSON.parse(readFileSync(join(ws, '.cargo-units/units.json'), 'utf8')) as { units: Record<string, { run: { packageFiles: string[] } }> };
  const listed = spawnSync('cargo', ['package', '--list', '--offline', '--allow-dirty'], { cwd: join(ws, 'gen'), encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const cargoFiles = listed.stdout.split('\n').filter((l) => l && !['Cargo.toml.orig', 'Cargo.lock', '.cargo_vcs_info.json'].includes(l)).map((l) => `gen/${l}`).sort();
  assert.deepEqual(units.units['gen/custom-build/build-script-build']!.run.packageFiles, cargoFiles);
  assert.deepEqual(cargoFiles, ['gen/Cargo.toml', 'gen/build.rs', 'gen/data/a.txt', 'gen/src/main.rs']);

  // Ignored, excluded, and nested-package files: nothing runs.
  for (const f of ['gen/scratch.tmp', 'gen/notes/n.md', 'gen/sub/src/lib.rs']) {
    writeFileSync(join(ws, f), `edited ${f}\n`);
    assert.deepEqual(started(build()), [], f);
  }
  // A listed file: the run and the bin.
  writeFileSync(join(ws, 'gen/data/a.txt'), 'changed\n');
  assert.deepEqual(finishedOf(build()).built, ['gen/bin/gen', RUN]);
  // A new file that git does not ignore joins the list, as with cargo.
  writeFileSync(join(ws, 'gen/data/b.txt'), 'b\n');
  const added = build();
  assert.deepEqual(finishedOf(added).built, ['gen/bin/gen', RUN]);
  assert.equal(spawnSync(join(doneOut(added, 'gen/bin/gen'), 'bin', 'gen'), { encoding: 'utf8' }).stdout, '2 files\n');
});
