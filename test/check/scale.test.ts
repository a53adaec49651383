import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkAvailability, checkCommitLatency, checkFailover, checkHistory, checkLostWrites, checkOutage, checkRollback, checkSplitBrain,
} from '../../src/check/index.ts';
import { bigHistory } from './big-history.ts';

// Speed is measured by `npm run bench:check`; here only that the verdicts are right at scale.
describe('checkers on a ~200k-event history', () => {
  const h = bigHistory();
  const run = (name: string, f: () => { ok: boolean; summary: string }) =>
    it(`${name} is right`, () => {
      const v = f();
      assert.equal(v.ok, true, v.summary);
    });
  it('is big', () => assert.ok(h.length > 200_000, String(h.length)));
  run('history', () => checkHistory(h));
  run('lost writes', () => checkLostWrites(h));
  run('rollback', () => checkRollback(h));
  run('split brain', () => checkSplitBrain(h));
  run('outage', () => checkOutage(h, { maxOutageMs: 500 }));
  run('availability', () => checkAvailability(h, { target: 0.99999, failuresPerYear: 12 }));
  run('failover', () => checkFailover(h, { limitMs: 1000 }));
  run('commit latency', () => checkCommitLatency(h, { limitMs: 200 }));
});
