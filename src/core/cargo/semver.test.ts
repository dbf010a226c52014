import assert from 'node:assert/strict';
import { test } from 'node:test';
import { satisfies } from './semver.js';

test('version requirements as cargo reads them', () => {
  const cases: [string, string, boolean][] = [
    ['1.7.1', '1', true],
    ['2.0.0', '1', false],
    ['1.7.1', '^1.8', false],
    ['0.2.139', '0.2', true],
    ['0.3.0', '0.2', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2', false],
    ['1.0.5', '=1.0.5', true],
    ['1.0.6', '=1.0.5', false],
    ['1.5.0', '>=1.2, <2', true],
    ['2.0.0', '>=1.2, <2', false],
    ['3.1.0', '*', true],
    ['1.9.0', '1.*', true],
    ['2.0.0', '1.*', false],
    ['1.2.0', '>1.1', true],
    ['1.1.9', '>1.1', false],
    ['1.0.0', '<=1.0', true],
    ['1.1.0', '<=1.0', false],
  ];
  for (const [v, req, want] of cases) assert.equal(satisfies(v, req), want, `${v} ${req}`);
});
