/** The cargo-units version: package.json's, put into the bundles by scripts/build.mjs (esbuild `define`). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

declare const CARGO_UNITS_VERSION: string | undefined;

export const VERSION: string = typeof CARGO_UNITS_VERSION === 'string' ? CARGO_UNITS_VERSION : sourceVersion();

/** Run from the TypeScript sources (tests under tsx), there is no bundle: package.json is next door. */
function sourceVersion(): string {
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    return (JSON.parse(readFileSync(req.resolve('../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
