/**
 * Hostile names through the generated Nix, with real Nix (private store) and rustc: target names,
 * file names, a description and authors holding `"`, `\`, `${`, `''`, newlines, `$(…)`, backticks
 * and non-ASCII. The Nix directory evaluates, its unit attribute names are the unit ids exactly,
 * every derivation instantiates, a bin built from a hostile file name prints its name, description
 * and authors verbatim, and names that try Nix or shell injection cause no side effect.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers.js';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const toml = (s: string) => JSON.stringify(s); // a TOML basic string spells these as JSON does

test('hostile names: generated Nix evaluates, keeps every name verbatim, and injects nothing', { skip: NIX_SKIP, timeout: 240_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-nixnames-'));
  const ws = join(tmp, 'ws');
  const token = randomBytes(6).toString('hex');
  const marker = join(tmp, `PWNED-${token}`);
  const storeMarker = `pwned-${token}`;
  const nixInjection = `x\${builtins.toFile "${storeMarker}" "1"}`;
  const shellInjection = `'';touch ${marker};''`;
  const description = `d"q \\ ${nixInjection} '' ${shellInjection} $(touch ${marker}) \`touch ${marker}\` new\nline ü 日本`;
  const authors = [`a"b \${x} ''c'' \\`, `new\nline é <${shellInjection}>`];
  // rustc accepts this crate name (Unicode alphanumerics, `-` becomes `_`); its file name is hostile.
  const goodBin = 'ünï-日本';
  const goodFile = `src/bin/${nixInjection}''\n"\\ ü.rs`;
  // rustc (like cargo build) rejects these crate names, but cargo metadata accepts the targets.
  const badBins = [nixInjection, shellInjection, 'q"b\\s\nnl-ü日'];
  const example = "ex${a}''";
  const testName = `t"\${x}\\''ü`;
  write(
    join(ws, 'Cargo.toml'),
    [
      '[package]',
      'name = "hostile"',
      'version = "0.1.0"',
      'edition = "2021"',
      `description = ${toml(description)}`,
      `authors = [${authors.map(toml).join(', ')}]`,
      '',
      '[lib]',
      'path = "src/lib.rs"',
      '',
      '[[bin]]',
      `name = ${toml(goodBin)}`,
      `path = ${toml(goodFile)}`,
      '',
      ...badBins.flatMap((n) => ['[[bin]]', `name = ${toml(n)}`, 'path = "src/main.rs"', '']),
      // A crate root whose path reads as a rustc option (cargo itself passes it as one).
      '[[bin]]',
      'name = "dashed"',
      'path = "--version"',
      '',
      '[[example]]',
      `name = ${toml(example)}`,
      'path = "src/main.rs"',
      '',
      '[[test]]',
      `name = ${toml(testName)}`,
      'path = "src/main.rs"',
      '',
    ].join('\n'),
  );
  // Library modules in files with the same characters: each unit's Nix source filter must keep them.
  const modFiles = ['quo"te.rs', 'back\\slash.rs', `dollar${nixInjection}.rs`, "two''quotes.rs", 'new\nline.rs', 'ünï.rs'];
  write(
    join(ws, 'src', 'lib.rs'),
    modFiles.map((f, i) => `#[path = ${JSON.stringify(f)}] pub mod m${i};\n`).join('') +
      `pub fn sum() -> u32 { 0${modFiles.map((_, i) => ` + m${i}::V`).join('')} }\n`,
  );
  modFiles.forEach((f, i) => write(join(ws, 'src', f), `pub const V: u32 = ${i + 1};\n`));
  write(join(ws, 'src', 'main.rs'), 'fn main() {}\n');
  write(join(ws, '--version'), 'fn main() {\n    println!("dashed");\n}\n');
  write(
    join(ws, goodFile),
    'fn main() {\n    println!("{}|{}|{}|{}", env!("CARGO_BIN_NAME"), env!("CARGO_PKG_DESCRIPTION"), env!("CARGO_PKG_AUTHORS"), hostile::sum());\n}\n',
  );

  const env: NodeJS.ProcessEnv = { ...isolatedNixEnv(), CARGO_UNITS_CACHE_DIR: join(tmp, 'cache') };
  const store = env.NIX_STORE_DIR!;
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), ...args], { cwd: ws, env, encoding: 'utf8', timeout: 120_000 });
  const units = cli(['units', '--json', ws]);
  assert.equal(units.status, 0, units.stderr);
  const ids: string[] = JSON.parse(units.stdout)
    .units.map((u: { id: string }) => u.id)
    .sort();
  for (const n of [goodBin, ...badBins]) assert.ok(ids.includes(`hostile/bin/${n}`), `no unit for bin ${JSON.stringify(n)}: ${JSON.stringify(ids)}`);
  assert.ok(ids.includes(`hostile/example/${example}`) && ids.includes(`hostile/test/${testName}`));

  // cargo accepts every one of these targets, and we name them as cargo metadata does.
  const meta = spawnSync('cargo', ['metadata', '--no-deps', '--offline', '--format-version', '1'], {
    cwd: ws,
    env: { ...process.env, CARGO_HOME: join(tmp, 'cargo-home') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(meta.status, 0, meta.stderr);
  const targets: { kind: string[]; name: string }[] = JSON.parse(meta.stdout).packages[0].targets;
  assert.equal(targets.length, 8);
  for (const t of targets)
    assert.ok(
      ids.includes(`hostile/${t.kind[0]}/${t.kind[0] === 'lib' ? t.name.replace(/-/g, '_') : t.name}`),
      `cargo's ${t.kind[0]} ${JSON.stringify(t.name)}`,
    );
  assert.equal(JSON.parse(meta.stdout).packages[0].description, description);

  const nixDir = join(tmp, 'nix-out');
  const gen = cli(['nix', '--out', nixDir, ws]);
  assert.equal(gen.status, 0, gen.stderr);
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const nix = (cmd: string, args: string[]) => spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 120_000 });
  // The attribute names of `units` are the unit ids, exactly.
  const names = nix('nix-instantiate', [
    '--eval',
    '--strict',
    '--json',
    '-E',
    '{ dir, rustc }: builtins.attrNames (import (/. + dir) { inherit rustc; }).units',
    '--argstr',
    'dir',
    nixDir,
    '--argstr',
    'rustc',
    sysroot,
  ]);
  assert.equal(names.status, 0, names.stderr);
  assert.deepEqual(JSON.parse(names.stdout), ids);
  // Every derivation instantiates.
  const drvs = nix('nix-instantiate', [nixDir, '--argstr', 'rustc', sysroot, '-A', 'all']);
  assert.equal(drvs.status, 0, drvs.stderr);
  assert.equal(
    new Set(
      drvs.stdout
        .trim()
        .split('\n')
        .filter((l) => l.endsWith('.drv')),
    ).size,
    ids.length,
  );

  // The hostile file name builds, and the bin prints its name, description and authors verbatim.
  const build = cliBuild(env, ws, ['--out', nixDir]);
  const fin = finishedOf(build);
  const good = `hostile/bin/${goodBin}`;
  assert.ok(fin.built.includes(good) && fin.built.includes('hostile/lib/hostile'), build.stderr + JSON.stringify(fin));
  const exe = join(doneOut(build, good), 'bin', goodBin);
  const run = spawnSync(exe, { encoding: 'utf8', timeout: 10_000 });
  assert.equal(run.stdout, `${goodBin}|${description}|${authors.join(':')}|21\n`);
  const dashed = spawnSync(join(doneOut(build, 'hostile/bin/dashed'), 'bin', 'dashed'), { encoding: 'utf8', timeout: 10_000 });
  assert.equal(dashed.stdout, 'dashed\n');
  // The names rustc rejects fail as cargo's do: rustc names the crate name, with no argument split off it.
  for (const n of [...badBins.map((b) => `hostile/bin/${b}`), `hostile/example/${example}`, `hostile/test/${testName}`]) {
    const failed = build.events.find((e) => e.type === 'failed' && e.unit === n);
    assert.ok(failed && failed.type === 'failed', `${JSON.stringify(n)} did not fail`);
    assert.match(failed.message, /error: invalid character .* in crate name: `/, failed.message);
    assert.doesNotMatch(failed.message, /multiple input filenames|unrecognized option|unexpected argument/);
  }
  // No injection ran: no marker file, no store path from builtins.toFile.
  assert.equal(existsSync(marker), false, 'a shell injection ran');
  const storeNames = readdirSync(store).map((n) => n.replace(/^[a-z0-9]{32}-/, ''));
  assert.equal(storeNames.includes(storeMarker), false, 'a Nix injection ran');
});
