import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFailover, checkPromotion, checkStaysFenced, findFailovers } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

const primaryCrash = () =>
  hist()
    .role('a', 'primary', 0).role('b', 'backup', 0)
    .probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'))
    .probe('b', 0, 2000, 10, (t) => (t < 1400 ? 'fail' : 'ok'))
    .fault(1, 'crash', 'a', 1000).role('a', 'down', 1000).role('b', 'primary', 1350);

describe('checkFailover', () => {
  it('times a crash of the primary until another host serves', () => {
    const v = checkFailover(primaryCrash().build(), { limitMs: 1000 });
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures['failover ms: crash a #1'], 401);
    assert.match(v.summary, /crash a #1 at 1000 ms: b served 401 ms later \(probe:b ok at 1401 ms, reported primary 350 ms after the fault\)/);
  });

  it('fails as Slow failover beyond the limit', () => {
    const v = checkFailover(primaryCrash().build(), { limitMs: 300 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Slow failover');
  });

  it('fails when no other host ever serves', () => {
    const h = hist().role('a', 'primary', 0).probe('a', 0, 1000, 10, (t) => (t < 500 ? 'ok' : 'fail')).fault(1, 'hang', 'a', 500).build();
    const v = checkFailover(h, { limitMs: 1000 });
    assert.equal(v.category, 'Slow failover');
    assert.match(v.summary, /no other host served afterwards/);
  });

  it('ignores faults of the backup; with none of the primary it is a Harness error', () => {
    const h = hist().role('a', 'primary', 0).role('b', 'backup', 0).probe('a', 0, 1000, 10, () => 'ok').fault(1, 'crash', 'b', 500).build();
    assert.equal(findFailovers(h).length, 0);
    assert.equal(checkFailover(h, { limitMs: 1000 }).category, 'Harness error');
  });

  it('infers the primary from the ops when there are no role events', () => {
    const h = hist()
      .probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'))
      .probe('b', 0, 2000, 10, (t) => (t < 1200 ? 'fail' : 'ok'))
      .fault(1, 'crash', 'b', 500) // b was not serving: no failover expected
      .fault(2, 'crash', 'a', 1000)
      .build();
    const f = findFailovers(h);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.fault.id, 2);
    assert.equal(f[0]!.failoverMs, 201);
  });

  it('validates the limit', () => {
    assert.throws(() => checkFailover(primaryCrash().build(), { limitMs: -1 }), /failover limit must be a number of ms ≥ 0; got -1/);
  });
});

describe('checkPromotion', () => {
  it('passes when the named host serves within the limit, fails (Slow failover) otherwise', () => {
    const h = primaryCrash().build();
    const ok = checkPromotion(h, { host: 'b', since: 1000, limitMs: 500 });
    assert.equal(ok.ok, true, ok.summary);
    assert.equal(ok.figures.servedAfterMs, 401);
    assert.equal(ok.figures.promotedAfterMs, 350);
    const slow = checkPromotion(h, { host: 'b', since: 1000, limitMs: 100 });
    assert.equal(slow.ok, false);
    assert.equal(slow.category, 'Slow failover');
    const never = checkPromotion(h, { host: 'c', since: 1000, limitMs: 100 });
    assert.match(never.summary, /host c never served/);
  });
});

describe('checkStaysFenced', () => {
  const hang = () =>
    hist()
      .probe('a', 0, 1000, 10, () => 'ok')
      .fault(1, 'hang', 'a', 1000, 3000)
      .ping('probe:a', 0, 1000, 1200, { host: 'a', outcome: 'info' })
      .probe('b', 1300, 5000, 10, () => 'ok');
  it('passes when the old primary only refuses after the fault', () => {
    const v = checkStaysFenced(hang().probe('a', 3000, 5000, 10, () => 'fail').build(), { host: 'a', since: 1000 });
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.refusals, 200);
  });

  it('fails as Split brain when it answers as primary again', () => {
    const v = checkStaysFenced(hang().probe('a', 3000, 5000, 10, (t) => (t < 3100 ? 'ok' : 'fail')).build(), { host: 'a', since: 1000 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Split brain');
    assert.match(v.summary, /host a answered as primary after it should be fenced \(at 1000 ms\): 10 ops, first probe:a ping ok at 3001 ms/);
  });

  it('is unprovable without a refusal', () => {
    const v = checkStaysFenced(hang().build(), { host: 'a', since: 1000 });
    assert.equal(v.category, 'Harness error');
  });
});
