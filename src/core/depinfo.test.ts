import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDepInfo } from './depinfo.js';
import { findRustc } from './toolchain.js';

test('parses the first rule, escaped spaces and env-dep lines', () => {
  const d = parseDepInfo('/t/x.d: src/lib.rs src/a\\ b.rs src/back\\slash.rs\n\nsrc/lib.rs:\nsrc/a\\ b.rs:\n\n# env-dep:CARGO_PKG_NAME=x\n# env-dep:OUT_DIR\n');
  assert.deepEqual(d.files, ['src/lib.rs', 'src/a b.rs', 'src/back\\slash.rs']);
  assert.deepEqual(
    [...d.env],
    [
      ['CARGO_PKG_NAME', 'x'],
      ['OUT_DIR', undefined],
    ],
  );
  assert.deepEqual(parseDepInfo('').files, []);
});

test('file names with spaces, backslashes, newlines and non-ASCII, as real rustc writes them', () => {
  const rustc = findRustc();
  assert.ok(rustc, 'rustc is needed for this test');
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-depinfo-'));
  mkdirSync(join(dir, 'src'));
  const names = ['a b.rs', 'back\\slash.rs', 'new\nline.rs', 'ünï 日本.rs', 'colon: x.rs'];
  const lib = names.map((n, i) => `#[path = ${JSON.stringify(n)}] mod m${i};`).join('\n');
  writeFileSync(join(dir, 'src', 'lib.rs'), lib + '\n');
  for (const n of names) writeFileSync(join(dir, 'src', n), '');
  const out = join(dir, 'out.d');
  execFileSync(rustc, ['--edition', '2021', '--crate-type', 'lib', `--emit=dep-info=${out}`, 'src/lib.rs'], { cwd: dir });
  assert.deepEqual(parseDepInfo(readFileSync(out, 'utf8')).files, ['src/lib.rs', ...names.map((n) => `src/${n}`)]);
});
