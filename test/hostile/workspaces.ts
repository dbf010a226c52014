/**
 * Hostile fixture workspaces, generated into a fresh temporary directory per test because some
 * of what they hold cannot live in git (FIFOs, symlink loops, newlines in file names, a 10 MB file).
 *
 * Layout: `<tmp>/outside/…` holds the sentinels that must never be read; `<tmp>/ws` is the workspace.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Hostile {
  /** The temporary directory that holds both the workspace and the outside. */
  tmp: string;
  ws: string;
  outside: string;
  /** A string that appears only inside the sentinel files outside the workspace. */
  secret: string;
  /** Absolute paths outside the workspace that no command may ever open. */
  forbidden: string[];
}

function write(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Outside the workspace: text sentinels, a Rust sentinel, and a FIFO that hangs whoever opens it. */
function makeOutside(tmp: string): { outside: string; secret: string; forbidden: string[] } {
  const outside = join(tmp, 'outside');
  const secret = `SENTINEL_${randomBytes(8).toString('hex')}`;
  write(join(outside, 'sentinel.txt'), `${secret}\n`);
  write(join(outside, 'sentinel.rs'), `pub const SECRET: &str = "${secret}";\nmod ${secret.toLowerCase()}_module;\n`);
  write(join(outside, 'dir', 'mod.rs'), `pub const SECRET_DIR: &str = "${secret}";\n`);
  write(join(outside, 'dir', 'inner.rs'), `pub const SECRET_INNER: &str = "${secret}";\n`);
  execFileSync('mkfifo', [join(outside, 'trap.rs')]);
  return {
    outside,
    secret,
    forbidden: [
      join(outside, 'sentinel.txt'),
      join(outside, 'sentinel.rs'),
      join(outside, 'dir', 'mod.rs'),
      join(outside, 'dir', 'inner.rs'),
      join(outside, 'trap.rs'),
      '/etc/passwd',
    ],
  };
}

/**
 * Every way out of the workspace that a source can name: `#[path]` and `include!`-family macros with
 * `../` paths (up to `/etc/passwd`), absolute paths, symlinked files and directories that lead
 * outside, a FIFO, symlink loops, cyclic `#[path]` modules and a 40-deep module chain.
 */
export function escapeWorkspace(): Hostile {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-hostile-'));
  const { outside, secret, forbidden } = makeOutside(tmp);
  const ws = join(tmp, 'ws');
  write(join(ws, 'Cargo.toml'), '[package]\nname = "escape"\nversion = "0.1.0"\nedition = "2021"\n');
  const depth = 40;
  write(
    join(ws, 'src', 'lib.rs'),
    [
      '#[path = "../../outside/sentinel.rs"] mod rel_escape;',
      `#[path = "${join(outside, 'sentinel.rs')}"] mod abs_escape;`,
      '#[path = "../../../../../../../../../../etc/passwd"] mod passwd;',
      '#[path = "../../outside/trap.rs"] mod trap;',
      'mod via_file_link;',
      'mod via_dir_link;',
      'mod loop_a;',
      '#[path = "cyclic/a.rs"] mod cyclic;',
      'mod d1;',
      'pub const A: &str = include_str!("../../outside/sentinel.txt");',
      `pub const B: &[u8] = include_bytes!("${join(outside, 'sentinel.txt')}");`,
      'pub const C: &str = include_str!("../../../../../../../../etc/passwd");',
      'pub const D: &str = include_str!("data_link.txt");',
      'pub const E: &str = include_str!("../../outside/trap.rs");',
      'include!("../../outside/sentinel.rs");',
      'include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../outside/sentinel.rs"));',
      '',
    ].join('\n'),
  );
  symlinkSync(join(outside, 'sentinel.rs'), join(ws, 'src', 'via_file_link.rs'));
  symlinkSync(join(outside, 'dir'), join(ws, 'src', 'via_dir_link'));
  symlinkSync(join(outside, 'sentinel.txt'), join(ws, 'src', 'data_link.txt'));
  symlinkSync('loop_b.rs', join(ws, 'src', 'loop_a.rs'));
  symlinkSync('loop_a.rs', join(ws, 'src', 'loop_b.rs'));
  write(join(ws, 'src', 'cyclic', 'a.rs'), '#[path = "b.rs"] mod b;\n');
  write(join(ws, 'src', 'cyclic', 'b.rs'), '#[path = "a.rs"] mod a;\n');
  // d1.rs declares d2, which lives in d1/d2.rs, …: a 40-deep chain of real, distinct files.
  let dir = join(ws, 'src');
  for (let i = 1; i <= depth; i++) {
    write(join(dir, `d${i}.rs`), i < depth ? `pub mod d${i + 1};\n` : 'pub fn deepest() {}\n');
    dir = join(dir, `d${i}`);
  }
  return { tmp, ws, outside, secret, forbidden };
}

/** The 40 files of the chain, relative to the workspace root. */
export function chainFiles(depth = 40): string[] {
  const files: string[] = [];
  let dir = 'src';
  for (let i = 1; i <= depth; i++) {
    files.push(`${dir}/d${i}.rs`);
    dir = `${dir}/d${i}`;
  }
  return files;
}
