import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectations, latencies, summarize, type StampedEvent, type ViewRow, type ViewSnapshot } from './build-view-latency.js';

const row = (label: string, icon: string, description = ''): ViewRow => ({ label, icon: `codicon codicon-${icon}`, description });
const label = (u: string) => `${u.split('/')[0]} (lib)`;
const events: StampedEvent[] = [
  { t: 100, event: { type: 'plan', build: ['a/lib/a', 'b/lib/b'], substitute: [], cached: [] } },
  { t: 200, event: { type: 'start', unit: 'a/lib/a' } },
  { t: 201, event: { type: 'phase', unit: 'a/lib/a', phase: 'rustc' } },
  { t: 400, event: { type: 'done', unit: 'a/lib/a', seconds: 0.2, out: '/nix/store/x' } },
  { t: 402, event: { type: 'start', unit: 'b/lib/b' } },
  { t: 500, event: { type: 'log', unit: 'b/lib/b', line: 'compiling' } },
  { t: 600, event: { type: 'done', unit: 'b/lib/b', seconds: 0.2, out: '/nix/store/y' } },
];

test('each row-setting event is matched to the first snapshot that shows its state, or a later state of the same unit', () => {
  const snaps: ViewSnapshot[] = [
    { t: 50, rows: [row('a (lib)', 'circle-outline'), row('b (lib)', 'circle-outline')] },
    { t: 230, rows: [row('a (lib)', 'sync', 'rustc · 0.0 s'), row('b (lib)', 'circle-outline')] },
    // b's start is never drawn: its row goes from queued to built.
    { t: 650, rows: [row('a (lib)', 'pass'), row('b (lib)', 'pass')] },
  ];
  const ls = latencies(expectations(events, label), snaps);
  assert.deepEqual(
    ls.map((l) => [l.type, l.unit, l.ms, l.superseded]),
    [
      ['plan', 'a/lib/a', 0, false], // already queued when the plan came
      ['plan', 'b/lib/b', 0, false],
      ['start', 'a/lib/a', 30, false],
      ['phase', 'a/lib/a', 29, false],
      ['done', 'a/lib/a', 250, false],
      ['start', 'b/lib/b', 248, true],
      ['done', 'b/lib/b', 50, false],
    ],
  );
  const s = summarize(ls);
  assert.equal(s.events, 7);
  assert.equal(s.p50, 30);
  assert.equal(s.max, 250);
  assert.equal(s.superseded, 1);
  assert.equal(s.missing, 0);
});

test('a state the view never shows is counted as missing, not as fast', () => {
  const snaps: ViewSnapshot[] = [
    { t: 50, rows: [row('a (lib)', 'circle-outline'), row('b (lib)', 'circle-outline')] },
    // The view is stuck: a is still queued after it was built.
    { t: 900, rows: [row('a (lib)', 'circle-outline'), row('b (lib)', 'pass')] },
  ];
  const ls = latencies(expectations(events, label), snaps);
  const a = ls.filter((l) => l.unit === 'a/lib/a' && l.type !== 'plan');
  assert.deepEqual(
    a.map((l) => l.ms),
    [undefined, undefined, undefined],
  );
  assert.equal(summarize(ls).missing, 3);
});

test('a phase is shown only while the row is building and names that phase', () => {
  const [, phase] = expectations(events.slice(1, 3), label);
  assert.equal(phase!.shows(row('a (lib)', 'sync', 'rustc · 1.0 s')), true);
  assert.equal(phase!.shows(row('a (lib)', 'sync', 'building · 1.0 s')), false);
  assert.equal(phase!.shows(row('a (lib)', 'pass', 'rustc')), false);
});
