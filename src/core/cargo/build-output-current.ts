/**
 * Whether a recorded build-script output can still hold, beyond its build script's own sources
 * (checked by the index): the inputs the script declared to cargo, and the compiler it ran with.
 * When an input is newer or different, cargo would run the script again, and its cfgs may change.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The `rerun-if-changed` paths and `rerun-if-env-changed` variables cargo recorded for one run
 * (`local` of `.fingerprint/<pkg>-<hash>/run-build-script-build-script-build.json`): true while
 * every path is no newer than the output and every variable has the recorded value in `env`.
 * A fingerprint that cannot be read is not evidence of change (true).
 */
export function declaredInputsCurrent(fingerprintDir: string, packageDir: string | undefined, outputMtimeMs: number, env: NodeJS.ProcessEnv): boolean {
  let local: unknown;
  try {
    local = (JSON.parse(readFileSync(join(fingerprintDir, 'run-build-script-build-script-build.json'), 'utf8')) as { local?: unknown }).local;
  } catch {
    return true;
  }
  if (!Array.isArray(local)) return true;
  for (const item of local as Record<string, unknown>[]) {
    const envDep = item?.RerunIfEnvChanged as { var?: unknown; val?: unknown } | undefined;
    if (envDep && typeof envDep.var === 'string') {
      const now = env[envDep.var];
      if ((now ?? null) !== (envDep.val ?? null)) return false;
    }
    const fileDep = item?.RerunIfChanged as { paths?: unknown } | undefined;
    if (fileDep && Array.isArray(fileDep.paths)) {
      for (const p of fileDep.paths) {
        if (typeof p !== 'string') continue;
        if (!isAbsolute(p) && !packageDir) return false;
        const abs = isAbsolute(p) ? p : join(packageDir!, p);
        if (newestMtime(abs, 0) > outputMtimeMs) return false;
      }
    }
  }
  return true;
}

/** The newest mtime under a path (cargo scans directories recursively); Infinity when missing. */
function newestMtime(path: string, depth: number): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return Infinity;
  }
  if (!st.isDirectory() || depth > 32) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e), depth + 1));
  return newest;
}

/**
 * False when the target directory was last built by another compiler than `rustc` (cargo keeps
 * `rustc -vV` in `<targetDir>/.rustc_info.json`): build scripts that probe the compiler version
 * (libc, serde, syn, anyhow) may print other cfgs for this one. True when either side is unknown.
 */
export function sameCompiler(targetDir: string, rustc: string | undefined): boolean {
  let recorded: string | undefined;
  try {
    const info = JSON.parse(readFileSync(join(targetDir, '.rustc_info.json'), 'utf8')) as { outputs?: Record<string, { stdout?: unknown }> };
    recorded = Object.values(info.outputs ?? {})
      .map((o) => (typeof o.stdout === 'string' ? o.stdout : ''))
      .find((s) => /^rustc /.test(s) && /^binary: rustc$/m.test(s));
  } catch {
    return true;
  }
  if (!recorded || !rustc) return true;
  try {
    return execFileSync(rustc, ['-vV'], { encoding: 'utf8', timeout: 60_000 }).trim() === recorded.trim();
  } catch {
    return true;
  }
}
