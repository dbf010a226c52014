/**
 * Hostile names and encodings, each checked against the real tools: file names with `"`, `\`,
 * `${`, `''`, a newline and non-ASCII; CRLF and BOM sources; non-UTF-8 bytes; a 10 MB file; a
 * 40-deep module chain (rustc reads every file we list and nothing we miss), and package, feature
 * and target names with the same characters (we agree with `cargo metadata` on what is valid, and
 * keep every accepted name verbatim).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { findExecutable } from '../../src/core/toolchain.js';
import { assertAgreesWithRustc, filesOf, open } from '../helpers.js';
import { chainFiles, escapeWorkspace } from './workspaces.js';

function write(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Weird file names, and how a Rust string literal spells each. */
const WEIRD: [file: string, literal: string][] = [
  ['quo"te.rs', 'quo\\"te.rs'],
  ['back\\slash.rs', 'back\\\\slash.rs'],
  ['dollar${x}.rs', 'dollar${x}.rs'],
  ["two''quotes.rs", "two''quotes.rs"],
  ['new\nline.rs', 'new\\nline.rs'],
  ['ünïcødé-日本.rs', 'ünïcødé-日本.rs'],
];

test('weird file names, CRLF, BOM, non-UTF-8 and a 10 MB file agree with rustc', async () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-names-')), 'ws');
  write(join(ws, 'Cargo.toml'), '[package]\nname = "names"\nversion = "0.1.0"\nedition = "2021"\n');
  const lib: string[] = ['\uFEFF//! BOM first, then CRLF line ends.'];
  WEIRD.forEach(([file, literal], i) => {
    write(join(ws, 'src', file), `pub fn f${i}() {}\r\n`);
    lib.push(`#[path = "${literal}"] pub mod weird${i};`);
    write(join(ws, 'data', file), `data ${i}\n`);
    lib.push(`pub const D${i}: &str = include_str!("../data/${literal}");`);
  });
  lib.push('pub mod ünï;', 'pub mod crlf;', 'pub mod big;', 'pub mod d1;');
  write(join(ws, 'src', 'lib.rs'), lib.join('\r\n') + '\r\n');
  write(join(ws, 'src', 'ünï.rs'), '\uFEFFpub mod inner_ünï;\r\n');
  write(join(ws, 'src', 'ünï', 'inner_ünï.rs'), 'pub fn g() {}\r\n');
  write(join(ws, 'src', 'crlf.rs'), '#[cfg(not(any()))]\r\npub mod after_crlf;\r\n/* a block\r\n comment */ pub mod after_comment;\r\n');
  write(join(ws, 'src', 'crlf', 'after_crlf.rs'), '');
  write(join(ws, 'src', 'crlf', 'after_comment.rs'), '');
  // 10 MB (comments and a string literal, which rustc reads quickly), then a module at its very end.
  // test/scan/broken.test.ts scans 10 MB of functions.
  write(
    join(ws, 'src', 'big.rs'),
    '// mod not_a_module;\n'.repeat((5 << 20) / 22) + `pub const BIG: &str = "${'mod x; include!(\\"y\\"); '.repeat((5 << 20) / 26)}";\n` + 'pub mod tail;\n',
  );
  write(join(ws, 'src', 'big', 'tail.rs'), '');
  let dir = join(ws, 'src');
  for (let i = 1; i <= 40; i++) {
    write(join(dir, `d${i}.rs`), i < 40 ? `pub mod d${i + 1};\n` : '');
    dir = join(dir, `d${i}`);
  }
  const index = await open(ws);
  const files = filesOf(index, 'names/lib/names');
  for (const [file] of WEIRD) {
    assert.ok(files.includes(`src/${file}`), `missing src/${JSON.stringify(file)}`);
    assert.ok(files.includes(`data/${file}`), `missing data/${JSON.stringify(file)}`);
  }
  for (const f of ['src/ünï.rs', 'src/ünï/inner_ünï.rs', 'src/crlf/after_crlf.rs', 'src/crlf/after_comment.rs', 'src/big/tail.rs', ...chainFiles()]) {
    assert.ok(files.includes(f), `missing ${f}`);
  }
  await assertAgreesWithRustc(index);
});

