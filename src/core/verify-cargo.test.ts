import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageDirOf, packageNameOf } from './verify-cargo.js';

test('package ids: a path package gives its directory, a registry package none (its artifacts are not the workspace unit)', () => {
  assert.equal(packageDirOf('path+file:///tmp/w/syn-1.0.107#syn@1.0.107'), '/tmp/w/syn-1.0.107');
  assert.equal(packageDirOf('path+file:///tmp/w/my%20crate#0.1.0'), '/tmp/w/my crate');
  assert.equal(packageDirOf('syn 1.0.107 (path+file:///tmp/w/syn)'), '/tmp/w/syn');
  assert.equal(packageDirOf('registry+https://github.com/rust-lang/crates.io-index#syn@1.0.107'), undefined);
  assert.equal(packageDirOf('syn 1.0.107 (registry+https://github.com/rust-lang/crates.io-index)'), undefined);
  assert.equal(packageNameOf('registry+https://github.com/rust-lang/crates.io-index#syn@1.0.107'), 'syn');
});
