/**
 * Build events → Build view rows (issue 15: "rows follow the build events within 100 ms"), with
 * real parts: code-server 4.100.3 with the packaged .vsix, driven by headless Chromium, a real
 * `cargo-units build` under Nix (a private store) started by a save in the editor, on the generated
 * workspace of test/nix/generated-workspace.ts (PACKAGES packages in a tree, 3 units each, plus app's
 * 4), built from an empty store, so every unit starts and finishes during the measurement.
 *
 * Clock: Date.now() on this machine, in two processes. The CLI's stdout goes through
 * scripts/stamp-lines.mjs (set as `cargoUnits.build.command` in front of the same bundled CLI), which
 * stamps each event line as it leaves the CLI; in the page, a MutationObserver on the Build view
 * records its rows (label, icon, description) with Date.now() on every change (in the DOM, before
 * the next paint). Each event that sets a row is matched to the first moment the row shows that
 * state (test/vscode/build-view-latency.ts).
 *
 * `node --import tsx scripts/bench-build-view.ts [--runs N] [--write] [--dump PREFIX]`: one code-server session
 * and one full build per run; `--write` records the figures in BENCHMARKS.md, `--dump` writes each
 * run's events, view snapshots, latencies and the page's long tasks ([start, ms]) to PREFIX.N.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBuildEvent } from '../src/protocol/build-events.js';
import { unitLabel } from '../src/protocol/labels.js';
import { tree, writeGeneratedWorkspace } from '../test/nix/generated-workspace.js';
import { isolatedNixVars, NIX_SKIP } from '../test/nix/nix-env.js';
import { expectations, latencies, summarize, type Latency, type StampedEvent, type ViewSnapshot } from '../test/vscode/build-view-latency.js';
import { missingTools, startSession } from '../test/vscode/code-server.js';
import { SHOTS } from '../test/vscode/large.js';
import { openFile, openPane, runCommand, statusText } from '../test/vscode/page.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = 16;
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const RUNS = process.argv.includes('--runs') ? Number(arg('--runs')) : 2;
const log = (s: string) => process.stderr.write(`bench-build-view: ${s}\n`);
const RESULT = /cargo-units: (built \d+|\d+ failed|build failed|up to date|cancelled)/;

/** Page script (a string: tsx's compiled functions carry helpers the page lacks): records the Build view's rows on every change. */
const OBSERVER = `(() => {
  const pane = [...document.querySelectorAll('.pane')].find((el) => /Cargo Build/i.test(el.querySelector('.pane-header')?.textContent ?? ''));
  if (!pane) throw new Error('no Cargo Build pane');
  window.__snaps = [];
  let last = '';
  const take = () => {
    const t = Date.now();
    const rows = [...pane.querySelectorAll('.monaco-list-row')].map((r) => ({
      label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
      icon: String(r.querySelector('.custom-view-tree-node-item-icon')?.className ?? ''),
      description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
    }));
    const key = JSON.stringify(rows);
    if (key === last) return;
    last = key;
    window.__snaps.push({ t, rows });
  };
  take();
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });
  new MutationObserver(take).observe(pane, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
})()`;

interface Run {
  latencies: Latency[];
  units: number;
  buildSeconds: number;
  load: [number, number];
}

