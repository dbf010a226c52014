// Packages the VS Code extension (built by scripts/build.mjs) as a .vsix with @vscode/vsce.
// Usage: node scripts/package-vscode.mjs [OUT.vsix]   (default dist/cargo-units.vsix)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'cargo-units.vsix'));
const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links',
   '--readme-path', 'media/README.md', '--changelog-path', 'media/CHANGELOG.md', '-o', out],
  { cwd: root, stdio: ['ignore', process.argv[2] ? 'ignore' : 'inherit', 'inherit'] },
);
