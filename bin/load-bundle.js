// Compiles and runs the CLI bundle (dist/cli.cjs) with V8's code cache for it (dist/cli.cjs.cache,
// written by scripts/code-cache.mjs at build time): V8 then deserializes the bytecode of the
// functions a run uses instead of compiling them, which is most of what starting the CLI costs.
//
// The cache file is the SHA-1 of the bundle it was made from, the SHA-1 of V8's data, then V8's
// data. It is used only when both hashes match (V8 itself checks only the source's length), and V8
// rejects data from another V8 version or made under other V8 flags: in every such case, and when
// the file is missing, the bundle is compiled as usual. Nothing is written at run time. No V8 flag
// may be set before the bundle is compiled (src/core/scan/parser.ts preferBaselineWasm).
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const HASH = 20;
// Node's CommonJS wrapper, on the bundle's first line (line numbers stay those of the file).
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n})';

/** The code cache file of a bundle. */
const cacheFileOf = (bundle) => `${bundle}.cache`;

const sha1 = (bytes) => createHash('sha1').update(bytes).digest();

/** The content of the code cache file of `bundle` for V8's data `v8Data` (made from that bundle). */
const cacheFileContent = (bundle, v8Data) => Buffer.concat([sha1(readFileSync(bundle)), sha1(v8Data), v8Data]);

/**
 * The bundle as a vm.Script, with its code cache when it has a usable one. `status`: `accepted`,
 * `rejected` (V8 refused it), `stale` (made from another bundle, or damaged), `missing`, or `off`.
 * `cachedData`: a code cache to use instead of the bundle's file (V8's data alone; for
 * scripts/code-cache.mjs).
 */
function compileBundle(bundle, { useCache = true, cachedData } = {}) {
  const bytes = readFileSync(bundle);
  let status = useCache ? 'missing' : 'off';
  let data = cachedData;
  if (useCache && data === undefined) {
    let file;
    try {
      file = readFileSync(cacheFileOf(bundle));
    } catch {
      // no cache: compiled as usual
    }
    if (file) {
      const payload = file.subarray(2 * HASH);
      const ok = file.length > 2 * HASH && file.subarray(0, HASH).equals(sha1(bytes)) && file.subarray(HASH, 2 * HASH).equals(sha1(payload));
      if (ok) data = payload;
      else status = 'stale';
    }
  }
  const script = new vm.Script(HEAD + bytes.toString('utf8') + TAIL, {
    filename: bundle,
    ...(data ? { cachedData: data } : {}),
    // The bundle's `import()`s (none on the CLI's paths) resolve as in a CommonJS module.
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  if (data) status = script.cachedDataRejected ? 'rejected' : 'accepted';
  return {
    script,
    status,
    /** Runs the bundle as Node runs a CommonJS module. */
    run() {
      const module = { exports: {}, filename: bundle, id: '.', loaded: false, children: [], paths: [] };
      const require = createRequire(bundle);
      script.runInThisContext().call(module.exports, module.exports, require, module, bundle, dirname(bundle));
      module.loaded = true;
    },
  };
}

module.exports = { cacheFileOf, cacheFileContent, compileBundle };
