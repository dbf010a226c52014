/**
 * Temporary workspaces that depend on crates of Debian's crate registry (/usr/share/cargo/registry),
 * with a `.cargo/config.toml` that makes cargo read that registry as a directory source, offline.
 * ~/.cargo is never written: CARGO_HOME points into the temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from '../../src/core/toolchain.js';

export const REGISTRY = '/usr/share/cargo/registry';

export const REGISTRY_SKIP = !findExecutable('cargo')
  ? 'cargo not installed'
  : ['regex-1.7.1', 'serde-1.0.152', 'serde_derive-1.0.152', 'serde_json-1.0.87', 'anyhow-1.0.69', 'memchr-2.5.0', 'libc-0.2.139', 'aho-corasick-0.7.19'].every((c) => existsSync(join(REGISTRY, c)))
    ? false
    : `Debian's crate registry lacks crates (apt-get install librust-{regex,serde,serde-derive,serde-json,anyhow,memchr,libc,aho-corasick}-dev)`;

const made: string[] = [];
process.on('exit', () => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (relative paths) into a new temporary workspace with the source replacement config; returns its directory (removed when the process exits). */
export function registryWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-registry-'));
  made.push(dir);
  const all: Record<string, string> = {
    '.cargo/config.toml': `[source.crates-io]\nreplace-with = "debian-packages"\n[source.debian-packages]\ndirectory = "${REGISTRY}"\n[net]\noffline = true\n`,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** A new temporary directory, removed when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Runs cargo offline in `cwd` with a private CARGO_HOME; throws with its stderr when it fails. */
export function cargo(cwd: string, args: string[]): string {
  const r = spawnSync('cargo', [...args, '--offline'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, CARGO_HOME: join(cwd, '.cargo-home'), CARGO_TARGET_DIR: join(cwd, 'target') } });
  if (r.status !== 0) throw new Error(`cargo ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** The test workspace of the acceptance test: `app` (lib, bin, test) uses regex, serde with derive, serde_json, anyhow, memchr and libc. */
export const APP_FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["app"]\nresolver = "2"\n',
  'app/Cargo.toml': `[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nregex = "1"\nserde = { version = "1", features = ["derive"] }\nserde_json = "1"\nanyhow = "1"\nmemchr = "2"\nlibc = "0.2"\n`,
  'app/src/lib.rs': `use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

pub fn parse(s: &str) -> anyhow::Result<Point> {
    let re = regex::Regex::new(r"^\\((-?\\d+),\\s*(-?\\d+)\\)$")?;
    let c = re.captures(s).ok_or_else(|| anyhow::anyhow!("not a point: {s}"))?;
    Ok(Point { x: c[1].parse()?, y: c[2].parse()? })
}

pub fn count_commas(s: &str) -> usize {
    memchr::memchr_iter(b',', s.as_bytes()).count()
}

pub fn page_size_known() -> bool {
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) > 0 }
}
`,
  'app/src/main.rs': `fn main() -> anyhow::Result<()> {
    let p = app::parse("(3, -4)")?;
    println!("{}", serde_json::to_string(&p)?);
    let back: app::Point = serde_json::from_str(r#"{"x":1,"y":2}"#)?;
    println!("{:?} commas={} page={}", back, app::count_commas("a,b,c"), app::page_size_known());
    Ok(())
}
`,
  'app/tests/roundtrip.rs': `#[test]
fn roundtrip() {
    let p = app::parse("(1,2)").unwrap();
    let s = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<app::Point>(&s).unwrap(), p);
    assert!(app::parse("nope").is_err());
}
`,
};
