/**
 * `npm run bench:check`: how long each checker and plot takes on a ~200k-event history
 * (the size of a long soak), against the time to merely walk the history once.
 */
import { checkAvailability, checkCommitLatency, checkFailover, checkHistory, checkLostWrites, checkOutage, checkRollback, checkSplitBrain } from '../src/check/index.ts';
import { latencySpec, networkSpec, renderSvg, timelineSpec } from '../src/report/index.ts';
import { bigHistory } from '../test/check/big-history.ts';

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
