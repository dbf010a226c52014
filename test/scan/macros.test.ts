/** macro_rules! expansion in the crate walk: each form of the macro-forms fixture, checked against rustc. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { assertAgreesWithRustc, copyFixture, filesOf, fixture, open, options, uncertainOf } from '../helpers.js';

const LIB = 'macroforms/lib/macroforms';
const ALWAYS = [
  'src/early.rs', // crate::exported!(from_early) before the definition is walked: a second walk
  'src/early/from_early.rs',
  'src/inner/deep.rs', // a macro of an inline module
  'src/lib.rs',
  'src/macros.rs',
  'src/nested_a.rs', // nest! calls cfg_always! and itself
  'src/nested_b.rs',
  'src/on_unix.rs', // pick!, first arm; the second arm's cfg(windows) is false
  'src/via_path.rs', // crate::exported!
];

test('macro_rules! forms: meta fragment, several arms, macros calling macros, #[macro_use], inline modules, crate::name!', async () => {
  const index = await open(fixture('scan', 'macro-forms'));
  assert.deepEqual(filesOf(index, LIB), ALWAYS);
  assert.deepEqual([...uncertainOf(index, LIB).keys()], []);
  await assertAgreesWithRustc(index);
  // `#![feature = "client"]` reaches the cfg through the `$meta:meta` fragment.
  const client = await open(fixture('scan', 'macro-forms'), options({ features: ['client'] }));
  assert.deepEqual(filesOf(client, LIB), [...ALWAYS, 'src/client.rs'].sort());
  await assertAgreesWithRustc(client);
});

test('an edit that changes a macro call in a file the prefilter leaves unparsed re-resolves the unit', async () => {
  const ws = copyFixture(fixture('scan', 'macro-forms'));
  const index = await open(ws);
  const early = join(ws, 'src', 'early.rs');
  const changed = index.updateFile(early, readFileSync(early, 'utf8').replace('from_early', 'renamed'), true);
  assert.deepEqual(changed, [LIB, `${LIB}[test]`]);
  assert.ok(!filesOf(index, LIB).includes('src/early/from_early.rs'));
  rmSync(dirname(ws), { recursive: true, force: true });
});

test('a recursion that never ends stops at the recursion limit with an error, and a macro no arm matches stays uncertain', async () => {
  const ws = copyFixture(fixture('scan', 'macro-forms'));
  const lib = join(ws, 'src', 'lib.rs');
  writeFileSync(join(ws, 'src', 'odd.rs'), '// declared only inside strict!, which no arm matches\n');
  const index = await open(ws);
  const text =
    readFileSync(lib, 'utf8') +
    '\nmacro_rules! forever { ($($t:tt)*) => { forever!($($t)*); }; }\nforever! { mod never; }\n' +
    'macro_rules! strict { (yes) => {}; }\nstrict! { mod odd; }\n';
  index.updateFile(lib, text, true);
  const diags = index.unit(LIB)!.diagnostics.map((d) => d.message);
  assert.ok(
    diags.some((m) => /recursion limit \(128\) reached while expanding `forever!`/.test(m)),
    diags.join('\n'),
  );
  const uncertain = uncertainOf(index, LIB);
  assert.match(uncertain.get('src/odd.rs') ?? 'missing', /could not expand: no arm of its definition matches/);
  rmSync(dirname(ws), { recursive: true, force: true });
});

test('an expansion left unparsed before a module-declaring macro is defined is read again once one is', async () => {
  // wrapped.rs's `wrap!` expands, before `decl!` is defined, to `crate::decl!(early);`: text that
  // names no file by itself, so it is not parsed then. `decl!` declares modules: the crate is
  // walked again, and the call is expanded with the exported definition.
  const index = await open(fixture('scan', 'macro-late-export'));
  const lib = 'macrolate/lib/macrolate';
  assert.deepEqual(filesOf(index, lib), ['src/lib.rs', 'src/wrapped.rs', 'src/wrapped/early.rs']);
  assert.deepEqual([...uncertainOf(index, lib).keys()], []);
  await assertAgreesWithRustc(index);
});
