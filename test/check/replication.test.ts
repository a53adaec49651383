import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandwidthIntervals, metricsSamples, replicationBandwidth } from '../../src/check/index.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { hist } from './history-builder.ts';

describe('replicationBandwidth', () => {
  it('derives KB/s (1 KB = 1000 bytes) from consecutive cumulative counters', () => {
    const h = hist().metrics('kv', 0, 0).metrics('kv', 250, 250_000).metrics('kv', 500, 250_000).metrics('kv', 1000, 750_000).build();
    const [r] = replicationBandwidth(h);
    assert.equal(r!.pair, 'kv');
    assert.deepEqual(
      r!.intervals.map((i) => [i.from, i.to, i.bytes, i.kbPerSec, i.reset]),
      [
        [0, 250, 250_000, 1000, false],
        [250, 500, 0, 0, false],
        [500, 1000, 500_000, 1000, false],
      ],
    );
    assert.equal(r!.bytes, 750_000);
    assert.equal(r!.measuredMs, 1000);
    assert.equal(r!.meanKBps, 750);
    assert.equal(r!.peakKBps, 1000);
    assert.equal(r!.resets, 0);
  });

  it('takes a decrease as a counter reset: a gap, then differences from the new host counter, never negative', () => {
    // host a counts to 1 MB, fails over; host b's counter starts at 40 kB (its own count), then grows
    const h = hist()
      .metrics('kv', 0, 0)
      .metrics('kv', 250, 500_000)
      .metrics('kv', 500, 1_000_000)
      .metrics('kv', 750, 40_000) // reset
      .metrics('kv', 1000, 290_000)
      .metrics('kv', 1250, 540_000)
      .build();
    const [r] = replicationBandwidth(h);
    const rates = r!.intervals.map((i) => i.kbPerSec);
    assert.deepEqual(rates, [2000, 2000, null, 1000, 1000]);
    assert.deepEqual(r!.intervals.map((i) => i.reset), [false, false, true, false, false]);
    assert.ok(r!.intervals.every((i) => i.bytes === null || i.bytes >= 0));
    assert.equal(r!.resets, 1);
    assert.equal(r!.bytes, 1_000_000 + 500_000, 'the reset interval counts no bytes (a lower bound), not the new counter whole');
    assert.equal(r!.measuredMs, 1000);
    assert.equal(r!.peakKBps, 2000);
  });

  it('keeps pairs apart, filters by pair, skips malformed and other marks, tolerates out-of-order and same-time samples', () => {
    const b = hist()
      .metrics('kv', 0, 0)
      .metrics('db', 0, 1000)
      .metrics('kv', 500, 500_000)
      .metrics('db', 500, 1000)
      .mark('metrics', 600, { pair: 'kv', bytesReplicated: 'lots' }) // malformed: no counter
      .mark('phase', 700, { pair: 'kv', bytesReplicated: 0 }) // not a metrics mark
      .metrics('kv', 1000, 1_000_000)
      .metrics('kv', 1000, 1_000_000); // duplicate time: no interval
    const h = b.build();
    const shuffled: HistoryEvent[] = [h[3]!, ...h.filter((_, i) => i !== 3)];
    for (const history of [h, shuffled]) {
      const all = replicationBandwidth(history);
      assert.deepEqual(all.map((r) => r.pair), ['db', 'kv']);
      assert.deepEqual(all[0]!.intervals.map((i) => i.kbPerSec), [0]);
      assert.deepEqual(all[1]!.intervals.map((i) => i.kbPerSec), [1000, 1000]);
      assert.equal(all[1]!.samples.length, 5, 'the malformed sample is kept as a sample (null counter)');
      assert.equal(all[1]!.samples[2]!.bytesReplicated, null);
    }
    assert.deepEqual(replicationBandwidth(h, { pair: 'db' }).map((r) => r.pair), ['db']);
    assert.deepEqual(replicationBandwidth(h, { pair: 'nope' }), []);
  });

  it('reads every field of a metrics mark; no marks, no pairs', () => {
    const [s] = metricsSamples(hist().metrics('kv', 5, 10, { checkpointsPerSecond: 33, lagMs: 7, lastCommittedEpoch: 9, protected: false }).build());
    assert.deepEqual(s, { pair: 'kv', time: 5, bytesReplicated: 10, checkpointsPerSecond: 33, lagMs: 7, lastCommittedEpoch: 9, protected: false });
    assert.deepEqual(replicationBandwidth([]), []);
    assert.deepEqual(replicationBandwidth(hist().write('c0', 'k', 1, 0, 1).build()), []);
    const [one] = replicationBandwidth(hist().metrics('kv', 0, 10).build());
    assert.equal(one!.meanKBps, null);
    assert.equal(one!.peakKBps, null);
    assert.deepEqual(bandwidthIntervals([]), []);
  });
});
