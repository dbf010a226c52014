/**
 * Replays a recorded run (record.ts): when every check gets its recorded answer again and every
 * program the run ran answers as it did, the run's output is printed as recorded, and the index
 * is not loaded at all. Otherwise nothing is printed and the command runs as usual.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { lazyChildProcess } from './builtins.js';
import { holds, type Check } from './checks.js';
import { recordFile, replayEnabled, runKey, type RunContext } from './key.js';
import { commandAnswer, RECORD_FORMAT, type RecordedCommand, type RunRecord } from './record-format.js';

/** The record of a run in `ctx`, when there is one for exactly this run. */
export function findRecord(ctx: RunContext): RunRecord | undefined {
  if (!replayEnabled(ctx.env)) return undefined;
  const key = runKey(ctx);
  if (key === undefined) return undefined;
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile(ctx.env, key), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
  return record?.format === RECORD_FORMAT &&
    record.key === key &&
    Array.isArray(record.checks) &&
    Array.isArray(record.commands) &&
    Array.isArray(record.compilers) &&
    Array.isArray(record.output)
    ? record
    : undefined;
}

/** Runs a recorded command again; resolves to its answer. */
function rerun(c: RecordedCommand, running: ChildProcess[]): Promise<string> {
  return new Promise((resolve) => {
    try {
      const child = lazyChildProcess().execFile(
        c.file,
        c.args,
        { cwd: c.cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, windowsHide: true },
        (err, stdout, stderr) => resolve(err?.killed ? '' : commandAnswer(err, stdout, stderr)),
      );
      running.push(child);
    } catch {
      resolve('');
    }
  });
}

/** A built-in target's name (a custom target is a JSON file that rustc reads, unseen by the checks). */
const BUILTIN_TRIPLE = /^[A-Za-z0-9_.-]+$/;

/**
 * Whether rustc's answer to `c` follows from its answer to `-vV`: the host's or a built-in target's
 * cfg, asked of the same executable (whose state the checks hold), is fixed by the compiler's
 * build, which `-vV` names (release, commit, host, LLVM version). Cargo keeps rustc's answers on
 * the same grounds (its .rustc_info.json). Anything else is asked again.
 */
export function impliedByVersion(c: RecordedCommand, all: RecordedCommand[]): boolean {
  return printsCfg(c.args) && all.some((o) => o.file === c.file && o.cwd === c.cwd && isVersion(o.args));
}

const isVersion = (a: string[]): boolean => a.length === 1 && a[0] === '-vV';

/** The host's or a built-in target's cfg, nothing else. */
function printsCfg(a: string[]): boolean {
  return (
    (a.length === 4 && a[0] === '--print' && a[1] === 'host-tuple' && a[2] === '--print' && a[3] === 'cfg') ||
    (a.length === 4 && a[0] === '--print' && a[1] === 'cfg' && a[2] === '--target' && BUILTIN_TRIPLE.test(a[3]!) && !a[3]!.endsWith('.json'))
  );
}

/**
 * The commands a replay must run again. A compiler pinned by its files (compiler.ts) is not run
 * while they hold; once they changed, everything it was asked is asked again. Of a compiler that
 * could not be pinned, `-vV` is asked again, and the cfgs it implies are not.
 */
function commandsToRun(record: RunRecord): RecordedCommand[] {
  const id = (c: { file: string; cwd: string }) => `${c.file}\0${c.cwd}`;
  const pinned = new Map(record.compilers.map((c) => [id(c), c.checks.every((check) => holds(fs, check))]));
  return record.commands.filter((c) => {
    const holdsNow = pinned.get(id(c));
    if (holdsNow === undefined) return !impliedByVersion(c, record.commands);
    return !holdsNow || !(isVersion(c.args) || printsCfg(c.args));
  });
}

/** A read of a file that had changed shortly before the recorded run (its state was not trusted). */
const isHot = (c: Check): boolean => c[0] === 'r' && c[4] === undefined;

/**
 * Whether `record` still holds. Files being edited are the likeliest to have changed: the reads
 * without a trusted state are asked first. Then the programs are started (they run while the other
 * checks are asked), and stopped as soon as a check fails.
 */
export async function stillHolds(record: RunRecord): Promise<boolean> {
  if (record.checks.some((c) => isHot(c) && !holds(fs, c))) return false;
  const running: ChildProcess[] = [];
  const asked = commandsToRun(record);
  const answers = Promise.all(asked.map((c) => rerun(c, running)));
  for (const check of record.checks) {
    if (!isHot(check) && !holds(fs, check)) {
      for (const child of running) child.kill();
      return false;
    }
  }
  return (await answers).every((a, i) => a === asked[i]!.answer);
}

/** Prints a recorded run's output, consecutive lines of one stream in one write. */
export function printOutput(record: RunRecord, streams: [NodeJS.WritableStream, NodeJS.WritableStream]): void {
  let i = 0;
  while (i < record.output.length) {
    const stream = record.output[i]![0];
    let text = '';
    for (; i < record.output.length && record.output[i]![0] === stream; i++) text += `${record.output[i]![1]}\n`;
    streams[stream].write(text);
  }
}
