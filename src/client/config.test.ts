import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, initializationOptions, KEYS, readConfig } from './config.js';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

test('no settings: the defaults, no problems', () => {
  assert.deepEqual(readConfig(from({})), { config: DEFAULTS, problems: [] });
});

test('valid settings are taken', () => {
  const { config, problems } = readConfig(
    from({
      [KEYS.nixCommand]: ' /run/current-system/sw/bin/nix ',
      [KEYS.nixArgs]: ['--builders', 'ssh://b x86_64-linux'],
      [KEYS.features]: ['std, serde', 'dep/feat'],
      [KEYS.allFeatures]: true,
      [KEYS.target]: 'wasm32-wasip1',
      [KEYS.cfgs]: ['has_atomics', 'foo="bar"'],
      [KEYS.buildOnSave]: false,
      [KEYS.buildOnAutoSave]: true,
      [KEYS.debounceMs]: 0,
      [KEYS.vendorDir]: 'vendor',
      [KEYS.profile]: 'release',
      [KEYS.linkedProjects]: ['rust/engine'],
    }),
  );
  assert.deepEqual(problems, []);
  assert.equal(config.nixCommand, '/run/current-system/sw/bin/nix');
  assert.equal(config.debounceMs, 0);
  const init = initializationOptions(config, true);
  assert.deepEqual(init.features, ['std', 'serde', 'dep/feat']);
  assert.deepEqual(init.build, {
    command: [],
    nixCommand: '/run/current-system/sw/bin/nix',
    nixArgs: ['--builders', 'ssh://b x86_64-linux'],
    vendorDir: 'vendor',
    profile: 'release',
    onSave: false,
    debounceMs: 0,
  });
  assert.deepEqual(init.linkedProjects, ['rust/engine']);
  assert.equal(config.buildOnAutoSave, true);
  assert.equal(init.trusted, true);
});

test('invalid values are reported by setting name and fall back or are dropped', () => {
  const { config, problems } = readConfig(
    from({
      [KEYS.nixCommand]: '',
      [KEYS.nixArgs]: 'oops',
      [KEYS.features]: ['ok', 'not a/b/c'],
      [KEYS.target]: 'x86_64 linux',
      [KEYS.cfgs]: ['foo=bar', 'good'],
      [KEYS.buildOnSave]: 'yes',
      [KEYS.debounceMs]: -5,
      [KEYS.profile]: 'my profile',
    }),
  );
  assert.equal(config.nixCommand, 'nix');
  assert.deepEqual(config.nixArgs, []);
  assert.deepEqual(config.features, ['ok']);
  assert.equal(config.target, '');
  assert.deepEqual(config.cfgs, ['good']);
  assert.equal(config.buildOnSave, true);
  assert.equal(config.debounceMs, 300);
  assert.equal(config.profile, '');
  assert.equal(problems.length, 8, problems.join('\n'));
  assert.match(problems.join('\n'), /cargoUnits\.profile: `my profile` is not a profile name/);
  assert.match(problems.join('\n'), /cargoUnits\.cfgs: `foo=bar`/);
  assert.match(problems.join('\n'), /cargoUnits\.buildOnSaveDebounceMs: must be a whole number/);
});
