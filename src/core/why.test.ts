/** core/why.ts and the walker's trace hook on a small workspace written here. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_OPTIONS, UnitIndex } from './index.js';
import { WhyIndex } from './why.js';

const dir = mkdtempSync(join(tmpdir(), 'why-core-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

write('Cargo.toml', '[package]\nname = "w"\nversion = "0.1.0"\nedition = "2021"\n[features]\nx = []\n');
const LIB = write(
  'src/lib.rs',
  [
    'mod a;', // 1: a.rs declares `#[path = "z.rs"] mod z2;` and reaches z.rs at depth 2 first
    '#[path = "z.rs"] mod z1;', // 2: z.rs at depth 1: the shortest chain
    '#[cfg(feature = "x")]', // 3
    'mod off { mod c; }', // 4: inline module under a false cfg: off/c.rs would be read
    'cfg_if::cfg_if! {', // 5
    '    if #[cfg(feature = "x")] { mod fx; } else { mod nofx; }', // 6
    '}',
    '#[cfg(some_unknown_cfg)]', // 8
    'mod maybe;', // 9
    '',
  ].join('\n'),
);
// A build script: cfgs it may print (`some_unknown_cfg`, decided when it runs) are unknown.
write('build.rs', 'fn main() { if std::env::var("X").is_ok() { println!("cargo:rustc-cfg=some_unknown_cfg"); } }\n');
write('src/a.rs', '#[path = "z.rs"] mod z2;\n');
const Z = write('src/z.rs', '');
const C = write('src/off/c.rs', '');
const FX = write('src/fx.rs', '');
const NOFX = write('src/nofx.rs', '');
const MAYBE = write('src/maybe.rs', '');
const LONE = write('src/deep/lone.rs', '');

const index = await UnitIndex.open(dir, { ...DEFAULT_OPTIONS, cache: false });
const why = new WhyIndex(index);
const LIB_ID = 'w/lib/w';

test('the shortest chain wins even when a longer one reached the file first', () => {
  const a = why.explain(Z, LIB_ID);
  assert.deepEqual(a.units, [{ unit: LIB_ID, status: 'read', chain: [{ file: LIB, line: 2, via: '#[path = "z.rs"] mod z1', cfg: null, value: true }] }]);
});

test('files under a false inline module and a false cfg_if! branch are in notRead with the false cfg', () => {
  assert.deepEqual(why.explain(C, LIB_ID).notRead, [{ unit: LIB_ID, file: LIB, line: 4, via: 'mod c', cfg: 'feature = "x"', value: false }]);
  assert.deepEqual(why.explain(FX, LIB_ID).notRead, [{ unit: LIB_ID, file: LIB, line: 6, via: 'mod fx', cfg: 'feature = "x"', value: false }]);
  const nofx = why.explain(NOFX, LIB_ID).units[0]!.chain;
  assert.deepEqual(nofx, [{ file: LIB, line: 6, via: 'mod nofx', cfg: 'not(feature = "x")', value: true }]);
});

test('an unknown cfg: uncertain, with the step unknown and why', () => {
  const u = why.explain(MAYBE, LIB_ID).units[0]!;
  assert.equal(u.status, 'uncertain');
  assert.equal(u.chain[0]!.value, 'unknown');
  assert.equal(u.chain[0]!.cfg, 'some_unknown_cfg');
  assert.match(u.chain[0]!.reason!, /some_unknown_cfg/);
});

test('an undeclared file two directories down: declare the directory module first', () => {
  assert.deepEqual(why.explain(LONE).declareIn, [
    { file: LIB, declaration: 'mod deep;', exists: true },
    { file: join(dir, 'src/deep.rs'), declaration: 'mod lone;', exists: false },
  ]);
});

test('a kept trace is walked again when a file only the trace looked at changes', () => {
  assert.deepEqual(why.explain(FX, LIB_ID).notRead.length, 1);
  // fx.rs is read by no unit (its branch is off), so the index does not re-resolve on its change;
  // the trace must still see the new declaration in it.
  write('src/fx.rs', 'mod fxchild;\n');
  const child = write('src/fx/fxchild.rs', '');
  index.updateFile(FX);
  index.updateFile(child);
  assert.deepEqual(why.explain(child, LIB_ID).notRead, [{ unit: LIB_ID, file: FX, line: 1, via: 'mod fxchild', cfg: 'feature = "x"', value: false }]);
});
