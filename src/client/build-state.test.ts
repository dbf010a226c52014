import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildProgress } from '../protocol/lsp_ext.js';
import { BuildState, formatSeconds, orderedRows } from './build-state.js';
import { toProblem } from './rustc-diagnostics.js';

const ws = 'file:///ws';
const ev = (build: number, event: Extract<BuildProgress, { kind: 'event' }>['event']): BuildProgress => ({ workspace: ws, build, kind: 'event', event });

const diag = (unit: string, code: string, message: string, file = '/ws/src/lib.rs'): Extract<BuildProgress, { kind: 'event' }>['event'] => {
  const rendered = `error[${code}]: ${message}\n`;
  const range = { line: 3, column: 5, endLine: 3, endColumn: 9 };
  return { type: 'diagnostic', unit, level: 'error', message, code, file, range, rendered, diagnostic: { message, level: 'error', spans: [], rendered } };
};

test('a build: planned units, live states and durations; the failed unit and its first error first, its dependents skipped naming it', () => {
  const s = new BuildState();
  const deps = { app: ['lib'], lib: ['core', 'core/custom-build'], 'core/custom-build': [], core: ['core/custom-build'], other: [] };
  s.apply({ workspace: ws, build: 1, kind: 'begin', units: ['app', 'x'], files: [], deps }, 0);
  assert.deepEqual(
    [...s.runs.get(ws)!.units.values()].map((u) => u.state),
    ['queued', 'queued'],
  );
  const g = s.generation;
  s.apply(ev(1, { type: 'plan', build: ['app', 'core/custom-build#run', 'core', 'lib', 'other'], substitute: [], cached: ['c'] }), 10);
  assert.equal(s.generation, g + 1, 'every change bumps the generation');
  assert.deepEqual([...s.runs.get(ws)!.units.keys()], ['app', 'core/custom-build#run', 'core', 'lib', 'other', 'c'], 'the plan says exactly which units');
  s.apply(ev(1, { type: 'start', unit: 'other' }), 100);
  assert.deepEqual(s.progress(), { running: true, done: 0, total: 5 });
  s.apply(ev(1, { type: 'done', unit: 'other', seconds: 1.25, out: '/nix/store/x-a' }), 1400);
  s.apply(ev(1, { type: 'start', unit: 'core/custom-build#run' }), 1400);
  s.apply(ev(1, diag('core/custom-build#run', 'E0425', 'cannot find value `x`')), 1500);
  s.apply(ev(1, diag('core/custom-build#run', 'E0308', 'mismatched types')), 1500);
  s.apply(ev(1, { type: 'failed', unit: 'core/custom-build#run', message: 'core/custom-build#run failed in phase build-script:\n…' }), 2400);
  for (const u of ['app', 'core', 'lib']) s.apply(ev(1, { type: 'skipped', unit: u, message: `${u} not built: a dependency failed` }), 2450);
  s.apply(
    ev(1, {
      type: 'finished',
      built: ['other'],
      cached: ['c'],
      substituted: [],
      failed: ['core/custom-build#run'],
      skipped: ['app', 'core', 'lib'],
      seconds: 2.4,
      outs: {},
    }),
    2450,
  );
  assert.equal(s.progress().done, 5);
  s.apply({ workspace: ws, build: 1, kind: 'end', outcome: 'failed', exitCode: 1 }, 2500);
  const run = s.runs.get(ws)!;
  assert.equal(run.status, 'failed');
  assert.equal(run.problem, undefined, 'an exit code is no problem row');
  assert.deepEqual(
    orderedRows(run).map((u) => [u.id, u.state]),
    [
      ['core/custom-build#run', 'failed'],
      ['app', 'skipped'],
      ['core', 'skipped'],
      ['lib', 'skipped'],
      ['other', 'built'],
      ['c', 'cached'],
    ],
  );
  const script = run.units.get('core/custom-build#run')!;
  assert.deepEqual(
    script.errors.map((e) => e.title),
    ['error[E0425]: cannot find value `x`', 'error[E0308]: mismatched types'],
  );
  assert.equal(script.seconds, 1);
  assert.deepEqual(run.units.get('app')!.causes, ['core/custom-build#run'], 'the cause through lib and core');
  assert.deepEqual(run.units.get('core')!.causes, ['core/custom-build#run']);
  assert.deepEqual(run.result, { built: 1, cached: 1, failed: 1 }, 'failed counts the units that failed themselves');
  assert.equal(s.last(), run);
  assert.equal(s.apply(ev(0, { type: 'start', unit: 'a' }), 3000), undefined, 'events of an older build are ignored');
});

