import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { TreePacer } from './tree-pacer.js';

/** A pacer on mocked timers and clock; returns it, the fire times and a clock advancer. */
function setup(windowMs = 215) {
  mock.timers.enable({ apis: ['setTimeout'] });
  let now = 1000;
  const fired: number[] = [];
  const pacer = new TreePacer(
    () => fired.push(now),
    () => now,
    windowMs,
  );
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i++) {
      now++;
      mock.timers.tick(1);
    }
  };
  return { pacer, fired, advance, at: () => now };
}

test('a change with the window free fires at once', () => {
  const { pacer, fired } = setup();
  pacer.changed();
  assert.deepEqual(fired, [1000]);
  mock.timers.reset();
});

test('changes inside the window fire once, right when the window closes, never later', () => {
  const { pacer, fired, advance } = setup();
  pacer.changed(); // 1000: at once
  advance(40);
  pacer.changed(); // 1040: held
  advance(40);
  pacer.changed(); // 1080: merged with the held one
  advance(200);
  assert.deepEqual(fired, [1000, 1215]);
  mock.timers.reset();
});

test('a steady stream of changes every 40 ms is drawn every window, not held until it stops', () => {
  const { pacer, fired, advance } = setup();
  for (let i = 0; i < 50; i++) {
    pacer.changed();
    advance(40);
  }
  // 2 s of changes: a fire every 215 ms (VS Code forwards each one at once), the first at once.
  assert.equal(fired[0], 1000);
  assert.ok(fired.length >= 9, `fires: ${fired.join(', ')}`);
  for (let i = 1; i < fired.length; i++) assert.equal(fired[i]! - fired[i - 1]!, 215, `fire ${i} one window after the previous`);
  mock.timers.reset();
});

test('after a quiet window the next change fires at once again', () => {
  const { pacer, fired, advance } = setup();
  pacer.changed();
  advance(500);
  pacer.changed();
  assert.deepEqual(fired, [1000, 1500]);
  mock.timers.reset();
});