async function oneRun(i: number): Promise<Run> {
  const src = mkdtempSync(join(tmpdir(), 'cargo-units-bench-view-'));
  const ws = join(src, 'ws');
  writeGeneratedWorkspace(ws, PACKAGES, tree);
  let eventLog = '';
  const s = await startSession({
    trusted: true,
    folderSource: ws,
    env: isolatedNixVars(),
    beforeStart: (dir) => {
      eventLog = join(dir, 'events.log');
      writeFileSync(eventLog, '');
      return {
        userSettings: {
          'cargoUnits.build.command': [process.execPath, join(REPO, 'scripts', 'stamp-lines.mjs'), eventLog, process.execPath, join(REPO, 'dist', 'cli.cjs')],
        },
      };
    },
  });
  rmSync(src, { recursive: true, force: true });
  const p = s.page;
  try {
    // Tall enough for every row of the view to be drawn (the list draws only the rows in sight).
    await p.setViewportSize({ width: 1400, height: 2000 });
    await p.goto(`${s.url}/?folder=${encodeURIComponent(s.folder)}`);
    const status = p.locator('[id="cargo-units.cargo-units.cargoUnits.status"]');
    await status.waitFor({ timeout: 120_000 });
    for (let n = 0; n < 1200 && /indexing/.test(await statusText(p)); n++) await p.waitForTimeout(100);
    await runCommand(p, 'cargo-units: Show Build View');
    await openPane(p, 'Cargo Build');
    // Fold every other pane of the side bar, so the Build view gets the height.
    const others = p.locator('.sidebar .pane-header[aria-expanded="true"]').filter({ hasNotText: 'Cargo Build' });
    for (let n = 0; n < 10 && (await others.count()) > 0; n++) {
      await others.first().click();
      await p.waitForTimeout(200);
    }
    // Show Build View may expand the pane a moment after openPane looked: expand it last, and check.
    await p.waitForTimeout(500);
    await openPane(p, 'Cargo Build');
    const header = p.locator('.sidebar .pane-header', { hasText: 'Cargo Build' }).first();
    if ((await header.getAttribute('aria-expanded')) !== 'true') throw new Error('the Cargo Build pane did not open');
    await p.evaluate(OBSERVER);

    const all = (
      JSON.parse(execFileSync(process.execPath, [join(REPO, 'dist', 'cli.cjs'), 'units', '--json', s.folder], { encoding: 'utf8' })) as {
        units: { id: string; package: string; kind: string; name: string }[];
      }
    ).units;
    const labels = new Map(all.map((u) => [u.id, unitLabel(u)]));

    // A save that affects every unit: p1 is at the root of the tree.
    const load0 = loadavg()[0]!;
    await openFile(p, s, 'p1/src/extra.rs');
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+End');
    await p.keyboard.type('\n// edited by bench-build-view\n');
    await p.keyboard.press('Control+S');
    for (let n = 0; n < 200 && !/building/.test(await statusText(p)); n++) await p.waitForTimeout(50);
    for (let n = 0; n < 6000 && !RESULT.test(await statusText(p)); n++) await p.waitForTimeout(100);
    if (!RESULT.test(await statusText(p))) throw new Error(`the build did not finish: ${await statusText(p)}`);
    await p.waitForTimeout(1000);
    const load1 = loadavg()[0]!;
    const snapshots = (await p.evaluate('window.__snaps')) as ViewSnapshot[];
    const longTasks = (await p.evaluate('window.__long')) as [number, number][];

    const events: StampedEvent[] = readFileSync(eventLog, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const sp = l.indexOf(' ');
        return { t: Number(l.slice(0, sp)), event: parseBuildEvent(l.slice(sp + 1)) };
      })
      .filter((e) => e.event.type !== 'log');
    const finished = events.find((e) => e.event.type === 'finished')?.event;
    if (!finished || finished.type !== 'finished') throw new Error('no finished event in the log');
    if (finished.failed.length > 0) throw new Error(`units failed: ${finished.failed.join(', ')}`);
    const lastRows = snapshots.at(-1)?.rows ?? [];
    const plan = events.find((e) => e.event.type === 'plan')?.event;
    const planned = plan?.type === 'plan' ? plan.build.length + plan.substitute.length + plan.cached.length : 0;
    if (lastRows.length < planned) throw new Error(`only ${lastRows.length} of ${planned} rows drawn: the view is too short to see every row`);
    const label = (u: string) =>
      u.endsWith('#run') ? (labels.get(u.slice(0, -4)) ?? u).replace('(build script)', '(build script run)') : (labels.get(u) ?? u);
    const ls = latencies(expectations(events, label), snapshots);
    if (process.argv.includes('--dump')) writeFileSync(`${arg('--dump')}.${i + 1}.json`, JSON.stringify({ events, snapshots, latencies: ls, longTasks }));
    const sum = summarize(ls);
    log(
      `run ${i + 1}: ${planned} units, ${JSON.stringify(sum)}, ${snapshots.length} view changes, build ${finished.seconds.toFixed(1)} s, load ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
    );
    return { latencies: ls, units: planned, buildSeconds: finished.seconds, load: [load0, load1] };
  } catch (err) {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, 'bench-build-view-failure.png') }).catch(() => undefined);
    throw err;
  } finally {
    await s.stop();
  }
}

function fmtSummary(ls: Latency[]): string {
  const s = summarize(ls);
  return `${s.events} | ${s.p50} | **${s.p95}** | ${s.max} | ${s.superseded} | ${s.missing}`;
}

const missing = missingTools() ?? (NIX_SKIP || undefined);
if (missing) throw new Error(missing);
execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await oneRun(i));
const all = runs.flatMap((r) => r.latencies);
const types = [...new Set(all.map((l) => l.type))];
const now = new Date();
const body = [
  `Command: \`node --import tsx scripts/bench-build-view.ts --runs ${RUNS}\` (in \`npm run bench\`), ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  `Machine: ${cpus()[0]?.model.trim()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('nix-store', ['--version'], { encoding: 'utf8', env: { ...process.env, ...isolatedNixVars() } }).trim()}; load average (1 min) ${runs.map((r) => `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`).join(', ')} at each build's start→end.`,
  `Workspace: generated, ${PACKAGES} packages in a tree (${runs[0]!.units} units), a full build from an empty private store after a save of p1/src/extra.rs: ${runs.map((r) => `${r.buildSeconds.toFixed(1)} s`).join(', ')}.`,
  '',
  '| events | count | p50 ms | p95 ms | max ms | shown only as a later state | never shown |',
  '|---|---:|---:|---:|---:|---:|---:|',
  `| all, ${RUNS} runs | ${fmtSummary(all)} |`,
  ...runs.map((r, i) => `| all, run ${i + 1} | ${fmtSummary(r.latencies)} |`),
  ...types.map((t) => `| \`${t}\` | ${fmtSummary(all.filter((l) => l.type === t))} |`),
].join('\n');
process.stdout.write(`${body}\n`);
if (process.argv.includes('--write')) {
  const file = join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const [open, close] = ['<!-- bench-build-view:start -->', '<!-- bench-build-view:end -->'];
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  const block = `${open}\n${body}\n${close}`;
  writeFileSync(
    file,
    a >= 0 && b > a
      ? text.slice(0, a) + block + text.slice(b + close.length)
      : `${text.trimEnd()}\n\n## VS Code: build events → Build view rows (issue 15)\n\n${block}\n`,
  );
  log('BENCHMARKS.md updated');
} else log('BENCHMARKS.md left as it is (--write records these figures)');
