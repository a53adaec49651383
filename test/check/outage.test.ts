import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOutage, findOutages } from '../../src/check/index.ts';
import { crashProbes, hist } from './history-builder.ts';

const crash = crashProbes;

describe('findOutages / checkOutage', () => {
  it('finds the gap between successful probes of any host and attributes it to the fault', () => {
    const a = findOutages(crash().build());
    assert.equal(a.probeIntervalMs, 10);
    assert.equal(a.thresholdMs, 30);
    assert.equal(a.outages.length, 1);
    const o = a.outages[0]!;
    assert.equal(o.from, 991);
    assert.equal(o.to, 1401);
    assert.equal(o.ms, 410);
    assert.equal(o.open, false);
    assert.deepEqual(o.incident, { id: 1, fault: 'crash', target: 'a', start: 1000 });
    assert.equal(a.incidents.length, 1);
    assert.equal(a.incidents[0]!.label, 'crash a #1');
  });

  it('checkOutage passes within the limit and fails beyond it, with the evidence', () => {
    const h = crash().build();
    const pass = checkOutage(h, { maxOutageMs: 500 });
    assert.equal(pass.ok, true, pass.summary);
    assert.equal(pass.figures.maxOutageMs, 410);
    assert.equal(pass.figures['outage ms: crash a #1'], 410);
    const fail = checkOutage(h, { maxOutageMs: 300 });
    assert.equal(fail.ok, false);
    assert.equal(fail.category, 'Availability below target');
    assert.match(fail.summary, /outage 410 ms exceeds 300 ms: 410 ms from 991 to 1401 ms \(after crash a #1 at 1000 ms\)/);
  });

  it('respects thresholds both ways', () => {
    const h = hist().probe('a', 0, 100, 10, () => 'ok').probe('a', 115, 200, 10, () => 'ok').build();
    // successes at 91 and 116: gap 25 ms
    assert.equal(findOutages(h).outages.length, 0); // default threshold 30
    const a = findOutages(h, { thresholdMs: 20 });
    assert.equal(a.outages.length, 1);
    assert.equal(a.outages[0]!.ms, 25);
    assert.throws(() => findOutages(h, { thresholdMs: -1 }), /threshold must be a number of ms ≥ 0; got -1/);
  });

  it('reports the window before the first success as start-up, not outage', () => {
    const h = hist().probe('a', 0, 1000, 10, (t) => (t < 200 ? 'fail' : 'ok')).build();
    const a = findOutages(h);
    assert.equal(a.outages.length, 0);
    assert.equal(a.startupMs, 201);
    assert.equal(checkOutage(h).figures.startupMs, 201);
  });

  it('attributes each outage to its own incident', () => {
    const h = hist()
      .probe('a', 0, 5000, 10, (t) => ((t >= 1000 && t < 1300) || (t >= 3000 && t < 3500) ? 'fail' : 'ok'))
      .fault(1, 'crash', 'b', 200) // long before: not the cause of the first outage
      .fault(2, 'hang', 'a', 1000, 1300) // 9 ms after the last success at 991
      .fault(3, 'partition', 'replication', 2995) // 4 ms after the last success at 2991
      .build();
    const a = findOutages(h);
    assert.equal(a.outages.length, 2);
    assert.equal(a.outages[0]!.incident!.id, 2);
    assert.equal(a.outages[1]!.incident!.id, 3);
    const v = checkOutage(h);
    assert.equal(v.figures['outage ms: hang a #2'], 310);
    assert.equal(v.figures['outage ms: partition replication #3'], 510);
    assert.equal(v.figures.totalOutageMs, 820);
    assert.equal(v.figures.outages, 2);
  });

  it('attributes to the fault nearest the outage start: just before it (reply in flight) beats an old one and one deep inside', () => {
    const h = hist()
      .probe('a', 0, 2000, 10, (t) => (t < 1000 || t >= 1500 ? 'ok' : 'fail')) // last success 991, back at 1501
      .fault(1, 'crash', 'b', 100)
      .fault(2, 'hang', 'a', 985)
      .fault(3, 'latency', 'replication', 1300)
      .fault(4, 'crash', 'b', 1600) // after the service came back
      .build();
    assert.equal(findOutages(h).outages[0]!.incident!.id, 2);
  });

  it('leaves an outage with no fault before it unattributed', () => {
    const h = hist().probe('a', 0, 2000, 10, (t) => (t < 1000 || t >= 1500 ? 'ok' : 'fail')).build();
    const a = findOutages(h);
    assert.equal(a.outages[0]!.incident, null);
    assert.match(a.incidents[0]!.label, /^unattributed at 991 ms/);
  });

  it('fails on an outage still open when the history ends (e.g. both hosts crashed)', () => {
    const h = hist()
      .probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'))
      .probe('b', 0, 2000, 10, (t) => (t < 1500 ? 'fail' : 'fail'))
      .fault(1, 'crash', 'a', 1000).fault(2, 'crash', 'b', 1000)
      .build();
    const a = findOutages(h);
    assert.equal(a.outages.length, 1);
    assert.equal(a.outages[0]!.open, true);
    assert.equal(a.outages[0]!.to, 1991);
    const v = checkOutage(h, { maxOutageMs: 5000 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Availability below target');
    assert.match(v.summary, /still down when the history ends/);
  });

  it('is a Harness error without probes or without any success', () => {
    const none = hist().write('c0', 'k', 1, 0, 10).build();
    assert.equal(checkOutage(none).category, 'Harness error');
    assert.match(checkOutage(none).summary, /no probe ops/);
    const down = hist().probe('a', 0, 100, 10, () => 'fail').build();
    assert.equal(checkOutage(down).category, 'Harness error');
    assert.match(checkOutage(down).summary, /never observed up/);
  });

  it('validates the limit', () => {
    assert.throws(() => checkOutage(crash().build(), { maxOutageMs: -5 }), /maximum outage must be a number of ms ≥ 0; got -5/);
  });
});
