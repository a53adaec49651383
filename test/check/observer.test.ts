import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blindWithin, observerStalls } from '../../src/check/observer.ts';
import { checkAvailability, checkCommitLatency, checkOutage, findOutages, pairFigures } from '../../src/check/index.ts';
import { crashProbes, hist } from './history-builder.ts';

const crash = crashProbes;

describe('observer stalls (the harness\'s own)', () => {
  it('are read from "harness stall" marks (end time, length), merged when they overlap', () => {
    const h = hist().mark('harness stall', 300, { ms: 100 }).mark('harness stall', 250, { ms: 100 }).mark('harness stall', 900, { ms: 50 }).mark('loop', 950, { ms: 999 }).build();
    assert.deepEqual(observerStalls(h), [{ from: 150, to: 300 }, { from: 850, to: 900 }]);
  });

  it('blindWithin sums the overlap of a span with the stalls', () => {
    const s = [{ from: 100, to: 200 }, { from: 300, to: 400 }, { from: 1000, to: 1100 }];
    assert.equal(blindWithin(s, 0, 50), 0);
    assert.equal(blindWithin(s, 150, 350), 100);
    assert.equal(blindWithin(s, 0, 2000), 300);
    assert.equal(blindWithin(s, 400, 1000), 0);
    assert.equal(blindWithin([], 0, 10), 0);
  });

  it('an outage the harness was stalled through is judged by what was seen, and says what it left out', () => {
    const stalled = crash().mark('harness stall', 1350, { ms: 300 }).build();
    const a = findOutages(stalled);
    assert.equal(a.outages[0]!.ms, 410);
    assert.equal(a.outages[0]!.blindMs, 300);
    assert.equal(a.maxSeenMs, 110);
    const v = checkOutage(stalled, { maxOutageMs: 300 });
    assert.equal(v.ok, true, v.summary);
    assert.match(v.summary, /longest 110 ms ≤ 300 ms.*the harness itself was stalled 300 ms of it, not counted/);
    // the same gap without the stall fails, and a stall outside the gap changes nothing
    assert.equal(checkOutage(crash().build(), { maxOutageMs: 300 }).ok, false);
    const elsewhere = checkOutage(crash().mark('harness stall', 2500, { ms: 300 }).build(), { maxOutageMs: 300 });
    assert.equal(elsewhere.ok, false);
    assert.match(elsewhere.summary, /outage 410 ms exceeds 300 ms/);
  });

  it('availability projects the worst incident as seen', () => {
    const stalled = crash().mark('harness stall', 1350, { ms: 300 }).build();
    const v = checkAvailability(stalled, { target: 0.99999, failuresPerYear: 12 });
    assert.equal(v.figures.outagePerFailureMs, 110);
    assert.match(v.summary, /worst incident crash a #1: 110 ms, of 410 ms: the harness itself was stalled 300 ms, not counted/);
  });

  it('the fleet figures give the worst outage as seen, and its whole gap', () => {
    const stalled = pairFigures(crash().mark('harness stall', 1350, { ms: 300 }).build(), 'kv');
    assert.equal(stalled.worstOutageMs, 110);
    assert.equal(stalled.worstOutageGapMs, 410);
    const plain = pairFigures(crash().build(), 'kv');
    assert.equal(plain.worstOutageMs, 410);
    assert.equal(plain.worstOutageGapMs, 410);
  });

  it('commit latency leaves out the harness\'s stall while a write waited', () => {
    const base = () => {
      const b = hist();
      for (let i = 0; i < 100; i++) b.write('c0', `k${i}`, i, i * 50, i * 50 + 20);
      b.write('c1', 'slow', 1, 6000, 6400);
      return b;
    };
    assert.equal(checkCommitLatency(base().build(), { limitMs: 100, percentile: 1 }).ok, false);
    const v = checkCommitLatency(base().mark('harness stall', 6390, { ms: 380 }).build(), { limitMs: 100, percentile: 1 });
    assert.equal(v.ok, true, v.summary);
  });
});