test('non-UTF-8 bytes: listed, a diagnostic with file and line, no crash', async () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-bytes-')), 'ws');
  write(join(ws, 'Cargo.toml'), '[package]\nname = "bytes"\nversion = "0.1.0"\nedition = "2021"\n');
  write(join(ws, 'src', 'lib.rs'), 'mod latin;\n');
  write(join(ws, 'src', 'latin.rs'), Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\nmod under;\n')]));
  write(join(ws, 'src', 'latin', 'under.rs'), '');
  const index = await open(ws);
  assert.deepEqual(filesOf(index, 'bytes/lib/bytes'), ['src/latin.rs', 'src/latin/under.rs', 'src/lib.rs']);
  const d = index.diagnostics().find((x) => x.file === join(ws, 'src', 'latin.rs'));
  assert.ok(d && /not valid UTF-8/.test(d.message), JSON.stringify(index.diagnostics()));
});

test('the escape workspace: the 40-deep chain and cycles agree with rustc', async () => {
  const h = escapeWorkspace();
  // Only the parts rustc can read: without the escapes (rustc would open the FIFO and hang).
  write(join(h.ws, 'src', 'lib.rs'), 'mod loop_a;\n#[path = "cyclic/a.rs"] mod cyclic;\nmod d1;\n');
  const index = await open(h.ws);
  for (const f of chainFiles()) assert.ok(filesOf(index, 'escape/lib/escape').includes(f), `missing ${f}`);
  const rustc = findExecutable('rustc');
  assert.ok(rustc);
  // rustc itself rejects the loop and the cycle, but still writes dep-info for what it read.
  await assertAgreesWithRustc(index);
});

/** Manifest names: what cargo accepts we accept verbatim; what cargo rejects we reject with file:line. */
const NAME_CASES: { what: string; name: string; toml: (n: string) => string; idOf: (n: string) => string }[] = [];
for (const raw of ['quo"te', 'back\\slash', 'dollar${x}', "two''quotes", 'new\nline', 'ünï', 'plain-name']) {
  const lit = JSON.stringify(raw); // a TOML basic string spells these the same way as JSON
  NAME_CASES.push(
    {
      what: 'package',
      name: raw,
      toml: () => `[package]\nname = ${lit}\nversion = "0.1.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n`,
      idOf: (n) => `${n}/lib/${n.replace(/-/g, '_')}`,
    },
    { what: 'feature', name: raw, toml: () => `[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n[features]\n${lit} = []\n`, idOf: () => 'p/lib/p' },
    {
      what: 'bin',
      name: raw,
      toml: () => `[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n[[bin]]\nname = ${lit}\npath = "src/main.rs"\n`,
      idOf: (n) => `p/bin/${n}`,
    },
    {
      what: 'example',
      name: raw,
      toml: () => `[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n[[example]]\nname = ${lit}\npath = "src/main.rs"\n`,
      idOf: (n) => `p/example/${n}`,
    },
  );
}

test('package, feature and target names: accepted and verbatim exactly where cargo accepts them', async (t) => {
  const cargo = findExecutable('cargo');
  assert.ok(cargo, 'cargo is needed for this test');
  for (const c of NAME_CASES) {
    await t.test(`${c.what} ${JSON.stringify(c.name)}`, async () => {
      const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-name-')), 'ws');
      write(join(ws, 'Cargo.toml'), c.toml(c.name));
      write(join(ws, 'src', 'lib.rs'), '');
      write(join(ws, 'src', 'main.rs'), 'fn main() {}\n');
      const meta = spawnSync(cargo, ['metadata', '--no-deps', '--offline', '--format-version', '1'], {
        cwd: ws,
        encoding: 'utf8',
        env: { ...process.env, CARGO_HOME: join(ws, '..', 'cargo-home') },
      });
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['units', '--json', ws], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: ws });
      if (meta.status === 0) {
        assert.equal(code, 0, `cargo accepts it, we do not:\n${err.join('\n')}`);
        const json = JSON.parse(out.join('\n'));
        const ids: string[] = json.units.map((u: { id: string }) => u.id);
        assert.ok(ids.includes(c.idOf(c.name)), `no unit ${JSON.stringify(c.idOf(c.name))} in ${JSON.stringify(ids)}`);
        if (c.what === 'feature') {
          const features = JSON.parse(meta.stdout).packages[0].features;
          assert.ok(c.name in features);
        }
      } else {
        assert.equal(code, 2, `cargo rejects it (${meta.stderr.trim().split('\n')[0]}), we exited ${code}`);
        assert.match(err.join('\n'), /Cargo\.toml:\d+(:\d+)?: error: /, err.join('\n'));
      }
    });
  }
});
