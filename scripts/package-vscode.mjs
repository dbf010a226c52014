// Packages the VS Code extension (built by scripts/build.mjs) as a .vsix with @vscode/vsce.
// Usage: node scripts/package-vscode.mjs [OUT.vsix]   (default dist/cargo-units.vsix)
//
// package.json's "files" lists what the npm package of the CLI holds; vsce refuses a manifest with
// both "files" and a .vscodeignore, so the extension is packaged from a staging directory holding
// what .vscodeignore allows and package.json without "files".
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'cargo-units.vsix'));
const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
const stage = mkdtempSync(join(tmpdir(), 'cargo-units-vsix-stage-'));
try {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.files;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const p of ['.vscodeignore', 'dist', 'nix', 'media', 'LICENSE'])
    if (existsSync(join(root, p))) cpSync(join(root, p), join(stage, p), { recursive: true });
  execFileSync(
    process.execPath,
    [
      vsce,
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--skip-license',
      '--no-rewrite-relative-links',
      '--readme-path',
      'media/README.md',
      '--changelog-path',
      'media/CHANGELOG.md',
      '-o',
      out,
    ],
    { cwd: stage, stdio: ['ignore', process.argv[2] ? 'ignore' : 'inherit', 'inherit'] },
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}
