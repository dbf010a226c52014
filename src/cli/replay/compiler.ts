/**
 * The files a rustc's answers come from, as checks (checks.ts): while they all hold, the same
 * rustc, asked the same question from the same directory with the same environment, gives the same
 * answer, and a replay need not run it. Cargo keeps rustc's answers on the same grounds (its
 * `.rustc_info.json`, keyed by the compiler's files), and asks again when it cannot tell, as here.
 *
 * - A rustup proxy (a link to, or the same file as, `rustup`): rustup picks the toolchain from the
 *   environment (part of the run's key), its `settings.toml` (default toolchain, directory
 *   overrides), and `rust-toolchain` files in the directory and its parents. With such a file, or
 *   a toolchain path in RUSTUP_TOOLCHAIN, the compiler is not pinned. Otherwise the checks are
 *   rustup's own file, `settings.toml`, the absence of toolchain files, and every installed
 *   toolchain's `rustc` and `librustc_driver`, whichever rustup would pick.
 * - Any other rustc: its file, and the `librustc_driver` of its sysroot. A rustc without one (a
 *   wrapper script) is not pinned.
 */
import { basename, dirname, join } from 'node:path';
import type { BigIntStats } from 'node:fs';
import { homedir } from 'node:os';
import { ask, contentCheck, type Check, type CheckKind, type FsFunctions } from './checks.js';

const TOOLCHAIN_FILES = ['rust-toolchain', 'rust-toolchain.toml'];
const DRIVER = /^(lib)?rustc_driver-.*\.(so|dylib|dll)$/;

/** The checks standing for `rustc`'s answers when run in `cwd` with `env`, or undefined when they cannot be pinned down. */
export function compilerChecks(f: FsFunctions, rustc: string, cwd: string, env: NodeJS.ProcessEnv): Check[] | undefined {
  const checks: Check[] = [];
  const q = (kind: CheckKind, path: string, arg = ''): string => {
    const answer = ask(f, kind, path, arg);
    checks.push([kind, path, arg, answer]);
    return answer;
  };
  const real = q('p', rustc, 'j');
  if (real.startsWith('!')) return undefined;
  if (q('s', real).startsWith('!')) return undefined;
  const rustup = join(dirname(rustc), 'rustup');
  const isProxy = /^rustup(-init)?(\.exe)?$/.test(basename(real)) || sameFile(f, rustc, rustup);
  if (!isProxy) return driverChecks(f, dirname(dirname(real)), q) ? checks : undefined;
  // A toolchain named by path (rustup takes one in RUSTUP_TOOLCHAIN): outside what is checked here.
  if (/[/\\]/.test(env.RUSTUP_TOOLCHAIN ?? '')) return undefined;
  // A toolchain file anywhere up from the directory: not pinned.
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of TOOLCHAIN_FILES) if (q('e', join(dir, name)) !== '0') return undefined;
    if (dirname(dir) === dir) break;
  }
  const home = env.RUSTUP_HOME || join(homedir(), '.rustup');
  // With its state when trustworthy, as the run's own reads: a replay then only stats it.
  const settings = join(home, 'settings.toml');
  const before = Date.now();
  let st: BigIntStats | undefined;
  try {
    st = f.statSync(settings, { bigint: true, throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  checks.push(contentCheck(settings, ask(f, 'r', settings, ''), st, before));
  const toolchains = join(home, 'toolchains');
  q('d', toolchains, JSON.stringify({ withFileTypes: false, recursive: false }));
  let names: string[];
  try {
    names = f.readdirSync(toolchains);
  } catch {
    return undefined;
  }
  for (const name of names.sort()) {
    const sysroot = join(toolchains, name);
    q('s', join(sysroot, 'bin', 'rustc'));
    q('s', join(sysroot, 'bin', 'rustc.exe'));
    driverChecks(f, sysroot, q);
  }
  return checks;
}

/** Checks the librustc_driver of `sysroot`; false when it has none. */
function driverChecks(f: FsFunctions, sysroot: string, q: (kind: CheckKind, path: string, arg?: string) => string): boolean {
  let found = false;
  for (const dir of [join(sysroot, 'lib'), join(sysroot, 'bin')]) {
    q('d', dir, JSON.stringify({ withFileTypes: false, recursive: false }));
    let names: string[];
    try {
      names = f.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => DRIVER.test(n)).sort()) {
      q('s', join(dir, name));
      found = true;
    }
  }
  return found;
}

function sameFile(f: FsFunctions, a: string, b: string): boolean {
  const x = f.statSync(a, { bigint: true, throwIfNoEntry: false });
  const y = f.statSync(b, { bigint: true, throwIfNoEntry: false });
  return !!x && !!y && x.ino === y.ino && x.dev === y.dev;
}
