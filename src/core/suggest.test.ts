import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, didYouMean, editDistance } from './suggest.js';

test('edit distance counts insertions, deletions, substitutions and swapped neighbours', () => {
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('std', 'std'), 0);
  assert.equal(editDistance('sdt', 'std'), 1);
  assert.equal(editDistance('biuld', 'build'), 1);
  assert.equal(editDistance('ca', 'abc'), 3);
  assert.equal(editDistance('serde', 'serd'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('a suggestion only for a near miss, by any spelling of a candidate', () => {
  assert.equal(closest('stdd', ['std', 'alloc']), 'std');
  assert.equal(closest('nosuchfeature', ['std', 'alloc', 'default']), undefined);
  const ids = ['units-core/lib/units_core', 'units-parse/lib/units_parse'];
  assert.equal(
    closest('units_cor', ids, (id) => [id, id.split('/').pop()!]),
    'units-core/lib/units_core',
  );
  assert.equal(didYouMean('unts', ['units', 'files']), '; did you mean `units`?');
  assert.equal(didYouMean('zzzz', ['units', 'files']), '');
});
