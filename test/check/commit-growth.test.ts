import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommitGrowth, commitGrowth } from '../../src/check/index.ts';
import { HistoryBuilder } from './history-builder.ts';

/** writes every 10 ms from 0 to 3000 ms; 25 ms latency, `extra` more while a latency fault (1000-2000) is open */
function history(extra: number, faultKind = 'latency') {
  const h = new HistoryBuilder().fault(1, faultKind, 'replication', 1000, 2000);
  let n = 0;
  for (let t = 0; t < 3000; t += 10) {
    const lat = 25 + (t >= 1000 && t < 2000 ? extra : 0);
    h.write('c0', `c0-${n}`, n, t, t + lat);
    n++;
  }
  return h.build();
}

test('growth is the difference of median latencies inside and outside the windows', () => {
  const g = commitGrowth(history(100), 'latency');
  assert.equal(g.inside.writes, 100);
  assert.equal(g.outside.writes, 200);
  assert.equal(g.inside.p50, 125);
  assert.equal(g.outside.p50, 25);
  assert.equal(g.growthMs, 100);
});

test('about the expected growth passes; far less or far more fails with the right category', () => {
  assert.equal(checkCommitGrowth(history(100), { fault: 'latency', expectedMs: 100 }).ok, true);
  const none = checkCommitGrowth(history(0), { fault: 'latency', expectedMs: 100 });
  assert.equal(none.ok, false);
  assert.match(none.summary, /less than the link adds/);
  const much = checkCommitGrowth(history(400), { fault: 'latency', expectedMs: 100 });
  assert.equal(much.ok, false);
  assert.equal(much.category, 'Slow commit');
});

test('without an expected figure it only has to grow; without evidence it fails as a harness error', () => {
  assert.equal(checkCommitGrowth(history(30, 'bandwidth'), { fault: 'bandwidth' }).ok, true);
  assert.equal(checkCommitGrowth(history(0, 'bandwidth'), { fault: 'bandwidth' }).ok, false);
  const v = checkCommitGrowth(history(30), { fault: 'bandwidth' });
  assert.equal(v.ok, false);
  assert.equal(v.category, 'Harness error');
});
