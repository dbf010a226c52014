/**
 * A git dependency: builtins.fetchGit at the locked commit (a local `file://` repository stands
 * in for a remote one), planned from cargo's checkout; without a checkout, an error naming it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, doneOut, isolatedNixEnv, NIX_SKIP } from './nix-env.js';
import { REGISTRY_SKIP, registryWorkspace, scratchDir } from './registry-workspace.js';

function gitRepo(): string {
  const repo = scratchDir('cargo-units-gitrepo-');
  mkdirSync(join(repo, 'crates', 'gitdemo', 'src'), { recursive: true });
  writeFileSync(join(repo, 'crates', 'gitdemo', 'Cargo.toml'), '[package]\nname = "gitdemo"\nversion = "0.3.0"\nedition = "2021"\n');
  writeFileSync(join(repo, 'crates', 'gitdemo', 'src', 'lib.rs'), 'pub fn hello() -> &\'static str { "hello from git" }\n');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'gitdemo');
  return repo;
}

test('a git dependency builds from builtins.fetchGit at the locked rev; without a checkout it is an error naming it', { skip: NIX_SKIP || REGISTRY_SKIP, timeout: 300_000 }, () => {
  const repo = gitRepo();
  const ws = registryWorkspace({
    '.cargo/config.toml': '[net]\ngit-fetch-with-cli = true\n',
    'Cargo.toml': `[package]\nname = "usesgit"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ngitdemo = { git = "file://${repo}" }\n`,
    'src/main.rs': 'fn main() { println!("{}", gitdemo::hello()); }\n',
  });
  const cargoHome = join(ws, '.cargo-home');
  const env = { ...isolatedNixEnv(), CARGO_HOME: cargoHome };
  // Locking needs no network: the repository is a local directory.
  execFileSync('cargo', ['generate-lockfile'], { cwd: ws, env, stdio: 'pipe' });
  rmSync(join(cargoHome, 'git', 'checkouts'), { recursive: true, force: true });
  const noCheckout = cliBuild(env, ws, ['--dry-run']);
  assert.notEqual(noCheckout.status, 0);
  assert.match(noCheckout.stderr, /Cargo\.lock:\d+: error: git dependency `gitdemo v0\.3\.0` \(git\+file:\/\/.*#[0-9a-f]{40}\): its checkout is needed/);

  execFileSync('cargo', ['fetch'], { cwd: ws, env, stdio: 'pipe' });
  const built = cliBuild(env, ws, []);
  assert.equal(built.status, 0, built.stderr);
  assert.equal(spawnSync(join(doneOut(built, 'usesgit/bin/usesgit'), 'bin', 'usesgit'), { encoding: 'utf8' }).stdout, 'hello from git\n');
  const units = JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as { crates: Record<string, { git: { rev: string; subdir: string } | null }> };
  assert.equal(units.crates['gitdemo-0.3.0']!.git!.subdir, 'crates/gitdemo');
  assert.equal(units.crates['gitdemo-0.3.0']!.git!.rev, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim());
});
