/**
 * `npm run bench:check`: how long each checker and plot takes on a ~200k-event history
 * (the size of a long soak), against the time to merely walk the history once.
 */
import {
  checkAvailability, checkCommitLatency, checkFailover, checkHistory, checkLinearizable, checkLostWrites, checkOutage, checkRollback, checkSplitBrain,
} from '../src/check/index.ts';
import { latencySpec, networkSpec, renderSvg, timelineSpec } from '../src/report/index.ts';
import { bigHistory } from '../test/check/big-history.ts';
import { corruptRead, okReads, registerHistory, rng } from '../test/check/register-history.ts';

const h = bigHistory();
const time = async (f: () => unknown): Promise<number> => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
const base = await time(() => h.reduce((n, e) => n + (e.kind === 'op' ? 1 : 0), 0));
console.log(`history: ${h.length} events; one plain pass: ${base.toFixed(1)} ms`);
const rows: [string, () => unknown][] = [
  ['history', () => checkHistory(h)],
  ['lost writes', () => checkLostWrites(h)],
  ['rollback', () => checkRollback(h)],
  ['split brain', () => checkSplitBrain(h)],
  ['outage', () => checkOutage(h, { maxOutageMs: 500 })],
  ['availability', () => checkAvailability(h, { target: 0.99999, failuresPerYear: 12 })],
  ['failover', () => checkFailover(h, { limitMs: 1000 })],
  ['commit latency', () => checkCommitLatency(h, { limitMs: 200 })],
  ['timeline plot', () => renderSvg(timelineSpec(h))],
  ['latency plot', () => renderSvg(latencySpec(h))],
  ['network plot', () => renderSvg(networkSpec(h))],
];
for (const [name, f] of rows) {
  const ms = await time(f);
  console.log(`${name.padEnd(16)} ${ms.toFixed(1).padStart(8)} ms  (${(ms / base).toFixed(0)}x one pass)`);
}

// linearizability: 100k register ops (20 shared keys × 5 concurrent clients, 3 % info, 1 % fail),
// against one plain pass over THAT history; then the same with one read corrupted
const reg = registerHistory({ seed: 7, keys: 20, clientsPerKey: 5, opsPerClient: 1000 });
// the best of 3 passes: the first one right after building the history pays for its garbage
const regPass = () => time(() => reg.reduce((n, e) => n + (e.kind === 'op' ? 1 : 0), 0));
const regBase = Math.min(await regPass(), await regPass(), await regPass());
console.log(`register history: ${reg.length} events; one plain pass: ${regBase.toFixed(1)} ms`);
const pick = rng(3);
const bad = corruptRead(reg, Math.floor(pick() * okReads(reg).length), pick);
for (const [name, h, expectOk] of [['linearizable', reg, true], ['lin. (1 bad read)', bad, false]] as const) {
  let verdict: ReturnType<typeof checkLinearizable> | undefined;
  const ms = await time(() => (verdict = checkLinearizable(h)));
  const v = verdict!;
  const outcome = v.ok ? 'ok' : `[${v.category}]${v.ok === expectOk ? '' : ' UNEXPECTED'}`;
  const note = `${outcome}, ${v.figures.statesExplored} states${v.ok ? '' : `, window of ${v.figures.windowOps} ops`}`;
  console.log(`${name.padEnd(16)} ${ms.toFixed(1).padStart(8)} ms  (${(ms / regBase).toFixed(0)}x one pass)  ${note}`);
}
