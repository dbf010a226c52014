/**
 * One of several processes writing into one Nix directory at once (dir-lock.test.ts): it
 * regenerates the directory's generated files (a staged swap: several files change each time) and,
 * after each generation, writes a file of its own into the directory, as builds write learned data
 * and caches. Usage: node --import tsx concurrent-writer.ts OUT TAG ROUNDS
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/nix/atomic.js';
import { withNixDirLock } from '../../src/core/nix/dir-lock.js';
import { replaceGenerated } from '../../src/core/nix/gen-dir.js';

const [out, tag, rounds] = process.argv.slice(2) as [string, string, string];
for (let i = 0; i < Number(rounds); i++) {
  replaceGenerated(
    out,
    new Map([
      ['units.json', `${tag} ${i}\n`],
      ['default.nix', `# ${tag} ${i}\n`],
      ['lib/default.nix', `# ${tag} ${i} lib\n`],
      ['.gitignore', '.next-*/\n'],
    ]),
  );
  withNixDirLock(out, () => writeFileAtomic(join(out, `written-${tag}-${i}`), `${tag} ${i}\n`));
}
