/**
 * Runs an extension test suite (test/vscode/suite/*.ts) inside code-server's real extension host,
 * with the packaged .vsix installed, through the workbench's `payload` URL parameter.
 */
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRustc } from '../../src/core/toolchain.js';
import { REPO } from '../helpers.js';
import { isolatedNixVars } from '../nix/nix-env.js';
import { payloadUrl, startSession, type Session } from './code-server.js';
import { markerWorkspace, type MarkerWorkspace } from './marker-workspace.js';

export interface SuiteRun {
  exitCode: number;
  results: string;
  /** The closing `N passed, N failed` line. */
  closing: string;
  session: Session;
  markers: string;
  bench?: Record<string, { runs: number; p50: number; p95: number; max: number }>;
  /** Restricted Mode: the workspace opened, whose build script and proc-macro write marker files. */
  hostile?: MarkerWorkspace;
}

/** Wrappers that log each run of rustc and of the build command, then run the real program. */
function writeWrappers(markers: string, extensionDir: string): { rustc: string; build: string } {
  mkdirSync(markers, { recursive: true });
  const rustc = findRustc();
  if (!rustc) throw new Error('rustc not found');
  const rustcWrapper = join(markers, 'rustc-wrapper');
  writeFileSync(rustcWrapper, `#!/bin/sh\necho "$*" >> '${markers}/rustc.log'\nexec '${rustc}' "$@"\n`);
  const buildWrapper = join(markers, 'build-wrapper');
  // While the file `hold` exists the build waits before starting (to test cancelling a running build).
  writeFileSync(
    buildWrapper,
    `#!/bin/sh\necho "$$ $*" >> '${markers}/build.log'\nwhile [ -e '${markers}/hold' ]; do sleep 0.1; done\nexec '${process.execPath}' '${extensionDir}/dist/cli.cjs' "$@"\n`,
  );
  chmodSync(rustcWrapper, 0o755);
  chmodSync(buildWrapper, 0o755);
  return { rustc: rustcWrapper, build: buildWrapper };
}

export async function runSuite(name: 'trusted' | 'restricted', timeoutMs = 240_000): Promise<SuiteRun> {
  const pending = { dir: '' };
  const markersPlaceholder = () => join(pending.dir, 'markers');
  // The session dir is known only once started; wrappers live there, so start with settings that point at it.
  const hostile = name === 'restricted' ? markerWorkspace() : undefined;
  const session = await startSession({
    trusted: name === 'trusted',
    ...(hostile ? { folderSource: hostile.dir } : {}),
    userSettings: {},
    // Builds the extension starts use a private Nix store, never the shared one.
    env: isolatedNixVars(),
    beforeStart: (dir) => {
      pending.dir = dir;
      const extensionDir = join(dir, 'extensions', 'cargo-units.cargo-units-0.1.0');
      const w = writeWrappers(markersPlaceholder(), extensionDir);
      return { userSettings: { 'cargoUnits.build.command': [w.build] }, env: { RUSTC: w.rustc } };
    },
  });
  const markers = markersPlaceholder();
  const tests = join(session.dir, 'tests');
  mkdirSync(tests);
  writeFileSync(join(tests, 'package.json'), JSON.stringify({ name: 'cargo-units-tests', publisher: 'test', version: '0.0.0', engines: { vscode: '^1.100.0' } }));
  const benchOut = join(session.dir, 'bench.json');
  writeFileSync(join(tests, 'config.json'), JSON.stringify({ markers, extensionDir: join(session.dir, 'extensions', 'cargo-units.cargo-units-0.1.0'), benchOut, hostileMarkers: hostile ? Object.values(hostile.markers) : [] }));
  await build({
    entryPoints: [join(REPO, 'test', 'vscode', 'suite', `${name}.ts`)],
    outfile: join(tests, 'suite.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const exit = new Promise<number>((resolve) => void session.page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
  await session.page.goto(payloadUrl(session, tests, join(tests, 'suite.cjs')));
  let timer: NodeJS.Timeout | undefined;
  const exitCode = await Promise.race([
    exit,
    new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`the ${name} suite did not finish in ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  let results: string;
  try {
    results = readFileSync(join(tests, 'results.txt'), 'utf8');
  } catch {
    results = '(no results file: the suite did not run)';
  }
  const closing = results.trim().split('\n').at(-1) ?? '';
  let bench;
  try {
    bench = JSON.parse(readFileSync(benchOut, 'utf8'));
  } catch {
    bench = undefined;
  }
  return { exitCode, results, closing, session, markers, bench, ...(hostile ? { hostile } : {}) };
}
