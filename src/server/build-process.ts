/**
 * Runs one build command and turns its JSON-line output (stdout: events only) into build events. The process gets its
 * own process group, so cancelling kills nix and everything it started. Small on purpose: the
 * adapter to switch when the build runs in-process.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BuildEventError, parseBuildEvent, type BuildEvent } from '../protocol/build-events.js';

export interface BuildProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onEvent: (e: BuildEvent) => void;
  /** A non-blank stdout line that is not a well-formed event (the contract was broken). */
  onBadLine: (err: BuildEventError) => void;
  /** Every line of stderr. */
  onOutput: (line: string) => void;
  /** Grace period between SIGTERM and SIGKILL when cancelled. */
  killAfterMs?: number;
}

export interface BuildProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  /** The program could not be started. */
  spawnError?: string;
}

export function runBuildProcess(o: BuildProcessOptions): Promise<BuildProcessResult> {
  return new Promise((resolve) => {
    if (o.signal.aborted) return resolve({ code: null, signal: null, cancelled: true });
    const child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let spawnError: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), o.killAfterMs ?? 3000);
      killTimer.unref();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.trim() === '') return;
      let e: BuildEvent;
      try {
        e = parseBuildEvent(line);
      } catch (err) {
        if (err instanceof BuildEventError) return o.onBadLine(err);
        throw err;
      }
      o.onEvent(e);
    });
    createInterface({ input: child.stderr }).on('line', (line) => o.onOutput(line));
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, signal) => {
      o.signal.removeEventListener('abort', onAbort);
      // Whatever the build left running in its group goes with it.
      if (o.signal.aborted) killGroup('SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, cancelled: o.signal.aborted, ...(spawnError ? { spawnError } : {}) });
    });
  });
}
