import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { learnRerun, readLearned, rerunPaths } from './rerun.js';

test('rerunPaths: relative to the package, inside the workspace, else undefined', () => {
  assert.deepEqual(rerunPaths('/ws', 'crates/a', 'build.rs\nsrc/gen/\n../shared/x.h\nbuild.rs\n'), ['crates/a/build.rs', 'crates/a/src/gen', 'crates/shared/x.h']);
  assert.deepEqual(rerunPaths('/ws', '', 'build.rs\n'), ['build.rs']);
  assert.equal(rerunPaths('/ws', 'crates/a', ''), undefined, 'printed nothing: the whole package');
  assert.equal(rerunPaths('/ws', 'crates/a', '/usr/include/zlib.h\n'), undefined, 'outside the workspace');
  assert.equal(rerunPaths('/ws', 'crates/a', '../..\n'), undefined, 'the whole workspace');
});

test('learnRerun: records, replaces and forgets lists; reports changes only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-rerun-'));
  const out = join(dir, 'run-out');
  mkdirSync(out);
  writeFileSync(join(out, 'rerun-if-changed'), 'build.rs\n');
  const run = { id: 'a/custom-build/build-script-build', packageDir: 'crates/a', out };
  assert.equal(learnRerun(dir, '/ws', [run]), true);
  assert.deepEqual(readLearned(dir), { 'a/custom-build/build-script-build': ['crates/a/build.rs'] });
  assert.equal(learnRerun(dir, '/ws', [run]), false);
  writeFileSync(join(out, 'rerun-if-changed'), '');
  assert.equal(learnRerun(dir, '/ws', [run]), true);
  assert.deepEqual(readLearned(dir), {});
  writeFileSync(join(dir, 'rerun-if-changed.json'), '{ not json');
  assert.deepEqual(readLearned(dir), {});
  assert.ok(readFileSync(join(dir, 'rerun-if-changed.json'), 'utf8').length > 0);
});
