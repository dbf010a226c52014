import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirWatcher } from './watch.js';

test('reports writes, creations and deletions in watched directories only, together per tick', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-watch-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const seen: string[][] = [];
  const w = new DirWatcher((paths) => seen.push(paths));
  try {
    w.sync([join(dir, 'a'), join(dir, 'missing')]);
    assert.equal(w.size, 1);
    writeFileSync(join(dir, 'a', 'x.rs'), 'fn x() {}');
    writeFileSync(join(dir, 'b', 'y.rs'), 'fn y() {}');
    const until = Date.now() + 5000;
    while (!seen.flat().includes(join(dir, 'a', 'x.rs')) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    assert.ok(seen.flat().includes(join(dir, 'a', 'x.rs')));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!seen.flat().includes(join(dir, 'b', 'y.rs')), 'b is not watched');
    w.sync([join(dir, 'b')]);
    seen.length = 0;
    rmSync(join(dir, 'b', 'y.rs'));
    writeFileSync(join(dir, 'a', 'x.rs'), 'fn x2() {}');
    while (!seen.flat().includes(join(dir, 'b', 'y.rs')) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([...new Set(seen.flat())], [join(dir, 'b', 'y.rs')], 'a is no longer watched');
  } finally {
    w.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
