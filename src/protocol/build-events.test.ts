import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBuildEvent } from './build-events.js';
import { unitLabel } from './labels.js';

test('parses every event kind of cargo-units build --json', () => {
  const diag = { message: 'mismatched types', level: 'error', code: { code: 'E0308' }, spans: [{ file_name: 'src/lib.rs', line_start: 3, line_end: 3, column_start: 5, column_end: 8, is_primary: true }] };
  const lines: [unknown, unknown][] = [
    [{ type: 'plan', toBuild: ['a'], cached: ['b'] }, { type: 'plan', toBuild: ['a'], cached: ['b'] }],
    [{ event: 'start', unit: 'a' }, { type: 'start', unit: 'a' }],
    [{ type: 'phase', unit: 'a', phase: 'building' }, { type: 'phase', unit: 'a', phase: 'building' }],
    [{ type: 'log', line: 'x' }, { type: 'log', line: 'x' }],
    [{ type: 'diagnostic', unit: 'a', diagnostic: diag }, { type: 'diagnostic', unit: 'a', diagnostic: diag }],
    [{ type: 'done', unit: 'a', seconds: 1.5, out: '/nix/store/x' }, { type: 'done', unit: 'a', seconds: 1.5, out: '/nix/store/x' }],
    [{ type: 'failed', unit: 'a', message: 'rustc failed' }, { type: 'failed', unit: 'a', message: 'rustc failed' }],
    [{ type: 'finished', built: ['a'], cached: 2, failed: [], seconds: 3 }, { type: 'finished', built: 1, cached: 2, failed: 0, seconds: 3 }],
  ];
  for (const [input, expected] of lines) assert.deepEqual(parseBuildEvent(JSON.stringify(input)), expected);
});

test('the shapes cargo-units build prints: plan.build, lists in finished, null units, flat diagnostics', () => {
  assert.deepEqual(parseBuildEvent('{"type":"plan","build":["a"],"cached":[]}'), { type: 'plan', toBuild: ['a'], cached: [] });
  assert.deepEqual(parseBuildEvent('{"type":"log","unit":null,"line":"x"}'), { type: 'log', line: 'x' });
  assert.deepEqual(parseBuildEvent('{"type":"failed","unit":null,"message":"m"}'), { type: 'failed', message: 'm' });
  const flat = { type: 'diagnostic', unit: 'u/lib/u', level: 'error', message: 'mismatched types', code: 'E0308', file: 'src/lib.rs', range: { line: 3, column: 5, endLine: 3, endColumn: 9 }, rendered: 'error[E0308]: …' };
  assert.deepEqual(parseBuildEvent(JSON.stringify(flat)), {
    type: 'diagnostic',
    unit: 'u/lib/u',
    diagnostic: { message: 'mismatched types', level: 'error', code: { code: 'E0308' }, spans: [{ file_name: 'src/lib.rs', line_start: 3, column_start: 5, line_end: 3, column_end: 9, is_primary: true }], rendered: 'error[E0308]: …' },
  });
  assert.equal(parseBuildEvent(JSON.stringify({ ...flat, range: { line: 3 } })), undefined);
});

test('lines that are not well-formed events are not events', () => {
  for (const l of ['', 'building /nix/store/…', '{not json', '[1]', '{"type":"start"}', '{"type":"nope","unit":"a"}', '{"type":"diagnostic","unit":"a","diagnostic":{"message":"m"}}', '{"type":"done","unit":"a","seconds":"1"}']) {
    assert.equal(parseBuildEvent(l), undefined, l);
  }
});

test('unit labels read like cargo', () => {
  assert.equal(unitLabel({ id: 'cargo/lib/cargo', package: 'cargo', kind: 'lib', name: 'cargo' }), 'cargo (lib)');
  assert.equal(unitLabel({ id: 'cargo/bin/cargo', package: 'cargo', kind: 'bin', name: 'cargo' }), 'cargo (bin cargo)');
  assert.equal(unitLabel({ id: 'cargo/lib/cargo[test]', package: 'cargo', kind: 'lib', name: 'cargo' }), 'cargo (lib) [test]');
  assert.equal(unitLabel({ id: 'x/custom-build/build-script-build', package: 'x', kind: 'custom-build', name: 'build-script-build' }), 'x (build script)');
  assert.equal(unitLabel({ id: 'x/test/it', package: 'x', kind: 'test', name: 'it' }), 'x (test it)');
});
