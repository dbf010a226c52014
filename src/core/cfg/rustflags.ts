/**
 * The `--cfg`s a build gets from rustflags, chosen as cargo chooses them: the first of
 * `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, `target.<triple>.rustflags` + `target.'cfg(…)'.rustflags`
 * (every matching key), `build.rustflags`.
 *
 * Config files: only `<workspace>/.cargo/config.toml` (or `config`). Cargo also reads the configs
 * of every parent directory and `$CARGO_HOME/config.toml`; cargo-units reads nothing outside the
 * workspace (SECURITY.md), so cfgs set there must be given with `--cfg` (or `cargoUnits.cfgs`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { Diagnostic } from '../diagnostics.js';
import type { CfgAtom } from './expr.js';

export interface RustflagsCfgs {
  cfgs: CfgAtom[];
  /** Where the flags came from (`RUSTFLAGS`, `.cargo/config.toml build.rustflags`), undefined when none are set. */
  source: string | undefined;
  diagnostics: Diagnostic[];
  /**
   * A flag that may change the target cfg rustc prints (`-C target-feature`, `-C target-cpu`,
   * `-C panic`, …): then what build scripts see in `CARGO_CFG_*` is not what cargo-units asked rustc.
   */
  targetFlag?: string;
}

/**
 * `evaluatePlatform` decides `target.'cfg(…)'` keys (and triples) for the build's target.
 */
export function rustflagsCfgs(
  workspaceRoot: string,
  env: Record<string, string | undefined>,
  evaluatePlatform: (key: string) => boolean | 'unknown',
): RustflagsCfgs {
  const diagnostics: Diagnostic[] = [];
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  if (encoded !== undefined) {
    return { ...withFlags(encoded === '' ? [] : encoded.split('\x1f')), source: 'CARGO_ENCODED_RUSTFLAGS', diagnostics };
  }
  const plain = env.RUSTFLAGS;
  if (plain !== undefined) return { ...withFlags(plain.split(/\s+/).filter((f) => f !== '')), source: 'RUSTFLAGS', diagnostics };
  for (const name of ['config.toml', 'config']) {
    const file = join(workspaceRoot, '.cargo', name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let doc: Record<string, unknown>;
    try {
      doc = parse(text) as Record<string, unknown>;
    } catch (err) {
      const line = (err as { line?: number }).line ?? 0;
      diagnostics.push({ file, line, severity: 'warning', message: `cannot read rustflags: ${(err as Error).message.split('\n')[0]}` });
      return { cfgs: [], source: undefined, diagnostics };
    }
    const fromTarget: string[] = [];
    let matched = false;
    const targets = (doc.target ?? {}) as Record<string, unknown>;
    for (const [key, table] of Object.entries(targets)) {
      const flags = flagsOf((table as Record<string, unknown> | undefined)?.rustflags);
      if (flags === undefined) continue;
      let applies: boolean | 'unknown';
      try {
        applies = evaluatePlatform(key);
      } catch (err) {
        diagnostics.push({ file, line: 0, severity: 'warning', message: `[target.'${key}']: ${(err as Error).message}` });
        continue;
      }
      if (applies !== true) continue;
      matched = true;
      fromTarget.push(...flags);
    }
    if (matched) return { ...withFlags(fromTarget), source: `${file} target.*.rustflags`, diagnostics };
    const build = flagsOf(((doc.build ?? {}) as Record<string, unknown>).rustflags);
    if (build !== undefined) return { ...withFlags(build), source: `${file} build.rustflags`, diagnostics };
    return { cfgs: [], source: undefined, diagnostics };
  }
  return { cfgs: [], source: undefined, diagnostics };
}

function flagsOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(/\s+/).filter((f) => f !== '');
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return undefined;
}

/** The cfgs of these flags, and the first flag that may change the target cfg. */
function withFlags(flags: string[]): { cfgs: CfgAtom[]; targetFlag?: string } {
  const f = flags.find((x) => /target-feature|target-cpu|^--target|panic=|relocation-model|sanitizer|crt-static|^-Z/.test(x));
  return { cfgs: cfgsOf(flags), ...(f !== undefined ? { targetFlag: f } : {}) };
}

/** `--cfg X` and `--cfg=X`, X being `name` or `name="value"`. */
export function cfgsOf(flags: string[]): CfgAtom[] {
  const out: CfgAtom[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    let spec: string | undefined;
    if (f === '--cfg') spec = flags[++i];
    else if (f.startsWith('--cfg=')) spec = f.slice(6);
    if (spec === undefined) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*"((?:[^"\\]|\\.)*)")?$/.exec(spec.trim());
    if (m) out.push(m[2] === undefined ? { name: m[1]! } : { name: m[1]!, value: m[2] });
  }
  return out;
}
