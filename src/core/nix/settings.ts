/**
 * The Nix settings a build with the host toolchain needs (no nixpkgs: builders call the host's
 * /bin/sh, cc and rustc), checked before building. Nix as Debian's nix-bin installs it has no
 * nix.conf: as root it then wants a `nixbld` group that does not exist, sandboxes builds away from
 * the host toolchain, queries cache.nixos.org and builds one derivation at a time. Settings the
 * user has not configured are passed through `NIX_CONFIG` (command-line `--option`s still win);
 * a configured setting that stops the build is a `nix-config` error naming the lines to add.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NixError } from './runner.js';

export interface NixSettings {
  env: NodeJS.ProcessEnv;
  /** The `name = value` lines passed in NIX_CONFIG, each with why. */
  applied: { line: string; why: string }[];
}

type ShowConfig = Record<string, { value?: unknown }>;

/** `nix show-config --json`, or undefined when it cannot run (then Nix reports its own errors later). */
async function showConfig(env: NodeJS.ProcessEnv): Promise<ShowConfig | undefined> {
  const r = await execa('nix', ['show-config', '--json', '--extra-experimental-features', 'nix-command'], { env, extendEnv: false, reject: false });
  if (r.exitCode !== 0) return undefined;
  try {
    return JSON.parse(String(r.stdout)) as ShowConfig;
  } catch {
    return undefined;
  }
}

/** The configuration texts Nix reads, with where each comes from (`include` directives are not followed). */
function configTexts(env: NodeJS.ProcessEnv): { where: string; text: string }[] {
  const files = [join(env.NIX_CONF_DIR || '/etc/nix', 'nix.conf')];
  if (env.NIX_USER_CONF_FILES) files.push(...env.NIX_USER_CONF_FILES.split(':').filter(Boolean));
  else {
    for (const dir of (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean)) files.push(join(dir, 'nix', 'nix.conf'));
    files.push(join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'nix', 'nix.conf'));
  }
  const out: { where: string; text: string }[] = [];
  for (const f of files) {
    try {
      out.push({ where: f, text: readFileSync(f, 'utf8') });
    } catch {
      // absent or unreadable: Nix skips it too
    }
  }
  if (env.NIX_CONFIG) out.push({ where: '$NIX_CONFIG', text: env.NIX_CONFIG });
  return out;
}

/** Where `name` is set explicitly, if anywhere. */
function configuredIn(texts: { where: string; text: string }[], name: string): string | undefined {
  const re = new RegExp(`^\\s*(extra-)?${name.replace(/-/g, '\\-')}\\s*=`, 'm');
  return texts.findLast((t) => re.test(t.text))?.where;
}

function groupExists(name: string): boolean {
  try {
    return readFileSync('/etc/group', 'utf8').split('\n').some((l) => l.split(':')[0] === name);
  } catch {
    return true; // cannot tell: leave Nix's setting alone
  }
}

/** The environment to run Nix with; throws a `nix-config` NixError for configured settings that stop the build. */
export async function nixSettings(env: NodeJS.ProcessEnv, nixArgs: string[] = []): Promise<NixSettings> {
  const config = await showConfig(env);
  if (!config) return { env, applied: [] };
  const texts = configTexts(env);
  const applied: NixSettings['applied'] = [];
  const value = (name: string) => config[name]?.value;

  const group = value('build-users-group');
  if (typeof group === 'string' && group !== '' && process.getuid?.() === 0 && !groupExists(group)) {
    applied.push({ line: 'build-users-group =', why: `the group \`${group}\` does not exist: build as the current user` });
  }
  const sandbox = value('sandbox');
  if (sandbox === true || sandbox === 'true' || sandbox === 'relaxed') {
    const where = configuredIn(texts, 'sandbox');
    const onCommandLine = nixArgs.some((a, i) => a === '--no-sandbox' || (a === '--option' && nixArgs[i + 1] === 'sandbox'));
    if (where && !onCommandLine) {
      throw new NixError(
        `Nix's sandbox is on (\`sandbox\` is set in ${where}), and it hides the host toolchain (/bin/sh, cc, rustc) these derivations use. ` +
          'Add this line to nix.conf (or pass `-- --option sandbox false`):\n  sandbox = false',
        'nix-config',
      );
    }
    if (!where) applied.push({ line: 'sandbox = false', why: 'the builders use the host toolchain' });
  }
  const substituters = value('substituters');
  // `cargo-units build --substituters URLS` (a team's binary cache) is on the command line and wins anyway.
  const cacheGiven = nixArgs.some((a, i) => a === '--substituters' || (a === '--option' && nixArgs[i + 1] === 'substituters'));
  if (Array.isArray(substituters) && substituters.length > 0 && !configuredIn(texts, 'substituters') && !cacheGiven) {
    applied.push({ line: 'substituters =', why: 'no binary cache holds derivations built with the host toolchain' });
  }
  if (value('max-jobs') === 1 && !configuredIn(texts, 'max-jobs')) applied.push({ line: 'max-jobs = auto', why: 'build independent units in parallel' });
  if (applied.length === 0) return { env, applied };
  const lines = applied.map((a) => a.line).join('\n');
  return { env: { ...env, NIX_CONFIG: env.NIX_CONFIG ? `${env.NIX_CONFIG}\n${lines}` : lines }, applied };
}
