/**
 * Building units of a workspace with Nix, as `cargo-units build` and the VS Code extension do:
 *
 * 1. refresh the Nix directory (generate.ts) and evaluate it once;
 * 2. `plan`: what the store lacks for the requested units (a dry run);
 * 3. build the build-script runs they need first, and learn the paths those runs printed as
 *    `rerun-if-changed` (rerun.ts); when that list changed, regenerate and re-evaluate, so the
 *    runs' sources are exactly those paths before anything that uses them is compiled;
 * 4. build the requested units; one `finished` event for the whole.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UnitIndex } from '../index.js';
import { runId, type BuildEvent } from './events.js';
import { nixToolchain, writeNixDir } from './generate.js';
import { learnRerun, readLearned } from './rerun.js';
import { evalKey, readEvalCache, writeEvalCache } from './eval-cache.js';
import { nixSettings } from './settings.js';
import { evaluateUnits, nixBuild, NixError, type Derivation, type NixBuildOptions, type NixBuildResult } from './runner.js';
import type { RegistryOptions } from './registry.js';
import type { NixUnitsJson } from './units-json.js';

export interface WorkspaceBuildOptions extends Omit<NixBuildOptions, 'derivations' | 'emitPlan' | 'emitFinished'> {
  /** The toolchain directory (rustc's sysroot): its bin/rustc is what the derivations run. */
  rustc: string;
  /** Registry dependencies: vendor directory, fetching. */
  registry?: RegistryOptions;
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

/** The build-script units whose runs the given units use, transitively (through deps and `links`). */
export function runsFor(json: NixUnitsJson, ids: string[]): string[] {
  const seen = new Set<string>();
  const scripts = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const u = json.units[id];
    if (!u) continue;
    for (const d of u.deps) queue.push(d.id);
    if (u.buildScript) {
      scripts.add(u.buildScript);
      queue.push(u.buildScript);
    }
    for (const d of u.run?.linksDeps ?? []) {
      scripts.add(d.id);
      queue.push(d.id);
    }
  }
  return [...scripts].sort();
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
    opts.onEvent({ type: 'finished', built: [], cached: [], failed, seconds });
    return { ok: false, plan: { build: [], cached: [] }, built: [], cached: [], failed, seconds, cancelled: false, outs: new Map(), error: err.reason };
  }
}

async function buildUnits(index: UnitIndex, given: WorkspaceBuildOptions, t0: number): Promise<NixBuildResult> {
  const settings = await nixSettings(given.env ?? process.env, given.nixArgs);
  const opts = { ...given, env: settings.env };
  if (settings.applied.length > 0) {
    const line = `cargo-units passes Nix these settings (add them to nix.conf to keep them): ${settings.applied.map((a) => `\`${a.line}\` (${a.why})`).join(', ')}`;
    opts.onEvent({ type: 'log', unit: null, line });
  }
  const toolchain = nixToolchain(join(opts.rustc, 'bin', 'rustc'), opts.nixDir);
  let gen = writeNixDir(index, opts.nixDir, toolchain, opts.registry);
  const root = index.workspace.root;
  const evaluate = async (json: NixUnitsJson, useCache = true): Promise<{ drvs: Map<string, Derivation>; cached: boolean }> => {
    const key = (opts.sources ?? 'unit') === 'unit'
      ? evalKey(opts.nixDir, root, json, [opts.rustc, String(!!opts.contentAddressed), (opts.env ?? process.env).NIX_STORE_DIR ?? ''])
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
    opts.onEvent({ type: 'finished', built: [], cached: [], failed: [], seconds });
    return { ok: false, plan: { build: [], cached: [] }, built: [], cached: [], failed: [], seconds, cancelled: true, outs: new Map() };
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
  if (opts.dryRun) return planned;

  const forward = (e: BuildEvent) => {
    if (e.type !== 'plan' && e.type !== 'finished') opts.onEvent(e);
  };
  const scripts = runsFor(gen.json, opts.units);
  const runs = scripts.map(runId);
  let first: NixBuildResult | undefined;
  if (runs.some((r) => planned.plan.build.includes(r))) {
    first = await nixBuild({ ...opts, units: runs, derivations: drvs, onEvent: forward, emitPlan: false, emitFinished: false });
  }
  const finish = (r: NixBuildResult): NixBuildResult => {
    const built = [...new Set([...(first?.built ?? []), ...r.built])].sort();
    const failed = [...new Set([...(first?.failed ?? []), ...r.failed])].sort();
    const cached = opts.units.filter((id) => !built.includes(id) && !failed.includes(id)).sort();
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    opts.onEvent({ type: 'finished', built, cached, failed, seconds });
    return { ...r, ok: failed.length === 0 && r.ok && (first?.ok ?? true), plan: planned.plan, built, failed, cached, seconds };
  };
  if (first && !first.ok) {
    // The build stopped at the build scripts: what was planned and not built failed with them.
    const done = new Set([...first.built, ...first.failed]);
    const notBuilt = planned.plan.build.filter((id) => !done.has(id));
    for (const id of notBuilt) opts.onEvent({ type: 'failed', unit: id, message: `${id} not built: ${first.cancelled ? 'cancelled' : 'a dependency failed'}` });
    return finish({ ...first, built: [], failed: notBuilt });
  }

  const storeDir = drvs.size > 0 ? [...drvs.values()][0]!.drv.replace(/\/[^/]*$/, '') : '';
  const outOf = (script: string): string | undefined => {
    const out = first?.outs.get(runId(script)) ?? drvs.get(runId(script))?.out;
    return out?.startsWith(storeDir + '/') ? out : undefined;
  };
  const learned = learnRerun(
    opts.nixDir,
    index.workspace.root,
    scripts.flatMap((id) => {
      const out = outOf(id);
      // Registry build scripts run on their whole crate: nothing to learn.
      return out && gen.json.units[id]!.crate === null ? [{ id, packageDir: gen.json.units[id]!.packageDir, out }] : [];
    }),
  );
  // A concurrent build may have recorded the same paths first (then the file did not change here):
  // what matters is whether this build's units.json used them. Registry build scripts learn nothing.
  const known = readLearned(opts.nixDir);
  const stale = scripts.some((id) => gen.json.units[id]?.crate === null && JSON.stringify(gen.json.units[id]?.run?.files ?? null) !== JSON.stringify(known[id] ?? null));
  if (learned || stale) {
    gen = writeNixDir(index, opts.nixDir, toolchain, opts.registry);
    const again = await guard(() => evaluate(gen.json));
    if (!again) return cancelled();
    drvs = again.drvs;
  } else if (planned.plan.build.length === 0) {
    return finish({ ...planned, built: [], failed: [], ok: true });
  }
  return finish(await nixBuild({ ...opts, derivations: drvs, onEvent: forward, emitPlan: false, emitFinished: false }));
}
