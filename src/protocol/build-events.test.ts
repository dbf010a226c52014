import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuildEventError, parseBuildEvent, type BuildEvent } from './build-events.js';
import { unitLabel } from './labels.js';

const rendered = 'error[E0308]: mismatched types\n';
const span = {
  file_name: 'src/lib.rs',
  line_start: 3,
  line_end: 3,
  column_start: 5,
  column_end: 8,
  is_primary: true,
  label: 'expected `u32`',
  suggested_replacement: null,
  suggestion_applicability: null,
};
const EVENTS: BuildEvent[] = [
  { type: 'plan', build: ['a'], substitute: ['s'], cached: ['b'] },
  { type: 'start', unit: 'a' },
  { type: 'phase', unit: 'a', phase: 'rustc' },
  { type: 'log', unit: null, line: 'x' },
  { type: 'log', unit: 'a', line: 'warning: y' },
  {
    type: 'diagnostic',
    unit: 'a',
    level: 'error',
    message: 'mismatched types',
    code: 'E0308',
    file: 'src/lib.rs',
    range: { line: 3, column: 5, endLine: 3, endColumn: 8 },
    rendered,
    diagnostic: {
      message: 'mismatched types',
      level: 'error',
      code: { code: 'E0308' },
      spans: [span],
      children: [
        {
          message: 'try',
          level: 'help',
          code: null,
          spans: [{ ...span, label: null, suggested_replacement: '7', suggestion_applicability: 'MachineApplicable' }],
          children: [],
        },
      ],
      rendered,
    },
  },
  { type: 'done', unit: 'a', seconds: 1.5, out: '/nix/store/x' },
  { type: 'substituted', unit: 's', out: '/nix/store/y' },
  { type: 'skipped', unit: 'd', message: 'd not built: a dependency failed' },
  { type: 'failed', unit: 'a', message: 'a failed in phase rustc' },
  { type: 'failed', unit: null, message: 'Nix is not installed', reason: 'nix-missing' },
  { type: 'finished', built: ['a'], cached: [], substituted: ['s'], failed: ['c'], skipped: ['d'], seconds: 3, outs: { a: '/nix/store/x', s: '/nix/store/y' } },
  {
    type: 'finished',
    built: [],
    cached: ['b'],
    substituted: [],
    failed: [],
    skipped: [],
    seconds: 0.2,
    outs: { b: '/nix/store/z' },
    phases: { evaluate: 0.1, plan: 0.05 },
  },
];

test('every event kind survives printing and strict parsing unchanged', () => {
  for (const e of EVENTS) assert.deepEqual(parseBuildEvent(JSON.stringify(e)), e);
});

test('a line that is not a well-formed event is an error naming what is wrong, never skipped', () => {
  const cases: [string, RegExp][] = [
    ['building /nix/store/…', /not JSON/],
    ['[1]', /not a JSON object/],
    ['{"event":"start","unit":"a"}', /unknown build event type undefined/],
    ['{"type":"nope","unit":"a"}', /unknown build event type "nope"/],
    ['{"type":"start"}', /start: `unit` must be a string, got nothing/],
    ['{"type":"plan","toBuild":["a"],"cached":[]}', /plan: `build` must be a list of strings/],
    ['{"type":"done","unit":"a","seconds":"1","out":"/x"}', /done: `seconds` must be a number, got "1"/],
    ['{"type":"log","line":"x"}', /log: `unit` must be a string or null/],
    ['{"type":"failed","unit":null,"message":"m","reason":"oops"}', /`reason` must be one of/],
    ['{"type":"finished","built":1,"cached":[],"failed":[],"seconds":1}', /finished: `built` must be a list of strings, got 1/],
  ];
  const diag = EVENTS.find((e) => e.type === 'diagnostic')!;
  cases.push([JSON.stringify({ ...diag, range: { line: 3 } }), /diagnostic\.range: `column` must be a number/]);
  cases.push([
    JSON.stringify({ ...diag, diagnostic: { message: 'm', level: 'error', spans: [{ file_name: 'x' }] } }),
    /diagnostic\.diagnostic\.spans\[0\]: `line_start` must be a number/,
  ]);
  for (const [line, why] of cases) {
    assert.throws(
      () => parseBuildEvent(line),
      (err: unknown) => err instanceof BuildEventError && why.test(err.message) && err.line === line,
      line,
    );
  }
});

test('unit labels read like cargo', () => {
  assert.equal(unitLabel({ id: 'cargo/lib/cargo', package: 'cargo', kind: 'lib', name: 'cargo' }), 'cargo (lib)');
  assert.equal(unitLabel({ id: 'cargo/bin/cargo', package: 'cargo', kind: 'bin', name: 'cargo' }), 'cargo (bin cargo)');
  assert.equal(unitLabel({ id: 'cargo/lib/cargo[test]', package: 'cargo', kind: 'lib', name: 'cargo' }), 'cargo (lib) [test]');
  assert.equal(unitLabel({ id: 'x/custom-build/build-script-build', package: 'x', kind: 'custom-build', name: 'build-script-build' }), 'x (build script)');
  assert.equal(unitLabel({ id: 'x/test/it', package: 'x', kind: 'test', name: 'it' }), 'x (test it)');
});
