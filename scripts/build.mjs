// Bundles the CLI, and the VS Code extension's client and language server, with esbuild, puts the
// tree-sitter wasm files next to them, and writes the CLI bundle's V8 code cache (code-cache.mjs).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(dist, { recursive: true });
// The old bundle's code cache goes first: never beside a bundle it was not made from.
rmSync(join(dist, 'cli.cjs.cache'), { force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // The ESM build of web-tree-sitter needs import.meta, which a CJS bundle lacks.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  // The version is fixed at build time: the bundle reads no package.json.
  define: { 'process.env.CARGO_UNITS_BUNDLED': '"1"', CARGO_UNITS_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(dist, 'cli.cjs') }),
  // Run first by bin/cargo-units: replays an unchanged run without loading cli.cjs (src/cli/replay/).
  build({ ...common, entryPoints: [join(root, 'src/cli/quick.ts')], outfile: join(dist, 'quick.cjs') }),
  // The extension host loads CommonJS and provides `vscode`.
  build({ ...common, entryPoints: [join(root, 'src/client/extension.ts')], outfile: join(dist, 'extension.cjs'), external: ['vscode'] }),
  build({ ...common, entryPoints: [join(root, 'src/server/main.ts')], outfile: join(dist, 'server.cjs') }),
]);

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'), join(dist, 'tree-sitter-rust.wasm'));
execFileSync(process.execPath, [join(root, 'scripts', 'code-cache.mjs')], { stdio: 'inherit' });
