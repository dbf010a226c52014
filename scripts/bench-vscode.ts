/**
 * Badges after activation on the large generated workspace (scripts/gen-large-workspace.ts:
 * ≥ 1,000 .rs files, ≥ 300 fixture packages), in code-server with the .vsix, driven by Chromium:
 * from the extension's status bar item appearing until the first file's badge is drawn in the
 * Explorer (expanding three folder rows included). Cold: an empty index cache; warm: a second
 * session on the same cache. Target: ≤ 3 s. `node --import tsx scripts/bench-vscode.ts [RUNS]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTools } from '../test/vscode/code-server.js';
import { largeSession, measureBadges } from '../test/vscode/large.js';

const missing = missingTools();
if (missing) throw new Error(missing);
const runs = Number(process.argv[2] ?? 2);
const results: { cold: number[]; warm: number[]; activation: number[] } = { cold: [], warm: [], activation: [] };
for (let i = 0; i < runs; i++) {
  const cache = mkdtempSync(join(tmpdir(), 'cargo-units-bench-cache-'));
  try {
    for (const kind of ['cold', 'warm'] as const) {
      const { session } = await largeSession(cache);
      try {
        const m = await measureBadges(session);
        if (m.badge === '') throw new Error('no badge appeared');
        results[kind].push(m.badgeMs);
        results.activation.push(m.activationMs);
        console.log(`run ${i + 1} ${kind}: badges ${m.badgeMs} ms after activation (workbench load to activation ${m.activationMs} ms)`);
      } finally {
        await session.stop();
      }
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  JSON.stringify({
    machine: `${cpus().length} × ${cpus()[0]?.model}`,
    runs,
    coldMedianMs: med(results.cold),
    warmMedianMs: med(results.warm),
    cold: results.cold,
    warm: results.warm,
  }),
);
