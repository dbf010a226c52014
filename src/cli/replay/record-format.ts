/** What a recorded run holds (record.ts writes it, replay.ts reads it). */
import type { ExecFileException } from 'node:child_process';
import type { Check } from './checks.js';

/** Bump when RunRecord or a check's answer changes. */
export const RECORD_FORMAT = 3;

/** A program the run ran with execFile, and its answer (status, stdout, stderr). */
export interface RecordedCommand {
  file: string;
  args: string[];
  cwd: string;
  answer: string;
}

/** The files a program's answers come from (compiler.ts), asked before it ran. */
export interface PinnedCompiler {
  file: string;
  cwd: string;
  checks: Check[];
}

export interface RunRecord {
  format: number;
  key: string;
  checks: Check[];
  commands: RecordedCommand[];
  compilers: PinnedCompiler[];
  /** The lines printed, in order: 0 stdout, 1 stderr. */
  output: [0 | 1, string][];
  code: number;
}

/** A program's answer as recorded and compared: its status, stdout and stderr. */
export function commandAnswer(err: ExecFileException | null, stdout: unknown, stderr: unknown): string {
  const status = err === null ? 'ok' : typeof err.code === 'number' ? `exit ${err.code}` : `failed ${String(err.code ?? err.signal)}`;
  return JSON.stringify([status, String(stdout ?? ''), String(stderr ?? '')]);
}
