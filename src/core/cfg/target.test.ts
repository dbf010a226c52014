import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { findExecutable, findRustc } from '../toolchain.js';
import { cfgAtomToString, type CfgAtom } from './expr.js';
import {
  BUILTIN_TARGETS,
  builtinTargetCfg,
  fallbackHostTriple,
  hostTargetCfg,
  hostTriple,
  parsePrintCfg,
  REQUIRED_BUILTIN_TARGETS,
  targetCfg,
  TargetCfgError,
} from './target.js';
import { NO_RUSTC, RUSTC, runRustc, withTempDir } from './testkit.js';

const POSIX = process.platform === 'win32' ? 'needs POSIX shell scripts' : false;

const sorted = (atoms: CfgAtom[]) => atoms.map(cfgAtomToString).sort();

describe('parsePrintCfg', () => {
  test('names and pairs, empty values, CRLF', () => {
    assert.deepEqual(parsePrintCfg('debug_assertions\r\npanic="unwind"\ntarget_abi=""\n\nunix\n'), [
      { name: 'debug_assertions' },
      { name: 'panic', value: 'unwind' },
      { name: 'target_abi', value: '' },
      { name: 'unix' },
    ]);
  });
  test('rustc prints values verbatim and names without r#', () => {
    assert.deepEqual(parsePrintCfg('foo="q"x"\nbar="a\\nb"\nfn\nmulti="line one\nline two"\nz'), [
      { name: 'foo', value: 'q"x' },
      { name: 'bar', value: 'a\\nb' },
      { name: 'fn' },
      { name: 'multi', value: 'line one\nline two' },
      { name: 'z' },
    ]);
  });
});

describe('built-in target table', () => {
  test('covers the required targets', () => {
    for (const t of REQUIRED_BUILTIN_TARGETS) assert.ok(BUILTIN_TARGETS.includes(t), t);
  });

  test('has the expected shape for a few targets', () => {
    const has = (triple: string, atom: string) => sorted(builtinTargetCfg(triple).atoms).includes(atom);
    assert.ok(has('x86_64-unknown-linux-gnu', 'unix') && has('x86_64-unknown-linux-gnu', 'target_os="linux"'));
    assert.ok(has('x86_64-pc-windows-msvc', 'windows') && has('x86_64-pc-windows-msvc', 'target_env="msvc"'));
    assert.ok(has('x86_64-pc-windows-gnu', 'target_env="gnu"'));
    assert.ok(has('aarch64-apple-darwin', 'target_os="macos"') && has('aarch64-apple-darwin', 'target_vendor="apple"'));
    assert.ok(has('wasm32-unknown-unknown', 'target_family="wasm"') && !has('wasm32-unknown-unknown', 'unix'));
    assert.ok(has('wasm32-wasip1', 'target_os="wasi"'));
    for (const t of BUILTIN_TARGETS) {
      const cfg = builtinTargetCfg(t);
      assert.equal(cfg.triple, t);
      assert.equal(cfg.source, 'builtin');
      assert.ok(
        cfg.atoms.some((a) => a.name === 'target_arch'),
        t,
      );
    }
  });

  test('an unknown triple is an error naming it', () => {
    assert.throws(
      () => builtinTargetCfg('sparc-nope-none'),
      (err: unknown) => {
        assert.ok(err instanceof TargetCfgError);
        assert.equal(err.triple, 'sparc-nope-none');
        assert.match(err.message, /`sparc-nope-none`/);
        return true;
      },
    );
    assert.throws(() => builtinTargetCfg('constructor'), TargetCfgError, 'not fooled by Object.prototype');
  });

  // The table is generated from rustc; this keeps it from drifting.
  for (const triple of BUILTIN_TARGETS) {
    test(`matches rustc --print cfg --target ${triple}`, { skip: NO_RUSTC }, async () => {
      const r = await runRustc(['--print', 'cfg', '--target', triple]);
      assert.equal(r.code, 0, r.stderr);
      const live = sorted(parsePrintCfg(r.stdout));
      assert.deepEqual(
        sorted(builtinTargetCfg(triple).atoms),
        live,
        `the built-in table is out of date for ${triple}: rerun \`node --import tsx src/core/cfg/generate-builtin-targets.ts src/core/cfg/builtin-targets.ts\``,
      );
    });
  }
});

