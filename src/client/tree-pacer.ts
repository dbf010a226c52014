/**
 * Paces a tree view's change events to VS Code's own pace, so that every change it forwards is
 * drawn at once. VS Code's extension host passes a TreeDataProvider's `onDidChangeTreeData` through
 * `Event.debounce(…, 200, leading = true)` (extHostTreeViews.ts, VS Code 1.100): a change after 200 ms
 * without one is forwarded at once; a change inside those 200 ms restarts the window and is held
 * until the window passes with no change at all. Firing on every build event (every ~40 ms on a
 * busy build) therefore held the Build view back for as long as events kept coming: 1.4 s p95,
 * 2 s max (BENCHMARKS.md). Here a change fires at once when the window is free, and otherwise once,
 * just after the window closes: never later than the window after the change.
 */

/** VS Code's window (200 ms) plus a margin, so that ours fires after its timer has run out. */
export const TREE_WINDOW_MS = 215;

export class TreePacer {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly fire: () => void,
    private readonly now: () => number = () => performance.now(),
    readonly windowMs = TREE_WINDOW_MS,
  ) {}

  /** A change: fired now if the window is free, else once when it is. */
  changed(): void {
    if (this.timer) return;
    const wait = this.last + this.windowMs - this.now();
    if (wait <= 0) this.emit();
    else this.timer = setTimeout(() => this.emit(), wait);
  }

  /** ms since the last fire (Infinity before the first). */
  sinceLast(): number {
    return this.now() - this.last;
  }

  private emit(): void {
    this.timer = undefined;
    this.last = this.now();
    this.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
