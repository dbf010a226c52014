/**
 * Fuzz targets: the cfg parser, the manifest reader (through the whole Cargo model) and the
 * scanner (through the index, as an editor's unsaved text). Each target checks its invariants and
 * throws a FuzzFailure when one breaks; bad input may only ever give a typed, located error.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfgSyntaxError, cfgToString, parseCfg } from '../../src/core/cfg/expr.js';
import { CfgSet } from '../../src/core/cfg/set.js';
import { builtinTargetCfg } from '../../src/core/cfg/target.js';
import { parseManifest } from '../../src/core/cargo/manifest.js';
import { InputError, type Diagnostic } from '../../src/core/diagnostics.js';
import { UnitIndex, type IndexOptions } from '../../src/core/index.js';
import { rustParser } from '../../src/core/scan/parser.js';

export class FuzzFailure extends Error {}

export interface Target {
  name: 'cfg' | 'manifest' | 'scanner';
  /** Extension of regression files. */
  ext: string;
  seeds: string[];
  run(input: string): Promise<void>;
}

const REGISTRY = '/usr/share/cargo/registry';
const DEV_CRATES = ['serde', 'serde_json', 'regex', 'regex-syntax', 'syn', 'anyhow', 'memchr', 'libc'];

/** The development crates' directories in Debian's registry (empty when not installed). */
function devCrateDirs(): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(REGISTRY);
  } catch {
    return [];
  }
  return DEV_CRATES.flatMap((c) => names.filter((n) => new RegExp(`^${c.replace('-', '\\-')}-\\d+\\.\\d+\\.\\d+$`).test(n)).slice(-1)).map((n) =>
    join(REGISTRY, n),
  );
}

function rsFiles(dir: string, limit: number): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (out.length >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.rs') && statSync(p).size < 200_000) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Real inputs: sources and manifests of the development crates, plus the repo's own fixtures. */
export function loadSeeds(repo: string): { rust: string[]; manifests: string[]; cfgs: string[] } {
  const dirs = [...devCrateDirs(), join(repo, 'examples', 'workspace'), join(repo, 'test', 'fixtures')];
  const rust = dirs.flatMap((d) => rsFiles(d, 40)).map((f) => readFileSync(f, 'utf8'));
  const manifests: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 4 && e.name !== 'target') walk(p, depth + 1);
      else if (e.name === 'Cargo.toml') manifests.push(readFileSync(p, 'utf8'));
    }
  };
  for (const d of dirs) walk(d, 0);
  const cfgs = new Set<string>();
  for (const text of [...rust, ...manifests]) {
    for (const m of text.matchAll(/cfg\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g)) cfgs.add(m[0]);
  }
  return { rust, manifests, cfgs: [...cfgs] };
}

function fail(message: string): never {
  throw new FuzzFailure(message);
}