describe('targetCfg', () => {
  test('without rustc: the built-in table', async () => {
    const cfg = await targetCfg('x86_64-pc-windows-msvc', { rustc: false });
    assert.equal(cfg.source, 'builtin');
    assert.deepEqual(cfg, builtinTargetCfg('x86_64-pc-windows-msvc'));
  });

  test('without rustc, an unknown triple is an error naming it', async () => {
    await assert.rejects(targetCfg('mips-nope-elf', { rustc: false }), (err: unknown) => {
      assert.ok(err instanceof TargetCfgError);
      assert.match(err.message, /cannot determine the cfg of target `mips-nope-elf`: rustc was not found/);
      return true;
    });
  });

  test('a rustc that cannot be started: built-in table, with the reason', async () => {
    const cfg = await targetCfg('wasm32-unknown-unknown', { rustc: '/nonexistent/cargo-units/rustc' });
    assert.equal(cfg.source, 'builtin');
    assert.match(cfg.fallbackReason ?? '', /could not run \/nonexistent\/cargo-units\/rustc/);
    assert.deepEqual(sorted(cfg.atoms), sorted(builtinTargetCfg('wasm32-unknown-unknown').atoms));
    await assert.rejects(targetCfg('mips-nope-elf', { rustc: '/nonexistent/cargo-units/rustc' }), /`mips-nope-elf`/);
  });

  test('runs the given rustc, passing --target and flags', { skip: POSIX }, async () => {
    await withTempDir(async (dir) => {
      const fake = join(dir, 'rustc');
      // Prints the arguments it got as cfg pairs.
      await writeFile(fake, '#!/bin/sh\nprintf "fake\\n"\ni=0\nfor a in "$@"; do printf \'arg%s="%s"\\n\' "$i" "$a"; i=$((i+1)); done\n');
      await chmod(fake, 0o755);
      const cfg = await targetCfg('my-target', { rustc: fake, rustflags: ['--cfg', 'x'] });
      assert.equal(cfg.source, 'rustc');
      assert.equal(cfg.triple, 'my-target');
      assert.deepEqual(cfg.atoms, [
        { name: 'fake' },
        { name: 'arg0', value: '--print' },
        { name: 'arg1', value: 'cfg' },
        { name: 'arg2', value: '--target' },
        { name: 'arg3', value: 'my-target' },
        { name: 'arg4', value: '--cfg' },
        { name: 'arg5', value: 'x' },
      ]);
      assert.equal(await targetCfg('my-target', { rustc: fake, rustflags: ['--cfg', 'x'] }), cfg, 'cached');
      assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.atoms));
    });
  });

  test("a rustc that fails: built-in table when known, else an error with rustc's message", { skip: POSIX }, async () => {
    await withTempDir(async (dir) => {
      const fake = join(dir, 'rustc');
      await writeFile(fake, '#!/bin/sh\necho "error: toolchain is not installed" >&2\nexit 1\n');
      await chmod(fake, 0o755);
      const cfg = await targetCfg('aarch64-apple-darwin', { rustc: fake });
      assert.equal(cfg.source, 'builtin');
      assert.match(cfg.fallbackReason ?? '', /toolchain is not installed/);
      await assert.rejects(targetCfg('my-target', { rustc: fake }), /cannot determine the cfg of target `my-target`: .*toolchain is not installed/);
    });
  });

  test('with the real rustc: host', { skip: NO_RUSTC }, async () => {
    const cfg = await targetCfg();
    assert.equal(cfg.source, 'rustc');
    assert.equal(cfg.triple, await hostTriple());
    const r = await runRustc(['--print', 'cfg']);
    assert.deepEqual(cfg.atoms, parsePrintCfg(r.stdout));
    assert.equal(await targetCfg(), cfg, 'cached');
  });

  test('with the real rustc: a cross target and RUSTFLAGS-like flags', { skip: NO_RUSTC }, async () => {
    const cfg = await targetCfg('x86_64-pc-windows-msvc', { rustflags: ['--cfg', 'cargo_units="yes"', '-C', 'target-feature=+avx2'] });
    assert.equal(cfg.source, 'rustc');
    const atoms = sorted(cfg.atoms);
    assert.ok(atoms.includes('windows'));
    assert.ok(atoms.includes('cargo_units="yes"'));
    assert.ok(atoms.includes('target_feature="avx2"'));
  });

  test('with the real rustc: an unknown triple is an error naming it', { skip: NO_RUSTC }, async () => {
    await assert.rejects(targetCfg('nope-unknown-nothing'), (err: unknown) => {
      assert.ok(err instanceof TargetCfgError);
      assert.equal(err.triple, 'nope-unknown-nothing');
      assert.match(err.message, /`nope-unknown-nothing`.*could not find specification for target/);
      return true;
    });
  });
});

