/**
 * `verify`: compares each unit's file list with what rustc reads (`rustc --emit=dep-info`),
 * run with the unit's exact edition, crate type, cfgs, features and cargo environment.
 * Dependencies need not be built: rustc writes dep-info before it needs them. So macros of
 * dependencies are never expanded, and files read through external proc-macros are not seen:
 * verify-cargo.ts runs cargo itself for that.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDepInfo } from './depinfo.js';
import type { IndexedUnit, UnitIndex } from './index.js';
import { isInside } from './paths.js';
import { rustcInvocation } from './rustc-args.js';
import type { Unit } from './cargo/units.js';
import type { FoundOutput } from './cargo/build-output.js';

export interface UnitVerdict {
  id: string;
  /** Files we list (absolute). */
  listed: number;
  /** Workspace files rustc read (absolute, normalised). */
  read: string[];
  /** Read by rustc, not listed by us. */
  missed: string[];
  /** Listed by us, not read by rustc. */
  extra: string[];
  /** Extra files that our `uncertain` list does not explain. */
  unexplained: string[];
  seconds: number;
  /** Set when rustc wrote no dep-info (the unit could not be checked). */
  error?: string;
}

export interface VerifyReport {
  units: UnitVerdict[];
  missed: number;
  extra: number;
  unexplained: number;
  errors: number;
  seconds: number;
}

export interface VerifyOptions {
  rustc: string;
  jobs: number;
  /** More rustc arguments for every unit (e.g. `--sysroot DIR`). */
  rustcArgs?: string[];
  /** Called as each unit finishes. */
  onUnit?: (v: UnitVerdict) => void;
  /**
   * The build-script output rustc is given for a unit (default: the index's, from
   * `--build-output`). A test passes real output here to check the cfgs cargo-units decided.
   */
  scriptOutput?: (unit: Unit) => FoundOutput['output'] | undefined;
}

export async function verify(index: UnitIndex, entries: IndexedUnit[], opts: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-verify-'));
  try {
    const verdicts: UnitVerdict[] = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const i = next++;
        const v = await verifyUnit(index, entries[i]!, opts, join(tmp, String(i)));
        verdicts[i] = v;
        opts.onUnit?.(v);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
    return report(verdicts, (performance.now() - started) / 1000);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function verifyUnit(index: UnitIndex, entry: IndexedUnit, opts: VerifyOptions, dir: string): Promise<UnitVerdict> {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const outDir = join(dir, 'out');
  mkdirSync(outDir);
  const unit = entry.unit;
  writeOutDirPlaceholders(entry, outDir);
  // With known build-script output, rustc gets what cargo would pass: its cfgs, check-cfgs and env.
  // Without it, the cfgs cargo-units decided its build script prints (cfg/build-script-eval).
  const script = opts.scriptOutput ? opts.scriptOutput(unit) : index.buildScriptOutput(unit)?.output;
  const inv = rustcInvocation(unit, {
    target: index.options.target,
    cfgs: [...index.extraCfgs, ...(script?.cfgs ?? index.decidedScriptCfgs(unit))],
    outDir,
    targetTmpDir: join(dir, 'tmp'),
  });
  const depFile = join(dir, 'unit.d');
  const checkCfgs = (script?.checkCfgs ?? []).flatMap((c) => ['--check-cfg', c]);
  const args = [
    ...inv.args,
    ...checkCfgs,
    ...(opts.rustcArgs ?? []),
    '--cap-lints',
    'allow',
    '--error-format=short',
    `--emit=dep-info=${depFile}`,
    unit.target.path,
  ];
  const root = index.workspace.root;
  const result = await run(opts.rustc, args, { ...process.env, ...inv.env, ...script?.env }, root);
  const base: UnitVerdict = { id: unit.id, listed: entry.files.length, read: [], missed: [], extra: [], unexplained: [], seconds: 0 };
  let text: string;
  try {
    text = readFileSync(depFile, 'utf8');
  } catch {
    const firstError = result.stderr.split('\n').find((l) => /error/.test(l)) ?? result.stderr.trim().split('\n')[0] ?? '';
    return { ...base, seconds: (performance.now() - started) / 1000, error: `rustc wrote no dep-info: ${firstError.trim()}` };
  }
  const read = new Set<string>();
  for (const f of parseDepInfo(text).files) {
    const abs = resolve(root, f);
    if (isInside(root, abs) && !isInside(dir, abs)) read.add(abs);
  }
  return compareUnit(entry, read, (performance.now() - started) / 1000);
}

/** One unit's verdict: the files the compiler read (absolute, inside the workspace) against ours. */
export function compareUnit(entry: IndexedUnit, read: Set<string>, seconds: number): UnitVerdict {
  const listed = new Set(entry.files);
  const uncertain = new Set(entry.uncertain.map((u) => u.file));
  const missed = [...read].filter((f) => !listed.has(f)).sort();
  const extra = entry.files.filter((f) => !read.has(f));
  return {
    id: entry.unit.id,
    listed: entry.files.length,
    read: [...read].sort(),
    missed,
    extra,
    unexplained: extra.filter((f) => !uncertain.has(f)),
    seconds,
  };
}

/** Totals of a list of verdicts. */
export function report(verdicts: UnitVerdict[], seconds: number): VerifyReport {
  const sum = (f: (v: UnitVerdict) => number) => verdicts.reduce((n, v) => n + f(v), 0);
  return {
    units: verdicts,
    missed: sum((v) => v.missed.length),
    extra: sum((v) => v.extra.length),
    unexplained: sum((v) => v.unexplained.length),
    errors: sum((v) => (v.error ? 1 : 0)),
    seconds,
  };
}

/**
 * rustc stops before writing dep-info when an included file is missing, and OUT_DIR files come
 * from a build script that verify does not run. A macro call parses both as items and as an
 * expression, so it stands in for any generated file; rustc then reports the unknown macro later.
 */
function writeOutDirPlaceholders(entry: IndexedUnit, outDir: string): void {
  for (const x of entry.external) {
    if (!x.startsWith('$OUT_DIR/')) continue;
    const p = resolve(outDir, x.slice('$OUT_DIR/'.length));
    if (!isInside(outDir, p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, 'cargo_units_placeholder! {}\n');
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60 * 1000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolvePromise({ code, stderr: String(stderr) + (err && !stderr ? String(err.message) : '') });
    });
  });
}

export interface Score {
  units: number;
  /** Sum over units of the workspace files rustc read. */
  read: number;
  /** Sum over units of the files we listed. */
  listed: number;
  missed: number;
  extra: number;
  /** Files rustc read that we list, over files rustc read (1 when rustc read nothing). */
  recall: number;
  /** Files we list that rustc read, over files we list (1 when we list nothing). */
  precision: number;
  /** Units with at least one missed file. */
  unitsWithMisses: string[];
  errors: number;
}

/** Recall and precision of a set of verdicts (checked units only). */
export function score(verdicts: UnitVerdict[]): Score {
  const checked = verdicts.filter((v) => !v.error);
  const read = checked.reduce((n, v) => n + v.read.length, 0);
  const listed = checked.reduce((n, v) => n + v.listed, 0);
  const missed = checked.reduce((n, v) => n + v.missed.length, 0);
  const extra = checked.reduce((n, v) => n + v.extra.length, 0);
  return {
    units: checked.length,
    read,
    listed,
    missed,
    extra,
    recall: read === 0 ? 1 : (read - missed) / read,
    precision: listed === 0 ? 1 : (listed - extra) / listed,
    unitsWithMisses: checked.filter((v) => v.missed.length > 0).map((v) => v.id),
    errors: verdicts.length - checked.length,
  };
}
