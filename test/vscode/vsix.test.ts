/**
 * The .vsix ships the whole Nix library: every file nix/default.nix refers to (`./xxx`) is in the
 * package that scripts/package-vscode.mjs builds. Fast: packages with vsce and reads the zip's
 * central directory; no code-server.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers.js';

/** The names of the entries of a zip file, from its central directory. */
export function zipEntries(zip: Buffer): string[] {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    names.push(zip.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** The files a Nix expression refers to as `./path`, relative to its directory (comments left out). */
export function nixFileReferences(text: string): string[] {
  const code = text.split('\n').map((l) => l.replace(/(^|\s)#.*$/, '')).join('\n');
  return [...new Set([...code.matchAll(/(?<![A-Za-z0-9_.-])\.\/([A-Za-z0-9._+-]+(?:\/[A-Za-z0-9._+-]+)*)/g)].map((m) => m[1]!))].sort();
}

/** What `nix/default.nix` refers to that the .vsix lacks (vsce puts files under `extension/`). */
export function missingFromVsix(entries: string[], defaultNix: string): string[] {
  const have = new Set(entries);
  return nixFileReferences(defaultNix).map((f) => `nix/${f}`).filter((f) => !have.has(`extension/${f}`));
}

test('nixFileReferences and missingFromVsix find a referenced file left out of the package', () => {
  const nix = '# import ./lib { unitsJson = ./units.json; }\nx = mk ./unit.sh { a = ./run.sh; };  # ./not-this\ny = "${./sub/patch.sh}";\n';
  assert.deepEqual(nixFileReferences(nix), ['run.sh', 'sub/patch.sh', 'unit.sh']);
  const entries = ['extension/package.json', 'extension/nix/unit.sh', 'extension/nix/sub/patch.sh'];
  assert.deepEqual(missingFromVsix(entries, nix), ['nix/run.sh']);
  assert.deepEqual(missingFromVsix([...entries, 'extension/nix/run.sh'], nix), []);
});

test('the .vsix contains every file nix/default.nix refers to', { timeout: 120_000, skip: existsSync(join(REPO, 'dist', 'extension.cjs')) ? false : 'dist/ not built (node scripts/build.mjs)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-vsix-'));
  try {
    const vsix = join(dir, 'cargo-units.vsix');
    execFileSync(process.execPath, [join(REPO, 'scripts', 'package-vscode.mjs'), vsix], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    const entries = zipEntries(readFileSync(vsix));
    assert.ok(entries.includes('extension/package.json'), `not a .vsix: ${entries.slice(0, 5).join(', ')}`);
    const defaultNix = readFileSync(join(REPO, 'nix', 'default.nix'), 'utf8');
    assert.ok(entries.includes('extension/nix/default.nix'));
    assert.ok(nixFileReferences(defaultNix).length >= 4, 'default.nix refers to its builders');
    assert.deepEqual(missingFromVsix(entries, defaultNix), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
