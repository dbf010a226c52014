import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBadge, decorationData } from './format.js';

const lib = { id: 'cargo/lib/cargo', label: 'cargo (lib)', uncertain: false };
const libTest = { id: 'cargo/lib/cargo[test]', label: 'cargo (lib) [test]', uncertain: false };
const bin = { id: 'cargo/bin/cargo', label: 'cargo (bin cargo)', uncertain: false };

test('a read file: the count and the unit names', () => {
  assert.deepEqual(decorationData({ uri: 'file:///a.rs', status: 'read', units: [lib, bin, libTest] }, '/a.rs'), {
    badge: '③',
    tooltip: 'Read by cargo (lib), cargo (bin cargo), cargo (lib) [test]',
    look: 'read',
  });
  assert.equal(
    decorationData({ uri: 'file:///a.rs', status: 'read', units: [lib, { ...libTest, uncertain: true }] }, '/a.rs')?.tooltip,
    'Read by cargo (lib), cargo (lib) [test] (maybe)',
  );
});

test('one line per unit with its shortest chain, when the server sent one', () => {
  const chained = { ...lib, chain: 'lib.rs:5 pub mod quantity › quantity.rs:4 mod length' };
  assert.equal(
    decorationData({ uri: 'file:///length.rs', status: 'read', units: [chained, libTest] }, '/length.rs')?.tooltip,
    'Read by cargo (lib), cargo (lib) [test]\ncargo (lib): lib.rs:5 pub mod quantity › quantity.rs:4 mod length',
  );
  const u = decorationData(
    { uri: 'file:///s.rs', status: 'uncertain', units: [{ ...chained, uncertain: true, chain: 'lib.rs:13 pub mod stats (?)' }] },
    '/s.rs',
  );
  assert.match(u?.tooltip ?? '', /\ncargo \(lib\): lib\.rs:13 pub mod stats \(\?\)$/);
});

test('possibly read, unread Rust files, and other files', () => {
  const u = decorationData({ uri: 'file:///s.rs', status: 'uncertain', units: [{ ...lib, uncertain: true }] }, '/s.rs');
  assert.equal(u?.badge, '?①');
  assert.equal(u?.look, 'uncertain');
  assert.match(u?.tooltip ?? '', /^Possibly read by cargo \(lib\)/);
  assert.deepEqual(decorationData({ uri: 'file:///o.rs', status: 'unread', units: [] }, '/o.rs'), { badge: '∅', tooltip: 'Read by no unit', look: 'unread' });
  assert.equal(decorationData({ uri: 'file:///README.md', status: 'unread', units: [] }, '/README.md'), undefined);
  assert.equal(decorationData({ uri: 'file:///x.rs', status: 'outside', units: [] }, '/x.rs'), undefined);
});

test('folders: greyed only when no unit reads a file in them', () => {
  assert.deepEqual(decorationData({ uri: 'file:///d', folder: true, status: 'unread', units: [] }, '/d'), {
    badge: '',
    tooltip: 'No unit reads a file in this folder',
    look: 'unread-folder',
  });
  assert.equal(decorationData({ uri: 'file:///d', folder: true, status: 'read', units: [] }, '/d'), undefined);
});

test('badges are circled numbers, never a plain number like the problem count, and at most two characters', () => {
  assert.equal(countBadge(0), '∅');
  assert.equal(countBadge(1), '①');
  assert.equal(countBadge(7), '⑦');
  assert.equal(countBadge(20), '⑳');
  assert.equal(countBadge(1234), '⑳+');
  for (let n = 0; n < 30; n++) assert.ok([...countBadge(n)].length <= 2 && !/\d/.test(countBadge(n)), String(n));
});
