import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHistory, faultWindows, ordered, pairOps } from '../../src/check/index.ts';
import { pct } from '../../src/check/format.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { hist } from './history-builder.ts';

describe('history reading', () => {
  it('pairs invokes with completions and keeps never-completed ops open', () => {
    const { ops, anomalies } = pairOps(hist().write('c0', 'k', 1, 0, 10).write('c0', 'k', 2, 20, 0, { outcome: 'open' }).build());
    assert.equal(anomalies.length, 0);
    assert.deepEqual(ops.map((o) => [o.type, o.invokeTime, o.completeTime]), [['ok', 0, 10], ['open', 20, null]]);
  });

  it('reports malformed histories as a Harness error', () => {
    const h: HistoryEvent[] = [
      { kind: 'op', type: 'ok', process: 'c0', f: 'write', key: 'k', value: 1, time: 1 },
      { kind: 'op', type: 'invoke', process: 'c1', f: 'write', key: 'a', value: 1, time: 2 },
      { kind: 'op', type: 'invoke', process: 'c1', f: 'write', key: 'b', value: 1, time: 3 },
    ];
    const v = checkHistory(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Harness error');
    assert.equal(v.figures.anomalies, 2);
    assert.match(v.summary, /c0 at 1 ms: ok of write k matches no op in flight/);
    assert.equal(checkHistory([]).ok, false);
    assert.equal(checkHistory(hist().write('c0', 'k', 1, 0, 1).build()).ok, true);
  });

  it('sorts an out-of-order history (role events stamped by the hosts arrive late)', () => {
    const h: HistoryEvent[] = [
      { kind: 'op', type: 'invoke', process: 'c0', f: 'ping', time: 5 },
      { kind: 'role', host: 'a', role: 'primary', time: 1 },
      { kind: 'op', type: 'ok', process: 'c0', f: 'ping', ticks: 1, time: 6 },
    ];
    assert.deepEqual(ordered(h).map((e) => e.time), [1, 5, 6]);
  });

  it('pairs fault windows; a missing end stays open', () => {
    const w = faultWindows(hist().fault(1, 'crash', 'a', 10).fault(2, 'hang', 'b', 20, 30).build());
    assert.deepEqual(w.map((f) => [f.id, f.start, f.end]), [[1, 10, null], [2, 20, 30]]);
  });
});

describe('pct', () => {
  it('truncates, never rounding up to more nines', () => {
    assert.equal(pct(1 - 6 / 31_536_000), '99.99998 %');
    assert.equal(pct(0.99999), '99.999 %');
    assert.equal(pct(0.99998999), '99.99899 %'); // 99.998999 cut, not rounded to 99.999
    assert.equal(pct(0.999989999), '99.99899 %');
    assert.equal(pct(0.9999999999), '99.99999 %'); // never shown as 100 %
    assert.equal(pct(1), '100 %');
  });
});
