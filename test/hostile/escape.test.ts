/**
 * Nothing outside the workspace root is ever read. Proved with real `strace -f` on the built CLI:
 * no command opens a sentinel outside the workspace (nor a FIFO that would hang it, nor
 * /etc/passwd), and the sentinel's content appears in no output.
 */
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { chainFiles, escapeWorkspace } from './workspaces.js';
import { traceCli } from './trace.js';

const LIB = 'escape/lib/escape';
const BOUND_MS = 60_000;

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => lstatSync(f).isFile());
}

test('no command opens anything outside the workspace, and no output holds outside content', () => {
  const h = escapeWorkspace();
  const cache = join(h.ws, '.cache'); // keep the facts cache inside the workspace for this test
  const commands: string[][] = [
    ['units', '--json', '--files', h.ws],
    ['units', '--files', h.ws],
    ['files', LIB, h.ws],
    ['owners', join(h.ws, 'src', 'lib.rs'), join(h.ws, 'src', 'via_file_link.rs'), join(h.outside, 'sentinel.rs')],
    ['affected', '--json', join(h.ws, 'src', 'lib.rs')],
    ['orphans', h.ws],
    ['nix', h.ws, '--out', join(h.ws, '.cargo-units')],
  ];
  for (const [i, args] of commands.entries()) {
    const r = traceCli(args, h.ws, BOUND_MS, { CARGO_UNITS_CACHE_DIR: cache });
    const what = `cargo-units ${args.map((a) => relative(h.tmp, a) || a).join(' ')}`;
    assert.equal(r.timedOut, false, `${what} did not finish within ${BOUND_MS} ms`);
    assert.ok(r.status === 0 || r.status === 2, `${what} exited ${r.status} (${r.signal}):\n${r.stderr}`);
    // The trace is real: it saw the workspace's manifest and, while the cache was empty, its
    // sources being read (later runs may confirm a source's hash by its recorded stat alone).
    assert.ok(r.opened.includes(join(h.ws, 'Cargo.toml')), `${what}: the trace shows no read of Cargo.toml`);
    if (i === 0) assert.ok(r.opened.includes(join(h.ws, 'src', 'lib.rs')), `${what}: the trace shows no read of src/lib.rs`);
    for (const p of r.opened) {
      assert.ok(!h.forbidden.includes(p) && !p.startsWith(h.outside + '/'), `${what} opened ${p}`);
    }
    assert.ok(!r.stdout.includes(h.secret) && !r.stderr.includes(h.secret), `${what} printed outside content`);
    assert.ok(!/root:x:0:0/.test(r.stdout + r.stderr), `${what} printed /etc/passwd`);
  }
  // What the commands wrote (the Nix directory, the cache) holds nothing from outside either.
  for (const f of allFiles(h.ws)) {
    if (f.startsWith(join(h.ws, 'src'))) continue;
    assert.ok(!readFileSync(f, 'latin1').includes(h.secret), `${relative(h.ws, f)} holds outside content`);
  }
});

test('escapes are external with a diagnostic naming file and line; loops, cycles and a 40-deep chain resolve', () => {
  const h = escapeWorkspace();
  const r = traceCli(['units', '--json', '--files', h.ws], h.ws, BOUND_MS, { CARGO_UNITS_CACHE_DIR: join(h.ws, '.cache') });
  assert.equal(r.status, 0, r.stderr);
  const unit = JSON.parse(r.stdout).units.find((u: { id: string }) => u.id === LIB);
  const files: string[] = unit.files;
  // Every file of the chain is listed: rustc reads all 40 (see the rustc check in names.test.ts).
  for (const f of chainFiles()) assert.ok(files.includes(f), `missing ${f}`);
  assert.ok(files.includes('src/cyclic/a.rs') && files.includes('src/cyclic/b.rs'));
  for (const f of files) assert.ok(!f.startsWith('..') && !f.startsWith('/'), `listed outside file ${f}`);
  for (const f of ['src/via_file_link.rs', 'src/data_link.txt', 'src/loop_a.rs']) assert.ok(!files.includes(f), `listed ${f}`);
  const external: string[] = unit.external;
  for (const p of [join(h.outside, 'sentinel.rs'), join(h.outside, 'sentinel.txt'), '/etc/passwd', join(h.outside, 'trap.rs')]) {
    assert.ok(external.includes(p), `${p} not external: ${external.join(', ')}`);
  }
  const lines = r.stderr.split('\n');
  const has = (re: RegExp) =>
    assert.ok(
      lines.some((l) => re.test(l)),
      `no diagnostic matching ${re}:\n${r.stderr}`,
    );
  has(/src\/lib\.rs:1:.*warning: #\[path\] of module `rel_escape` points outside the workspace/);
  has(/src\/lib\.rs:2:.*warning: #\[path\] of module `abs_escape` points outside the workspace/);
  has(/src\/lib\.rs:3:.*warning: #\[path\] of module `passwd` points outside the workspace/);
  has(/src\/lib\.rs:5:.*via_file_link/);
  has(/src\/lib\.rs:10:.*include_str! points outside the workspace/);
  has(/src\/lib\.rs:7:.*loop_a/);
  has(/src\/cyclic\/b\.rs:1:.*circular modules/);
});
