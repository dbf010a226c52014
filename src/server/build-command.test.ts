import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { EXAMPLE } from '../../test/helpers.js';
import { buildCommandLine, settingsProblem, spanFile } from './build-command.js';

const settings = { command: [], nixCommand: 'nix', nixArgs: ['--builders', ''], vendorDir: '', profile: '', onSave: true, debounceMs: 300 };
const target = { root: '/ws', features: ['std'], allFeatures: false, noDefaultFeatures: true, target: 'wasm32-wasip1', cfgs: ['foo="1"'] };

test('the bundled CLI gets the options, the units and the files', () => {
  const c = buildCommandLine(settings, target, { files: ['/ws/a.rs'], units: ['p/lib/p'] }, { node: '/bin/node', cli: '/ext/dist/cli.cjs' }, '/usr/bin');
  assert.equal(c.command, '/bin/node');
  assert.deepEqual(c.args, [
    '/ext/dist/cli.cjs',
    'build',
    '--json',
    '--manifest-path',
    '/ws/Cargo.toml',
    '--features',
    'std',
    '--no-default-features',
    '--target',
    'wasm32-wasip1',
    '--cfg',
    'foo="1"',
    '--unit',
    'p/lib/p',
    '/ws/a.rs',
    '--',
    '--builders',
    '',
  ]);
  assert.deepEqual(c.env, {}, 'a bare nix command is found on PATH as it is');
  const withPath = buildCommandLine({ ...settings, nixCommand: '/opt/nix/bin/nix' }, target, { files: [], units: ['u'] }, { node: 'n', cli: 'c' }, '/usr/bin');
  assert.deepEqual(withPath.env, { PATH: '/opt/nix/bin:/usr/bin' });
});

test('the vendor directory (relative to the workspace) and the profile reach the command line', () => {
  const c = buildCommandLine(
    { ...settings, nixArgs: [], vendorDir: 'vendor', profile: 'release' },
    { ...target, features: [], cfgs: [], target: '', noDefaultFeatures: false },
    { files: [], units: ['u'] },
    { node: 'n', cli: 'c' },
  );
  assert.deepEqual(c.args, ['c', 'build', '--json', '--manifest-path', '/ws/Cargo.toml', '--vendor', '/ws/vendor', '--profile', 'release', '--unit', 'u']);
});

test('settings problems name the setting: a nix command that does not exist, a vendor directory that is not one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-settings-'));
  try {
    const nix = join(dir, 'nix');
    writeFileSync(nix, '#!/bin/sh\n');
    chmodSync(nix, 0o755);
    assert.equal(settingsProblem({ ...settings, nixCommand: nix }, dir, ''), undefined);
    assert.equal(settingsProblem({ ...settings, nixCommand: 'nix' }, dir, `/nowhere${delimiter}${dir}`), undefined, 'found on PATH');
    assert.deepEqual(settingsProblem({ ...settings, nixCommand: join(dir, 'nope', 'nix') }, dir, dir), {
      setting: 'nix.command',
      message: `cargoUnits.nix.command: \`${join(dir, 'nope', 'nix')}\` is not an executable file`,
    });
    assert.equal(settingsProblem({ ...settings, nixCommand: 'nix' }, dir, '/nowhere')?.setting, 'nix.command');
    assert.equal(
      settingsProblem({ ...settings, command: ['my-build'], nixCommand: 'nix' }, dir, '/nowhere'),
      undefined,
      'a configured build command brings its own nix',
    );
    assert.match(
      settingsProblem({ ...settings, nixCommand: nix, vendorDir: 'vendor' }, dir, '')?.message ?? '',
      /cargoUnits\.vendorDir: `.*\/vendor` is not a directory/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a configured command replaces node and the bundled CLI', () => {
  const c = buildCommandLine(
    { ...settings, command: ['cargo-units', '--no-cache'], nixArgs: [] },
    { ...target, target: '', features: [], cfgs: [], noDefaultFeatures: false, allFeatures: true },
    { files: [], units: ['u'] },
    { node: 'n', cli: 'c' },
  );
  assert.equal(c.command, 'cargo-units');
  assert.deepEqual(c.args, ['--no-cache', 'build', '--json', '--manifest-path', '/ws/Cargo.toml', '--all-features', '--unit', 'u']);
});

test('span files resolve against the package first, then the workspace root', () => {
  const pkg = join(EXAMPLE, 'crates/units-core');
  assert.equal(spanFile('src/lib.rs', EXAMPLE, pkg), join(pkg, 'src/lib.rs'));
  assert.equal(spanFile('crates/units-core/src/lib.rs', EXAMPLE, pkg), join(EXAMPLE, 'crates/units-core/src/lib.rs'));
  assert.equal(spanFile('/abs/x.rs', EXAMPLE, pkg), '/abs/x.rs');
});
