// Bundles the CLI with esbuild and puts the tree-sitter wasm files next to it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outfile: join(dist, 'cli.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // The ESM build of web-tree-sitter needs import.meta, which a CJS bundle lacks.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  define: { 'process.env.CARGO_UNITS_BUNDLED': '"1"' },
  logLevel: 'warning',
});

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'), join(dist, 'tree-sitter-rust.wasm'));
