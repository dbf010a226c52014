/**
 * Built-in modules the replay needs only sometimes, loaded on first use: dist/quick.cjs runs before
 * most of Node is loaded, and node:crypto or node:child_process costs a few milliseconds to load,
 * a tenth of a replayed run. A replay hashes a file only when its state cannot vouch for it, and
 * runs a program only when a compiler is not pinned.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

function load(id: string): unknown {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (get) return get.call(process, id);
  // Node before 20.16: any absolute path serves to require a built-in module.
  return createRequire(process.execPath)(id);
}

let crypto: typeof Crypto | undefined;
let childProcess: typeof ChildProcess | undefined;

export const lazyCrypto = (): typeof Crypto => (crypto ??= load('node:crypto') as typeof Crypto);
export const lazyChildProcess = (): typeof ChildProcess => (childProcess ??= load('node:child_process') as typeof ChildProcess);
