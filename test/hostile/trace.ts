/**
 * Runs the built `cargo-units` under real `strace -f`, so that a test can prove which paths the
 * process and its children opened, with a hard time bound.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers.js';

export interface Traced {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every path the process and its children opened (open, openat, openat2, creat) or executed (execve). */
  opened: string[];
  timedOut: boolean;
}

const OPEN_RE = /\b(?:open|openat|openat2|execve|creat)\((?:AT_FDCWD|\d+)?,? ?"((?:[^"\\]|\\.)*)"/;

/** Decodes strace's C-style string escapes (`\n`, `\"`, `\\`, octal). */
function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

export function traceCli(args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Traced {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-trace-'));
  const log = join(dir, 'strace.log');
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-s', '4096', '-e', 'trace=open,openat,openat2,creat,execve', '-o', log, process.execPath, join(REPO, 'bin', 'cargo-units'), ...args],
    {
      cwd,
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      env: { ...process.env, ...env },
    },
  );
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // strace wrote nothing (killed before its first line).
  }
  const opened: string[] = [];
  for (const line of text.split('\n')) {
    const m = OPEN_RE.exec(line);
    if (m) opened.push(unescape(m[1]!));
  }
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', opened, timedOut };
}
