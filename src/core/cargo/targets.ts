/**
 * Cargo's target auto-discovery for one package (cargo's `util/toml/targets.rs`): the explicit
 * `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]`, `[[bench]]` tables merged with the targets inferred
 * from the conventional layout, and the build script.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { type Diagnostic, InputError } from '../diagnostics.js';
import type { Manifest, ManifestTarget } from './manifest.js';
import type { Target, TargetKind } from './model.js';

/** `[name, path relative to the package]` of a target found on disk. */
type Inferred = [string, string];

type Section = 'bin' | 'example' | 'test' | 'bench';

const SECTIONS: Record<
  Section,
  {
    human: string;
    dir: string;
    flag: 'autobins' | 'autoexamples' | 'autotests' | 'autobenches';
    tables: 'bins' | 'examples' | 'tests' | 'benches';
  }
> = {
  bin: { human: 'binary', dir: join('src', 'bin'), flag: 'autobins', tables: 'bins' },
  example: { human: 'example', dir: 'examples', flag: 'autoexamples', tables: 'examples' },
  test: { human: 'test', dir: 'tests', flag: 'autotests', tables: 'tests' },
  bench: { human: 'benchmark', dir: 'benches', flag: 'autobenches', tables: 'benches' },
};

/**
 * Every target of the package whose manifest is `manifest`: lib first, then bins, examples,
 * tests and benches (each sorted by name), then the build script. `edition` is the package's
 * (already inherited) edition. Throws InputError where cargo refuses the manifest.
 */
export function discoverTargets(manifest: Manifest, packageName: string, edition: string, diagnostics: Diagnostic[] = []): Target[] {
  return new TargetDiscovery(manifest, packageName, edition, diagnostics).run();
}

