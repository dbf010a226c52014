/**
 * Acceptance on a real workspace: ripgrep 13.0.0 (../shared/workspaces/ripgrep-13, offline against
 * Debian's crate registry through its .cargo/config.toml) built with real Nix in a private store.
 * One Nix build of ripgrep, shared by the steps: rg works; edits rebuild exactly their readers
 * and dependents; no-op builds name rg's output, also after `nix-store --gc`; a binary cache
 * holding the deleted build provides it without building anything.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unitClosure } from '../../src/core/nix/gc-roots.js';
import type { NixUnitsJson } from '../../src/core/nix/units-json.js';
import { REPO } from '../helpers.js';
import { copyRipgrep, RG, RIPGREP_SKIP } from './ripgrep.js';
import { deleteFromStore, fromCache, pushToCache, rootedOutputs } from './binary-cache.js';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP, started, type CliBuild } from './nix-env.js';

function affected(ws: string, file: string): string[] {
  return (JSON.parse(execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'affected', '--json', file], { cwd: ws, encoding: 'utf8' })) as { units: string[] }).units;
}

test('ripgrep-13 with Nix: rg 13.0.0 searches; edits rebuild readers and dependents only; no-op builds name rg, also after nix-store --gc; a binary cache provides it', { skip: NIX_SKIP || RIPGREP_SKIP, timeout: 1_200_000 }, (t) => {
  const ws = copyRipgrep();
  const env = isolatedNixEnv();
  const build = (args: string[] = []): CliBuild => {
    const r = cliBuild(env, ws, ['--unit', RG, ...args]);
    assert.equal(r.status, 0, r.stderr.slice(-4000));
    return r;
  };
  const t0 = performance.now();
  const first = build();
  t.diagnostic(`full build: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${finishedOf(first).built.length} derivations`);
  const rgOut = finishedOf(first).outs[RG]!;
  const rg = join(rgOut, 'bin', 'rg');

  // rg itself.
  assert.match(execFileSync(rg, ['--version'], { encoding: 'utf8' }), /^ripgrep 13\.0\.0\b/);
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-rg-search-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.txt'), 'alpha\nneedle one\nbeta\n');
  writeFileSync(join(dir, 'sub', 'b.rs'), 'fn main() {}\n// Needle two\nlet needle = 3;\n');
  writeFileSync(join(dir, 'c.md'), 'nothing here\n');
  const search = spawnSync(rg, ['--no-config', '-n', '-i', '--sort', 'path', 'needle', '.'], { cwd: dir, encoding: 'utf8' });
  assert.equal(search.status, 0, search.stderr);
  assert.equal(search.stdout, './a.txt:2:needle one\n./sub/b.rs:2:// Needle two\n./sub/b.rs:3:let needle = 3;\n');
  assert.equal(spawnSync(rg, ['--no-config', 'absent-word', '.'], { cwd: dir }).status, 1, 'no match: exit 1');
  const counted = spawnSync(rg, ['--no-config', '-c', '-t', 'rust', 'needle', '.'], { cwd: dir, encoding: 'utf8' });
  assert.equal(counted.stdout, './sub/b.rs:1\n');

  // A no-op build names rg's output path; so does one after garbage collection, building nothing.
  const noop = build();
  assert.deepEqual(started(noop), []);
  assert.equal(finishedOf(noop).outs[RG], rgOut);
  execFileSync('nix-store', ['--gc'], { env, stdio: 'ignore' });
  const afterGc = build();
  assert.deepEqual(started(afterGc), [], 'nix-store --gc left the build in place');
  assert.equal(finishedOf(afterGc).outs[RG], rgOut);
  assert.ok(existsSync(rg));

  // Edits: exactly the readers of the file among rg's closure, and the runs of build scripts
  // whose source is the whole package (ripgrep's build.rs prints no rerun-if-changed).
  const closure = unitClosure(JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as NixUnitsJson, [RG]);
  for (const [file, runs] of [['crates/core/search.rs', ['ripgrep/custom-build/build-script-build#run']], ['crates/searcher/src/searcher/mod.rs', []]] as const) {
    appendFileSync(join(ws, file), '\n// edited by the test\n');
    const t1 = performance.now();
    const edit = build();
    const f = finishedOf(edit);
    t.diagnostic(`edit ${file}: ${((performance.now() - t1) / 1000).toFixed(1)} s, built ${f.built.join(' ')}`);
    assert.deepEqual(f.built.filter((id) => !id.endsWith('#run')), affected(ws, file).filter((id) => closure.includes(id)).sort(), file);
    assert.deepEqual(f.built.filter((id) => id.endsWith('#run')), [...runs], file);
    assert.match(execFileSync(join(f.outs[RG]!, 'bin', 'rg'), ['--version'], { encoding: 'utf8' }), /^ripgrep 13\.0\.0\b/);
  }

  // The binary cache: push what the last build rooted, delete it here, build from the cache alone.
  const cache = mkdtempSync(join(tmpdir(), 'cargo-units-rg-cache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const outs = rootedOutputs(ws);
  const t2 = performance.now();
  pushToCache(env, cache, outs);
  assert.deepEqual(deleteFromStore(env, ws, outs), []);
  const { args, nixArgs } = fromCache(cache);
  const pulled = build([...args, ...nixArgs]);
  t.diagnostic(`binary cache: ${outs.length} outputs pushed, deleted and fetched back in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  const f = finishedOf(pulled);
  assert.deepEqual(started(pulled), [], 'nothing built');
  assert.deepEqual(f.built, []);
  // rg, and what its output refers to (with debuginfo: generated sources in build-script runs' OUT_DIR).
  assert.ok(f.substituted.includes(RG), f.substituted.join(' '));
  assert.deepEqual(f.substituted.filter((id) => !closure.includes(id)), []);
  assert.match(execFileSync(join(f.outs[RG]!, 'bin', 'rg'), ['--version'], { encoding: 'utf8' }), /^ripgrep 13\.0\.0\b/);
});
