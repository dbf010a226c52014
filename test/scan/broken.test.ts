/** Bad sources: every problem is a diagnostic with file and line; nothing crashes; nothing outside is read. */
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { toRelative } from '../../src/core/paths.js';
import { unitsJson } from '../../src/core/json.js';
import { copyFixture, filesOf, fixture, open } from '../helpers.js';

const LIB = 'broken/lib/broken';

test('a 10 MB source file and a symlink loop do not crash the scanner', async () => {
  const ws = copyFixture(fixture('scan', 'broken'));
  const big = 'pub fn f() -> u32 { 1 + 2 * 3 }\n'.repeat(Math.ceil((10 * 1024 * 1024) / 32)) + 'mod after_big;\n';
  writeFileSync(join(ws, 'src', 'big.rs'), big);
  writeFileSync(join(ws, 'src', 'big_after.rs'), '');
  symlinkSync('loop_b.rs', join(ws, 'src', 'loop_a.rs'));
  symlinkSync('loop_a.rs', join(ws, 'src', 'loop_b.rs'));
  appendFileSync(join(ws, 'src', 'lib.rs'), 'mod big;\nmod loop_a;\n');
  const index = await open(ws);
  const files = filesOf(index, LIB);
  assert.ok(files.includes('src/big.rs'));
  assert.ok(!files.includes('src/loop_a.rs'));
  const diags = index.diagnostics().map((d) => `${toRelative(ws, d.file)}:${d.line}: ${d.message}`);
  assert.ok(
    diags.some((d) => /^src\/big\.rs:\d+: file not found for module `after_big`/.test(d)),
    diags.join('\n'),
  );
  assert.ok(
    diags.some((d) => /^src\/lib\.rs:\d+: file not found for module `loop_a`/.test(d)),
    diags.join('\n'),
  );
});

test('missing files, escapes, cycles, syntax errors and bad UTF-8 give diagnostics, not crashes', async () => {
  const ws = copyFixture(fixture('scan', 'broken'));
  // A sentinel outside the workspace: if it were ever parsed, its module would show up in a diagnostic.
  writeFileSync(join(dirname(ws), 'outside.rs'), 'mod leaked_sentinel_module;\n');
  // A symlink out of the workspace is outside too.
  symlinkSync(join(dirname(ws), 'outside.rs'), join(ws, 'src', 'link.rs'));
  appendFileSync(join(ws, 'src', 'lib.rs'), 'mod link;\n');

  const index = await open(ws);
  const rel = (f: string) => toRelative(ws, f);
  assert.deepEqual(filesOf(index, LIB), [
    'src/cycle/a.rs',
    'src/cycle/b.rs',
    'src/fine.rs',
    'src/latin1.rs',
    'src/latin1/under_latin1.rs', // declared in a file that is not valid UTF-8
    'src/lib.rs',
    'src/syntax.rs',
    'src/syntax/after_error.rs', // declared after a syntax error: still found
  ]);
  const external = index.unit(LIB)!.external;
  assert.ok(external.includes(join(dirname(ws), 'outside.rs')), `external: ${external}`);
  assert.ok(external.includes('/etc/hostname'));
  assert.ok(external.includes(join(ws, 'src', 'link.rs')), 'a symlink leading out of the workspace is external');

  const diags = index.diagnostics().map((d) => `${rel(d.file)}:${d.line}: ${d.severity}: ${d.message}`);
  const has = (re: RegExp) =>
    assert.ok(
      diags.some((d) => re.test(d)),
      `no diagnostic matching ${re}:\n${diags.join('\n')}`,
    );
  has(/^src\/lib\.rs:3: error: file not found for module `missing`/);
  has(/^src\/lib\.rs:5: warning: #\[path\] of module `escape` points outside the workspace/);
  has(/^src\/lib\.rs:6: warning: include_str! points outside the workspace/);
  has(/^src\/cycle\/b\.rs:1: error: circular modules: a\.rs → b\.rs → a\.rs/);
  has(/^src\/syntax\.rs:1: warning: syntax error/);
  has(/^src\/latin1\.rs:0: error: file is not valid UTF-8/);
  const everything = JSON.stringify(unitsJson(index)) + diags.join('\n');
  assert.ok(!everything.includes('leaked_sentinel'), 'a file outside the workspace was read');
});
