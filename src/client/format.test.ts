import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBadge, decorationData } from './format.js';

const lib = { id: 'cargo/lib/cargo', label: 'cargo (lib)', uncertain: false };
const libTest = { id: 'cargo/lib/cargo[test]', label: 'cargo (lib) [test]', uncertain: false };
const bin = { id: 'cargo/bin/cargo', label: 'cargo (bin cargo)', uncertain: false };

test('a read file: the count and the unit names', () => {
  assert.deepEqual(decorationData({ uri: 'file:///a.rs', status: 'read', units: [lib, bin, libTest] }, '/a.rs'), {
    badge: '3',
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
  const u = decorationData({ uri: 'file:///s.rs', status: 'uncertain', units: [{ ...chained, uncertain: true, chain: 'lib.rs:13 pub mod stats (?)' }] }, '/s.rs');
  assert.match(u?.tooltip ?? '', /\ncargo \(lib\): lib\.rs:13 pub mod stats \(\?\)$/);
});

test('possibly read, unread Rust files, and other files', () => {
  const u = decorationData({ uri: 'file:///s.rs', status: 'uncertain', units: [{ ...lib, uncertain: true }] }, '/s.rs');
  assert.equal(u?.badge, '?1');
  assert.equal(u?.look, 'uncertain');
  assert.match(u?.tooltip ?? '', /^Possibly read by cargo \(lib\)/);
  assert.deepEqual(decorationData({ uri: 'file:///o.rs', status: 'unread', units: [] }, '/o.rs'), { badge: '0', tooltip: 'Read by no unit', look: 'unread' });
  assert.equal(decorationData({ uri: 'file:///README.md', status: 'unread', units: [] }, '/README.md'), undefined);
  assert.equal(decorationData({ uri: 'file:///x.rs', status: 'outside', units: [] }, '/x.rs'), undefined);
});

test('badges never exceed two characters', () => {
  assert.equal(countBadge(7), '7');
  assert.equal(countBadge(42), '42');
  assert.equal(countBadge(1234), '99');
});
