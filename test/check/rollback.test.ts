import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRollback } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

describe('checkRollback', () => {
  it('passes for monotonic reads and ticks', () => {
    const h = hist()
      .write('c0', 'k', 1, 0, 10).read('c0', 'k', 1, 10, 20).write('c0', 'k', 2, 20, 30).read('c0', 'k', 2, 30, 40)
      .ping('c0', 100, 40, 41).ping('c0', 100, 50, 51).ping('c0', 130, 60, 61)
      .build();
    const v = checkRollback(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.readsChecked, 2);
    assert.equal(v.figures.pingsChecked, 3);
  });

  it('fails when a read returns a value older than the client saw acknowledged', () => {
    const h = hist().write('c0', 'k', 5, 0, 10).read('c0', 'k', 4, 20, 30, { host: 'b' }).build();
    const v = checkRollback(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Rollback');
    assert.equal(v.figures.valueRollbacks, 1);
    assert.match(v.summary, /c0 read k = 4 from host b at 30 ms after its acked write of 5 at 10 ms/);
  });

  it('fails when a read returns NIL after the client saw the key acknowledged', () => {
    const h = hist().write('c3', 'c3-7', 7, 0, 10).read('c3', 'c3-7', null, 20, 30).build();
    const v = checkRollback(h);
    assert.equal(v.category, 'Rollback');
    assert.match(v.summary, /read c3-7 = NIL/);
  });

  it('fails when a read goes back behind a value the client only read (an indeterminate write that happened)', () => {
    const h = hist()
      .write('c0', 'k', 1, 0, 10).write('c0', 'k', 2, 10, 500, { outcome: 'info' })
      .read('c0', 'k', 2, 600, 610).read('c0', 'k', 1, 700, 710)
      .build();
    const v = checkRollback(h);
    assert.equal(v.ok, false);
    assert.match(v.summary, /after reading 2/);
  });

  it('fails when ticks go backwards for one process', () => {
    const h = hist().ping('probe:a', 1000, 0, 1, { host: 'a' }).ping('probe:a', 900, 10, 11, { host: 'a' }).build();
    const v = checkRollback(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Rollback');
    assert.equal(v.figures.tickRollbacks, 1);
    assert.match(v.summary, /probe:a got ticks 900 from host a at 11 ms after ticks 1000 at 1 ms/);
  });

  it('compares ticks and values only within one process', () => {
    const h = hist()
      .ping('c0', 1000, 0, 1).ping('c1', 10, 5, 6)
      .write('c0', 'k', 5, 0, 10).read('c1', 'k', 1, 20, 30)
      .build();
    assert.equal(checkRollback(h).ok, true);
  });

  it('ignores failed and indeterminate reads', () => {
    const h = hist().write('c0', 'k', 5, 0, 10).read('c0', 'k', null, 20, 30, { outcome: 'fail' }).read('c0', 'k', null, 40, 50, { outcome: 'info' }).build();
    assert.equal(checkRollback(h).ok, true);
  });
});
