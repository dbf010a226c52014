/**
 * For the Nix failure-path tests: a small workspace whose bin takes a known time to compile (a
 * proc-macro sleeps while expanding), and the built CLI run with a time bound, synchronously or
 * as a child whose events can be awaited (to signal it midway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { REPO } from '../helpers.js';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export const APP_BIN = 'app/bin/app';
export const APP_LIB = 'app/lib/app';

/**
 * `mac` (a proc-macro whose `slow!("GATE")` waits, at most 60 s, until the file GATE exists) and
 * `app` (lib + bin using it): compiling the bin takes exactly as long as the test wants.
 */
export function slowWorkspace(gate = ''): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-nixfail-')), 'ws');
  write(join(ws, 'Cargo.toml'), '[workspace]\nmembers = ["mac", "app"]\nresolver = "2"\n');
  write(join(ws, 'mac', 'Cargo.toml'), '[package]\nname = "mac"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n');
  write(
    join(ws, 'mac', 'src', 'lib.rs'),
    [
      'extern crate proc_macro;',
      'use proc_macro::TokenStream;',
      'use std::time::{Duration, Instant};',
      '#[proc_macro]',
      'pub fn slow(input: TokenStream) -> TokenStream {',
      '    let s = input.to_string();',
      "    let gate = s.trim().trim_matches('\"');",
      '    let t0 = Instant::now();',
      '    while !gate.is_empty() && !std::path::Path::new(gate).exists() && t0.elapsed() < Duration::from_secs(60) {',
      '        std::thread::sleep(Duration::from_millis(50));',
      '    }',
      '    "const SLEPT: u64 = 1;".parse().unwrap()',
      '}',
      '',
    ].join('\n'),
  );
  write(join(ws, 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmac = { path = "../mac" }\n');
  write(join(ws, 'app', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    42\n}\n');
  write(
    join(ws, 'app', 'src', 'main.rs'),
    `mac::slow!(${JSON.stringify(gate)});\n\nfn main() {\n    println!("answer {} slept {}", app::answer(), SLEPT);\n}\n`,
  );
  return ws;
}

/** A gate file path (not yet created) next to a workspace-to-be. */
export function newGate(): string {
  return join(mkdtempSync(join(tmpdir(), 'cargo-units-gate-')), 'open');
}

/** Lets every waiting `slow!` expansion of that gate finish. */
export function openGate(gate: string): void {
  writeFileSync(gate, '');
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  events: BuildEvent[];
  stderr: string;
}

const CLI = join(REPO, 'bin', 'cargo-units');

function parseEvents(stdout: string): BuildEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as BuildEvent);
}

/** `cargo-units ARGS` in `cwd`, killed after `timeout` ms. */
export function cli(env: NodeJS.ProcessEnv, cwd: string, args: string[], timeout = 120_000): Run & { stdout: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  return {
    status: r.status,
    signal: r.signal,
    events: args.includes('--json') && args[0] === 'build' ? parseEvents(r.stdout) : [],
    stderr: r.stderr,
    stdout: r.stdout,
  };
}

/** `cargo-units build --json ARGS`, bounded in time. */
export function build(env: NodeJS.ProcessEnv, cwd: string, args: string[] = []): Run {
  return cli(env, cwd, ['build', '--json', ...args]);
}

export interface Child {
  pid: number;
  events: BuildEvent[];
  /** Resolves at the first event for which `pred` holds (rejects if the build ends first). */
  waitFor(pred: (e: BuildEvent) => boolean): Promise<BuildEvent>;
  done: Promise<Run>;
}

/** `cargo-units build --json ARGS` as a child process (SIGKILLed after `timeout` ms). */
export function buildChild(env: NodeJS.ProcessEnv, cwd: string, args: string[] = [], timeout = 120_000): Child {
  const child = spawn(process.execPath, [CLI, 'build', '--json', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: BuildEvent[] = [];
  const waiters: { pred: (e: BuildEvent) => boolean; resolve: (e: BuildEvent) => void; reject: (err: Error) => void }[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const e = JSON.parse(line) as BuildEvent;
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const done = new Promise<Run>((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error(`the build ended (status ${status}, signal ${signal}) before the awaited event:\n${stderr}`));
      resolve({ status, signal, events, stderr });
    });
  });
  return {
    pid: child.pid!,
    events,
    done,
    waitFor: (pred) => {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}

export function finished(r: Run): Extract<BuildEvent, { type: 'finished' }> {
  const f = r.events.find((e) => e.type === 'finished');
  if (!f || f.type !== 'finished') throw new Error(`no finished event (status ${r.status}):\n${r.stderr}`);
  return f;
}

export function outOf(r: Run, unit: string): string {
  const d = r.events.find((e) => e.type === 'done' && e.unit === unit);
  if (!d || d.type !== 'done') throw new Error(`${unit} was not built:\n${r.stderr}`);
  return d.out;
}

/** True when `path` is a valid (registered, complete) path of the store in `env`. */
export function valid(env: NodeJS.ProcessEnv, path: string): boolean {
  return spawnSync('nix-store', ['--check-validity', path], { env, timeout: 30_000 }).status === 0;
}

/** Runs the built bin of `out` (bounded). */
export function runBin(out: string): string {
  const r = spawnSync(join(out, 'bin', 'app'), { encoding: 'utf8', timeout: 10_000 });
  return r.stdout;
}
