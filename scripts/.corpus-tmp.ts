import { score } from '../src/core/verify.js';
import { CORPUS, verifyCrate } from '../test/corpus/corpus.js';
let L = 0, E = 0, R = 0, M = 0;
for (const name of (process.argv[2] ? process.argv.slice(2) : Object.keys(CORPUS))) for (const mode of ['default', 'all'] as const) {
  const r = await verifyCrate(name, mode, 2);
  const s = score(r.report.units);
  L += s.listed; E += s.extra; R += s.read; M += s.missed;
  const bad = r.report.units.filter((v) => v.error || v.missed.length || v.unexplained.length).map((v) => `${v.id} missed=${v.missed} unexplained=${v.unexplained} ${v.error ?? ''}`);
  console.log(name, mode, `listed ${s.listed} read ${s.read} missed ${s.missed} extra ${s.extra} recall ${s.recall.toFixed(3)} precision ${s.precision.toFixed(3)}`, bad.join(' | '));
}
console.log(`TOTAL listed ${L} read ${R} missed ${M} extra ${E} precision ${((L - E) / L).toFixed(3)}`);
