/**
 * A small test runner for inside the extension host: runs the tests in order, writes one line per
 * test and the closing line `N passed, N failed` to `results.txt` next to this bundle (the
 * harness cannot see the extension host's console), and rejects when a test failed.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Case {
  name: string;
  fn: () => Promise<void>;
  timeoutMs?: number;
}

export const RESULTS = join(__dirname, 'results.txt');

export async function runCases(cases: Case[]): Promise<void> {
  writeFileSync(RESULTS, '');
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        c.fn(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs ?? 30_000} ms`)), c.timeoutMs ?? 30_000))),
      ]);
      passed++;
      appendFileSync(RESULTS, `ok - ${c.name} (${Date.now() - t0} ms)\n`);
    } catch (err) {
      failed++;
      appendFileSync(RESULTS, `not ok - ${c.name}\n  ${String((err as Error).stack ?? err).split('\n').join('\n  ')}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
  appendFileSync(RESULTS, `${passed} passed, ${failed} failed\n`);
  if (failed > 0) throw new Error(`${failed} failed`);
}
