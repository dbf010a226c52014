/**
 * The real language server (dist/server.cjs over Node IPC) under 100 rapid saves and unsaved edits
 * while builds run. The build command is a wrapper script around the real CLI (`cargo-units build`
 * with a private Nix store) that logs each run's start and end (pid, nanosecond time) and the
 * hash of every file it was asked to build. Checks: never two builds of the workspace at once;
 * every saved file ends up built from its final text by a build that finished; the index answers
 * from the final unsaved text; the server's memory stays bounded.
 */
import assert from 'node:assert/strict';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import * as ext from '../../src/protocol/lsp_ext.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';

const SAVED = ['crates/units-parse/src/lexer.rs', 'crates/units-core/src/report.rs', 'crates/units-cli/src/main.rs'];
const PARSE_LIB = 'crates/units-parse/src/lib.rs';
const LEXER_V1 = 'crates/units-parse/src/lexer_v1.rs';
const OPS = 100;
/** How much the server's resident memory may grow over the run. */
const RSS_GROWTH_BOUND = 80 << 20;

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function wrapper(dir: string): { script: string; log: string } {
  const log = join(dir, 'builds.log');
  const running = join(dir, 'running');
  const script = join(dir, 'build-wrapper');
  writeFileSync(
    script,
    `#!/bin/sh
trap 'kill -TERM $child 2>/dev/null; wait $child; rm -f '"'${running}'"'; echo "end $$ $(date +%s%N) killed" >> '"'${log}'"'; exit 143' TERM
child=
# Another build is running when the previous wrapper's pid is still alive (a SIGKILLed one leaves its file behind).
[ -e '${running}' ] && kill -0 "$(cat '${running}')" 2>/dev/null && echo "overlap $$ $(cat '${running}')" >> '${log}'
echo $$ > '${running}'
echo "start $$ $(date +%s%N)" >> '${log}'
for a in "$@"; do case "$a" in *.rs) echo "file $$ $a $(sha256sum < "$a" | cut -c1-64)" >> '${log}';; esac; done
'${process.execPath}' '${join(REPO, 'dist', 'cli.cjs')}' "$@" & child=$!
wait $child; code=$?
rm -f '${running}'
echo "end $$ $(date +%s%N) $code" >> '${log}'
exit $code
`,
  );
  chmodSync(script, 0o755);
  return { script, log };
}

interface Run {
  pid: string;
  start: number;
  end?: number;
  outcome?: string;
  files: Map<string, string>;
}

function parseLog(text: string): { runs: Run[]; overlaps: string[] } {
  const runs = new Map<string, Run>();
  const overlaps: string[] = [];
  for (const line of text.split('\n')) {
    const [kind, pid, a, b] = line.split(' ');
    if (kind === 'overlap') overlaps.push(pid!);
    else if (kind === 'start') runs.set(pid!, { pid: pid!, start: Number(a) / 1e6, files: new Map() });
    else if (kind === 'file') runs.get(pid!)!.files.set(a!, b!);
    // A wrapper terminated before it logged its start logs only its end.
    else if (kind === 'end' && runs.has(pid!)) Object.assign(runs.get(pid!)!, { end: Number(a) / 1e6, outcome: b });
  }
  return { runs: [...runs.values()].sort((x, y) => x.start - y.start), overlaps };
}

