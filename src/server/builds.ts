/**
 * One build scheduler per Cargo workspace, running the build command and reporting progress.
 * No LSP types: progress goes to a callback.
 */
import type { BuildEvent, BuildEventError, RustcDiagnostic } from '../protocol/build-events.js';
import type { BuildProgress, BuildSettings } from '../protocol/lsp_ext.js';
import { buildCommandLine, settingsProblem, spanFile, type BuildTarget } from './build-command.js';
import { runBuildProcess } from './build-process.js';
import { BuildScheduler, type BuildJob } from './scheduler.js';

export interface BuildsOptions {
  settings: BuildSettings;
  /** How to run the bundled CLI. */
  bundled: { node: string; cli: string };
  /** Index options of a workspace root, for the command line. */
  targetOf: (root: string) => BuildTarget;
  /** Units a job will build (for the progress view until the plan arrives). */
  unitsOf: (root: string, job: BuildJob) => string[];
  /** Unit id → its dependencies' unit ids, for the workspace at `root`. */
  depsOf: (root: string) => Record<string, string[]>;
  /** Package directory of a unit, to resolve rustc's relative span files. */
  packageDirOf: (root: string, unit: string) => string | undefined;
  report: (p: BuildProgress) => void;
  /** A build that threw (a bug in the server, not a failed build). */
  onError: (err: unknown) => void;
}

export class Builds {
  private readonly schedulers = new Map<string, BuildScheduler>();
  private nextId = 1;

  constructor(private readonly o: BuildsOptions) {}

  /** Schedules a build of `job` in the workspace at `root`; `now` skips the debounce. */
  request(root: string, job: Partial<BuildJob>, now: boolean): void {
    this.schedulerOf(root).request(job, now);
  }

  /** Cancels the builds of one workspace, or all. Returns how many were cancelled. */
  cancel(root?: string): number {
    let n = 0;
    for (const [r, s] of this.schedulers) if (root === undefined || r === root) n += Number(s.cancel());
    return n;
  }

  idle(): Promise<void> {
    return Promise.all([...this.schedulers.values()].map((s) => s.idle())).then(() => undefined);
  }

  dispose(): void {
    for (const s of this.schedulers.values()) s.dispose();
    this.schedulers.clear();
  }

  private schedulerOf(root: string): BuildScheduler {
    let s = this.schedulers.get(root);
    if (!s) this.schedulers.set(root, (s = new BuildScheduler((job, signal) => this.run(root, job, signal), this.o.settings.debounceMs, this.o.onError)));
    return s;
  }

  private async run(root: string, job: BuildJob, signal: AbortSignal): Promise<void> {
    const build = this.nextId++;
    const workspace = root;
    this.o.report({ workspace, build, kind: 'begin', units: this.o.unitsOf(root, job), files: job.files, deps: this.o.depsOf(root) });
    try {
      await this.runBuild(root, build, job, signal);
    } catch (err) {
      // The view must not wait for an end that never comes.
      this.o.report({
        workspace,
        build,
        kind: 'end',
        outcome: 'failed',
        message: `internal error: ${err instanceof Error ? err.message : String(err)}`,
        reason: 'internal',
      });
      throw err;
    }
  }

  private async runBuild(root: string, build: number, job: BuildJob, signal: AbortSignal): Promise<void> {
    const workspace = root;
    const problem = settingsProblem(this.o.settings, root);
    if (problem) {
      this.o.report({ workspace, build, kind: 'end', outcome: 'failed', message: problem.message, reason: 'setting', setting: problem.setting });
      return;
    }
    const { command, args, env } = buildCommandLine(this.o.settings, this.o.targetOf(root), job, this.o.bundled);
    this.o.report({ workspace, build, kind: 'output', line: `$ ${[command, ...args].join(' ')}` });
    let failedUnits = 0;
    let planned = false;
    const stderr: string[] = [];
    const badLines: BuildEventError[] = [];
    const onEvent = (event: BuildEvent) => {
      if (event.type === 'diagnostic') {
        const dir = this.o.packageDirOf(root, event.unit);
        event = { ...event, file: spanFile(event.file, root, dir), diagnostic: absoluteDiagnostic(event.diagnostic, (f) => spanFile(f, root, dir)) };
      }
      if (event.type === 'failed') failedUnits++;
      if (event.type === 'plan') planned = true;
      this.o.report({ workspace, build, kind: 'event', event });
    };
    const r = await runBuildProcess({
      command,
      args,
      cwd: root,
      env: { ...process.env, ...env },
      signal,
      onEvent,
      onBadLine: (err) => {
        badLines.push(err);
        this.o.report({ workspace, build, kind: 'output', line: `cargo-units: ${err.message}` });
      },
      onOutput: (line) => {
        stderr.push(line);
        if (stderr.length > 50) stderr.shift();
        this.o.report({ workspace, build, kind: 'output', line });
      },
    });
    if (badLines.length > 0) {
      const what = `${command} printed ${badLines.length} line${badLines.length === 1 ? '' : 's'} that ${badLines.length === 1 ? 'is' : 'are'} not build events (first: ${badLines[0]!.message})`;
      this.o.report({ workspace, build, kind: 'end', outcome: 'failed', message: what, reason: 'protocol' });
    } else if (r.cancelled) this.o.report({ workspace, build, kind: 'end', outcome: 'cancelled' });
    else if (r.spawnError)
      this.o.report({ workspace, build, kind: 'end', outcome: 'failed', message: `cannot run ${command}: ${r.spawnError}`, reason: 'spawn' });
    else if (r.code !== 0 && !planned && failedUnits === 0) {
      // It stopped before planning (a manifest error, sources it cannot find): its own words say why.
      const errors = stderr.filter((l) => /\berror\b/i.test(l));
      const message = (errors.length > 0 ? errors : stderr.slice(-5)).join('\n') || `${command} exited with ${r.code ?? r.signal}`;
      this.o.report({
        workspace,
        build,
        kind: 'end',
        outcome: 'failed',
        message,
        reason: 'command',
        ...(/--vendor\b/.test(message) ? { setting: 'vendorDir' } : {}),
        exitCode: r.code ?? undefined,
      });
    } else if (r.code !== 0 || failedUnits > 0)
      this.o.report({
        workspace,
        build,
        kind: 'end',
        outcome: 'failed',
        exitCode: r.code ?? undefined,
        ...(r.signal ? { message: `${command} ended by ${r.signal}` } : {}),
      });
    else this.o.report({ workspace, build, kind: 'end', outcome: 'succeeded' });
  }
}

/** The diagnostic with every span file (children's too) resolved by `file`. */
function absoluteDiagnostic(d: RustcDiagnostic, file: (f: string) => string): RustcDiagnostic {
  return { ...d, spans: d.spans.map((s) => ({ ...s, file_name: file(s.file_name) })), children: (d.children ?? []).map((c) => absoluteDiagnostic(c, file)) };
}
