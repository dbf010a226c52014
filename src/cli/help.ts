/** The help texts: `cargo-units --help` and `cargo-units <command> --help`. */

export const EXIT_CODES = `Exit codes:
  0    success
  1    verify found a missed file; build: a unit failed
  2    bad input: a usage error, a malformed or inconsistent Cargo.toml, an unknown unit, feature,
       target or file (printed as \`file:line:col: error: …\` or \`error: …\`)
  4    build: Nix is not installed (no nix-instantiate / nix-store on PATH)
  5    build: Nix's configuration stops the build (the message gives the nix.conf lines to add)
  6    build: another Nix error before building (store, evaluation)
  70   internal error in cargo-units (please report it)
  130  interrupted (SIGINT)
  143  terminated (SIGTERM)`;

/** Breaks `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

const COMMON = `Workspace and feature options (every command):
  --manifest-path PATH   Cargo.toml of the workspace (default: found from DIR or the current directory)
  -F, --features A,B     features to enable (FEAT or PACKAGE/FEAT)
  --all-features         enable every feature of every member
  --no-default-features  do not enable the default features
  --target TRIPLE        evaluate cfg for this target (default: the host)
  --cfg NAME[="VALUE"]   an extra cfg, as with RUSTFLAGS --cfg (repeatable)
  --build-output DIR     a cargo target directory: the cfgs its build-script outputs print are
                         used while each build script's sources are older than its output
  --no-cache             do not read or write the facts cache ($CARGO_UNITS_CACHE_DIR, else
                         $XDG_CACHE_HOME/cargo-units or ~/.cache/cargo-units; delete it to clear)
  -h, --help             this help`;

const UNIT_IDS = `Unit ids are <package>/<kind>/<target>, e.g. serde/lib/serde or app/bin/app. A \`[test]\`
suffix (serde/lib/serde[test]) is the test-mode build of a lib, bin or example that also has a
normal build: what \`cargo test\` compiles with --test and cfg(test), so it may read other files.`;

const REGISTRY = `  --vendor DIR           registry crates' sources from DIR (cargo vendor layout, or /usr/share/cargo/registry)
  --fetch-crates         fetch crates with Nix's builtin fetchurl even with --vendor (DIR then only plans)
  --crate-url TEMPLATE   download URL, {name} {version} {sha256} (default: crates.io)`;

const PROFILE = `  --release              the release profile ([profile.release] of Cargo.toml)
  --profile NAME         the cargo profile NAME (default: dev, as cargo)`;

interface CommandHelp {
  /** One line for the global help. */
  brief: string;
  usage: string;
  summary: string;
  options?: string;
  notes?: string;
  example: string;
}

