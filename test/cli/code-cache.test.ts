/**
 * The CLI bundle's V8 code cache (bin/load-bundle.js, made by scripts/code-cache.mjs): the built
 * one is used, and a cache that does not belong to the bundle (another bundle of the same length,
 * a damaged file, data V8 rejects) or no cache at all leaves the CLI working as without one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EXAMPLE, REPO } from '../helpers.js';

const built = existsSync(join(REPO, 'dist', 'cli.cjs.cache')) ? false : 'dist/ not built (node scripts/build.mjs)';
const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-code-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** What compileBundle says of a bundle's cache, in a plain Node process (as bin/cargo-units runs). */
function status(bundle: string, loader = join(REPO, 'bin', 'load-bundle.js')): string {
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(loader)}).compileBundle(${JSON.stringify(bundle)}).status)`], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A copy of bin/ and dist/ (the CLI as installed), with `edit` applied to its code cache file. */
function install(name: string, edit?: (dir: string) => void): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(REPO, 'bin'), join(dir, 'bin'), { recursive: true });
  for (const f of ['cli.cjs', 'cli.cjs.cache', 'web-tree-sitter.wasm', 'tree-sitter-rust.wasm']) cpSync(join(REPO, 'dist', f), join(dir, 'dist', f));
  edit?.(dir);
  return dir;
}

function run(dir: string, args: string[]) {
  return spawnSync(process.execPath, [join(dir, 'bin', 'cargo-units'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

test('the built code cache is accepted by V8 when bin/cargo-units runs', { skip: built }, () => {
  assert.equal(status(join(REPO, 'dist', 'cli.cjs')), 'accepted');
  const r = run(REPO, ['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `cargo-units ${version}`);
});

test('a cache made from another bundle of the same length is not used (V8 alone would use it)', { skip: built }, () => {
  // The version string changed in place: same length, other behaviour.
  const other = version.replace(/\d/g, '9') === version ? version.replace(/\d/g, '8') : version.replace(/\d/g, '9');
  const dir = install('other-bundle', (d) => {
    const file = join(d, 'dist', 'cli.cjs');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(`"${version}"`));
    writeFileSync(file, text.replace(`"${version}"`, `"${other}"`));
  });
  // V8 checks only the source's length: given the old cache's data directly, it accepts it.
  const v8Accepts = spawnSync(
    process.execPath,
    [
      '-e',
      `const vm = require('vm'), fs = require('fs'); const f = ${JSON.stringify(join(dir, 'dist', 'cli.cjs'))};
       const s = new vm.Script('(function (exports, require, module, __filename, __dirname) { ' + fs.readFileSync(f, 'utf8') + '\\n})', { filename: f, cachedData: fs.readFileSync(f + '.cache').subarray(40) });
       process.stdout.write(String(s.cachedDataRejected));`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(v8Accepts.stdout, 'false', v8Accepts.stderr);
  assert.equal(status(join(dir, 'dist', 'cli.cjs'), join(dir, 'bin', 'load-bundle.js')), 'stale');
  const r = run(dir, ['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `cargo-units ${other}`);
});

test('a damaged, rejected or missing cache: the CLI compiles the bundle as usual and gives the same answer', { skip: built }, () => {
  const want = run(REPO, ['units', '--json', '--no-cache', EXAMPLE]);
  assert.equal(want.status, 0, want.stderr);
  const damaged = install('damaged', (d) => {
    const file = join(d, 'dist', 'cli.cjs.cache');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(file, bytes);
  });
  const truncated = install('truncated', (d) => {
    const file = join(d, 'dist', 'cli.cjs.cache');
    writeFileSync(file, readFileSync(file).subarray(0, 30));
  });
  // Data V8 refuses: made under other V8 flags (as from another Node), with the right hashes.
  const rejected = install('rejected', (d) => {
    const bundle = join(d, 'dist', 'cli.cjs');
    const r = spawnSync(
      process.execPath,
      [
        '--no-lazy-feedback-allocation',
        '-e',
        `const vm = require('vm'), fs = require('fs'), crypto = require('crypto'); const f = ${JSON.stringify(bundle)};
         const s = new vm.Script('(function (exports, require, module, __filename, __dirname) { ' + fs.readFileSync(f, 'utf8') + '\\n})', { filename: f });
         const data = s.createCachedData(); const h = (b) => crypto.createHash('sha1').update(b).digest();
         fs.writeFileSync(f + '.cache', Buffer.concat([h(fs.readFileSync(f)), h(data), data]));`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
  });
  const missing = install('missing', (d) => rmSync(join(d, 'dist', 'cli.cjs.cache')));
  for (const [dir, expected] of [
    [damaged, 'stale'],
    [truncated, 'stale'],
    [rejected, 'rejected'],
    [missing, 'missing'],
  ] as const) {
    assert.equal(status(join(dir, 'dist', 'cli.cjs'), join(dir, 'bin', 'load-bundle.js')), expected, dir);
    const r = run(dir, ['units', '--json', '--no-cache', EXAMPLE]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, want.stdout, dir);
  }
});
