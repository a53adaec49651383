import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoBucketMs, checkCommitLatency, commitLatency } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

/** 100 acked writes with latencies 1..100 ms, one every 10 ms */
function writes() {
  const b = hist();
  for (let i = 0; i < 100; i++) b.write('c0', `c0-${i}`, i, i * 10, i * 10 + (i + 1));
  return b;
}

describe('commitLatency', () => {
  it('computes nearest-rank percentiles overall and per bucket', () => {
    const s = commitLatency(writes().build(), { bucketMs: 500 });
    assert.equal(s.writes, 100);
    assert.equal(s.p50, 50);
    assert.equal(s.p99, 99);
    assert.equal(s.max, 100);
    assert.equal(s.buckets.length, 3); // 0–500, 500–1000, 1000–1500 (the last write completes at 1090)
    assert.equal(s.buckets[0]!.writes, 50);
    assert.equal(s.buckets[0]!.p99, 50);
    assert.equal(s.buckets[1]!.p50, 75);
    assert.equal(s.buckets[0]!.writesPerSec, (46 * 1000) / 500); // writes 0..45 complete (at 11i + 1) before 500
  });

  it('ignores probes, final reads and non-ok writes', () => {
    const h = writes().write('c1', 'x', 1, 0, 5000, { outcome: 'info' }).ping('probe:a', 1, 0, 1, { host: 'a' }).read('final', 'x', 1, 2000, 2001).build();
    const s = commitLatency(h);
    assert.equal(s.writes, 100);
    assert.equal(s.max, 100);
  });

  it('picks nice bucket sizes', () => {
    assert.equal(autoBucketMs(1000), 10);
    assert.equal(autoBucketMs(10_000), 100);
    assert.equal(autoBucketMs(20_000), 200);
    assert.equal(autoBucketMs(60_000), 1000);
  });
});

describe('checkCommitLatency', () => {
  it('passes below the limit and fails at or above it as Slow commit', () => {
    const ok = checkCommitLatency(writes().build(), { limitMs: 200 });
    assert.equal(ok.ok, true, ok.summary);
    assert.equal(ok.figures.p99Ms, 99);
    assert.match(ok.summary, /^p99 commit latency 99 ms < 200 ms over 100 acknowledged writes/);
    const bad = checkCommitLatency(writes().build(), { limitMs: 99 });
    assert.equal(bad.ok, false);
    assert.equal(bad.category, 'Slow commit');
    assert.equal(ok.category, undefined);
    assert.match(bad.summary, /99 ms ≥ 99 ms/);
    assert.equal(checkCommitLatency(writes().build(), { limitMs: 60, percentile: 0.5 }).ok, true);
  });

  it('is a Harness error without acknowledged writes, and validates input', () => {
    assert.equal(checkCommitLatency(hist().write('c0', 'k', 1, 0, 10, { outcome: 'fail' }).build(), { limitMs: 100 }).category, 'Harness error');
    assert.throws(() => checkCommitLatency(writes().build(), { limitMs: 0 }), /latency limit must be a number of ms > 0; got 0/);
    assert.throws(() => checkCommitLatency(writes().build(), { limitMs: 10, percentile: 99 }), /percentile must be a fraction in \(0, 1\]/);
  });
});
