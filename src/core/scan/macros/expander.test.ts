/** When the walker must read macro calls in files the prefilter skips, and when it need not. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, UnitIndex } from '../../index.js';
import { MAY_NAME_FILES } from './expander.js';

test('a definition can name files through a file module, an include or a path, not through an inline module', () => {
  for (const yes of [
    '($n:ident) => { mod $n; }',
    '() => { pub mod a; }',
    '($($t:tt)*) => { mod $($t)* }',
    '(mod $n:ident { $($b:tt)* }) => { $($b)* }',
    '($n:ident $b:tt) => { mod $n $b }',
    '() => { include!("a.rs"); }',
    '() => { const S: &str = include_str!("a"); }',
    '() => { #[path = "x.rs"] mod x {} }',
    '() => { mod /* c */ a; }',
    '($n:ident) => { mod\n$n; }',
  ]) {
    assert.ok(MAY_NAME_FILES.test(yes), yes);
  }
  for (const no of [
    '($($i:item)*) => { $( #[cfg(unix)] $i )* }',
    '() => { mod util { pub fn f() {} } }',
    '($n:ident) => { mod $n { pub fn f() {} } }',
    '($n:ident) => { pub(crate) mod r#$n {} }',
    '() => { let modulo = 1; }',
    // syn's Token! macro: `mod` as a token in a matcher names no module.
    '[mod] => { $crate::token::Mod }; [move] => { $crate::token::Move };',
    '(mod) => {}; (mod, $x:expr) => { $x }',
  ]) {
    assert.ok(!MAY_NAME_FILES.test(no), no);
  }
});

test('a macro that only opens inline modules does not make the walk parse files the prefilter skips', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-expander-'));
  try {
    writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "inl"\nversion = "0.1.0"\nedition = "2021"\n');
    mkdirSync(join(dir, 'src'));
    // tokio's select! has this shape: its expansion holds `mod __util { … }`.
    writeFileSync(
      join(dir, 'src', 'lib.rs'),
      'macro_rules! util {\n    () => {\n        mod util {\n            pub fn h() {}\n        }\n    };\n}\npub mod a;\npub mod b;\n',
    );
    writeFileSync(join(dir, 'src', 'a.rs'), 'pub fn f() {}\nutil!();\n');
    writeFileSync(join(dir, 'src', 'b.rs'), 'pub fn g() {}\n');
    const index = await UnitIndex.open(dir, DEFAULT_OPTIONS);
    assert.deepEqual(
      index.unit('inl/lib/inl')!.files,
      ['a.rs', 'b.rs', 'lib.rs'].map((f) => join(dir, 'src', f)),
    );
    // Only lib.rs holds `mod x;` declarations: a.rs and b.rs are left unparsed.
    assert.equal(index.store.parsedCount, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
