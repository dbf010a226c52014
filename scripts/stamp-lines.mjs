// `node scripts/stamp-lines.mjs LOG COMMAND [ARG]…`: runs COMMAND, passes its stdout through
// unchanged, and appends every stdout line to LOG as `<Date.now()> <line>`, stamped when the chunk
// holding it leaves COMMAND's pipe. scripts/bench-build-view.ts puts it in front of the bundled CLI
// (the `cargoUnits.build.command` setting) to know when each build event was written.
import { spawn } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';

const [log, command, ...args] = process.argv.slice(2);
if (!log || !command) {
  process.stderr.write('usage: stamp-lines.mjs LOG COMMAND [ARG]...\n');
  process.exit(2);
}
const fd = openSync(log, 'a');
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let pending = '';
child.stdout.on('data', (chunk) => {
  const t = Date.now();
  // Forwarded first: the stamp costs the reader nothing.
  process.stdout.write(chunk);
  const lines = (pending + chunk.toString('utf8')).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) writeSync(fd, `${t} ${line}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('error', (err) => {
  process.stderr.write(`stamp-lines: cannot run ${command}: ${err.message}\n`);
  process.exitCode = 127;
});
child.on('close', (code, signal) => {
  if (pending) writeSync(fd, `${Date.now()} ${pending}\n`);
  process.exitCode ??= code ?? (signal ? 128 : 1);
});
