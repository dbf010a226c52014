/**
 * Real registry build scripts: one offline `cargo check` of a package depending on ~40 crates of
 * Debian's registry that have build scripts (installed by .ci/run), then every build script that
 * ran is decided as the index would (host target, the features cargo ran it with, this rustc) and
 * compared with what it really printed. Any decision the real output contradicts fails the test.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { registryScripts, type ScriptResult } from './registry-scripts.js';

/** Crates with build scripts (cheap to check: no C or assembly compiled). */
export const CRATES = [
  'anyhow',
  'atomic',
  'bytecheck',
  'cookie',
  'crc32fast',
  'crossbeam-epoch',
  'crossbeam-utils',
  'crunchy',
  'erased-serde',
  'futures-channel',
  'futures-core',
  'futures-task',
  'futures-util',
  'generic-array',
  'httparse',
  'indexmap',
  'io-lifetimes',
  'libc',
  'libm',
  'lock_api',
  'log',
  'memchr',
  'memoffset',
  'num-integer',
  'num-traits',
  'parking_lot_core',
  'proc-macro-error',
  'proc-macro-error-attr',
  'proc-macro-hack',
  'proc-macro2',
  'quote',
  'rayon-core',
  'rend',
  'ryu',
  'semver',
  'serde',
  'serde_derive',
  'serde_json',
  'slog',
  'syn',
  'thiserror',
  'tokio',
  'unicase',
  'value-bag',
  'winapi',
];

/** Scripts whose every cfg is decided on x86_64 Linux with a stable rustc. */
const FULLY_DECIDED = [
  'crc32fast',
  'erased-serde',
  'memchr',
  'proc-macro-hack',
  'quote',
  'ryu',
  'semver',
  'serde',
  'serde_derive',
  'serde_json',
  'syn',
  'unicase',
];

let results: ScriptResult[];
let stderr: string;
let dir: string;

before(async () => {
  ({ results, stderr, dir } = await registryScripts(CRATES));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the build scripts ran', () => {
  assert.ok(results.length >= 35, `only ${results.length} build scripts ran: ${stderr.slice(-2000)}`);
});

test('every decided cfg of every build script matches what it printed', (t) => {
  const decided = results.reduce((n, r) => n + r.verdict.decided.length, 0);
  const unknown = results.reduce((n, r) => n + r.verdict.unknown.length, 0);
  t.diagnostic(`${results.length} build-script runs compared: ${decided} names decided, ${unknown} unknown`);
  const wrong = results.flatMap((r) => r.verdict.wrong.map((w) => `${r.run.name}-${r.run.version}: ${w}`));
  assert.deepEqual(wrong, []);
});

test('the scripts that only read what cargo-units knows are fully decided', () => {
  for (const name of FULLY_DECIDED) {
    const r = results.find((x) => x.run.name === name);
    assert.ok(r, `${name}'s build script did not run`);
    assert.equal(r.decisions.kind, 'decided', `${name}: ${r.decisions.kind !== 'decided' ? r.decisions.reason : ''}`);
    assert.deepEqual(r.verdict.unknown, [], `${name}: ${JSON.stringify(r.decisions)}`);
    assert.ok(r.verdict.decided.length > 0 || name === 'quote' || name === 'serde_derive');
  }
});
