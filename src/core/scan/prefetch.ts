/**
 * Work done while rustc reports the target's cfg (UnitIndex.open): reading, hashing and, when
 * not cached, parsing the sources the index will most likely ask for. Only a head start: results
 * are content-addressed, and the resolution that follows asks for every file it needs itself.
 */
import { basename, dirname, join } from 'node:path';
import type { Item } from './facts.js';
import type { SourceStore } from './sources.js';

interface Seed {
  file: string;
  /** A crate root: its child modules live in its own directory. */
  root: boolean;
}

/** How long the loop runs before letting the event loop see whether rustc has answered. */
const SLICE_MS = 4;

/**
 * Reads `recorded` (the files of the last session) and parses the crate roots `roots` and the
 * module files they declare (outside `#[path]`, whatever the cfg), until `done()` turns true.
 */
export async function prefetchWhile(store: SourceStore, roots: string[], recorded: string[], done: () => boolean): Promise<void> {
  const queue: Seed[] = [...roots.map((file) => ({ file, root: true })), ...recorded.map((file) => ({ file, root: false }))];
  const seen = new Set<string>();
  let slice = performance.now();
  for (let i = 0; i < queue.length && !done(); i++) {
    const { file, root } = queue[i]!;
    if (seen.has(file)) continue;
    seen.add(file);
    const facts = store.prefetch(file);
    if (facts) {
      const dir = root || basename(file) === 'mod.rs' ? dirname(file) : join(dirname(file), basename(file, '.rs'));
      for (const name of declaredModules(facts.items)) {
        const a = join(dir, `${name}.rs`);
        const child = store.isFile(a) ? a : join(dir, name, 'mod.rs');
        if (!seen.has(child)) queue.push({ file: child, root: false });
      }
    }
    if (performance.now() - slice > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}

/** Names of `mod name;` declarations outside inline modules, without `#[path]`. */
function declaredModules(items: Item[], out: string[] = []): string[] {
  for (const item of items) {
    switch (item.kind) {
      case 'mod':
        if (!item.inline && !item.attrs.some((a) => a.tokens[0]?.kind === 'ident' && a.tokens[0].text === 'path') && /^(r#)?[A-Za-z_]\w*$/.test(item.name)) {
          out.push(item.name.replace(/^r#/, ''));
        }
        break;
      case 'gated':
      case 'macro':
        declaredModules(item.body, out);
        break;
      case 'cfg-if':
        for (const b of item.branches) declaredModules(b.body, out);
        break;
      case 'include':
        break;
    }
  }
  return out;
}