test('language server: 100 rapid saves and unsaved edits while real builds run', { skip: NIX_SKIP, timeout: 400_000 }, async () => {
  if (process.env.npm_lifecycle_event !== 'test') execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  const ws = copyFixture(EXAMPLE);
  const { script, log } = wrapper(join(ws, '..'));
  writeFileSync(log, '');
  const env = { ...isolatedNixEnv() };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  const server: ChildProcess = fork(join(REPO, 'dist', 'server.cjs'), ['--node-ipc'], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  const conn: MessageConnection = createMessageConnection(new IPCMessageReader(server), new IPCMessageWriter(server));
  const progress: ext.BuildProgress[] = [];
  conn.onNotification(ext.buildProgress, (p) => progress.push(p));
  conn.onRequest(() => null);
  conn.listen();
  const uri = (rel: string) => pathToFileURL(join(ws, rel)).href;
  try {
    const init: ext.InitializationOptions = {
      trusted: true,
      features: [],
      allFeatures: false,
      noDefaultFeatures: false,
      target: '',
      cfgs: [],
      linkedProjects: [],
      build: { command: [script], nixCommand: 'nix', nixArgs: [], vendorDir: '', profile: '', onSave: true, debounceMs: 40 },
    };
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ws).href,
      capabilities: { workspace: { workspaceFolders: true } },
      workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
      initializationOptions: init,
    });
    await conn.sendNotification('initialized', {});
    const unitsOf = async (rel: string) => (await conn.sendRequest(ext.unitsOfFile, { uris: [uri(rel)] }))[0]!;
    for (let i = 0; i < 600 && (await unitsOf(SAVED[0]!)).status !== 'read'; i++) await sleep(50);
    assert.equal((await unitsOf(SAVED[0]!)).status, 'read', `indexed:\n${stderr}`);
    assert.equal((await unitsOf(LEXER_V1)).units.length, 0, 'lexer_v1.rs is read by no unit at first');

    const texts = new Map<string, { text: string; version: number }>();
    for (const rel of [...SAVED, PARSE_LIB]) {
      const text = readFileSync(join(ws, rel), 'utf8');
      texts.set(rel, { text, version: 1 });
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'rust', version: 1, text } });
    }
    const change = async (rel: string, text: string) => {
      const d = texts.get(rel)!;
      d.text = text;
      d.version++;
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(rel), version: d.version }, contentChanges: [{ text }] });
    };
    const rssBefore = rss(server.pid!);
    const lastSave = new Map<string, number>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < OPS; i++) {
      const rel = SAVED[i % SAVED.length]!;
      // An unsaved edit, then (mostly) a save of the same text.
      await change(rel, `${texts.get(rel)!.text}// edit ${i}\n`);
      if (i % 5 !== 4) {
        writeFileSync(join(ws, rel), texts.get(rel)!.text);
        lastSave.set(rel, Date.now());
        await conn.sendNotification('textDocument/didSave', { textDocument: { uri: uri(rel) } });
      }
      // Unsaved only: add or drop `mod lexer_v1;` in units-parse's lib.rs.
      if (i % 3 === 0) {
        const lib = texts.get(PARSE_LIB)!.text;
        await change(PARSE_LIB, lib.startsWith('mod lexer_v1;\n') ? lib.slice('mod lexer_v1;\n'.length) : `mod lexer_v1;\n${lib}`);
      }
      await sleep(Math.floor(random() * 120));
    }
    // The last edits: every saved file saved with its final text.
    for (const rel of SAVED) {
      writeFileSync(join(ws, rel), texts.get(rel)!.text);
      lastSave.set(rel, Date.now());
      await conn.sendNotification('textDocument/didSave', { textDocument: { uri: uri(rel) } });
    }
    // Wait until the server is quiet: every build it began has ended, and nothing new for 3 s.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const begun = progress.filter((p) => p.kind === 'begin').length;
      const ended = progress.filter((p) => p.kind === 'end').length;
      if (begun > 0 && begun === ended) {
        const n = progress.length;
        await sleep(3000);
        if (progress.length === n) break;
      }
      assert.ok(Date.now() < deadline, `builds did not settle: ${JSON.stringify(progress.filter((p) => p.kind !== 'output' && p.kind !== 'event').slice(-6))}`);
      await sleep(200);
    }

    const { runs, overlaps } = parseLog(readFileSync(log, 'utf8'));
    assert.deepEqual(overlaps, [], 'a build started while another was running');
    assert.ok(runs.length >= 2, `builds ran: ${runs.length}`);
    // A wrapper killed by SIGKILL (after the server's grace period) logs no end; the others must not overlap in time.
    for (let i = 1; i < runs.length; i++) {
      const prev = runs[i - 1]!;
      if (prev.end !== undefined) assert.ok(runs[i]!.start >= prev.end, `build ${runs[i]!.pid} started before ${prev.pid} ended`);
    }
    assert.ok(runs.at(-1)!.end !== undefined, 'the last build ended');
    // The server's own view: begin and end alternate.
    const marks = progress.filter((p) => p.kind === 'begin' || p.kind === 'end').map((p) => p.kind);
    assert.deepEqual(
      marks,
      marks.map((_, i) => (i % 2 === 0 ? 'begin' : 'end')),
      'begin/end alternate',
    );
    const lastEnd = progress.filter((p): p is Extract<ext.BuildProgress, { kind: 'end' }> => p.kind === 'end').at(-1)!;
    assert.equal(lastEnd.outcome, 'succeeded', JSON.stringify(lastEnd));
    assert.equal(runs.at(-1)!.outcome, '0', 'the last build finished');
    // No edit lost: every saved file was built from its final text, after its last save, by a build that finished.
    for (const rel of SAVED) {
      const want = sha(texts.get(rel)!.text);
      assert.equal(sha(readFileSync(join(ws, rel))), want);
      const built = runs.filter((r) => r.outcome === '0' && r.start >= lastSave.get(rel)! - 5 && r.files.get(join(ws, rel)) === want);
      assert.ok(built.length > 0, `${rel}: no finished build of its final text; runs: ${JSON.stringify(runs.map((r) => [r.outcome, [...r.files.keys()]]))}`);
    }
    // Builds were cancelled along the way (rapid saves supersede running builds).
    assert.ok(runs.some((r) => r.outcome === 'killed') || runs.length < OPS / 2, 'saves were merged or superseded');
    // The index follows the final unsaved text of units-parse's lib.rs.
    const modded = texts.get(PARSE_LIB)!.text.startsWith('mod lexer_v1;');
    const v1 = await unitsOf(LEXER_V1);
    assert.deepEqual(
      v1.units.map((u) => u.id).sort(),
      modded ? ['units-parse/lib/units_parse', 'units-parse/lib/units_parse[test]'] : [],
      `lexer_v1.rs with mod ${modded}`,
    );
    const rssAfter = rss(server.pid!);
    assert.ok(rssAfter - rssBefore < RSS_GROWTH_BOUND, `server RSS grew from ${rssBefore >> 20} MB to ${rssAfter >> 20} MB`);
    process.stdout.write(
      `# ${runs.length} builds (${runs.filter((r) => r.outcome === 'killed').length} cancelled); server RSS ${rssBefore >> 20} → ${rssAfter >> 20} MB\n`,
    );
  } finally {
    conn.dispose();
    server.kill();
    await new Promise((r) => (server.exitCode !== null || server.signalCode !== null ? r(undefined) : server.once('exit', r)));
    if (!process.env.CARGO_UNITS_KEEP_TEST_DIRS) rmSync(join(ws, '..'), { recursive: true, force: true });
  }
});
