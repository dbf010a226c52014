/**
 * Which run a recorded run may stand in for (record.ts writes records, replay.ts uses them).
 *
 * A record is named by a short hash of its key (checks.ts shortName) and holds the key itself,
 * which must be equal: the cargo-units build (the bundle's size, times and inode), Node's version,
 * the working directory, the arguments, every environment variable but a few a shell changes
 * between commands, and whether stdout and stderr are terminals. Anything else a run depended on
 * is in the record's checks.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR_ENV, defaultCacheDir } from '../../core/scan/cache.js';
import { shortName, statAnswer } from './checks.js';

/** Set by shells and terminals per command or per prompt; nothing cargo-units does depends on them. */
const VOLATILE_ENV = new Set(['_', 'OLDPWD', 'PWD', 'SHLVL']);

export interface RunContext {
  /** The CLI bundle (dist/cli.cjs) of the running build. */
  bundle: string;
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  tty: [boolean, boolean];
}

/** This process's run of `bundle` with `argv` in `cwd` (the recorder and the replay both describe it so). */
export function thisRun(bundle: string, argv: string[], cwd: string): RunContext {
  return { bundle, argv, cwd, env: process.env, tty: [!!process.stdout.isTTY, !!process.stderr.isTTY] };
}

/** The key of a run in `ctx`, or undefined when the bundle cannot be stat'ed. */
export function runKey(ctx: RunContext): string | undefined {
  let build: string;
  try {
    build = statAnswer(statSync(ctx.bundle, { bigint: true, throwIfNoEntry: false }));
  } catch {
    return undefined;
  }
  if (build.startsWith('!')) return undefined;
  const env = Object.keys(ctx.env)
    .filter((k) => !VOLATILE_ENV.has(k))
    .sort()
    .map((k) => [k, ctx.env[k]]);
  return JSON.stringify({ build, node: process.version, cwd: ctx.cwd, argv: ctx.argv, env, tty: ctx.tty });
}

/**
 * Whether runs are recorded and replayed: as the facts cache is used (cli/context.ts indexOptions),
 * never under `node --test` without CARGO_UNITS_CACHE_DIR (tests never write into the user's cache).
 * `--no-cache` is handled by the recorder: such a run records nothing, so none is found.
 */
export function replayEnabled(env: NodeJS.ProcessEnv): boolean {
  return !env.NODE_TEST_CONTEXT || !!env[CACHE_DIR_ENV];
}

/** The directory of run records inside the cache directory. */
export const runsDir = (env: NodeJS.ProcessEnv): string => join(defaultCacheDir(env), 'runs');

/** The record file of `key`. */
export const recordFile = (env: NodeJS.ProcessEnv, key: string): string => join(runsDir(env), `${shortName(key)}.json`);
