/**
 * Building units of a workspace with Nix, as `cargo-units build` and the VS Code extension do:
 *
 * 1. refresh the Nix directory (generate.ts) and evaluate it once;
 * 2. `plan`: what the store lacks for the requested units (a dry run);
 * 3. build the build-script runs they need first, and learn the paths those runs printed as
 *    `rerun-if-changed` (rerun.ts); when that list changed, regenerate and re-evaluate, so the
 *    runs' sources are exactly those paths before anything that uses them is compiled. A run whose
 *    compiled build script was read before (runs-read.json: script id → its drv) is built
 *    together with the units instead, in one nix-store call: the script is the same, so what it
 *    prints is expected to be the same; should the learned list change all the same, the units
 *    are regenerated and built again, as in the two-step order;
 * 4. build the requested units; one `finished` event for the whole, with every requested unit's
 *    output path (built, already in the store, or substituted);
 * 5. point the GC roots under <nixDir>/gcroots at the outputs (gc-roots.ts), and write --out-link.
 */
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnitIndex } from '../index.js';
import { runId, type BuildEvent } from './events.js';
import { nixToolchain, writeNixDir } from './generate.js';
import { learnRerun, readLearned } from './rerun.js';
import { evalKey, readEvalCache, writeEvalCache } from './eval-cache.js';
import { nixSettings } from './settings.js';
import { evaluateUnits, nixBuild, NixError, outputOf, type Derivation, type NixBuildOptions, type NixBuildResult } from './runner.js';
import { unitClosure, updateGcRoots, writeOutLinks } from './gc-roots.js';
import type { RegistryOptions } from './registry.js';
import type { NixUnitsJson } from './units-json.js';
import { writeFileAtomic } from './atomic.js';
import { withNixDirLock } from './dir-lock.js';

/**
 * Build-script unit id → the drvs of the compiled script whose runs' rerun-if-changed were read
 * (the last few: a script has one drv per profile or mode).
 */
const RUNS_READ = 'runs-read.json';
const RUNS_READ_KEEP = 8;

function readRunsRead(nixDir: string): Record<string, string[]> {
  try {
    const v = JSON.parse(readFileSync(join(nixDir, RUNS_READ), 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([, l]) => Array.isArray(l) && l.every((x) => typeof x === 'string'))) as Record<string, string[]>;
  } catch {
    return {};
  }
}

export interface WorkspaceBuildOptions extends Omit<NixBuildOptions, 'derivations' | 'emitPlan' | 'emitFinished'> {
  /** The toolchain directory (rustc's sysroot): its bin/rustc is what the derivations run. */
  rustc: string;
  /** Registry dependencies: vendor directory, fetching. */
  registry?: RegistryOptions;
  /** Keep GC roots for the units built (default true): <nixDir>/gcroots. */
  gcRoots?: boolean;
  /** nix-build's --out-link: a root at this path (PATH-2, PATH-3… for more units) per requested unit. */
  outLink?: string;
}

/**
 * The toolchain directory (`rustc --print sysroot`) whose bin/rustc derivations call: the real
 * binary, not a rustup shim (which needs RUSTUP_HOME and a writable home inside a build).
 */
export async function rustcSysroot(rustc: string): Promise<string> {
  const r = await execa(rustc, ['--print', 'sysroot'], { reject: false });
  const sysroot = String(r.stdout ?? '').trim();
  if (r.exitCode !== 0 || !sysroot) throw new Error(`${rustc} --print sysroot failed: ${String(r.stderr ?? r.message).trim()}`);
  if (!existsSync(join(sysroot, 'bin', 'rustc'))) throw new Error(`no bin/rustc in the sysroot ${sysroot} of ${rustc}`);
  return sysroot;
}

/**
 * The build-script units whose runs the given units use, transitively (through deps and `links`):
 * those whose run is in the units' closure.
 */
