import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLostWrites, checkNoUnplannedFailover, checkSplitBrain, concerns, eventsOf, pairOf, pairsIn } from '../../src/check/index.ts';
import type { HistoryEvent } from '../../src/workload/history.ts';
import { Recorder } from '../../src/workload/recorder.ts';
import { hist } from './history-builder.ts';

/** the events of `build` stamped with `pair`, as a pair's scoped recorder writes them */
const of = (pair: string, events: HistoryEvent[]): HistoryEvent[] => events.map((e) => ({ ...e, pair }));

/** two pairs with the same client and host names; p1 loses a write and fails over with no fault, p2 is fine */
function twoPairs(): HistoryEvent[] {
  const p1 = of('p1', hist().role('a', 'primary', 0).write('c0', 'c0-0', 0, 10, 20).write('c0', 'c0-1', 1, 30, 40).role('b', 'primary', 500).read('final', 'c0-0', 0, 900, 901, { host: 'b' }).read('final', 'c0-1', null, 901, 902, { host: 'b' }).build());
  const p2 = of('p2', hist().role('a', 'primary', 0).write('c0', 'c0-0', 7, 10, 20).fault(1, 'crash', 'a', 300).role('b', 'primary', 350).read('final', 'c0-0', 7, 900, 901, { host: 'b' }).build());
  const wide = hist().mark('scenario start', 0).mark('network healed', 800).build();
  return [...wide, ...p1, ...p2].sort((a, b) => a.time - b.time);
}

describe('eventsOf', () => {
  it('keeps a pair\'s own events and the scenario-wide ones, in order', () => {
    const h = twoPairs();
    const p2 = eventsOf(h, 'p2');
    assert.ok(p2.every((e) => e.pair === 'p2' || e.pair === undefined));
    assert.equal(p2.filter((e) => e.kind === 'mark').length, 2);
    assert.deepEqual(p2.map((e) => e.time), [...p2.map((e) => e.time)].sort((a, b) => a - b));
    assert.deepEqual(pairsIn(h), ['p1', 'p2']);
  });

  it('reads the pair of marks and fault windows from detail.pair too', () => {
    const m: HistoryEvent = { kind: 'mark', label: 'healed', detail: { pair: 'p1' }, time: 1 };
    assert.equal(pairOf(m), 'p1');
    assert.equal(concerns(m, 'p2'), false);
    assert.equal(concerns({ kind: 'mark', label: 'network healed', time: 2 }, 'p2'), true);
  });

  it('is the whole history when there is one pair', () => {
    const h = [...hist().mark('scenario start', 0).build(), ...of('kv', hist().write('c0', 'k', 1, 1, 2).build())];
    assert.deepEqual(eventsOf(h, 'kv'), h);
  });

  it('lets each pair\'s checkers judge that pair alone', () => {
    const h = twoPairs();
    // the whole history mixes both pairs' c0-0 (values 0 and 7) and both pairs' hosts
    assert.equal(checkLostWrites(eventsOf(h, 'p1')).ok, false);
    assert.equal(checkLostWrites(eventsOf(h, 'p2')).ok, true, checkLostWrites(eventsOf(h, 'p2')).summary);
    assert.equal(checkNoUnplannedFailover(eventsOf(h, 'p1')).ok, false);
    // p2's takeover follows p2's own crash; p1's takeover is not explained by p2's crash
    assert.equal(checkNoUnplannedFailover(eventsOf(h, 'p2')).ok, true);
    assert.equal(checkSplitBrain(eventsOf(h, 'p2')).ok, true);
  });
});

describe('Recorder.scoped', () => {
  it('stamps the pair, shares one history and one fault numbering, and wakes waiters of the root', async () => {
    const root = new Recorder(null);
    const a = root.scoped('p1');
    const b = root.scoped('p2');
    const waiting = root.waitForEvent((e) => e.kind === 'mark' && e.label === 'x' && e.pair === 'p2', 1000);
    root.mark('scenario start');
    const f1 = a.faultStart('crash', 'a');
    const f2 = b.faultStart('crash', 'a');
    b.mark('x');
    assert.equal(f2, f1 + 1);
    assert.deepEqual(root.events.map((e) => e.pair), [undefined, 'p1', 'p2', 'p2']);
    assert.equal((await waiting)?.pair, 'p2');
    assert.equal(eventsOf(root.events, 'p1').length, 2);
  });
});
