/**
 * Part of `npm run bench` (scripts/bench-nix.ts): edit → built on ripgrep-13, `cargo-units build
 * --unit ripgrep/bin/rg` with real Nix (private store) against cargo's incremental `cargo build
 * --bin rg`, both dev profile, for one-line edits in crates/core/search.rs and in
 * crates/searcher/src/searcher/mod.rs. Every round applies one edit, then runs cargo, our default
 * (pure) build and our `--incremental` build on the same sources, so machine load hits all three
 * alike; the table gives medians and the ratios to cargo. Our time is broken down by phase:
 * process start and index (wall minus the build's own seconds), generate, evaluate, plan, runs,
 * build (the nix-store realisation) split into the units' builders (rustc and link, per unit)
 * and the rest (Nix itself: scheduling, hashing and registering outputs), and GC roots.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEvent } from '../src/core/nix/events.js';
import { cliBuild, finishedOf, isolatedNixEnv, type CliBuild } from '../test/nix/nix-env.js';
import { copyRipgrep, RG, RIPGREP_SKIP } from '../test/nix/ripgrep.js';

const ROUNDS = Number(process.env.BENCH_RG_ROUNDS ?? 3);
const EDITS = ['crates/core/search.rs', 'crates/searcher/src/searcher/mod.rs'];
const log = (s: string) => process.stderr.write(`bench-nix-ripgrep: ${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (s: number) => s.toFixed(2);

interface Sample {
  wall: number;
  phases: Record<string, number>;
  units: Record<string, number>;
  built: string[];
}

function ours(env: NodeJS.ProcessEnv, ws: string, extra: string[]): Sample {
  const t0 = performance.now();
  const b: CliBuild = cliBuild(env, ws, ['--unit', RG, ...extra]);
  const wall = (performance.now() - t0) / 1000;
  if (b.status !== 0) throw new Error(`cargo-units build ${extra.join(' ')} failed:\n${b.stderr.slice(-3000)}`);
  const f = finishedOf(b);
  const units: Record<string, number> = {};
  for (const e of b.events) if (e.type === 'done') units[e.unit] = (e as Extract<BuildEvent, { type: 'done' }>).seconds;
  const phases: Record<string, number> = { start: wall - f.seconds, ...(f.phases ?? {}) };
  return { wall, phases, units, built: f.built };
}

function cargo(ws: string): number {
  const t0 = performance.now();
  const r = spawnSync('cargo', ['build', '--offline', '--bin', 'rg'], { cwd: ws, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cargo build failed:\n${r.stderr.slice(-3000)}`);
  return (performance.now() - t0) / 1000;
}

let counter = 0;
/** One line added: a new function (a real code change, not a comment). */
function edit(ws: string, file: string): void {
  counter++;
  appendFileSync(join(ws, file), `\n#[allow(dead_code)]\nfn cargo_units_bench_edit_${counter}() -> u32 { ${counter} }\n`);
}

function breakdown(samples: Sample[]): string {
  const keys = ['start', 'generate', 'evaluate', 'plan', 'runs', 'learn', 'build', 'roots'];
  const parts: string[] = [];
  for (const k of keys) {
    const xs = samples.map((s) => s.phases[k] ?? 0);
    if (xs.every((x) => x === 0)) continue;
    parts.push(`${k} ${fmt(median(xs))}`);
  }
  // Units' builders (sum over units built; the chain in these edits is mostly sequential) and the rest of the realisation.
  const unitSum = samples.map((s) => Object.values(s.units).reduce((a, b) => a + b, 0));
  const nix = samples.map((s, i) => Math.max(0, (s.phases.build ?? 0) + (s.phases.runs ?? 0) - unitSum[i]!));
  parts.push(`units' builders ${fmt(median(unitSum))}`, `Nix itself ≈ ${fmt(median(nix))}`);
  return parts.join(', ');
}

function perUnit(samples: Sample[]): string {
  const ids = [...new Set(samples.flatMap((s) => Object.keys(s.units)))].sort();
  return ids.map((id) => `${id} ${fmt(median(samples.map((s) => s.units[id] ?? 0)))}`).join('; ');
}

/** Runs the benchmark; returns the markdown body for BENCHMARKS.md, or undefined when ripgrep-13 is not here. */
export function benchRipgrep(): string | undefined {
  if (RIPGREP_SKIP) {
    log(`${RIPGREP_SKIP}: skipped`);
    return undefined;
  }
  const ws = copyRipgrep();
  const env = isolatedNixEnv();
  const cache = mkdtempSync(join(tmpdir(), 'cargo-units-bench-rg-cache-'));
  env.CARGO_UNITS_CACHE_DIR = cache;
  try {
    log('cargo build (full)');
    const cargoFull = cargo(ws);
    log('cargo-units build (full)');
    const oursFull = ours(env, ws, []);
    log('cargo-units build --incremental (full of the workspace units)');
    const incFull = ours(env, ws, ['--incremental']);
    // One warm-up edit so that every build has run once on an edited tree.
    edit(ws, EDITS[0]!);
    cargo(ws);
    ours(env, ws, []);
    ours(env, ws, ['--incremental']);
    const rows: string[] = [];
    const details: string[] = [];
    for (const file of EDITS) {
      const c: number[] = [];
      const p: Sample[] = [];
      const i: Sample[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        edit(ws, file);
        c.push(cargo(ws));
        p.push(ours(env, ws, []));
        i.push(ours(env, ws, ['--incremental']));
        log(`${file} round ${r + 1}: cargo ${fmt(c.at(-1)!)} s, ours ${fmt(p.at(-1)!.wall)} s, --incremental ${fmt(i.at(-1)!.wall)} s`);
      }
      const mc = median(c);
      const mp = median(p.map((s) => s.wall));
      const mi = median(i.map((s) => s.wall));
      rows.push(`| ${file} | ${fmt(mc)} s | ${fmt(mp)} s (${(mp / mc).toFixed(1)}×) | ${fmt(mi)} s (${(mi / mc).toFixed(1)}×) | ${p[0]!.built.length} |`);
      details.push(
        `- ${file}, default build (median s): ${breakdown(p)}. Per unit: ${perUnit(p)}.`,
        `- ${file}, \`--incremental\` (median s): ${breakdown(i)}. Per unit: ${perUnit(i)}.`,
      );
    }
    return [
      `Full builds: cargo ${fmt(cargoFull)} s; cargo-units ${fmt(oursFull.wall)} s (${oursFull.built.length} derivations); ` +
        `\`--incremental\` after it ${fmt(incFull.wall)} s (the workspace units again, as their own derivations).`,
      '',
      `Edit → built, median of ${ROUNDS} rounds (each round: a one-line edit — a new function — then cargo, ours, ours \`--incremental\` on the same sources):`,
      '',
      '| edit | `cargo build` (incremental) | `cargo-units build` (pure) | `cargo-units build --incremental` | derivations built |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      '',
      'Where our time goes (`start` = node start-up, index and CLI until the build begins; `build` = the nix-store realisation; ' +
        "units' builders = the seconds Nix reports per unit from start to the builder's last step, rustc and link included; Nix itself = the realisation minus those):",
      '',
      ...details,
    ].join('\n');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
