import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDryRun, parseNixLine, rustcDiagnostic, stripAnsi } from './events.js';

test('parseDryRun: drv paths under "will be built"; store paths under "will be fetched"', () => {
  const stderr = [
    'these 2 derivations will be built:',
    '  /nix/store/aaa-unit-a.drv',
    '  /nix/store/bbb-unit-b.drv',
    'these 1 paths will be fetched (0.01 MiB download, 0.02 MiB unpacked):',
    '  /nix/store/ccc-foo',
    'this derivation will be built:',
    '  /nix/store/ddd-unit-d.drv',
  ].join('\n');
  assert.deepEqual(parseDryRun(stderr), ['/nix/store/aaa-unit-a.drv', '/nix/store/bbb-unit-b.drv', '/nix/store/ddd-unit-d.drv']);
  assert.deepEqual(parseDryRun(stderr, 'fetched'), ['/nix/store/ccc-foo']);
  assert.deepEqual(parseDryRun("warning: you did not specify '--add-root'\n"), []);
});

test('parseNixLine: internal-json lines only', () => {
  assert.deepEqual(parseNixLine('@nix {"action":"stop","id":5}'), { action: 'stop', id: 5 });
  assert.equal(parseNixLine('@nix {broken'), undefined);
  assert.equal(parseNixLine('plain text'), undefined);
});

test('rustcDiagnostic: primary span, remapped /src path made workspace-relative, no ANSI', () => {
  const line = JSON.stringify({
    $message_type: 'diagnostic',
    message: 'mismatched types',
    code: { code: 'E0308' },
    level: 'error',
    spans: [
      { file_name: '/src/crates/a/src/other.rs', line_start: 1, line_end: 1, column_start: 1, column_end: 2, is_primary: false },
      { file_name: 'crates/a/src/lib.rs', line_start: 3, line_end: 3, column_start: 26, column_end: 30, is_primary: true },
    ],
    rendered: '\x1b[31merror[E0308]\x1b[0m: mismatched types\n',
  });
  const d = rustcDiagnostic('a/lib/a', line);
  assert.ok(d?.event && d.event.type === 'diagnostic');
  assert.equal(d.event.file, 'crates/a/src/lib.rs');
  assert.deepEqual(d.event.range, { line: 3, column: 26, endLine: 3, endColumn: 30 });
  assert.equal(d.event.code, 'E0308');
  assert.equal(d.event.rendered, 'error[E0308]: mismatched types\n');
  const noSpan = rustcDiagnostic('a/lib/a', JSON.stringify({ $message_type: 'diagnostic', message: 'aborting due to 1 previous error', code: null, level: 'error', spans: [], rendered: 'error: aborting due to 1 previous error\n' }));
  assert.deepEqual(noSpan, { text: 'error: aborting due to 1 previous error' });
  assert.equal(rustcDiagnostic('a/lib/a', 'warning: plain'), undefined);
  assert.equal(stripAnsi('\x1b[35;1m/nix/store/x.drv\x1b[0m'), '/nix/store/x.drv');
});
