/** Path helpers: toRelative's shortcut for normalised paths gives what path.relative gives. */
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { test } from 'node:test';
import { toRelative } from './paths.js';

test('toRelative equals path.relative (with `.` for the root), also for paths that are not normalised', () => {
  const roots = ['/ws', '/ws/', '/w/s', '/ws/./a', '/ws/../ws', '/', '//ws'];
  const paths = [
    '/ws/a.rs',
    '/ws/src/lib.rs',
    '/ws',
    '/ws/',
    '/wsx/a.rs',
    '/ws/./a.rs',
    '/ws/../ws/a.rs',
    '/ws//a.rs',
    '/ws/a/..',
    '/ws/a/.',
    '/other/x',
    '/w/s/t',
    '/',
  ];
  for (const root of roots) {
    for (const p of paths) {
      const want = relative(root, p) || '.';
      assert.equal(toRelative(root, p), want, `${root} ${p}`);
    }
  }
});