export function runsFor(json: NixUnitsJson, ids: string[]): string[] {
  const closure = new Set(unitClosure(json, ids));
  return [...closure].filter((id) => closure.has(runId(id))).sort();
}

/**
 * Builds the units. When Nix cannot run at all (not installed, invalid configuration, a store or
 * evaluation error), one `failed` event with `unit: null` and the reason, then `finished` with
 * every requested unit failed; the result's `error` holds the reason.
 */
export async function buildWorkspace(index: UnitIndex, opts: WorkspaceBuildOptions): Promise<NixBuildResult> {
  const t0 = performance.now();
  try {
    return await buildUnits(index, opts, t0);
  } catch (err) {
    if (!(err instanceof NixError)) throw err;
    const failed = [...new Set(opts.units)].sort();
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    opts.onEvent({ type: 'failed', unit: null, message: err.message, reason: err.reason });
    opts.onEvent({ type: 'finished', built: [], cached: [], substituted: [], failed, skipped: [], seconds, outs: {} });
    return { ok: false, plan: { build: [], substitute: [], cached: [] }, built: [], cached: [], substituted: [], failed, skipped: [], seconds, cancelled: false, outs: new Map(), error: err.reason };
  }
}

async function buildUnits(index: UnitIndex, given: WorkspaceBuildOptions, t0: number): Promise<NixBuildResult> {
  // Wall-clock seconds per phase, reported in `finished`.
  const phases: Record<string, number> = {};
  let tPhase = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(((phases[name] ?? 0) + (now - tPhase) / 1000) * 1000) / 1000;
    tPhase = now;
  };
  const settings = await nixSettings(given.env ?? process.env, given.nixArgs);
  const opts = { ...given, env: settings.env };
  if (settings.applied.length > 0) {
    const line = `cargo-units passes Nix these settings (add them to nix.conf to keep them): ${settings.applied.map((a) => `\`${a.line}\` (${a.why})`).join(', ')}`;
    opts.onEvent({ type: 'log', unit: null, line });
  }
  phase('settings');
  const toolchain = nixToolchain(join(opts.rustc, 'bin', 'rustc'), opts.nixDir);
  let gen = writeNixDir(index, opts.nixDir, toolchain, opts.registry);
  phase('generate');
  const root = index.workspace.root;
  const evaluate = async (json: NixUnitsJson, useCache = true): Promise<{ drvs: Map<string, Derivation>; cached: boolean }> => {
    const key = (opts.sources ?? 'unit') === 'unit'
      ? evalKey(opts.nixDir, root, json, [opts.rustc, String(!!opts.contentAddressed), (opts.env ?? process.env).NIX_STORE_DIR ?? '', opts.incremental ?? ''])
      : undefined;
    const hit = key && useCache ? readEvalCache<[string, Derivation][]>(opts.nixDir, key) : undefined;
    if (hit) return { drvs: new Map(hit), cached: true };
    const fresh = await evaluateUnits(opts);
    if (key) writeEvalCache(opts.nixDir, key, [...fresh]);
    return { drvs: fresh, cached: false };
  };
  const cancelled = (): NixBuildResult => {
    opts.onEvent({ type: 'failed', unit: null, message: 'cancelled', reason: 'cancelled' });
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    opts.onEvent({ type: 'finished', built: [], cached: [], substituted: [], failed: [], skipped: [], seconds, outs: {} });
    return { ok: false, plan: { build: [], substitute: [], cached: [] }, built: [], cached: [], substituted: [], failed: [], skipped: [], seconds, cancelled: true, outs: new Map() };
  };
  const guard = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      const v = await f();
      return opts.signal?.aborted ? undefined : v;
    } catch (err) {
      if (opts.signal?.aborted) return undefined;
      throw err;
    }
  };
  if (opts.signal?.aborted) return cancelled();
  const first0 = await guard(() => evaluate(gen.json));
  if (!first0) return cancelled();
  let evaluated = first0;
  let drvs = evaluated.drvs;
  phase('evaluate');
  let planned: NixBuildResult | undefined;
  try {
    planned = await guard(() => nixBuild({ ...opts, dryRun: true, derivations: drvs }));
  } catch (err) {
    // The store no longer has the cached .drv files (garbage-collected): evaluate again.
    if (!(err instanceof NixError) || !evaluated.cached) throw err;
    evaluated = await evaluate(gen.json, false);
    drvs = evaluated.drvs;
    planned = await guard(() => nixBuild({ ...opts, dryRun: true, derivations: drvs }));
  }
  if (!planned) return cancelled();
  phase('plan');
  if (opts.dryRun) return planned;

  const forward = (e: BuildEvent) => {
    if (e.type !== 'plan' && e.type !== 'finished') opts.onEvent(e);
  };
  const scripts = runsFor(gen.json, opts.units);
  const runs = scripts.map(runId);
  const readBefore = readRunsRead(opts.nixDir);
  // Runs to build on their own first: those of workspace build scripts not read in this form yet.
  const unread = scripts.filter((id) => planned.plan.build.includes(runId(id)) && gen.json.units[id]?.crate === null && !(readBefore[id] ?? []).includes(drvs.get(id)?.drv ?? ''));
  const stages: NixBuildResult[] = [];
  let first: NixBuildResult | undefined;
  if (unread.length > 0) {
    first = await nixBuild({ ...opts, units: runs, derivations: drvs, onEvent: forward, emitPlan: false, emitFinished: false });
    stages.push(first);
    phase('runs');
  }
  const finish = async (r: NixBuildResult): Promise<NixBuildResult> => {
    const union = (k: 'built' | 'failed' | 'substituted' | 'skipped') => [...new Set([...stages.flatMap((x) => x[k]), ...r[k]])];
    const built = union('built').sort();
    const failed = union('failed').sort();
    const substituted = union('substituted').filter((id) => !built.includes(id) && !failed.includes(id)).sort();
    const skipped = union('skipped').filter((id) => !built.includes(id) && !failed.includes(id) && !substituted.includes(id)).sort();
    const done = new Set([...built, ...failed, ...substituted, ...skipped]);
    const requested = [...new Set(opts.units)].sort();
    const cached = requested.filter((id) => !done.has(id));
    const outs = new Map([...stages.flatMap((x) => [...x.outs]), ...r.outs]);
    // Every requested unit in the store now: its output path (a content-addressed one is asked of the store).
    const bad = new Set([...failed, ...skipped]);
    await Promise.all(requested.filter((id) => !bad.has(id) && !outs.has(id) && drvs.has(id)).map(async (id) => {
      const d = drvs.get(id)!;
      const out = d.out.startsWith(storeDir + '/') ? d.out : await outputOf(d.drv, opts);
      if (out) outs.set(id, out);
    }));
    const ok = failed.length === 0 && skipped.length === 0 && r.ok && stages.every((x) => x.ok) && !r.cancelled;
    if (opts.gcRoots ?? true) {
      // The closure's outputs (input-addressed: known from the evaluation), only those in the store.
      const rooted = new Map<string, string>();
      for (const id of unitClosure(gen.json, requested)) {
        const out = outs.get(id) ?? drvs.get(id)?.out;
        if (out?.startsWith(storeDir + '/') && !bad.has(id)) rooted.set(id, out);
      }
      for (const id of requested) if (outs.has(id)) rooted.set(id, outs.get(id)!);
      await updateGcRoots(opts.nixDir, rooted, opts.env ?? process.env);
    }
    if (opts.outLink && ok) await writeOutLinks(opts.outLink, requested.filter((id) => outs.has(id)).map((id) => [id, outs.get(id)!]), opts.env ?? process.env);
    phase('roots');
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    const requestedOuts = Object.fromEntries(requested.filter((id) => outs.has(id)).map((id) => [id, outs.get(id)!]));
    opts.onEvent({ type: 'finished', built, cached, substituted, failed, skipped, seconds, outs: requestedOuts, phases });
    return { ...r, ok, plan: planned.plan, built, failed, cached, substituted, skipped, seconds, outs, phases };
  };
  const storeDir = drvs.size > 0 ? [...drvs.values()][0]!.drv.replace(/\/[^/]*$/, '') : '';
  if (first && !first.ok) {
    // The build stopped at the build scripts: what was planned and not reached is skipped.
    const done = new Set([...first.built, ...first.failed, ...first.substituted, ...first.skipped]);
    const notBuilt = [...planned.plan.build, ...planned.plan.substitute].filter((id) => !done.has(id));
    for (const id of notBuilt) opts.onEvent({ type: 'skipped', unit: id, message: `${id} not built: ${first.cancelled ? 'cancelled' : 'a dependency failed'}` });
    return finish({ ...first, built: [], failed: [], substituted: [], skipped: notBuilt, outs: new Map() });
  }


  /** Learns the rerun-if-changed lists of the runs in the store; true when units.json must change. */
  // Runs-read and rerun lists are read, merged and written under the directory's lock (dir-lock.ts).
  const learn = (): boolean => withNixDirLock(opts.nixDir, learnLocked);
  const learnLocked = (): boolean => {
    const outOf = (script: string): string | undefined => {
      const out = stages.findLast((x) => x.outs.has(runId(script)))?.outs.get(runId(script)) ?? drvs.get(runId(script))?.out;
      return out?.startsWith(storeDir + '/') ? out : undefined;
    };
    const read: Record<string, string[]> = { ...readRunsRead(opts.nixDir) };
    const learned = learnRerun(
      opts.nixDir,
      index.workspace.root,
      scripts.flatMap((id) => {
        const out = outOf(id);
        // Registry build scripts run on their whole crate: nothing to learn.
        if (!out || gen.json.units[id]!.crate !== null || !existsSync(out)) return [];
        const drv = drvs.get(id)!.drv;
        read[id] = [drv, ...(read[id] ?? []).filter((d) => d !== drv)].slice(0, RUNS_READ_KEEP);
        return [{ id, packageDir: gen.json.units[id]!.packageDir, out }];
      }),
    );
    if (JSON.stringify(read) !== JSON.stringify(readRunsRead(opts.nixDir))) writeFileAtomic(join(opts.nixDir, RUNS_READ), JSON.stringify(read, null, 1));
    // A concurrent build may have recorded the same paths first (then the file did not change here):
    // what matters is whether this build's units.json used them. Registry build scripts learn nothing.
    const known = readLearned(opts.nixDir);
    const stale = scripts.some((id) => gen.json.units[id]?.crate === null && JSON.stringify(gen.json.units[id]?.run?.files ?? null) !== JSON.stringify(known[id] ?? null));
    return learned || stale;
  };
  if (learn()) {
    gen = writeNixDir(index, opts.nixDir, toolchain, opts.registry);
    const again = await guard(() => evaluate(gen.json));
    if (!again) return cancelled();
    drvs = again.drvs;
    phase('learn');
  } else if (planned.plan.build.length === 0 && planned.plan.substitute.length === 0) {
    return finish({ ...planned, built: [], failed: [], substituted: [], skipped: [], outs: new Map(), ok: true });
  }
  const r = await nixBuild({ ...opts, derivations: drvs, onEvent: forward, emitPlan: false, emitFinished: false });
  phase('build');
  if (first || !r.ok || !learn()) return finish(r);
  // Built in one step, but a run printed other rerun-if-changed paths than before: its source, and
  // so the units using it, change; build them again from the regenerated directory.
  stages.push(r);
  gen = writeNixDir(index, opts.nixDir, toolchain, opts.registry);
  const again = await guard(() => evaluate(gen.json));
  if (!again) return cancelled();
  drvs = again.drvs;
  const r2 = await nixBuild({ ...opts, derivations: drvs, onEvent: forward, emitPlan: false, emitFinished: false });
  phase('relearn');
  return finish(r2);
}
