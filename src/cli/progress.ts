/**
 * A live status line on stderr while a slow step runs (indexing, verify, build), for terminals
 * only: it appears once the step has taken `delayMs`, is redrawn in place, and is cleared before
 * any other output line and at the end. Never used with --json or when stderr is not a terminal.
 */
export class Progress {
  private text = '';
  private shown = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: { write(s: string): unknown; columns?: number },
    private readonly delayMs = 500,
  ) {}

  /** Sets the status text; it shows once `delayMs` has passed since the step began. */
  update(text: string): void {
    this.text = text;
    if (this.shown) this.draw();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.text) return;
        this.shown = true;
        this.draw();
      }, this.delayMs);
      this.timer.unref();
    }
  }

  /** A step with a fixed text: shown if it takes longer than `delayMs`, cleared by `done`. */
  after(text: string): { done: () => void } {
    this.update(text);
    return { done: () => this.clear() };
  }

  /** Removes the status line (and forgets the step). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.text = '';
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  /** Writes `line` to `to` without tearing the status line: clear, write, redraw. */
  print(to: { write(s: string): unknown }, line: string): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    to.write(`${line}\n`);
    if (this.shown) this.draw();
  }

  private draw(): void {
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const text = this.text.length > width ? `${this.text.slice(0, width - 1)}…` : this.text;
    this.stream.write(`\r\x1b[K${text}`);
  }
}
