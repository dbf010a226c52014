/** `--release` and `--profile NAME` of `cargo-units nix` and `build`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, UsageError } from './args.js';

test('--release is --profile release; conflicting profiles and bad names are usage errors', () => {
  assert.equal(parseArgs(['build']).profile, undefined);
  assert.equal(parseArgs(['build', '--release']).profile, 'release');
  assert.equal(parseArgs(['nix', '--profile', 'checked']).profile, 'checked');
  assert.equal(parseArgs(['build', '--profile=release', '--release']).profile, 'release');
  assert.throws(
    () => parseArgs(['build', '--release', '--profile', 'dev']),
    (e: unknown) => e instanceof UsageError && /conflicting profiles: release and dev/.test(e.message),
  );
  assert.throws(() => parseArgs(['build', '--profile', '../x']), UsageError);
  assert.throws(() => parseArgs(['build', '--profile']), /--profile needs a value/);
});
