import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkAvailability, checkCommitLatency, checkFailover, checkHistory, checkLostWrites, checkOutage, checkRollback, checkSplitBrain,
} from '../../src/check/index.ts';
import { bigHistory } from './big-history.ts';

describe('checkers on a ~200k-event history', () => {
  const h = bigHistory();
  const run = (name: string, f: () => { ok: boolean; summary: string }) =>
    it(`${name} is fast and right`, () => {
      const t0 = performance.now();
      const v = f();
      const took = performance.now() - t0;
      assert.equal(v.ok, true, v.summary);
      assert.ok(took < 3000, `${name} took ${took.toFixed(0)} ms`);
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
