/** The fuzz loop: mutated seeds through each target, failures saved as regression fixtures. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutateMany, Rng } from './mutate.js';
import { FuzzFailure, type Target } from './targets.js';

export const REGRESSIONS = join(import.meta.dirname, 'regressions');

export interface FuzzStats {
  target: string;
  inputs: number;
  failures: { file?: string; input: string; message: string }[];
  /** The slowest single input, in ms (a hang shows here, or as the bound being hit). */
  slowestMs: number;
  seconds: number;
}

export interface FuzzRun {
  seed: number;
  /** Stop after this many inputs… */
  maxInputs: number;
  /** …or this many seconds, whichever comes first. */
  maxSeconds: number;
  /** Write each failing input under regressions/<target>/ (the long run does; the test run does not). */
  save: boolean;
  /**
   * Write each input here before running it, so that an input that hangs the process (and gets it
   * killed from outside) is not lost.
   */
  currentFile?: string;
}

export async function fuzz(target: Target, run: FuzzRun): Promise<FuzzStats> {
  const rng = new Rng(run.seed);
  const stats: FuzzStats = { target: target.name, inputs: 0, failures: [], slowestMs: 0, seconds: 0 };
  if (target.seeds.length === 0) throw new Error(`no seeds for ${target.name}`);
  const start = performance.now();
  while (stats.inputs < run.maxInputs && performance.now() - start < run.maxSeconds * 1000) {
    const input = mutateMany(rng.pick(target.seeds), rng, target.seeds);
    stats.inputs++;
    if (run.currentFile) writeFileSync(run.currentFile, input);
    const t0 = performance.now();
    try {
      await target.run(input);
    } catch (e) {
      const message = e instanceof FuzzFailure ? e.message : `unexpected ${(e as Error)?.stack ?? String(e)}`;
      const failure: FuzzStats['failures'][number] = { input, message };
      if (run.save) failure.file = saveRegression(target, input);
      stats.failures.push(failure);
    }
    stats.slowestMs = Math.max(stats.slowestMs, performance.now() - t0);
  }
  stats.seconds = (performance.now() - start) / 1000;
  return stats;
}

export function saveRegression(target: Target, input: string): string {
  const dir = join(REGRESSIONS, target.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 12)}.${target.ext}`);
  writeFileSync(file, input);
  return file;
}

/** The saved crash cases of a target (each must now pass). */
export function regressions(target: Target): { file: string; input: string }[] {
  const dir = join(REGRESSIONS, target.name);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ file: join(dir, n), input: readFileSync(join(dir, n), 'utf8') }));
}
