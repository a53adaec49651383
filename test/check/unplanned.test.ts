import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNoUnplannedFailover, loopSamples, loopSummaries, roleChanges } from '../../src/check/index.ts';
import { loopStats } from '../../src/platform/loop-monitor.ts';
import { HistoryBuilder } from './history-builder.ts';

const boot = () => new HistoryBuilder().role('a', 'starting', 0).role('b', 'starting', 0).role('a', 'primary', 300).role('b', 'backup', 400);

test('a pair that only booted has no role change to judge', () => {
  const v = checkNoUnplannedFailover(boot().build());
  assert.equal(v.ok, true, v.summary);
  assert.equal(v.figures.roleChanges, 0);
  assert.match(v.summary, /kept its primary/);
});

test('a takeover after a crash of the primary is planned', () => {
  const v = checkNoUnplannedFailover(boot().fault(1, 'crash', 'a', 2000).role('a', 'down', 2000).role('b', 'primary', 2100).build());
  assert.equal(v.ok, true, v.summary);
  assert.equal(v.figures.takeovers, 1);
  assert.match(v.summary, /host b became primary at 2100 ms after crash a #1/);
});

test('a takeover with no fault before it is an unplanned failover, with the stalls around it', () => {
  const h = boot()
    .mark('loop', 1900, { process: 'a', p50Ms: 0.1, p99Ms: 2, maxMs: 612, stalls: 1, windowMs: 1000 })
    .mark('loop', 1950, { process: 'harness', p50Ms: 0.1, p99Ms: 1, maxMs: 20, stalls: 0, windowMs: 1000 })
    .role('a', 'fenced', 2000)
    .role('b', 'primary', 2050)
    .fault(1, 'crash', 'b', 5000)
    .build();
  const v = checkNoUnplannedFailover(h);
  assert.equal(v.ok, false);
  assert.equal(v.category, 'Unplanned failover');
  assert.equal(v.figures.unplanned, 2);
  assert.match(v.summary, /host a fenced itself at 2000 ms; host b became primary at 2050 ms/);
  assert.match(v.summary, /host a 612 ms, harness 20 ms/);
});

test('a fault explains role changes while open and for the grace period after it ends, not before it starts', () => {
  const h = boot().fault(1, 'partition', 'replication', 1000, 2000).role('a', 'fenced', 6500).role('a', 'primary', 6600).build();
  assert.equal(checkNoUnplannedFailover(h).ok, true, 'within 5 s of the end');
  assert.equal(checkNoUnplannedFailover(h, { graceMs: 1000 }).ok, false, 'beyond a 1 s grace');
  const before = boot().role('a', 'fenced', 900).fault(1, 'partition', 'replication', 1000, 2000).build();
  assert.equal(checkNoUnplannedFailover(before).ok, false);
});

test('a brief self-fence regained without a takeover is still a role change without a fault', () => {
  const changes = roleChanges(boot().role('a', 'fenced', 1000).role('a', 'primary', 1040).build());
  assert.deepEqual(changes.map((c) => c.kind), ['self-fence', 'regained']);
  const v = checkNoUnplannedFailover(boot().role('a', 'fenced', 1000).role('a', 'primary', 1040).build());
  assert.equal(v.ok, false);
  assert.equal(v.figures.unplanned, 1);
});

test('loop marks are summarised per process; the window statistics are percentiles of the ticks', () => {
  const s = loopStats([0, 0, 1, 2, 3, 4, 5, 6, 7, 120], 50, 1000);
  assert.deepEqual(s, { p50Ms: 4, p99Ms: 120, maxMs: 120, stalls: 1, windowMs: 1000 });
  const h = new HistoryBuilder()
    .mark('loop', 1000, { pair: 'kv', process: 'a', ...loopStats([1, 2], 50, 1000) })
    .mark('loop', 2000, { pair: 'kv', process: 'a', ...loopStats([1, 80], 50, 1000) })
    .mark('loop', 1000, { process: 'harness', ...loopStats([0, 0], 50, 1000) })
    .build();
  const sum = loopSummaries(loopSamples(h));
  assert.deepEqual(sum.map((x) => [x.process, x.windows, x.maxMs, x.maxAt, x.stalls]), [
    ['harness', 1, 0, 1000, 0],
    ['host a', 2, 80, 2000, 1],
  ]);
});