export function cfgTarget(seeds: string[]): Target {
  const set = new CfgSet({ atoms: builtinTargetCfg('x86_64-unknown-linux-gnu').atoms, customNamesUnknown: true });
  return {
    name: 'cfg',
    ext: 'cfg',
    seeds,
    async run(input) {
      let expr;
      try {
        expr = parseCfg(input);
      } catch (e) {
        if (!(e instanceof CfgSyntaxError)) fail(`parseCfg threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        if (!(e.offset >= 0 && e.offset <= input.length)) fail(`error offset ${e.offset} outside the input (${input.length})`);
        return;
      }
      const value = set.evaluate(expr).value;
      if (value !== true && value !== false && value !== 'unknown') fail(`evaluated to ${String(value)}`);
      // What we print must parse back to the same predicate.
      const printed = cfgToString(expr);
      let again;
      try {
        again = parseCfg(printed);
      } catch (e) {
        fail(`printed form ${JSON.stringify(printed)} does not parse: ${(e as Error).message}`);
      }
      if (JSON.stringify(again) !== JSON.stringify(expr)) fail(`round trip changed ${JSON.stringify(printed)}`);
    },
  };
}

const OPTIONS: IndexOptions = {
  features: { features: [], allFeatures: true, noDefaultFeatures: false },
  cfgs: [],
  target: 'x86_64-unknown-linux-gnu',
  cache: false,
};

function checkDiagnostics(ds: Diagnostic[], lineCount: (file: string) => number | undefined): void {
  for (const d of ds) {
    if (!d.file || !d.message) fail(`diagnostic without file or message: ${JSON.stringify(d)}`);
    const n = lineCount(d.file);
    if (!Number.isInteger(d.line) || d.line < 0 || (n !== undefined && d.line > n + 1)) {
      fail(`diagnostic line ${d.line} outside ${d.file} (${n} lines): ${d.message}`);
    }
  }
}

export function manifestTarget(seeds: string[]): Target {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-fuzz-manifest-')), 'ws');
  mkdirSync(join(ws, 'src', 'bin'), { recursive: true });
  writeFileSync(join(ws, 'src', 'lib.rs'), 'pub mod a;\n');
  writeFileSync(join(ws, 'src', 'a.rs'), '');
  writeFileSync(join(ws, 'src', 'main.rs'), 'fn main() {}\n');
  writeFileSync(join(ws, 'build.rs'), 'fn main() {}\n');
  const manifestPath = join(ws, 'Cargo.toml');
  let parser: Awaited<ReturnType<typeof rustParser>> | undefined;
  return {
    name: 'manifest',
    ext: 'toml',
    seeds,
    async run(input) {
      const lines = input.split('\n').length;
      const diags: Diagnostic[] = [];
      try {
        parseManifest(input, manifestPath, diags);
      } catch (e) {
        if (!(e instanceof InputError)) fail(`parseManifest threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        if (e.line < 0 || e.line > lines + 1) fail(`error line ${e.line} outside the manifest (${lines} lines): ${e.message}`);
        return;
      }
      checkDiagnostics(diags, () => lines);
      // It parses: the whole model (workspace, targets, features, units) and a scan must cope too.
      writeFileSync(manifestPath, input);
      parser ??= await rustParser();
      try {
        const index = await UnitIndex.open(ws, OPTIONS, parser);
        checkDiagnostics(index.diagnostics(), (f) => (f === manifestPath ? lines : undefined));
      } catch (e) {
        if (!(e instanceof InputError)) fail(`UnitIndex.open threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack}`);
      }
    },
  };
}

export async function scannerTarget(seeds: string[]): Promise<Target> {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-fuzz-scan-')), 'ws');
  mkdirSync(join(ws, 'src', 'm'), { recursive: true });
  writeFileSync(join(ws, 'Cargo.toml'), '[package]\nname = "fz"\nversion = "0.1.0"\nedition = "2021"\n[features]\nf = []\n');
  writeFileSync(join(ws, 'src', 'lib.rs'), 'mod m;\n');
  writeFileSync(join(ws, 'src', 'm.rs'), '');
  for (const n of ['x', 'y', 'z', 'n', 'u', 'w']) writeFileSync(join(ws, 'src', `${n}.rs`), `// ${n}\n`);
  const lib = join(ws, 'src', 'lib.rs');
  const index = await UnitIndex.open(ws, OPTIONS);
  return {
    name: 'scanner',
    ext: 'rs',
    seeds,
    async run(input) {
      try {
        index.updateFile(lib, input, true);
        const e = index.unit('fz/lib/fz');
        if (!e) fail('the lib unit vanished');
        if (!e.files.includes(lib)) fail('the crate root is not listed');
        for (const f of e.files) if (!f.startsWith(ws + '/')) fail(`listed a file outside the workspace: ${f}`);
        if ([...e.files].sort().join('\n') !== e.files.join('\n')) fail('files are not sorted');
        const lines = input.split('\n').length;
        checkDiagnostics(index.diagnostics(), (f) => (f === lib ? lines : undefined));
      } catch (e) {
        if (e instanceof FuzzFailure) throw e;
        fail(`the index threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack}`);
      }
    },
  };
}
