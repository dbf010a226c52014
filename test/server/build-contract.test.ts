/**
 * The build-event contract on real output: `cargo-units build --json` (the built CLI, real rustc,
 * real Nix with a private store) on a copy of the example workspace, every stdout line through
 * the server's strict parser.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { findRustc } from '../../src/core/toolchain.js';
import { parseBuildEvent, type BuildEvent } from '../../src/protocol/build-events.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';

function cli(cwd: string, env: NodeJS.ProcessEnv, args: string[]): { status: number | null; events: BuildEvent[]; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', '--json', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  // Every stdout line is an event: parseBuildEvent throws on anything else.
  const events = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => parseBuildEvent(l));
  return { status: r.status, events, stderr: r.stderr };
}

test(
  'real cargo-units build --json output parses strictly: every event kind, rustc diagnostics whole, reason of a build-level failure',
  { skip: NIX_SKIP, timeout: 300_000 },
  () => {
    const ws = copyFixture(EXAMPLE);
    try {
      rmSync(join(ws, 'target'), { recursive: true, force: true });
      appendFileSync(join(ws, 'crates/units-derive/src/lib.rs'), '\nfn contract_probe() -> String {\n    "x"\n}\n');
      const env = isolatedNixEnv();

      const dry = cli(ws, env, ['--dry-run']);
      assert.equal(dry.status, 0, dry.stderr);
      assert.deepEqual(
        dry.events.map((e) => e.type),
        ['plan'],
        'a dry run plans only',
      );

      const r = cli(ws, env, ['--unit', 'units-derive/proc-macro/units_derive', '--unit', 'units-core/lib/units_core']);
      assert.equal(r.status, 1, r.stderr);
      const kinds = new Set(r.events.map((e) => e.type));
      for (const k of ['plan', 'start', 'phase', 'log', 'diagnostic', 'done', 'failed', 'finished'] as const)
        assert.ok(kinds.has(k), `no ${k} event in ${[...kinds]}`);

      const d = r.events.find((e) => e.type === 'diagnostic' && e.code === 'E0308');
      assert.ok(d && d.type === 'diagnostic', JSON.stringify(r.events));
      assert.equal(d.file, 'crates/units-derive/src/lib.rs');
      // rustc's secondary label and its help with a suggestion come through, file names as `file`'s.
      const secondary = d.diagnostic.spans.find((s) => !s.is_primary);
      assert.equal(secondary?.label, 'expected `String` because of return type');
      assert.equal(secondary?.file_name, 'crates/units-derive/src/lib.rs');
      const help = d.diagnostic.children?.find((c) => c.level === 'help');
      assert.equal(help?.spans[0]?.suggested_replacement, '.to_string()');
      assert.ok(help?.spans[0]?.suggestion_applicability);
      assert.ok(!d.rendered.includes('\x1b['), 'no ANSI codes');

      // Nix not on PATH: one build-level failure with its reason.
      const bin = join(dirname(ws), 'bin');
      mkdirSync(bin);
      symlinkSync(findRustc() ?? '/usr/bin/rustc', join(bin, 'rustc'));
      const noNix = cli(ws, { ...env, PATH: bin }, ['--unit', 'units-core/lib/units_core']);
      assert.equal(noNix.status, 4, noNix.stderr);
      const f = noNix.events.find((e) => e.type === 'failed' && e.unit === null);
      assert.ok(f && f.type === 'failed');
      assert.equal(f.reason, 'nix-missing');
    } finally {
      rmSync(dirname(ws), { recursive: true, force: true });
    }
  },
);
