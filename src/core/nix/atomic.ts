/**
 * Writes a file so that a concurrent reader (another `cargo-units build` of the same workspace,
 * or its nix-instantiate) sees the old content or the new one, never a part; a process killed
 * mid-write leaves the old file and at most a stray temporary one.
 */
import { renameSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
