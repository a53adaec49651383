import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSplitBrain, servingRuns } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

describe('checkSplitBrain', () => {
  it('passes a clean handover', () => {
    const h = hist()
      .probe('a', 0, 2000, 10, (t) => (t < 1000 ? 'ok' : 'fail'))
      .probe('b', 0, 2000, 10, (t) => (t < 1100 ? 'fail' : 'ok'))
      .build();
    const v = checkSplitBrain(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures['runs a'], 1);
    assert.equal(v.figures['runs b'], 1);
  });

  it('fails when both hosts serve in overlapping runs, reporting hosts and window', () => {
    const h = hist()
      .probe('a', 0, 2000, 10, (t) => (t < 1500 ? 'ok' : 'fail'))
      .probe('b', 0, 2000, 10, (t) => (t < 1000 ? 'fail' : 'ok'))
      .build();
    const v = checkSplitBrain(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Split brain');
    assert.match(v.summary, /hosts a and b both served between 1001 and 1490 ms/);
    assert.equal(v.figures.overlaps, 1);
  });

  it('catches a single op of the other host strictly inside a run', () => {
    const h = hist()
      .probe('a', 0, 1000, 10, () => 'ok')
      .write('c2', 'c2-0', 0, 500, 502, { host: 'b' })
      .build();
    const v = checkSplitBrain(h);
    assert.equal(v.ok, false);
    assert.match(v.summary, /b served c2's op completing at 502 ms/);
  });

  it('two single ok points never overlap', () => {
    const h = hist().ping('probe:a', 1, 100, 100, { host: 'a' }).ping('probe:b', 1, 100, 100, { host: 'b' }).build();
    assert.equal(checkSplitBrain(h).ok, true);
  });

  it('does not accuse a handover because an old reply arrived late', () => {
    // c0's write was served by a before the handover but its ack (output commit) arrived at 1010
    const h = hist()
      .probe('a', 0, 1000, 10, (t) => (t < 995 ? 'ok' : 'fail'))
      .write('c0', 'c0-1', 1, 990, 1010, { host: 'a' })
      .probe('b', 1000, 2000, 10, () => 'ok')
      .build();
    assert.equal(checkSplitBrain(h).ok, true, checkSplitBrain(h).summary);
  });

  it('a fail ends a run, an info does not', () => {
    const base = () => hist().probe('a', 0, 500, 10, () => 'ok').probe('b', 1000, 1500, 10, () => 'ok').probe('a', 1600, 2000, 10, () => 'ok');
    const withFail = base().ping('probe:a', 0, 600, 601, { host: 'a', outcome: 'fail' }).build();
    assert.equal(checkSplitBrain(withFail).ok, true);
    const withInfo = base().ping('probe:a', 0, 600, 800, { host: 'a', outcome: 'info' }).build();
    const v = checkSplitBrain(withInfo);
    assert.equal(v.ok, false, 'a never refused, so it served from 1 ms to 1990 ms, across b');
    assert.equal(servingRuns(withInfo).get('a')!.length, 1);
  });

  it('handles ~200k events quickly', () => {
    const b = hist();
    b.probe('a', 0, 500_000, 5, (t) => (t < 250_000 ? 'ok' : 'fail'));
    b.probe('b', 0, 500_000, 5, (t) => (t < 250_100 ? 'fail' : 'ok'));
    const h = b.build();
    assert.ok(h.length >= 200_000);
    const t0 = performance.now();
    const v = checkSplitBrain(h);
    assert.equal(v.ok, true);
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  });
});
