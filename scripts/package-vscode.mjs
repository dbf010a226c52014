// Packages the VS Code extension (built by scripts/build.mjs) as a .vsix with @vscode/vsce.
// Usage: node scripts/package-vscode.mjs [OUT.vsix]   (default dist/cargo-units.vsix)
//
// package.json's "files" lists the npm package (the CLI), and vsce refuses a .vscodeignore next to
// a "files" list, so vsce runs in a staging directory: package.json without "files", the
// .vscodeignore allowlist, and the directories it allows (dist's bundles and wasm, nix/, media/).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'cargo-units.vsix'));
const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');

const stage = mkdtempSync(join(tmpdir(), 'cargo-units-vsix-'));
try {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.files;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  copyFileSync(join(root, '.vscodeignore'), join(stage, '.vscodeignore'));
  mkdirSync(join(stage, 'dist'));
  for (const f of readdirSync(join(root, 'dist'))) {
    if (f.endsWith('.cjs') || f.endsWith('.wasm')) copyFileSync(join(root, 'dist', f), join(stage, 'dist', f));
  }
  cpSync(join(root, 'nix'), join(stage, 'nix'), { recursive: true });
  cpSync(join(root, 'media'), join(stage, 'media'), { recursive: true });
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links',
     '--readme-path', 'media/README.md', '--changelog-path', 'media/CHANGELOG.md', '-o', out],
    { cwd: stage, stdio: ['ignore', process.argv[2] ? 'ignore' : 'inherit', 'inherit'] },
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