/** Rust's `Path::file_stem`. */
function fileStem(p: string): string {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * The identity cargo compares target paths by: `package_root.join(path)` under Rust's `PathBuf`
 * equality, which ignores `.` components and doubled separators but not `..`.
 */
function pathKey(dir: string, p: string): string {
  const joined = isAbsolute(p) ? p : `${dir}/${p}`;
  return joined
    .split('/')
    .filter((c) => c !== '' && c !== '.')
    .join('/');
}

class TargetDiscovery {
  private readonly dir: string;
  private readonly pkg: NonNullable<Manifest['package']>;

  constructor(
    private readonly manifest: Manifest,
    private readonly packageName: string,
    private readonly edition: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.dir = manifest.dir;
    this.pkg = manifest.package ?? { line: 0 };
  }

  run(): Target[] {
    const targets: Target[] = [];
    const lib = this.lib();
    if (lib) targets.push(lib);
    targets.push(...this.section('bin', lib !== undefined));
    targets.push(...this.section('example', lib !== undefined));
    targets.push(...this.section('test', lib !== undefined));
    targets.push(...this.section('bench', lib !== undefined));
    const build = this.buildScript();
    if (build) targets.push(build);
    return targets;
  }

  private fail(line: number, message: string): never {
    throw new InputError(this.manifest.path, line || this.pkg.line || 1, undefined, message);
  }

  private warn(line: number, message: string): void {
    this.diagnostics.push({ file: this.manifest.path, line: line || this.pkg.line, severity: 'warning', message });
  }

  private exists(rel: string): boolean {
    return existsSync(join(this.dir, rel));
  }

  private abs(p: string): string {
    return resolve(this.dir, p);
  }

  // -- lib --------------------------------------------------------------------------------------

  private lib(): Target | undefined {
    const explicit = this.manifest.lib;
    const inferred = this.exists(join('src', 'lib.rs')) ? join('src', 'lib.rs') : undefined;
    if (this.pkg.autolib === false && !explicit) return undefined;
    const lib: ManifestTarget | undefined = explicit ? { ...explicit } : inferred ? { path: inferred, line: 0 } : undefined;
    if (!lib) return undefined;
    const name = lib.name ?? this.packageName.replace(/-/g, '_');
    if (name.trim() === '') this.fail(lib.line, 'library target names cannot be empty');
    if (name.includes('-')) this.fail(lib.line, `library target names cannot contain hyphens: ${name}`);
    let path = lib.path;
    if (path === undefined) {
      const legacy = join('src', `${name}.rs`);
      if (inferred) path = inferred;
      else if (this.edition === '2015' && this.exists(legacy)) {
        this.warn(
          lib.line,
          `path \`${legacy}\` was erroneously implicitly accepted for library \`${name}\`,\nplease rename the file to \`src/lib.rs\` or set lib.path in Cargo.toml`,
        );
        path = legacy;
      } else {
        this.fail(lib.line, `can't find library \`${name}\`, rename file to \`src/lib.rs\` or specify lib.path`);
      }
    }
    const kinds = lib.crateTypes;
    let crateTypes: string[];
    if (kinds && kinds.includes('dylib') && kinds.includes('cdylib')) {
      this.fail(lib.line, `library \`${name}\` cannot set the crate type of both \`dylib\` and \`cdylib\``);
    } else if (kinds && lib.procMacro === true) {
      if (!kinds.includes('proc-macro')) this.fail(lib.line, 'cannot mix `proc-macro` crate type with others');
      this.warn(lib.line, `library \`${name}\` should only specify \`proc-macro = true\` instead of setting \`crate-type\``);
      crateTypes = ['proc-macro'];
    } else if (kinds) {
      crateTypes = [...kinds];
    } else {
      crateTypes = lib.procMacro === true ? ['proc-macro'] : ['lib'];
    }
    const kind: TargetKind = crateTypes.includes('proc-macro') ? 'proc-macro' : 'lib';
    const doctestable = crateTypes.some((t) => t === 'lib' || t === 'rlib' || t === 'proc-macro');
    return this.configure(
      lib,
      {
        kind,
        name,
        crateName: name,
        path: this.abs(path),
        edition: this.edition,
        crateTypes,
        test: true,
        bench: true,
        harness: true,
        requiredFeatures: [],
        doctest: true,
      },
      doctestable,
    );
  }

  // -- bins, examples, tests, benches -----------------------------------------------------------

  private inferred(section: Section): Inferred[] {
    const found = this.inferFromDirectory(SECTIONS[section].dir);
    if (section === 'bin' && this.exists(join('src', 'main.rs'))) found.unshift([this.packageName, join('src', 'main.rs')]);
    return found;
  }

  private inferFromDirectory(rel: string): Inferred[] {
    let entries;
    try {
      entries = readdirSync(join(this.dir, rel), { withFileTypes: true });
    } catch {
      return [];
    }
    const out: Inferred[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) {
        const main = join(rel, e.name, 'main.rs');
        if (this.exists(main)) out.push([e.name, main]);
      } else if (e.name.endsWith('.rs')) {
        out.push([fileStem(e.name), join(rel, e.name)]);
      }
    }
    return out;
  }

  private section(section: Section, hasLib: boolean): Target[] {
    const { human, flag, tables } = SECTIONS[section];
    const explicit = this.manifest[tables]?.map((t): ManifestTarget => ({ ...t }));
    const autodiscover = this.pkg[flag];
    let tomls: ManifestTarget[];
    if (autodiscover === false && (!explicit || explicit.every((t) => t.name !== undefined && t.path !== undefined))) {
      // cargo treats this as an already normalized (published) target list
      tomls = explicit ?? [];
    } else {
      const inferred = this.inferred(section);
      tomls = this.mergeInferred(section, explicit, inferred, autodiscover);
      for (const t of tomls) {
        if (t.name === undefined) this.fail(t.line, `${human} target ${section}.name is required`);
        if (t.name.trim() === '') this.fail(t.line, `${human} target names cannot be empty`);
      }
      for (const t of tomls) {
        if (t.path === undefined) t.path = this.targetPath(section, t, inferred, hasLib);
      }
    }
    const seen = new Set<string>();
    for (const t of tomls) {
      const name = t.name ?? '';
      if (name.trim() === '') this.fail(t.line, `${human} target names cannot be empty`);
      if (seen.has(name)) {
        this.fail(t.line, `found duplicate ${human} name ${name}, but all ${human} targets must have a unique name`);
      }
      seen.add(name);
    }
    return tomls.map((t) => this.toTarget(section, t));
  }

  /** cargo's `toml_targets_and_inferred`. */
  private mergeInferred(section: Section, explicit: ManifestTarget[] | undefined, inferred: Inferred[], autodiscover: boolean | undefined): ManifestTarget[] {
    const inferredTargets = inferred.map(([name, path]): ManifestTarget => ({ name, path, line: 0 }));
    let targets: ManifestTarget[];
    if (!explicit) {
      targets = autodiscover === false ? [] : inferredTargets;
    } else {
      const names = new Set(explicit.map((t) => t.name));
      const paths = new Set(explicit.filter((t) => t.path !== undefined).map((t) => pathKey(this.dir, t.path ?? '')));
      const rest = inferredTargets.filter((t) => !names.has(t.name) && !paths.has(pathKey(this.dir, t.path ?? '')));
      let auto = autodiscover;
      if (auto === undefined) {
        auto = this.edition !== '2015';
        if (!auto && rest.length > 0) {
          const { human, flag } = SECTIONS[section];
          this.warn(
            explicit[0]?.line ?? 0,
            `An explicit [[${section}]] section is specified in Cargo.toml which currently disables Cargo from ` +
              `automatically inferring other ${human} targets (edition 2015); not included: ` +
              `${rest.map((t) => t.path).join(', ')}. Add \`${flag} = false\` to [package] to silence this.`,
          );
        }
      }
      targets = auto ? [...explicit, ...rest] : [...explicit];
    }
    return targets.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0));
  }

  /** cargo's `target_path`: the path of an explicit target that has none. */
  private targetPath(section: Section, t: ManifestTarget, inferred: Inferred[], hasLib: boolean): string {
    const name = t.name ?? '';
    const matching = inferred.filter(([n]) => n === name).map(([, p]) => p);
    const [only] = matching;
    if (matching.length === 1 && only !== undefined) return only;
    if (this.edition === '2015') {
      const legacy = this.legacyPath(section, name, hasLib);
      if (legacy) {
        this.warn(
          t.line,
          `path \`${legacy}\` was erroneously implicitly accepted for ${SECTIONS[section].human} \`${name}\`,\nplease set ${section}.path in Cargo.toml`,
        );
        return legacy;
      }
    }
    if (matching.length === 0) this.fail(t.line, `can't find \`${name}\` ${section}, specify ${section}.path`);
    this.fail(
      t.line,
      `cannot infer path for \`${name}\` ${section}\nCargo doesn't know which to use because multiple target files found at \`${matching[0]}\` and \`${matching[1]}\`.`,
    );
  }

  private legacyPath(section: Section, name: string, hasLib: boolean): string | undefined {
    if (section === 'bin') {
      const candidates = [...(hasLib ? [] : [join('src', `${name}.rs`)]), join('src', 'main.rs'), join('src', 'bin', 'main.rs')];
      return candidates.find((c) => this.exists(c));
    }
    if (section === 'bench' && name === 'bench' && this.exists(join('src', 'bench.rs'))) return join('src', 'bench.rs');
    return undefined;
  }

  private toTarget(section: Section, t: ManifestTarget): Target {
    const name = t.name ?? '';
    const base = {
      name,
      crateName: name.replace(/-/g, '_'),
      path: this.abs(t.path ?? ''),
      edition: this.edition,
      harness: true,
      requiredFeatures: t.requiredFeatures ?? [],
      doctest: false,
    };
    switch (section) {
      case 'bin':
        if (t.crateTypes && t.crateTypes.length > 0) {
          this.fail(t.line, `the target \`${name}\` is a binary and can't have any crate-types set (currently "${t.crateTypes.join(', ')}")`);
        }
        if (t.procMacro === true) this.fail(t.line, `the target \`${name}\` is a binary and can't have \`proc-macro\` set \`true\``);
        return this.configure(t, { ...base, kind: 'bin', crateTypes: ['bin'], test: true, bench: true }, false);
      case 'example': {
        const kinds = t.crateTypes ?? [];
        const crateTypes = kinds.length === 0 || kinds.every((k) => k === 'bin') ? ['bin'] : [...kinds];
        return this.configure(t, { ...base, kind: 'example', crateTypes, test: false, bench: false }, false);
      }
      case 'test':
        return this.configure(t, { ...base, kind: 'test', crateTypes: ['bin'], test: true, bench: false }, false);
      case 'bench':
        return this.configure(t, { ...base, kind: 'bench', crateTypes: ['bin'], test: false, bench: true }, false);
    }
  }

  /** cargo's `configure`: the per-target keys override the kind's defaults. */
  private configure(t: ManifestTarget, target: Target, doctestable: boolean): Target {
    target.test = t.test ?? target.test;
    target.bench = t.bench ?? target.bench;
    target.harness = t.harness ?? target.harness;
    target.doctest = (t.doctest ?? target.doctest ?? false) && doctestable;
    if (t.edition !== undefined) target.edition = t.edition;
    return target;
  }

  // -- build script -----------------------------------------------------------------------------

  private buildScript(): Target | undefined {
    let build: string | undefined;
    const setting = this.pkg.build;
    if (setting === undefined) {
      const candidate = join(this.dir, 'build.rs');
      build = existsSync(candidate) && statSync(candidate).isFile() ? 'build.rs' : undefined;
    } else if (setting === true) {
      build = 'build.rs';
    } else if (setting !== false) {
      build = setting;
    }
    if (build === undefined) return undefined;
    const name = `build-script-${fileStem(build)}`;
    return {
      kind: 'custom-build',
      name,
      crateName: name.replace(/-/g, '_'),
      path: this.abs(build),
      edition: this.edition,
      crateTypes: ['bin'],
      test: false,
      bench: false,
      harness: true,
      requiredFeatures: [],
      doctest: false,
    };
  }
}
