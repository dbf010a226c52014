import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cfgsOf, rustflagsCfgs } from './rustflags.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(config?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'cu-rustflags-'));
  dirs.push(d);
  if (config !== undefined) {
    mkdirSync(join(d, '.cargo'));
    writeFileSync(join(d, '.cargo', 'config.toml'), config);
  }
  return d;
}

const linux = (key: string) => key === 'x86_64-unknown-linux-gnu' || key === 'cfg(unix)';

describe('rustflags cfgs, as cargo picks them', () => {
  test('--cfg forms', () => {
    assert.deepEqual(cfgsOf(['--cfg', 'loom', '--cfg=tokio_unstable', '-C', 'opt-level=2', '--cfg', 'k="v"']), [
      { name: 'loom' },
      { name: 'tokio_unstable' },
      { name: 'k', value: 'v' },
    ]);
  });

  test('CARGO_ENCODED_RUSTFLAGS wins over RUSTFLAGS, which wins over the config', () => {
    const ws = workspace('[build]\nrustflags = ["--cfg", "from_config"]\n');
    assert.deepEqual(rustflagsCfgs(ws, { CARGO_ENCODED_RUSTFLAGS: '--cfg\x1fa', RUSTFLAGS: '--cfg b' }, linux).cfgs, [{ name: 'a' }]);
    assert.deepEqual(rustflagsCfgs(ws, { RUSTFLAGS: '--cfg b' }, linux).cfgs, [{ name: 'b' }]);
    const r = rustflagsCfgs(ws, {}, linux);
    assert.deepEqual(r.cfgs, [{ name: 'from_config' }]);
    assert.match(r.source!, /build\.rustflags/);
  });

  test('target.<triple> and target.cfg() rustflags replace build.rustflags; non-matching keys are ignored', () => {
    const ws = workspace(`
[build]
rustflags = "--cfg from_build"
[target.x86_64-unknown-linux-gnu]
rustflags = ["--cfg", "triple"]
[target.'cfg(unix)']
rustflags = "--cfg unixy"
[target.'cfg(windows)']
rustflags = "--cfg windowsy"
`);
    assert.deepEqual(rustflagsCfgs(ws, {}, linux).cfgs, [{ name: 'triple' }, { name: 'unixy' }]);
    assert.deepEqual(rustflagsCfgs(ws, {}, () => false).cfgs, [{ name: 'from_build' }]);
  });

  test('no flags anywhere: no cfgs; a broken config is a warning naming the file', () => {
    assert.deepEqual(rustflagsCfgs(workspace(), {}, linux), { cfgs: [], source: undefined, diagnostics: [] });
    const ws = workspace('[build\n');
    const r = rustflagsCfgs(ws, {}, linux);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.file, join(ws, '.cargo', 'config.toml'));
  });
});
