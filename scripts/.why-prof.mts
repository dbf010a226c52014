import { UnitIndex, DEFAULT_OPTIONS } from '../src/core/index.js';
import { WhyIndex } from '../src/core/why.js';
import { generateWorkspace } from './bench-gen.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
const ws = process.argv[2] ?? (() => { const d = mkdtempSync(join(tmpdir(), 'whyprof-')); generateWorkspace(d, 2000, 20, 7); return d; })();
const cache = mkdtempSync(join(tmpdir(), 'whyprof-cache-'));
process.env.CARGO_UNITS_CACHE_DIR = cache;
await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache });
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const index = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache });
  const open = performance.now() - t;
  t = performance.now();
  new WhyIndex(index).explain(join(ws, 'crates/gen3/src/lib.rs'));
  console.log('open', open.toFixed(1), 'why', (performance.now() - t).toFixed(1));
}
