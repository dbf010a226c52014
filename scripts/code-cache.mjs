// Writes the V8 code cache of the CLI bundle (dist/cli.cjs.cache; read by bin/load-bundle.js),
// after training runs, so that it holds the functions a run compiles lazily too, not only the
// bundle's top level: `cargo-units units --json --all-features` on a copy of examples/workspace,
// once with an empty facts cache (the cold path: parsing) and once with the facts cache that run
// wrote (the warm path), the second run starting from the first one's code cache. Both run in a
// temporary directory that is removed after. Run by scripts/build.mjs after bundling.
//
// `node scripts/code-cache.mjs --run OUT [IN] -- ARGS…` is one training run: the CLI with ARGS,
// compiled with V8's data IN if given, writing V8's data to OUT when the process exits.
//
// V8 accepts a code cache only under the V8 flags it was made with. A cold run sets one when it
// compiles WebAssembly (src/core/scan/parser.ts preferBaselineWasm): the training run sets it back
// before writing its data, and writes none when the flags cannot be restored (the warm run then
// starts without it, and the cache holds what the warm run compiles).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheFileContent, cacheFileOf, compileBundle } from '../bin/load-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli.cjs');

if (process.argv[2] === '--run') {
  const dash = process.argv.indexOf('--');
  const [out, input] = process.argv.slice(3, dash);
  // A version tag of V8 and its flags: a code cache is accepted only under the same tag.
  const tag = cachedDataVersionTag();
  const c = compileBundle(bundle, { useCache: false, ...(input && existsSync(input) ? { cachedData: readFileSync(input) } : {}) });
  if (c.status === 'rejected') process.stderr.write(`code-cache: V8 rejected the first training run's data; the cache holds the second run's functions only\n`);
  process.on('exit', () => {
    // Undoes --liftoff-only and what it implies.
    if (cachedDataVersionTag() !== tag) setFlagsFromString('--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering');
    if (cachedDataVersionTag() === tag) writeFileSync(out, c.script.createCachedData());
    else process.stderr.write('code-cache: a training run changed V8 flags that cannot be set back; its data is left out\n');
  });
  // The CLI reads its arguments from process.argv.slice(2).
  process.argv.splice(2, dash - 1);
  c.run();
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-code-cache-'));
  try {
    const ws = join(tmp, 'ws');
    cpSync(join(root, 'examples', 'workspace'), ws, { recursive: true });
    // The facts cache records a file's state (so that a warm run need not read it) only when the
    // file last changed 2 s before it was read (src/core/scan/sources.ts STAT_TRUST_MS).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    // No NODE_OPTIONS: V8 flags there would make a cache that runs without them reject.
    const env = { ...process.env, CARGO_UNITS_CACHE_DIR: join(tmp, 'facts'), NODE_OPTIONS: '' };
    const train = (out, input) => {
      const args = ['--run', out, ...(input ? [input] : []), '--', 'units', '--json', '--all-features', ws];
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
        env,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`code-cache: training run failed (exit ${r.status})`);
      if (!JSON.parse(r.stdout).units?.length) throw new Error('code-cache: the training run listed no units');
    };
    const cold = join(tmp, 'cold.bin');
    const both = join(tmp, 'both.bin');
    train(cold);
    train(both, cold);
    if (!existsSync(both)) throw new Error('code-cache: the warm training run wrote no data');
    const file = cacheFileOf(bundle);
    writeFileSync(`${file}.tmp`, cacheFileContent(bundle, readFileSync(both)));
    renameSync(`${file}.tmp`, file);
    // What a run of bin/cargo-units will find.
    const check = spawnSync(
      process.execPath,
      ['-e', `process.stdout.write(require(${JSON.stringify(join(root, 'bin', 'load-bundle.js'))}).compileBundle(${JSON.stringify(bundle)}).status)`],
      { env, encoding: 'utf8' },
    );
    if (check.stdout !== 'accepted') process.stderr.write(`code-cache: warning: a run of the CLI finds the code cache ${check.stdout || check.stderr}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
