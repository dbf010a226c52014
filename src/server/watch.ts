/**
 * Watches the directories that hold (or may hold) the files of the units, with the operating
 * system's notifications (inotify), so a file written by another program reaches the index in
 * milliseconds. The editor's own file events, which arrive later, still come in and are no-ops.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private scheduled = false;

  constructor(private readonly onChange: (paths: string[]) => void) {}

  /** Watches exactly these directories (those that exist). */
  sync(dirs: Iterable<string>): void {
    const want = new Set(dirs);
    for (const [dir, w] of this.watchers) {
      if (want.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => name && this.add(join(dir, name.toString())));
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // missing or unreadable: nothing to watch
      }
    }
  }

  get size(): number {
    return this.watchers.size;
  }

  private add(path: string): void {
    this.pending.add(path);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const paths = [...this.pending];
      this.pending = new Set();
      this.onChange(paths);
    });
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
