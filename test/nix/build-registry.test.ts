/**
 * Registry dependencies with real Nix and rustc, offline, with Debian's crate registry as the
 * vendor directory. One private store serves every assertion (the registry crates build once).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateUnits } from '../../src/core/nix/runner.js';
import type { NixUnitsJson } from '../../src/core/nix/units-json.js';
import { REPO } from '../helpers.js';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';
import { APP_FILES, cargo, REGISTRY, REGISTRY_SKIP, registryWorkspace } from './registry-workspace.js';

const sysroot = () => execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
const isRegistry = (id: string) => /^[^/]+@[^/]+\//.test(id);
const registryUnits = (ws: string) => Object.values((JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as NixUnitsJson).units).filter((u) => u.crate !== null).map((u) => u.id).sort();

test('registry dependencies: regex, serde with derive, serde_json, anyhow, memchr and libc build offline with Nix', { skip: NIX_SKIP || REGISTRY_SKIP, timeout: 900_000 }, async () => {
  const ws = registryWorkspace(APP_FILES);
  cargo(ws, ['generate-lockfile']);
  const env = isolatedNixEnv();
  const vendor = ['--vendor', REGISTRY];

  // A clean store: the dry run lists every registry unit (and nothing is built).
  const dry = cliBuild(env, ws, ['--dry-run', ...vendor]);
  assert.equal(dry.status, 0, dry.stderr);
  const plan = dry.events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  const all = registryUnits(ws);
  assert.ok(all.includes('serde_derive@1.0.152/proc-macro/serde_derive') && all.includes('libc@0.2.139/custom-build/build-script-build'), all.join(' '));
  assert.deepEqual(plan.build.filter(isRegistry).filter((id) => !id.endsWith('#run')), all);

  // The indexer still shows the members' units only.
  const listed = JSON.parse(execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'units', '--json'], { cwd: ws, encoding: 'utf8' })) as { units: { id: string }[] };
  assert.deepEqual(listed.units.map((u) => u.id).filter(isRegistry), []);

  const first = cliBuild(env, ws, vendor);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(finishedOf(first).failed, []);
  const ours = spawnSync(join(doneOut(first, 'app/bin/app'), 'bin', 'app'), { encoding: 'utf8' });
  const theirs = cargo(ws, ['run', '-q', '-p', 'app']);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, theirs);
  assert.match(ours.stdout, /^\{"x":3,"y":-4\}\nPoint \{ x: 1, y: 2 \} commas=2 page=true\n$/);
  const t = spawnSync(join(doneOut(first, 'app/test/roundtrip'), 'bin', 'roundtrip'), { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /test result: ok\. 1 passed; 0 failed/);

  // After the build the dry run lists nothing; without --vendor the directory source of the
  // workspace's .cargo/config.toml is used, giving the same derivations.
  const after = cliBuild(env, ws, ['--dry-run']);
  assert.equal(after.status, 0, after.stderr);
  const plan2 = after.events.find((e) => e.type === 'plan');
  assert.ok(plan2 && plan2.type === 'plan');
  assert.deepEqual(plan2.build, []);

  // An edit to a workspace file rebuilds the units that read it, and no registry unit.
  appendFileSync(join(ws, 'app/src/lib.rs'), '\npub fn edited() {}\n');
  const edit = cliBuild(env, ws, vendor);
  assert.equal(edit.status, 0, edit.stderr);
  assert.ok(started(edit).includes('app/lib/app'), started(edit).join(' '));
  assert.deepEqual(started(edit).filter(isRegistry), []);

  // Another workspace elsewhere with the same crates, versions and features: the same store paths.
  // regex without default features differs, and so does what it pulls in.
  const other = registryWorkspace({
    'Cargo.toml': '[workspace]\nmembers = ["crates/tool"]\nresolver = "2"\n',
    'crates/tool/Cargo.toml': '[package]\nname = "tool"\nversion = "0.2.0"\nedition = "2021"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\njson = { package = "serde_json", version = "1" }\nregex = { version = "1", default-features = false, features = ["std"] }\n',
    'crates/tool/src/main.rs': 'fn main() { let v: Vec<u8> = json::from_str("[1]").unwrap(); println!("{:?} {}", v, regex::Regex::new("a+").unwrap().is_match("aa")); }\n',
  });
  cargo(other, ['generate-lockfile']);
  const dryOther = cliBuild(env, other, ['--dry-run', ...vendor]);
  assert.equal(dryOther.status, 0, dryOther.stderr);
  const a = await evaluateUnits({ nixDir: join(ws, '.cargo-units'), rustc: sysroot(), env });
  const b = await evaluateUnits({ nixDir: join(other, '.cargo-units'), rustc: sysroot(), env });
  for (const id of ['serde@1.0.152/lib/serde', 'serde_derive@1.0.152/proc-macro/serde_derive', 'serde_json@1.0.87/lib/serde_json', 'syn@1.0.107/lib/syn']) {
    assert.equal(b.get(id)?.out, a.get(id)?.out, id);
  }
  assert.notEqual(b.get('regex@1.7.1/lib/regex')?.out, a.get('regex@1.7.1/lib/regex')?.out);
  const planOther = dryOther.events.find((e) => e.type === 'plan');
  assert.ok(planOther && planOther.type === 'plan');
  assert.deepEqual(planOther.build.filter(isRegistry).filter((id) => !id.endsWith('#run')), ['regex-syntax@0.6.27/lib/regex_syntax', 'regex@1.7.1/lib/regex']);
  const built = cliBuild(env, other, vendor);
  assert.equal(built.status, 0, built.stderr);
  assert.equal(spawnSync(join(doneOut(built, 'tool/bin/tool'), 'bin', 'tool'), { encoding: 'utf8' }).stdout, '[1] true\n');
});
