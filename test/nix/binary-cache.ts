/**
 * The team workflow of a shared binary cache, as tests run it offline: push every unit output the
 * last build rooted (.cargo-units/gcroots) to a `file://` cache, then delete them from the store,
 * so that the next build can only get them from that cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The store paths the GC roots of a workspace's Nix directory point at. */
export function rootedOutputs(ws: string): string[] {
  const dir = join(ws, '.cargo-units', 'gcroots');
  return [...new Set(readdirSync(dir).filter((f) => /^r\d+(-\d+)?$/.test(f)).map((f) => readlinkSync(join(dir, f))))].sort();
}

/** `nix copy --to file://CACHE?compression=none` of these paths (and their runtime closure). */
export function pushToCache(env: NodeJS.ProcessEnv, cache: string, paths: string[]): void {
  execFileSync('nix', ['copy', '--to', `file://${cache}?compression=none`, ...paths], { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Removes the workspace's GC roots and collects the store's garbage, so `paths` are gone (and so are
 * superseded outputs, which may refer to them: a binary's debuginfo names its dependencies'
 * generated sources); returns those still valid (none, when it worked).
 */
export function deleteFromStore(env: NodeJS.ProcessEnv, ws: string, paths: string[]): string[] {
  rmSync(join(ws, '.cargo-units', 'gcroots'), { recursive: true, force: true });
  execFileSync('nix-store', ['--gc'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const r = spawnSync('nix-store', ['--check-validity', '--print-invalid', ...paths], { env, encoding: 'utf8' });
  const invalid = new Set(r.stdout.split('\n').filter(Boolean));
  return paths.filter((p) => !invalid.has(p));
}

/** `cargo-units build` arguments that make `cache` the only substituter (unsigned: the test cache has no key). */
export function fromCache(cache: string): { args: string[]; nixArgs: string[] } {
  return { args: ['--substituters', `file://${cache}`], nixArgs: ['--', '--option', 'require-sigs', 'false'] };
}
