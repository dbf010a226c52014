// `npm run bench [-- --write]`: builds, then runs the speed, the Nix, the `why`, the VS Code badge and the Build view latency benchmarks, passing the
// arguments to both (npm would hand them to the last command of a `&&` chain only). Without
// --write the figures are printed and BENCHMARKS.md is left as it is.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
for (const cmd of [
  ['scripts/build.mjs'],
  ['--import', 'tsx', 'scripts/bench.ts', ...args],
  ['--import', 'tsx', 'scripts/bench-nix.ts', ...args],
  ['--import', 'tsx', 'scripts/bench-why.ts', ...args],
  // Prints its figures only (recorded in BENCHMARKS.md by hand); needs code-server and Chromium (.ci/run installs them).
  ['--import', 'tsx', 'scripts/bench-vscode.ts'],
  // Build events → Build view rows in code-server with real Nix builds (writes its section with --write).
  ['--import', 'tsx', 'scripts/bench-build-view.ts', ...args],
]) {
  const r = spawnSync(process.execPath, cmd, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
