import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXAMPLE } from '../../test/helpers.js';
import { buildCommandLine, spanFile } from './build-command.js';

const settings = { command: [], nixCommand: 'nix', nixArgs: ['--builders', ''], onSave: true, debounceMs: 300 };
const target = { root: '/ws', features: ['std'], allFeatures: false, noDefaultFeatures: true, target: 'wasm32-wasip1', cfgs: ['foo="1"'] };

test('the bundled CLI gets the options, the units and the files', () => {
  const c = buildCommandLine(settings, target, { files: ['/ws/a.rs'], units: ['p/lib/p'] }, { node: '/bin/node', cli: '/ext/dist/cli.cjs' }, '/usr/bin');
  assert.equal(c.command, '/bin/node');
  assert.deepEqual(c.args, [
    '/ext/dist/cli.cjs', 'build', '--json', '--manifest-path', '/ws/Cargo.toml', '--features', 'std', '--no-default-features',
    '--target', 'wasm32-wasip1', '--cfg', 'foo="1"', '--unit', 'p/lib/p', '/ws/a.rs', '--', '--builders', '',
  ]);
  assert.deepEqual(c.env, {}, 'a bare nix command is found on PATH as it is');
  const withPath = buildCommandLine({ ...settings, nixCommand: '/opt/nix/bin/nix' }, target, { files: [], units: ['u'] }, { node: 'n', cli: 'c' }, '/usr/bin');
  assert.deepEqual(withPath.env, { PATH: '/opt/nix/bin:/usr/bin' });
});

test('a configured command replaces node and the bundled CLI', () => {
  const c = buildCommandLine({ ...settings, command: ['cargo-units', '--no-cache'], nixArgs: [] }, { ...target, target: '', features: [], cfgs: [], noDefaultFeatures: false, allFeatures: true }, { files: [], units: ['u'] }, { node: 'n', cli: 'c' });
  assert.equal(c.command, 'cargo-units');
  assert.deepEqual(c.args, ['--no-cache', 'build', '--json', '--manifest-path', '/ws/Cargo.toml', '--all-features', '--unit', 'u']);
});

test('span files resolve against the package first, then the workspace root', () => {
  const pkg = join(EXAMPLE, 'crates/units-core');
  assert.equal(spanFile('src/lib.rs', EXAMPLE, pkg), join(pkg, 'src/lib.rs'));
  assert.equal(spanFile('crates/units-core/src/lib.rs', EXAMPLE, pkg), join(EXAMPLE, 'crates/units-core/src/lib.rs'));
  assert.equal(spanFile('/abs/x.rs', EXAMPLE, pkg), '/abs/x.rs');
});
