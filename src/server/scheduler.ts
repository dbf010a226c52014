/**
 * When builds run, for one workspace: requests are debounced and merged; a newer request cancels
 * the build in flight and is built together with what that build had not finished; never two
 * builds at once; the last request always ends up built. The build itself is a function given in.
 */

export interface BuildJob {
  /** Changed files (sorted): build the units they affect. */
  files: string[];
  /** Units to build besides (sorted). */
  units: string[];
}

export type RunBuild = (job: BuildJob, signal: AbortSignal) => Promise<void>;

interface Running {
  job: BuildJob;
  abort: AbortController;
  superseded: boolean;
  done: Promise<void>;
}

export class BuildScheduler {
  private pending: { files: Set<string>; units: Set<string> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Running | undefined;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: RunBuild,
    private debounceMs: number,
    /** A build function that threw (a bug): reported, and the scheduler goes on. */
    private readonly onError: (err: unknown) => void = (err) => {
      throw err;
    },
  ) {}

  get busy(): boolean {
    return this.running !== undefined || this.pending !== undefined;
  }

  setDebounce(ms: number): void {
    this.debounceMs = ms;
  }

  /** Asks for a build of `job`; `now` skips the debounce (an explicit command). */
  request(job: Partial<BuildJob>, now = false): void {
    if (this.disposed) return;
    if ((job.files?.length ?? 0) === 0 && (job.units?.length ?? 0) === 0) return;
    this.merge(job);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (now || this.debounceMs <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  /** Cancels the build in flight and drops what was waiting. Returns whether anything was cancelled. */
  cancel(): boolean {
    const had = this.running !== undefined || this.pending !== undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    if (this.running) {
      this.running.superseded = false;
      this.running.abort.abort();
    } else this.notifyIdle();
    return had;
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private merge(job: Partial<BuildJob>): void {
    this.pending ??= { files: new Set(), units: new Set() };
    for (const f of job.files ?? []) this.pending.files.add(f);
    for (const u of job.units ?? []) this.pending.units.add(u);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.running) {
      // One build at a time: stop the old one; it starts the merged request when it has ended.
      this.running.superseded = true;
      this.running.abort.abort();
      return;
    }
    this.startPending();
  }

  private startPending(): void {
    const p = this.pending;
    if (!p || this.disposed) return this.notifyIdle();
    this.pending = undefined;
    const job: BuildJob = { files: [...p.files].sort(), units: [...p.units].sort() };
    const abort = new AbortController();
    const r: Running = { job, abort, superseded: false, done: Promise.resolve() };
    this.running = r;
    r.done = this.run(job, abort.signal)
      .catch((err: unknown) => {
        try {
          this.onError(err);
        } catch (e) {
          // No handler: surface it as an unhandled rejection rather than lose it.
          void Promise.reject(e);
        }
      })
      .then(() => {
        this.running = undefined;
        // What the cancelled build had not built still needs building.
        if (r.superseded) this.merge(job);
        if (this.pending && !this.timer) this.startPending();
        else if (!this.pending) this.notifyIdle();
      });
  }

  private notifyIdle(): void {
    if (this.busy) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
