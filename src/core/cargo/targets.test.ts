import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { type Diagnostic, InputError } from '../diagnostics.js';
import { readManifest } from './manifest.js';
import type { Target } from './model.js';
import { discoverTargets } from './targets.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));

/** `kind name path [flags]` per target, in discovery order. */
function show(dir: string, targets: Target[]): string[] {
  return targets.map((t) => {
    const flags = [
      t.test ? 'test' : '',
      t.bench ? 'bench' : '',
      t.harness ? '' : 'no-harness',
      t.doctest ? 'doctest' : '',
      `ed${t.edition}`,
      t.requiredFeatures.length ? `requires=${t.requiredFeatures.join(',')}` : '',
      t.crateTypes.join('+'),
    ].filter((f) => f !== '');
    return `${t.kind} ${t.name} ${relative(dir, t.path)} ${flags.join(' ')}`;
  });
}

function discover(dir: string, name: string, edition: string, diagnostics: Diagnostic[] = []): string[] {
  return show(dir, discoverTargets(readManifest(join(dir, 'Cargo.toml')), name, edition, diagnostics));
}

const scratch = mkdtempSync(join(tmpdir(), 'cargo-units-targets-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;

/** A throwaway package directory holding `files`. */
function pkgDir(files: Record<string, string>): string {
  const dir = join(scratch, String(scratchCount++));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('discoverTargets', () => {
  test('infers every conventional location, ignoring dot files, other files and directories without main.rs', () => {
    const dir = join(FIXTURES, 'targets-auto');
    assert.deepEqual(discover(dir, 'targets-auto', '2021'), [
      'lib targets_auto src/lib.rs test bench doctest ed2021 lib',
      'bin multi src/bin/multi/main.rs test bench ed2021 bin',
      'bin targets-auto src/main.rs test bench ed2021 bin',
      'bin tool src/bin/tool.rs test bench ed2021 bin',
      'example ex1 examples/ex1.rs ed2021 bin',
      'example ex_dir examples/ex_dir/main.rs ed2021 bin',
      'test it tests/it.rs test ed2021 bin',
      'test suite tests/suite/main.rs test ed2021 bin',
      'bench bench1 benches/bench1.rs bench ed2021 bin',
      'custom-build build-script-build build.rs ed2021 bin',
    ]);
  });

  test('merges explicit tables with inferred targets and applies per-target keys', () => {
    const dir = join(FIXTURES, 'targets-explicit');
    assert.deepEqual(discover(dir, 'targets-explicit', '2021'), [
      // [lib] name and path, test = false, doctest = false, crate types kept.
      'lib explicit_core lib/core.rs bench ed2021 lib+cdylib',
      // Inferred, kept: edition 2021 infers next to explicit tables.
      'bin extra src/bin/extra.rs test bench ed2021 bin',
      'bin needs-x src/needs_x.rs test bench ed2021 requires=x bin',
      'bin no-harness src/no_harness.rs test bench no-harness ed2018 bin',
      // The inferred `targets-explicit` bin has the same path: dropped.
      'bin renamed-main src/main.rs test bench ed2021 bin',
      // No path given: the inferred one.
      'bin tool src/bin/tool.rs ed2021 bin',
      'example ex-lib examples/ex_lib.rs ed2021 rlib',
      'example ex-test examples/ex_test.rs test ed2021 bin',
      'example plain examples/plain.rs ed2021 bin',
      'test bench-only tests/bench_only.rs bench ed2021 bin',
      'test it tests/it.rs test ed2021 bin',
      'test no-harness-test tests/no_harness.rs test no-harness ed2021 bin',
      'test skipped tests/skipped.rs ed2021 bin',
      'bench b benches/b.rs bench no-harness ed2018 bin',
      'bench bench-with-test benches/with_test.rs test bench ed2021 bin',
      // Named after the script's file stem.
      'custom-build build-script-gen tools/gen.rs ed2021 bin',
    ]);
    const gen = discoverTargets(readManifest(join(dir, 'Cargo.toml')), 'targets-explicit', '2021').at(-1);
    assert.equal(gen?.crateName, 'build_script_gen');
  });

  test('edition 2015: an explicit [[bin]] stops bin inference; legacy paths are accepted with warnings', () => {
    const dir = join(FIXTURES, 'targets-2015');
    const diagnostics: Diagnostic[] = [];
    assert.deepEqual(discover(dir, 'targets-2015', '2015', diagnostics), [
      'lib legacy src/legacy.rs doctest ed2015 lib',
      'bin fallback src/bin/main.rs test bench ed2015 bin',
      'bin only src/only.rs test bench ed2015 bin',
      'test t tests/t.rs test ed2015 bin',
      'bench bench src/bench.rs bench ed2015 bin',
    ]);
    // build = false: build.rs exists but is no target.
    assert.deepEqual(
      diagnostics.map((d) => d.line),
      [8, 13, 18, 22],
    );
    assert.ok(diagnostics.every((d) => d.severity === 'warning'));
    assert.match(diagnostics[1]?.message ?? '', /src\/bin\/ignored\.rs/);
  });

  test('auto* = false turns inference off; explicit targets without a path still get the conventional one', () => {
    const dir = join(FIXTURES, 'targets-noauto');
    assert.deepEqual(discover(dir, 'targets-noauto', '2024'), [
      'bin kept src/kept.rs test bench ed2024 bin',
      'test explicit-test tests/explicit-test.rs test ed2024 bin',
    ]);
  });

  test('proc-macro libraries, spelled `proc_macro = true` or `crate_type = ["proc-macro"]`', () => {
    for (const [name, crateName] of [
      ['macros', 'macros'],
      ['macros-ct', 'macros_ct'],
    ]) {
      const dir = join(FIXTURES, 'proc-macro', name!);
      const [lib] = discoverTargets(readManifest(join(dir, 'Cargo.toml')), name!, '2021');
      assert.ok(lib);
      assert.deepEqual(
        [lib.kind, lib.name, lib.crateName, lib.crateTypes, lib.test, lib.doctest],
        ['proc-macro', crateName, crateName, ['proc-macro'], true, true],
      );
    }
  });

  test('lib name from the package name with `-` → `_`; bins keep their hyphens in name but not in crateName', () => {
    const dir = join(FIXTURES, 'targets-auto');
    const targets = discoverTargets(readManifest(join(dir, 'Cargo.toml')), 'targets-auto', '2021');
    assert.deepEqual(
      targets.filter((t) => t.name.startsWith('targets')).map((t) => [t.kind, t.name, t.crateName]),
      [
        ['lib', 'targets_auto', 'targets_auto'],
        ['bin', 'targets-auto', 'targets_auto'],
      ],
    );
  });

  test('build = true means build.rs even when it does not exist; a build.rs directory is no build script', () => {
    const withFlag = pkgDir({ 'Cargo.toml': '[package]\nname = "p"\nbuild = true\n', 'src/lib.rs': '' });
    assert.deepEqual(discover(withFlag, 'p', '2015'), [
      'lib p src/lib.rs test bench doctest ed2015 lib',
      'custom-build build-script-build build.rs ed2015 bin',
    ]);
    const dirNamedBuild = pkgDir({ 'Cargo.toml': '[package]\nname = "p"\n', 'src/lib.rs': '', 'build.rs/x': '' });
    assert.deepEqual(discover(dirNamedBuild, 'p', '2015'), ['lib p src/lib.rs test bench doctest ed2015 lib']);
  });

  test('the errors cargo reports for targets, at the line of the table', () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = "ghost"\n' }, 4, /can't find `ghost` bin, specify bin\.path/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\npath = "src/main.rs"\n', 'src/main.rs': '' }, 4, /binary target bin\.name is required/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = "a"\npath = "a.rs"\n\n[[bin]]\nname = "a"\npath = "b.rs"\n' }, 8, /duplicate binary name a/],
      [{ 'Cargo.toml': '[package]\nname = "p"\nedition = "2021"\n', 'src/bin/x.rs': '', 'src/bin/x/main.rs': '' }, 1, /duplicate binary name x/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[lib]\nname = "a-b"\n', 'src/lib.rs': '' }, 4, /cannot contain hyphens/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[lib]\nname = "q"\n' }, 4, /can't find library `q`/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[lib]\nproc-macro = true\ncrate-type = ["rlib"]\n', 'src/lib.rs': '' }, 4, /cannot mix `proc-macro`/],
      [{ 'Cargo.toml': '[package]\nname = "p"\n\n[lib]\ncrate-type = ["dylib", "cdylib"]\n', 'src/lib.rs': '' }, 4, /both `dylib` and `cdylib`/],
      [
        { 'Cargo.toml': '[package]\nname = "p"\n\n[[bin]]\nname = "b"\npath = "b.rs"\ncrate-type = ["lib"]\n' },
        4,
        /is a binary and can't have any crate-types/,
      ],
      [
        { 'Cargo.toml': '[package]\nname = "p"\n\n[[example]]\nname = "e"\n', 'examples/e.rs': '', 'examples/e/main.rs': '' },
        4,
        /cannot infer path for `e` example/,
      ],
    ];
    for (const [files, line, message] of cases) {
      const dir = pkgDir(files);
      const manifest = readManifest(join(dir, 'Cargo.toml'));
      assert.throws(
        () => discoverTargets(manifest, 'p', manifest.text.includes('2021') ? '2021' : '2015'),
        (e: unknown) => {
          assert.ok(e instanceof InputError);
          assert.equal(e.file, join(dir, 'Cargo.toml'));
          assert.equal(e.line, line, e.message);
          assert.match(e.message, message);
          return true;
        },
      );
    }
  });
});
