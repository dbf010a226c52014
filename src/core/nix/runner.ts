/**
 * Builds units of a generated Nix directory with real Nix (2.8 CLI: nix-instantiate and
 * nix-store) and reports typed events (events.ts). Used by `cargo-units build` and the VS Code
 * extension.
 *
 * 1. Evaluate every unit's drvPath and outPath once (`nix-instantiate --eval`).
 * 2. Ask the store what is missing (`nix-store --realise --dry-run`): the `plan`, what to build
 *    and what a substituter (binary cache) provides.
 * 3. Realise the requested drvs with `--log-format internal-json`, turning activities into events
 *    (a build activity per derivation built, a substitution activity per path fetched).
 *
 * Cancelling (AbortSignal) interrupts the whole process group, then kills it.
 */
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { dirname } from 'node:path';
import { parseDryRun, parseNixLine, runId, rustcDiagnostic, stripAnsi, type BuildEvent } from './events.js';

export interface NixBuildOptions {
  /** The generated Nix directory (absolute). */
  nixDir: string;
  /** Toolchain directory (sysroot) or rustc binary, the `rustc` argument of the Nix directory. */
  rustc: string;
  contentAddressed?: boolean;
  /**
   * Opt-in, impure: rustc's incremental state for workspace units in this directory (absolute,
   * outside the store, writable by the builders). Those derivations are named *-incremental.
   */
  incremental?: string;
  /** Each unit's source: exactly its files (default), or for comparison its package or the whole tree. */
  sources?: 'unit' | 'package' | 'tree';
  /** Unit ids to build (their dependencies are built as needed). */
  units: string[];
  /** Only compute the plan. */
  dryRun?: boolean;
  /** Extra arguments for nix-store (`-j 2`, `--builders …`, `--option substituters …`). */
  nixArgs?: string[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent: (event: BuildEvent) => void;
  /** Derivations from an earlier evaluateUnits of the same directory (saves an evaluation). */
  derivations?: Map<string, Derivation>;
  /** Emit the `plan` / `finished` events (default true); off when a caller combines several builds. */
  emitPlan?: boolean;
  emitFinished?: boolean;
}

export interface NixPlan {
  build: string[];
  substitute: string[];
  cached: string[];
}

export interface NixBuildResult {
  ok: boolean;
  plan: NixPlan;
  built: string[];
  cached: string[];
  substituted: string[];
  failed: string[];
  /** Planned units never started: a dependency failed, or the build was cancelled. */
  skipped: string[];
  seconds: number;
  cancelled: boolean;
  /** Output paths of the units built or substituted now, and (from buildWorkspace) of every requested unit in the store. */
  outs: Map<string, string>;
  /** Wall-clock seconds per phase (buildWorkspace). */
  phases?: Record<string, number>;
  /** Set when Nix could not run at all (buildWorkspace). */
  error?: NixFailure;
}

export interface Derivation {
  drv: string;
  out: string;
}

const EVAL_EXPR = `{ dir, rustc, contentAddressed, sources, incremental }:
let s = import (/. + dir) { inherit rustc sources; contentAddressed = contentAddressed == "1"; incremental = if incremental == "" then null else incremental; };
    f = v: { drv = v.drvPath; out = v.outPath; };
in { units = builtins.mapAttrs (k: f) s.units; runs = builtins.mapAttrs (k: f) s.runs; }`;

/** Why Nix could not build at all: not installed, its configuration is invalid, or another Nix error. */
export type NixFailure = 'nix-missing' | 'nix-config' | 'nix';

export class NixError extends Error {
  constructor(message: string, readonly reason: NixFailure = 'nix') {
    super(message);
  }
}

/** The error for a Nix command that could not start, or failed before building anything. */
export function nixCommandError(cmd: string, r: { code?: string; stderr?: unknown; message?: string }): NixError {
  if (r.code === 'ENOENT') {
    return new NixError(`Nix is not installed: \`${cmd.split(' ')[0]}\` was not found on PATH (install Nix, e.g. \`apt-get install nix-bin\`, or add its bin directory to PATH)`, 'nix-missing');
  }
  const text = stripAnsi(String(r.stderr ?? '')).replace(/^Try '[^']*' for more information\.$/gm, '').trim().replace(/^error: /, '') || String(r.message ?? '').trim();
  if (/illegal configuration line|configuration setting|nix\.conf/.test(text)) {
    return new NixError(`Nix configuration is invalid (see nix.conf in $NIX_CONF_DIR, and $NIX_CONFIG): ${text}`, 'nix-config');
  }
  return new NixError(`${cmd} failed: ${text}`);
}

function caFlags(opts: NixBuildOptions): string[] {
  return opts.contentAddressed ? ['--extra-experimental-features', 'ca-derivations'] : [];
}

/** Every unit's (and build-script run's, as `<id>#run`) derivation. */
export async function evaluateUnits(opts: Pick<NixBuildOptions, 'nixDir' | 'rustc' | 'contentAddressed' | 'sources' | 'incremental' | 'env' | 'signal'>): Promise<Map<string, Derivation>> {
  const r = await execa('nix-instantiate', [
    '--eval', '--read-write-mode', '--strict', '--json', ...caFlags(opts as NixBuildOptions), '-E', EVAL_EXPR,
    '--argstr', 'dir', opts.nixDir, '--argstr', 'rustc', opts.rustc, '--argstr', 'contentAddressed', opts.contentAddressed ? '1' : '0', '--argstr', 'sources', opts.sources ?? 'unit',
    '--argstr', 'incremental', opts.incremental ?? '',
  ], { env: opts.env ?? process.env, reject: false, cancelSignal: opts.signal, extendEnv: false });
  if (r.exitCode !== 0) throw nixCommandError('nix-instantiate', r);
  const v = JSON.parse(String(r.stdout)) as { units: Record<string, Derivation>; runs: Record<string, Derivation> };
  const out = new Map<string, Derivation>();
  for (const [id, d] of Object.entries(v.units)) out.set(id, d);
  for (const [id, d] of Object.entries(v.runs)) out.set(runId(id), d);
  return out;
}

/**
 * What realising `drvs` would do now (`nix-store --realise --dry-run`): the drvs among their
 * closures Nix would build, and the store paths it would fetch from a substituter.
 */
export async function missingDerivations(drvs: string[], opts: Pick<NixBuildOptions, 'contentAddressed' | 'env' | 'signal' | 'nixArgs'>): Promise<{ build: string[]; fetch: string[] }> {
  if (drvs.length === 0) return { build: [], fetch: [] };
  const r = await execa('nix-store', ['--realise', '--dry-run', ...caFlags(opts as NixBuildOptions), ...(opts.nixArgs ?? []), ...drvs], {
    env: opts.env ?? process.env, reject: false, cancelSignal: opts.signal, extendEnv: false,
  });
  if (r.exitCode !== 0 || String(r.stderr).includes("don't know how to build")) throw nixCommandError('nix-store --dry-run', r);
  const stderr = String(r.stderr);
  return { build: parseDryRun(stderr), fetch: parseDryRun(stderr, 'fetched') };
}

/** The output path of a built drv (also for floating content-addressed ones); '' when it has none. */
export async function outputOf(drv: string, opts: Pick<NixBuildOptions, 'contentAddressed' | 'env'>): Promise<string> {
  const r = await execa('nix-store', ['--realise', '--max-jobs', '0', ...caFlags(opts as NixBuildOptions), drv], { env: opts.env ?? process.env, reject: false, extendEnv: false });
  return r.exitCode === 0 ? String(r.stdout).trim().split('\n')[0] ?? '' : '';
}

export async function nixBuild(opts: NixBuildOptions): Promise<NixBuildResult> {
  const t0 = performance.now();
  const seconds = () => Math.round((performance.now() - t0) / 10) / 100;
  const emit = opts.onEvent;
  const drvs = opts.derivations ?? (await evaluateUnits(opts));
  const emitPlan = opts.emitPlan ?? true;
  const emitFinished = opts.emitFinished ?? true;
  const byDrv = new Map<string, string>();
  // Content-addressed builds run "resolved" drvs (inputs replaced by their realised outputs):
  // another drv path with the same name.
  const byName = new Map<string, string | null>();
  const nameOf = (drv: string) => drv.slice(drv.lastIndexOf('/') + 1).replace(/^[a-z0-9]{32}-/, '');
  for (const [id, d] of drvs) {
    byDrv.set(d.drv, id);
    const n = nameOf(d.drv);
    byName.set(n, byName.has(n) ? null : id);
  }
  const byOut = new Map([...drvs].map(([id, d]) => [d.out, id]));
  const unitOf = (drv: string) => byDrv.get(drv) ?? byName.get(nameOf(drv)) ?? undefined;
  const requested = [...new Set(opts.units)].sort();
  for (const id of requested) if (!drvs.has(id)) throw new NixError(`no unit ${id} in ${opts.nixDir}`);
  const { build: missing, fetch } = await missingDerivations(requested.map((id) => drvs.get(id)!.drv), opts);
  const toBuild = missing.map(unitOf).filter((x): x is string => x !== undefined).sort();
  // Fetched paths are output paths; a content-addressed unit's is unknown before it is realised.
  const toFetch = fetch.map((p) => byOut.get(p)).filter((x): x is string => x !== undefined && !toBuild.includes(x)).sort();
  const plan: NixPlan = { build: toBuild, substitute: toFetch, cached: requested.filter((id) => !toBuild.includes(id) && !toFetch.includes(id)) };
  if (emitPlan) emit({ type: 'plan', ...plan });
  const result: NixBuildResult = { ok: true, plan, built: [], cached: [], substituted: [], failed: [], skipped: [], seconds: 0, cancelled: false, outs: new Map() };
  if (opts.dryRun || (missing.length === 0 && fetch.length === 0)) {
    result.cached = opts.dryRun ? plan.cached : requested;
    result.seconds = seconds();
    if (!opts.dryRun && emitFinished) emit({ type: 'finished', built: [], cached: result.cached, substituted: [], failed: [], skipped: [], seconds: result.seconds, outs: {} });
    return result;
  }

  const storeDir = dirname(drvs.get(requested[0]!)!.drv);
  const child = execa('nix-store', ['--realise', '--log-format', 'internal-json', '-v', '--keep-going', ...caFlags(opts), ...(opts.nixArgs ?? []), ...requested.map((id) => drvs.get(id)!.drv)], {
    env: opts.env ?? process.env, extendEnv: false, reject: false, detached: true, buffer: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe',
  });
  const onAbort = () => {
    result.cancelled = true;
    const pid = child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGINT');
    } catch { /* already gone */ }
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch { /* already gone */ }
    }, 3000).unref();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const active = new Map<number, { unit: string; drv: string; t0: number; phase: string; tail: string[]; seconds?: number; reported?: boolean }>();
  // Substitutions in flight (activity 108, fields [storePath, substituter]): unit and output path.
  const fetching = new Map<number, { unit: string; out: string }>();
  const failedDrvs = new Set<string>();
  const errors: string[] = [];
  // Events are emitted in order even when resolving an output path takes a moment.
  let queue = Promise.resolve();
  const later = (f: () => Promise<void> | void) => {
    queue = queue.then(f);
  };

  const lines = createInterface({ input: child.stderr! });
  lines.on('line', (line) => {
    const e = parseNixLine(line);
    if (!e) {
      if (line.trim() && !line.includes("you did not specify '--add-root'")) later(() => emit({ type: 'log', unit: null, line: stripAnsi(line) }));
      return;
    }
    if (e.action === 'start' && e.type === 105 && Array.isArray(e.fields) && typeof e.fields[0] === 'string' && e.id !== undefined) {
      const drv = e.fields[0];
      const unit = unitOf(drv);
      // Derivations that are not units (e.g. pkgs.rustc) are Nix's business: only logged.
      if (unit === undefined) later(() => emit({ type: 'log', unit: null, line: stripAnsi(e.text ?? `building ${drv}`) }));
      else {
        active.set(e.id, { unit, drv, t0: performance.now(), phase: '', tail: [] });
        later(() => emit({ type: 'start', unit }));
      }
    } else if (e.action === 'start' && e.type === 108 && Array.isArray(e.fields) && typeof e.fields[0] === 'string' && e.id !== undefined) {
      const out = e.fields[0];
      const unit = byOut.get(out);
      if (unit !== undefined) fetching.set(e.id, { unit, out });
    } else if (e.action === 'stop' && e.id !== undefined && fetching.has(e.id)) {
      const f = fetching.get(e.id)!;
      fetching.delete(e.id);
      // A failed substitution falls back to building; the store says whether the path arrived.
      later(async () => {
        if ((await outputOf(f.out, opts)) !== f.out) return;
        result.substituted.push(f.unit);
        result.outs.set(f.unit, f.out);
        emit({ type: 'substituted', unit: f.unit, out: f.out });
      });
    } else if (e.action === 'start' && e.type === 111) {
      // Another process (a concurrent build on the same store) holds the lock on an output: Nix
      // waits for it, then uses that build's result.
      const path = /'([^']+)'/.exec(stripAnsi(e.text ?? ''))?.[1] ?? '';
      const unit = byOut.get(path);
      later(() => emit({ type: 'log', unit: null, line: `waiting for another build to release the Nix lock on ${unit ?? path}` }));
    } else if (e.action === 'result' && e.id !== undefined && active.has(e.id)) {
      const a = active.get(e.id)!;
      const f = e.fields ?? [];
      if (e.type === 104 && typeof f[0] === 'string') {
        a.phase = f[0];
        if (a.phase !== 'done') later(() => emit({ type: 'phase', unit: a.unit, phase: a.phase }));
        else {
          // The builder succeeded (its last step sets the phase "done"). An input-addressed output
          // path is known now; a content-addressed one only once Nix registered it (at "stop").
          a.seconds = Math.round((performance.now() - a.t0) / 10) / 100;
          const known = drvs.get(a.unit)?.out;
          if (known?.startsWith(storeDir + '/')) {
            a.reported = true;
            result.built.push(a.unit);
            result.outs.set(a.unit, known);
            later(() => emit({ type: 'done', unit: a.unit, seconds: a.seconds!, out: known }));
          }
        }
      } else if (e.type === 101 && typeof f[0] === 'string') {
        const text = stripAnsi(f[0]);
        const d = rustcDiagnostic(a.unit, text);
        if (d?.event) later(() => emit(d.event!));
        const shown = d ? d.text ?? (d.event && d.event.type === 'diagnostic' ? d.event.rendered.trimEnd() : undefined) : text;
        if (shown !== undefined) {
          a.tail.push(shown);
          if (a.tail.length > 40) a.tail.shift();
          if (!d?.event) later(() => emit({ type: 'log', unit: a.unit, line: shown }));
        }
      }
    } else if (e.action === 'stop' && e.id !== undefined && active.has(e.id)) {
      const a = active.get(e.id)!;
      active.delete(e.id);
      if (a.phase === 'done') {
        if (!a.reported) {
          result.built.push(a.unit);
          later(async () => {
            const out = await outputOf(a.drv, opts);
            result.outs.set(a.unit, out);
            emit({ type: 'done', unit: a.unit, seconds: a.seconds!, out });
          });
        }
      } else {
        // No "done" phase: the builder failed, or the output appeared otherwise (another
        // process built it meanwhile). The store decides.
        failedDrvs.add(a.drv);
        const seconds = Math.round((performance.now() - a.t0) / 10) / 100;
        later(async () => {
          const out = await outputOf(a.drv, opts);
          if (out) {
            failedDrvs.delete(a.drv);
            result.built.push(a.unit);
            result.outs.set(a.unit, out);
            emit({ type: 'done', unit: a.unit, seconds, out });
            return;
          }
          result.failed.push(a.unit);
          const message = `${a.unit} failed${a.phase ? ` in phase ${a.phase}` : ''}${a.tail.length ? ':\n' + a.tail.join('\n') : ''}`;
          emit({ type: 'failed', unit: a.unit, message });
        });
      }
    } else if (e.action === 'msg' && e.level === 0 && typeof e.msg === 'string') {
      const msg = stripAnsi(e.msg);
      if (msg.startsWith('warning: ')) later(() => emit({ type: 'log', unit: null, line: msg }));
      else errors.push(msg.replace(/^error: /, ''));
    }
  });
  const [r] = await Promise.all([child, new Promise((res) => lines.once('close', res))]);
  opts.signal?.removeEventListener('abort', onAbort);
  await queue;
  if (r.code === 'ENOENT') throw nixCommandError('nix-store', r);
  const built = new Set(result.built);
  const failed = new Set(result.failed);
  const substituted = new Set(result.substituted);
  if (result.cancelled) emit({ type: 'failed', unit: null, message: 'cancelled', reason: 'cancelled' });
  for (const id of [...toBuild, ...toFetch]) {
    if (built.has(id) || failed.has(id) || substituted.has(id)) continue;
    // Not needed after all: a substituted dependent made it unnecessary.
    if (r.exitCode === 0 && !result.cancelled) continue;
    // Never started: a dependency failed (or the build was cancelled).
    result.skipped.push(id);
    emit({ type: 'skipped', unit: id, message: result.cancelled ? `${id} not built: cancelled` : `${id} not built: a dependency failed` });
  }
  // Nix's own messages about builds already reported per unit are left out.
  const reported = (m: string) => {
    const drv = /'([^']+\.drv)'/.exec(m)?.[1];
    if (drv && (failedDrvs.has(drv) || /^builder for /.test(m))) return true;
    return /^build of .* failed$/.test(m.trim()) || /dependencies of derivation '.*' failed to build|dependencies couldn't be built/.test(m);
  };
  for (const m of errors) if (!reported(m)) emit({ type: 'failed', unit: null, message: m });
  if (r.exitCode !== 0 && !result.cancelled && failed.size === 0 && errors.length === 0) emit({ type: 'failed', unit: null, message: `nix-store exited with ${r.exitCode ?? r.signal}` });
  result.built.sort();
  result.failed.sort();
  result.substituted.sort();
  result.skipped.sort();
  const skipped = new Set(result.skipped);
  result.cached = requested.filter((id) => !built.has(id) && !failed.has(id) && !substituted.has(id) && !skipped.has(id));
  result.ok = r.exitCode === 0 && !result.cancelled && result.failed.length === 0 && result.skipped.length === 0;
  result.seconds = seconds();
  if (emitFinished) emit({ type: 'finished', built: result.built, cached: result.cached, substituted: result.substituted, failed: result.failed, skipped: result.skipped, seconds: result.seconds, outs: Object.fromEntries(result.outs) });
  return result;
}