test('a build-level failure is one problem with its reason and the setting to open; a cancelled build marks what had not finished', () => {
  const s = new BuildState();
  s.apply({ workspace: ws, build: 2, kind: 'begin', units: ['a', 'b'], files: [] }, 0);
  s.apply(ev(2, { type: 'start', unit: 'a' }), 1);
  s.apply(ev(2, { type: 'phase', unit: 'a', phase: 'rustc' }), 1);
  s.apply(ev(2, { type: 'failed', unit: null, message: 'cancelled', reason: 'cancelled' }), 2);
  s.apply({ workspace: ws, build: 2, kind: 'end', outcome: 'cancelled' }, 2);
  assert.deepEqual(
    [...s.runs.get(ws)!.units.values()].map((u) => [u.state, u.phase]),
    [
      ['cancelled', undefined],
      ['cancelled', undefined],
    ],
    'no phase left on a unit that stopped',
  );
  assert.equal(s.runs.get(ws)!.problem, undefined, 'cancelling is no problem');
  assert.equal(s.progress().running, false);
  s.apply({ workspace: ws, build: 3, kind: 'begin', units: ['a'], files: [] }, 3);
  s.apply(ev(3, { type: 'failed', unit: null, message: 'nix-store: invalid option --bogus', reason: 'nix-config' }), 4);
  s.apply({ workspace: ws, build: 3, kind: 'end', outcome: 'failed', exitCode: 5 }, 4);
  assert.deepEqual(
    [...s.runs.get(ws)!.units.values()].map((u) => u.state),
    ['skipped'],
    'a failed build skipped what it did not get to',
  );
  assert.deepEqual(s.runs.get(ws)!.problem, { message: 'nix-store: invalid option --bogus', reason: 'nix-config', setting: 'nix.extraArgs' });
  s.apply({ workspace: ws, build: 4, kind: 'begin', units: ['a'], files: [] }, 5);
  s.apply(
    {
      workspace: ws,
      build: 4,
      kind: 'end',
      outcome: 'failed',
      message: 'cargoUnits.nix.command: /nope/nix does not exist',
      reason: 'setting',
      setting: 'nix.command',
    },
    6,
  );
  assert.deepEqual(s.runs.get(ws)!.problem, { message: 'cargoUnits.nix.command: /nope/nix does not exist', reason: 'setting', setting: 'nix.command' });
});

test('rustc diagnostics become problems at the primary span, 0-based, with labels, notes, the error index link and fixes', () => {
  const p = toProblem({
    message: 'mismatched types',
    level: 'error',
    code: { code: 'E0308' },
    spans: [
      { file_name: '/ws/src/a.rs', line_start: 1, line_end: 1, column_start: 1, column_end: 4, is_primary: false, label: 'expected due to this' },
      { file_name: '/ws/src/lib.rs', line_start: 3, line_end: 3, column_start: 18, column_end: 22, is_primary: true, label: 'expected `u32`, found `&str`' },
    ],
    children: [
      { message: 'for more, see the book', level: 'note', spans: [] },
      {
        message: 'try using a conversion method',
        level: 'help',
        spans: [
          {
            file_name: '/ws/src/lib.rs',
            line_start: 3,
            line_end: 3,
            column_start: 22,
            column_end: 22,
            is_primary: true,
            suggested_replacement: '.to_string()',
            suggestion_applicability: 'MaybeIncorrect',
          },
        ],
      },
      {
        message: 'remove this',
        level: 'help',
        spans: [
          {
            file_name: '/ws/src/lib.rs',
            line_start: 4,
            line_end: 4,
            column_start: 1,
            column_end: 5,
            is_primary: true,
            suggested_replacement: '',
            suggestion_applicability: 'MachineApplicable',
          },
        ],
      },
      {
        message: 'fill in',
        level: 'help',
        spans: [
          {
            file_name: '/ws/src/lib.rs',
            line_start: 5,
            line_end: 5,
            column_start: 1,
            column_end: 1,
            is_primary: true,
            suggested_replacement: '/* value */',
            suggestion_applicability: 'HasPlaceholders',
          },
        ],
      },
    ],
  });
  const r = (l: number, c: number, el: number, ec: number) => ({ startLine: l, startCharacter: c, endLine: el, endCharacter: ec });
  assert.deepEqual(p, {
    file: '/ws/src/lib.rs',
    range: r(2, 17, 2, 21),
    severity: 'error',
    message: 'mismatched types (expected `u32`, found `&str`)\nnote: for more, see the book',
    code: { value: 'E0308', href: 'https://doc.rust-lang.org/error_codes/E0308.html' },
    related: [
      { file: '/ws/src/a.rs', range: r(0, 0, 0, 3), message: 'expected due to this' },
      { file: '/ws/src/lib.rs', range: r(2, 21, 2, 21), message: 'help: try using a conversion method: `.to_string()`' },
      { file: '/ws/src/lib.rs', range: r(3, 0, 3, 4), message: 'help: remove this: ``' },
      { file: '/ws/src/lib.rs', range: r(4, 0, 4, 0), message: 'help: fill in: `/* value */`' },
    ],
    fixes: [
      {
        title: 'try using a conversion method: `.to_string()`',
        preferred: false,
        edits: [{ file: '/ws/src/lib.rs', range: r(2, 21, 2, 21), newText: '.to_string()' }],
      },
      { title: 'remove this', preferred: true, edits: [{ file: '/ws/src/lib.rs', range: r(3, 0, 3, 4), newText: '' }] },
    ],
  });
  assert.equal(
    toProblem({
      message: 'unused variable',
      level: 'warning',
      code: { code: 'unused_variables' },
      spans: [{ file_name: 'x.rs', line_start: 1, line_end: 1, column_start: 1, column_end: 2, is_primary: true }],
    })?.code?.href,
    undefined,
    'lint names have no error-index page',
  );
  assert.equal(toProblem({ message: 'aborting due to 1 previous error', level: 'error', spans: [] }), undefined);
  assert.equal(formatSeconds(0.25), '250 ms');
  assert.equal(formatSeconds(2.54), '2.5 s');
  assert.equal(formatSeconds(125), '2 min 5 s');
});
