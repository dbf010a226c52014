/**
 * Decides, per unit, the cfgs a build script prints, by running it abstractly (interp.ts) under
 * what cargo-units knows of its environment (env.ts). A name printed on a path that certainly runs
 * is set; a name never printed on any path is not; anything else stays unknown with the reason.
 */
import type { Parser } from 'web-tree-sitter';
import type { CfgAtom } from '../expr.js';
import { GiveUp } from './items.js';
import { Interp } from './interp.js';
import type { ScriptEnv } from './env.js';

export type ScriptDecisions =
  | { kind: 'gave-up'; reason: string }
  | {
      kind: 'decided';
      /** Atoms printed on every run, with where. */
      set: { atom: CfgAtom; where: string }[];
      /** Names that may be printed → why unknown. */
      unknown: Record<string, string>;
      /** Prefixes of names computed at run time → why. */
      prefixes: Record<string, string>;
      /** When any name may be printed: why. */
      any?: string;
      /** Whether a decision used `$RUSTC --version`. */
      usesRustcVersion: boolean;
      /** Whether a decision used the target cfg rustc printed (`CARGO_CFG_*`). */
      usesTargetCfg: boolean;
    };

export interface ScriptFile {
  name: string;
  text: string;
}

export function evaluateBuildScript(files: ScriptFile[], env: ScriptEnv, parser: Parser): ScriptDecisions {
  const trees: { delete(): void }[] = [];
  const it = new Interp(env, parser);
  try {
    for (const f of files) {
      const tree = parser.parse(f.text);
      if (!tree) return { kind: 'gave-up', reason: `${f.name} could not be parsed` };
      trees.push(tree);
      if (tree.rootNode.hasError) return { kind: 'gave-up', reason: `${f.name} has syntax errors` };
      it.items.add(tree.rootNode, f.name);
    }
    const out = it.run();
    return {
      kind: 'decided',
      set: [...out.certain.values()],
      unknown: Object.fromEntries(out.maybe),
      prefixes: Object.fromEntries(out.prefixes),
      ...(out.any !== undefined ? { any: out.any } : {}),
      usesRustcVersion: it.usedVersion,
      usesTargetCfg: env.usedTargetCfg,
    };
  } catch (e) {
    if (e instanceof GiveUp) return { kind: 'gave-up', reason: e.message };
    if (e instanceof RangeError) return { kind: 'gave-up', reason: 'the build script nests too deeply to follow' };
    throw e;
  } finally {
    it.dispose();
    for (const t of trees) t.delete();
  }
}

/** Why `name` (or a pair `name = …`) is unknown under these decisions, or undefined when decided. */
export function decisionUnknown(d: ScriptDecisions, name: string): string | undefined {
  if (d.kind === 'gave-up') return d.reason;
  if (Object.hasOwn(d.unknown, name)) return d.unknown[name];
  for (const [p, why] of Object.entries(d.prefixes)) if (name.startsWith(p)) return why;
  return d.any;
}
