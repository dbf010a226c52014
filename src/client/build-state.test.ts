import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildProgress } from '../protocol/lsp_ext.js';
import { BuildState, formatSeconds } from './build-state.js';
import { toProblem } from './rustc-diagnostics.js';

const ws = 'file:///ws';
const ev = (build: number, event: Extract<BuildProgress, { kind: 'event' }>['event']): BuildProgress => ({ workspace: ws, build, kind: 'event', event });

test('a build: planned units, live states and durations, failures with rustc messages', () => {
  const s = new BuildState();
  s.apply({ workspace: ws, build: 1, kind: 'begin', units: ['a', 'b', 'x'], files: [] }, 0);
  assert.deepEqual([...s.runs.get(ws)!.units.values()].map((u) => u.state), ['queued', 'queued', 'queued']);
  s.apply(ev(1, { type: 'plan', build: ['a', 'b'], cached: ['c'] }), 10);
  assert.deepEqual([...s.runs.get(ws)!.units.keys()], ['a', 'b', 'c'], 'the plan says exactly which units');
  s.apply(ev(1, { type: 'start', unit: 'a' }), 100);
  assert.deepEqual(s.progress(), { running: true, done: 0, total: 2, failed: false });
  s.apply(ev(1, { type: 'done', unit: 'a', seconds: 1.25, out: '/nix/store/x-a' }), 1400);
  s.apply(ev(1, { type: 'start', unit: 'b' }), 1400);
  const rendered = 'error[E0308]: mismatched types\n';
  const range = { line: 1, column: 1, endLine: 1, endColumn: 2 };
  s.apply(ev(1, { type: 'diagnostic', unit: 'b', level: 'error', message: 'mismatched types', code: 'E0308', file: 'src/lib.rs', range, rendered, diagnostic: { message: 'mismatched types', level: 'error', spans: [], rendered } }), 1500);
  s.apply(ev(1, { type: 'failed', unit: 'b', message: 'rustc exited with 1' }), 2400);
  assert.deepEqual(s.progress(), { running: true, done: 2, total: 2, failed: false });
  s.apply({ workspace: ws, build: 1, kind: 'end', outcome: 'failed' }, 2500);
  const run = s.runs.get(ws)!;
  assert.equal(run.status, 'failed');
  assert.deepEqual([...run.units.values()].map((u) => [u.id, u.state, u.seconds]), [['a', 'built', 1.25], ['b', 'failed', 1], ['c', 'cached', undefined]]);
  assert.deepEqual(run.units.get('b')!.messages, ['error[E0308]: mismatched types', 'rustc exited with 1']);
  assert.equal(s.progress().failed, true);
  assert.equal(s.apply(ev(0, { type: 'start', unit: 'a' }), 3000), undefined, 'events of an older build are ignored');
});

test('a cancelled build marks what had not finished', () => {
  const s = new BuildState();
  s.apply({ workspace: ws, build: 2, kind: 'begin', units: ['a', 'b'], files: [] }, 0);
  s.apply(ev(2, { type: 'start', unit: 'a' }), 1);
  s.apply(ev(2, { type: 'phase', unit: 'a', phase: 'rustc' }), 1);
  s.apply({ workspace: ws, build: 2, kind: 'end', outcome: 'cancelled' }, 2);
  assert.deepEqual([...s.runs.get(ws)!.units.values()].map((u) => [u.state, u.phase]), [['cancelled', undefined], ['cancelled', undefined]], 'no phase left on a unit that stopped');
  assert.equal(s.progress().running, false);
  s.apply({ workspace: ws, build: 3, kind: 'begin', units: ['a'], files: [] }, 3);
  s.apply({ workspace: ws, build: 3, kind: 'end', outcome: 'failed', message: 'cannot run nix' }, 4);
  assert.deepEqual([...s.runs.get(ws)!.units.values()].map((u) => u.state), ['skipped'], 'a failed build skipped what it did not get to');
  assert.deepEqual(s.runs.get(ws)!.messages, ['cannot run nix']);
});

test('rustc diagnostics become problems at the primary span, 0-based', () => {
  const p = toProblem({
    message: 'mismatched types',
    level: 'error',
    code: { code: 'E0308' },
    spans: [
      { file_name: '/ws/src/a.rs', line_start: 1, line_end: 1, column_start: 1, column_end: 4, is_primary: false, label: 'expected due to this' },
      { file_name: '/ws/src/lib.rs', line_start: 3, line_end: 3, column_start: 18, column_end: 22, is_primary: true, label: 'expected `u32`, found `&str`' },
    ],
    children: [{ message: 'try using a conversion', level: 'help', spans: [] }],
  });
  assert.deepEqual(p, {
    file: '/ws/src/lib.rs',
    range: { startLine: 2, startCharacter: 17, endLine: 2, endCharacter: 21 },
    severity: 'error',
    message: 'mismatched types (expected `u32`, found `&str`)\nhelp: try using a conversion',
    code: 'E0308',
    related: [{ file: '/ws/src/a.rs', line: 0, character: 0, message: 'expected due to this' }],
  });
  assert.equal(toProblem({ message: 'aborting due to 1 previous error', level: 'error', spans: [] }), undefined);
  assert.equal(formatSeconds(0.25), '250 ms');
  assert.equal(formatSeconds(2.54), '2.5 s');
  assert.equal(formatSeconds(125), '2 min 5 s');
});