export const COMMAND_HELP: Record<string, CommandHelp> = {
  units: {
    brief: 'every unit, with its file count (--files: and its files)',
    usage: 'units [DIR] [--files] [--json]',
    summary: 'Every unit of the workspace, with its file count, features and notes (uncertain, external files).',
    options: "  --files                list each unit's files too\n  --json                 machine-readable output",
    notes: UNIT_IDS,
    example: 'cargo-units units --files ~/src/my-workspace',
  },
  files: {
    brief: 'the files a unit reads',
    usage: 'files UNIT [DIR] [--json]',
    summary: 'The files one unit reads. UNIT is a unit id, or a unique end of one (its target name).',
    options: '  --json                 machine-readable output',
    notes: UNIT_IDS,
    example: 'cargo-units files my-crate/lib/my_crate',
  },
  owners: {
    brief: 'the units that read each file',
    usage: 'owners FILE… [--json]',
    summary: 'The units that read each FILE. A FILE must exist and lie inside the workspace.',
    options: '  --json                 machine-readable output',
    example: 'cargo-units owners src/lib.rs src/parser/mod.rs',
  },
  affected: {
    brief: 'the units to rebuild when these files change',
    usage: 'affected FILE… [--json]',
    summary: 'The units to rebuild when these FILEs change: the units reading them and every unit depending on those.',
    options: '  --json                 machine-readable output',
    example: 'cargo-units affected crates/core/src/lib.rs',
  },
  orphans: {
    brief: '.rs files that no unit reads',
    usage: 'orphans [DIR] [--json]',
    summary: 'The .rs files in the workspace that no unit reads.',
    options: '  --json                 machine-readable output',
    example: 'cargo-units orphans',
  },
  why: {
    brief: 'why each unit reads FILE, or why it does not',
    usage: 'why FILE [--unit ID] [--json]',
    summary:
      'For each unit that reads FILE, the chain of declarations (mod, #[path], include_str!, proc-macro calls) from its crate root down to FILE, ' +
      'with the cfg of each step and its value (true, or unknown and why). For units of its package that do not read it, the declaration and the cfg that is false for them. ' +
      'For a file nothing declares, where `mod name;` would go by the module path rules.',
    options: '  --unit ID              only this unit\n  --json                 machine-readable output (see README)',
    example: 'cargo-units why crates/core/src/parser/expr.rs',
  },
  verify: {
    brief: 'compare the file lists with rustc --emit=dep-info',
    usage: 'verify [UNIT…] [DIR] [--cargo [--target-dir DIR] | --summary [--feature-set SPEC]…] [-j N] [--json]',
    summary:
      'Compiles each unit with rustc --emit=dep-info and compares the files rustc read with the listed ones. Needs rustc. Exit 1 when a file rustc read is missing from a list. ' +
      'Bare rustc cannot expand proc-macros of dependencies (automod::dir!, #[grammar], #[folder]…): --cargo takes the truth from a real cargo check instead.',
    options:
      '  --cargo                take the truth from cargo check --workspace --all-targets (builds the\n' +
      '                         dependencies into a temporary target dir), so proc-macros are expanded\n' +
      '  --target-dir DIR       with --cargo: build into DIR and keep it (reused by the next run)\n' +
      '  --summary              recall and precision over feature sets (default: default and all features)\n' +
      '  --feature-set SPEC     a feature set for --summary: default, all, none, or a,b (repeatable)\n' +
      '  -j, --jobs N           parallel rustc processes (default: the number of cores)\n' +
      '  --json                 machine-readable output',
    example: 'cargo-units verify --summary --build-output target',
  },
  nix: {
    brief: 'write a Nix directory, one derivation per unit',
    usage: 'nix [DIR] [--out OUT] [--vendor DIR | --fetch-crates] [--crate-url TEMPLATE] [--release | --profile NAME]',
    summary: 'Writes a Nix directory with one derivation per unit: units.json, the Nix library and default.nix.',
    options: `  --out OUT              where to write it (default: <workspace>/.cargo-units)\n${REGISTRY}\n${PROFILE}`,
    example: 'cargo-units nix --out nix/units && nix-build nix/units -A all',
  },
  build: {
    brief: 'build with Nix the units affected by FILEs (none: all)',
    usage:
      'build [FILE…] [--unit ID]… [--dry-run] [--content-addressed] [--release | --profile NAME] [--json] [--out OUT] [--out-link PATH] [--no-gc-roots] [--substituters URLS] [--builders SPEC] [--incremental] [-- NIX ARGS]',
    summary:
      'Builds with Nix, one derivation per unit: the units affected by the FILEs, or the --unit ids, or every unit. ' +
      'Refreshes the Nix directory first. Needs Nix and rustc; settings Nix needs for a build with the host ' +
      'toolchain (an empty build-users-group when its group does not exist, sandbox = false, …) are passed ' +
      'unless nix.conf sets them.',
    options:
      '  --unit ID              build this unit (repeatable)\n' +
      '  --dry-run              print what Nix would build now, checked against the store\n' +
      '  --content-addressed    content-addressed derivations: unchanged outputs stop rebuilds\n' +
      "  --out-link PATH        GC-root links to the requested units' outputs, as nix-build's: PATH for the\n" +
      '                         first unit (in unit-id order), PATH-2, PATH-3… for the others\n' +
      '  --no-gc-roots          keep no GC roots in OUT/gcroots (by default the last build of each requested\n' +
      '                         unit, dependencies included, survives nix-collect-garbage)\n' +
      "  --substituters URLS    binary caches to fetch units from (Nix's setting; space-separated)\n" +
      "  --builders SPEC        remote builders (Nix's setting, e.g. 'ssh://host x86_64-linux')\n" +
      "  --incremental          impure, opt-in: workspace units keep rustc's incremental state in\n" +
      '                         OUT/incremental; outputs named *-incremental, never to be pushed to a cache\n' +
      '  --json                 one event per line (see README)\n' +
      '  --out OUT              the Nix directory (default: <workspace>/.cargo-units)\n' +
      `${REGISTRY}\n` +
      `${PROFILE}\n` +
      "  -- ARGS                pass ARGS to nix-store (e.g. -- -j 2 --builders '')",
    example: 'cargo-units build src/lib.rs',
  },
};

const COMMAND_ARGS: Record<string, string> = {
  units: '[DIR]',
  files: 'UNIT',
  owners: 'FILE…',
  affected: 'FILE…',
  orphans: '[DIR]',
  why: 'FILE',
  verify: '[UNIT…]',
  nix: '[DIR]',
  build: '[FILE…]',
};

export function commandHelp(command: string): string {
  const h = COMMAND_HELP[command]!;
  const parts = [wrap(`cargo-units ${command}: ${h.summary}`), `Usage: cargo-units ${h.usage} [options]`];
  if (h.options) parts.push(`Options:\n${h.options}`);
  parts.push(COMMON);
  if (h.notes) parts.push(h.notes);
  parts.push(`Example:\n  ${h.example}`);
  parts.push(EXIT_CODES);
  return parts.join('\n\n');
}

export const USAGE = `cargo-units: which files every cargo unit reads

Usage: cargo-units <command> [options] [--manifest-path PATH | DIR] [args…]
       cargo units <command> …
       cargo-units <command> --help    options and an example for one command

Commands:
${Object.entries(COMMAND_HELP)
  .map(([c, h]) => `  ${`${c} ${COMMAND_ARGS[c] ?? ''}`.padEnd(22)} ${h.brief}`)
  .join('\n')}

${COMMON}
  -V, --version          the version

${UNIT_IDS}

${EXIT_CODES}`;
