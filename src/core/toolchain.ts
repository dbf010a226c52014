/**
 * Finding the Rust toolchain's programs, as Cargo would: `$RUSTC`, then `PATH`, then the
 * rustup install directory (`$CARGO_HOME/bin`, `~/.cargo/bin`).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Candidate file names for a program: on Windows, with each `PATHEXT` extension. */
function programNames(name: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32' || /\.[^\\/]+$/.test(name)) return [name];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e !== '');
  return [name, ...exts.map((e) => name + e.toLowerCase()), ...exts.map((e) => name + e)];
}

/** Looks `name` up: a path (with a separator) is taken as is; a bare name is searched on `PATH`. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/') || (process.platform === 'win32' && name.includes('\\'))) {
    const abs = isAbsolute(name) ? name : resolve(name);
    return programNames(abs, env).find(isExecutableFile);
  }
  const path = env.PATH ?? env.Path ?? '';
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    for (const candidate of programNames(join(dir, name), env)) if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Cargo's home directory: `$CARGO_HOME`, else `~/.cargo` (as cargo itself decides). */
export function cargoHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARGO_HOME ?? join(homedir(), '.cargo');
}

/**
 * The rustc to run: `$RUSTC` (a path, or a name looked up on `PATH`) when it names an
 * executable, else `rustc` on `PATH`, else `$CARGO_HOME/bin/rustc`, else `~/.cargo/bin/rustc`.
 * Undefined when none is found.
 */
export function findRustc(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.RUSTC;
  if (fromEnv !== undefined && fromEnv !== '') {
    const found = findExecutable(fromEnv, env);
    if (found) return found;
  }
  const onPath = findExecutable('rustc', env);
  if (onPath) return onPath;
  const dirs: string[] = [];
  if (env.CARGO_HOME) dirs.push(join(env.CARGO_HOME, 'bin'));
  const home = env.HOME ?? env.USERPROFILE ?? safeHomedir();
  if (home) dirs.push(join(home, '.cargo', 'bin'));
  for (const dir of dirs) {
    for (const candidate of programNames(join(dir, 'rustc'), env)) if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