describe('host triple', () => {
  test('from rustc -vV', { skip: NO_RUSTC }, async () => {
    const r = await runRustc(['-vV']);
    const host = /^host: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(host);
    assert.equal(await hostTriple(), host);
    assert.equal(await hostTriple(RUSTC), host);
  });

  test('fallback from the platform', async () => {
    assert.equal(fallbackHostTriple('linux', 'x64', 'gnu'), 'x86_64-unknown-linux-gnu');
    assert.equal(fallbackHostTriple('linux', 'arm64', 'musl'), 'aarch64-unknown-linux-musl');
    assert.equal(fallbackHostTriple('linux', 'arm', 'gnu'), 'armv7-unknown-linux-gnueabihf');
    assert.equal(fallbackHostTriple('linux', 'ia32', 'gnu'), 'i686-unknown-linux-gnu');
    assert.equal(fallbackHostTriple('darwin', 'arm64'), 'aarch64-apple-darwin');
    assert.equal(fallbackHostTriple('darwin', 'x64'), 'x86_64-apple-darwin');
    assert.equal(fallbackHostTriple('win32', 'x64'), 'x86_64-pc-windows-msvc');
    assert.equal(fallbackHostTriple('win32', 'arm64'), 'aarch64-pc-windows-msvc');
    assert.equal(fallbackHostTriple('freebsd', 'x64'), 'x86_64-unknown-freebsd');
    assert.equal(fallbackHostTriple('android', 'arm64'), 'aarch64-linux-android');
    assert.equal(await hostTriple(false), fallbackHostTriple());
  });

  test('the fallback for this machine is a real rustc target', { skip: NO_RUSTC }, async () => {
    const r = await runRustc(['--print', 'target-list']);
    assert.ok(r.stdout.split('\n').includes(fallbackHostTriple()), fallbackHostTriple());
  });
});

describe('findRustc', { skip: POSIX }, () => {
  async function exe(path: string, mode = 0o755): Promise<string> {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, mode);
    return path;
  }

  test('RUSTC, then PATH, then CARGO_HOME/bin, then ~/.cargo/bin', async () => {
    await withTempDir(async (dir) => {
      const onPath = await exe(join(dir, 'bin', 'rustc'));
      const custom = await exe(join(dir, 'custom', 'my-rustc'));
      const cargoHome = await exe(join(dir, 'cargo-home', 'bin', 'rustc'));
      const home = await exe(join(dir, 'home', '.cargo', 'bin', 'rustc'));
      const empty = join(dir, 'empty');
      await mkdir(empty);
      const PATH = [empty, join(dir, 'bin')].join(delimiter);
      assert.equal(findRustc({ PATH, RUSTC: custom, HOME: join(dir, 'home') }), custom);
      assert.equal(findRustc({ PATH: [join(dir, 'custom'), empty].join(delimiter), RUSTC: 'my-rustc' }), custom, 'RUSTC as a name on PATH');
      assert.equal(findRustc({ PATH, RUSTC: join(dir, 'missing') }), onPath, 'a RUSTC that does not exist is skipped');
      assert.equal(findRustc({ PATH, HOME: join(dir, 'home') }), onPath);
      assert.equal(findRustc({ PATH: empty, CARGO_HOME: join(dir, 'cargo-home'), HOME: join(dir, 'home') }), cargoHome);
      assert.equal(findRustc({ PATH: empty, HOME: join(dir, 'home') }), home);
      assert.equal(findRustc({ PATH: empty, HOME: empty }), undefined);
    });
  });

  test('skips files that are not executable, and directories', async () => {
    await withTempDir(async (dir) => {
      await exe(join(dir, 'a', 'rustc'), 0o644);
      await mkdir(join(dir, 'b', 'rustc'), { recursive: true });
      const good = await exe(join(dir, 'c', 'rustc'));
      const PATH = ['a', 'b', 'c'].map((d) => join(dir, d)).join(delimiter);
      assert.equal(findRustc({ PATH, HOME: join(dir, 'nohome') }), good);
      assert.equal(findExecutable('rustc', { PATH: join(dir, 'a') }), undefined);
    });
  });
});

describe('hostTargetCfg', () => {
  test('one rustc run gives what --print cfg and -vV give', { skip: NO_RUSTC }, async () => {
    await withTempDir(async (dir) => {
      // Another cwd: not answered from the caches that targetCfg() may have filled.
      const both = await hostTargetCfg({ rustc: RUSTC!, cwd: dir });
      const cfg = await runRustc(['--print', 'cfg'], { cwd: dir });
      const vv = await runRustc(['-vV'], { cwd: dir });
      assert.equal(both.source, 'rustc');
      assert.equal(both.triple, /^host:\s*(\S+)/m.exec(vv.stdout)![1]);
      assert.deepEqual(both.atoms, parsePrintCfg(cfg.stdout));
    });
  });

  test('a rustc without --print host-tuple: the two runs, as before', { skip: POSIX }, async () => {
    await withTempDir(async (dir) => {
      const fake = join(dir, 'rustc');
      await writeFile(
        fake,
        '#!/bin/sh\ncase "$*" in *host-tuple*) echo "error: unknown print request: host-tuple" >&2; exit 1;; -vV) printf "rustc 1.70.0\\nhost: my-host\\n";; *) printf "unix\\nold\\n";; esac\n',
      );
      await chmod(fake, 0o755);
      const cfg = await hostTargetCfg({ rustc: fake });
      assert.equal(cfg.source, 'rustc');
      assert.equal(cfg.triple, 'my-host');
      assert.deepEqual(cfg.atoms, [{ name: 'unix' }, { name: 'old' }]);
      assert.equal(await hostTriple(fake), 'my-host');
    });
  });
});
