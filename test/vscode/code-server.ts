/**
 * Runs the real VS Code (code-server 4.100.3) with the packaged .vsix installed, and drives it
 * with Chromium through playwright-core. Everything a run writes stays in its own temp directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../helpers.js';

export const CODE_SERVER_DIR =
  process.env.CARGO_UNITS_CODE_SERVER_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cargo-units', 'code-server-4.100.3');
export const CODE_SERVER = join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CARGO_UNITS_CHROMIUM ?? '/usr/bin/chromium';

/** Why the VS Code tests cannot run here (undefined when they can). */
export function missingTools(): string | undefined {
  if (!existsSync(CODE_SERVER)) return `code-server is not installed in ${CODE_SERVER_DIR} (run test/vscode/install-code-server.sh)`;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  return undefined;
}

/**
 * The .vsix, packaged once per test process into its own file (test files run in parallel). The
 * bundles are built first, unless this runs under `npm test`, which has just built them.
 */
let packaged: string | undefined;
export function packageVsix(): string {
  if (!packaged) {
    if (process.env.npm_lifecycle_event !== 'test') execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
    const out = join(mkdtempSync(join(tmpdir(), 'cargo-units-vsix-')), 'cargo-units.vsix');
    execFileSync(process.execPath, [join(REPO, 'scripts', 'package-vscode.mjs'), out], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    packaged = out;
  }
  return packaged;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface Session {
  dir: string;
  /** A private copy of the example workspace. */
  folder: string;
  port: number;
  url: string;
  process: ChildProcess;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

export interface SessionOptions {
  trusted: boolean;
  /** User settings.json content. */
  userSettings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** The folder to open a copy of (default: examples/workspace). */
  folderSource?: string;
  /** Called with the session directory before code-server starts; may add settings and environment. */
  beforeStart?: (dir: string) => { userSettings?: Record<string, unknown>; env?: Record<string, string> };
}

export async function startSession(o: SessionOptions): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-vscode-'));
  const folder = join(dir, 'workspace');
  cpSync(o.folderSource ?? join(REPO, 'examples', 'workspace'), folder, { recursive: true });
  const userData = join(dir, 'user-data');
  const extensions = join(dir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(dir, 'tmp'));
  const extra = o.beforeStart?.(dir) ?? {};
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'files.autoSave': 'off',
      ...o.userSettings,
      ...extra.userSettings,
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    TMPDIR: join(dir, 'tmp'),
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9' }),
    ...o.env,
    ...extra.env,
  };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(CODE_SERVER, [...common, '--install-extension', packageVsix()], { env, stdio: 'ignore' });
  const port = await freePort();
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...common, ...(o.trusted ? ['--disable-workspace-trust'] : []), folder];
  const proc = spawn(CODE_SERVER, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const killServer = (signal: NodeJS.Signals = 'SIGTERM') => {
    try {
      process.kill(-proc.pid!, signal);
    } catch {
      // gone
    }
  };
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) {
      killServer();
      throw new Error(`code-server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Playwright gives the browser a fresh profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    headless: true,
  }).catch((err: unknown) => {
    killServer();
    throw err;
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return {
    dir,
    folder,
    port,
    url,
    process: proc,
    browser,
    page,
    async stop() {
      await browser.close().catch(() => undefined);
      killServer();
      const kill = setTimeout(() => killServer('SIGKILL'), 3000);
      await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)));
      clearTimeout(kill);
      if (!process.env.CARGO_UNITS_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The workbench URL that opens `folder` and runs the extension test module `testsFile` in the extension host. */
export function payloadUrl(s: Session, devDir: string, testsFile: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${s.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(devDir)],
    ['extensionTestsPath', remote(testsFile)],
  ]);
  return `${s.url}/?folder=${encodeURIComponent(s.folder)}&payload=${encodeURIComponent(payload)}`;
}
