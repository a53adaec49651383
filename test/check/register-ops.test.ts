/**
 * The set workload's checkers and the register workload's ops (reg-read, reg-write,
 * reg-cas): served ops are serving evidence (a CAS answered NOMATCH included), shared-key
 * values going down are no rollback, reg writes are not the lost-writes checker's keys.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFailover, checkHistory, checkLostWrites, checkRollback, checkSplitBrain, checkStaysFenced, pairOps, served, servingRuns,
} from '../../src/check/index.ts';
import type { HistoryEvent, OpEvent, OpType } from '../../src/workload/history.ts';
import { hist } from './history-builder.ts';

type RegOp = Pick<OpEvent, 'process' | 'f' | 'key' | 'value' | 'expect' | 'host'>;

/** an invoke at t0 and its completion at t1 (fields of `done` on the completion only) */
function regOp(op: RegOp, t0: number, t1: number, type: Exclude<OpType, 'invoke'>, done: Partial<OpEvent> = {}): HistoryEvent[] {
  return [
    { kind: 'op', type: 'invoke', ...op, time: t0 },
    { kind: 'op', type, ...op, ...done, time: t1 },
  ];
}
const byTime = (es: HistoryEvent[]) => [...es].sort((a, b) => a.time - b.time);
const casNoMatch = (host: string, t0: number, t1: number, process = 'r0') =>
  regOp({ process, f: 'reg-cas', key: 'reg-0', value: 7, expect: 3, host }, t0, t1, 'fail', { error: 'NOMATCH' });

describe('register ops in the other checkers', () => {
  it('served: ok, or a compare-and-set answered NOMATCH; a refusal is not', () => {
    assert.equal(served({ type: 'ok', f: 'reg-read' }), true);
    assert.equal(served({ type: 'fail', f: 'reg-cas', error: 'NOMATCH' }), true);
    assert.equal(served({ type: 'fail', f: 'reg-cas', error: 'NOT_PRIMARY' }), false);
    assert.equal(served({ type: 'fail', f: 'write', error: 'NOMATCH' }), false);
    assert.equal(served({ type: 'info', f: 'reg-cas', error: 'timeout' }), false);
  });

  it('pairs reg ops cleanly: the history check passes, values and expect kept', () => {
    const es = byTime([
      ...regOp({ process: 'r0', f: 'reg-write', key: 'reg-0', value: 1, host: 'a' }, 0, 5, 'ok'),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'a' }, 10, 15, 'ok', { value: 1 }),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-1', host: 'a' }, 20, 25, 'ok', { value: null }),
      ...regOp({ process: 'r0', f: 'reg-cas', key: 'reg-0', value: 2, expect: 1, host: 'a' }, 30, 35, 'ok'),
      ...casNoMatch('a', 40, 45),
      ...regOp({ process: 'r0', f: 'reg-cas', key: 'reg-0', value: 8, expect: 2, host: 'a' }, 50, 55, 'info', { error: 'timeout' }),
    ]);
    const v = checkHistory(es);
    assert.equal(v.ok, true, v.summary);
    const { ops } = pairOps(es);
    assert.deepEqual(ops.map((o) => [o.f, o.type, o.value]), [
      ['reg-write', 'ok', 1], ['reg-read', 'ok', 1], ['reg-read', 'ok', null], ['reg-cas', 'ok', 2], ['reg-cas', 'fail', 7], ['reg-cas', 'info', 8],
    ]);
  });

  it('split brain: a NOMATCH answer does not end a serving run, and counts as the other host serving', () => {
    // a serves at 100 and 900 with a NOMATCH in between; b answers one read at 700
    const es = byTime([
      ...hist().ping('probe:a', 1, 100, 101, { host: 'a' }).ping('probe:a', 2, 900, 901, { host: 'a' }).build(),
      ...casNoMatch('a', 500, 501),
      ...regOp({ process: 'r1', f: 'reg-read', key: 'reg-0', host: 'b' }, 700, 702, 'ok', { value: 3 }),
    ]);
    assert.equal(servingRuns(es).get('a')!.length, 1, 'one run of a through the NOMATCH');
    const v = checkSplitBrain(es);
    assert.equal(v.ok, false, v.summary);
    assert.match(v.summary, /b served r1's op completing at 702 ms/);
    // a NOMATCH of b inside a's run is b serving, too
    const es2 = byTime([...hist().probe('a', 0, 1000, 10, () => 'ok').build(), ...casNoMatch('b', 500, 502, 'r1')]);
    const v2 = checkSplitBrain(es2);
    assert.equal(v2.ok, false, v2.summary);
    assert.match(v2.summary, /b served r1's op completing at 502 ms/);
  });

  it('split brain: a clean handover with reg ops on both hosts passes', () => {
    const es = byTime([
      ...regOp({ process: 'r0', f: 'reg-write', key: 'reg-0', value: 1, host: 'a' }, 0, 5, 'ok'),
      ...casNoMatch('a', 10, 15),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'a' }, 20, 500, 'info', { error: 'connection lost' }),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'b' }, 510, 520, 'ok', { value: 1 }),
      ...regOp({ process: 'r0', f: 'reg-cas', key: 'reg-0', value: 2, expect: 1, host: 'b' }, 530, 540, 'ok'),
    ]);
    const v = checkSplitBrain(es);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.hostsServing, 'a,b');
  });

  it('fencing: a NOMATCH from the fenced host is serving, not a refusal', () => {
    const refusal = regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'a' }, 200, 201, 'fail', { error: 'NOT_PRIMARY' });
    const ok = checkStaysFenced(byTime([...refusal]), { host: 'a', since: 100 });
    assert.equal(ok.ok, true, ok.summary);
    const v = checkStaysFenced(byTime([...refusal, ...casNoMatch('a', 300, 301)]), { host: 'a', since: 100 });
    assert.equal(v.ok, false, v.summary);
    assert.equal(v.category, 'Split brain');
    assert.match(v.summary, /r0 reg-cas reg-0 NOMATCH at 301 ms/);
    // only NOMATCH answers: still not a refusal, so fencing is judged broken, not unprovable
    const only = checkStaysFenced(byTime(casNoMatch('a', 300, 301)), { host: 'a', since: 100 });
    assert.equal(only.category, 'Split brain');
  });

  it('failover: the first reg op the other host answers ends the failover', () => {
    const es = byTime([
      ...regOp({ process: 'r0', f: 'reg-write', key: 'reg-0', value: 1, host: 'a' }, 0, 5, 'ok'),
      { kind: 'fault', phase: 'start', fault: 'crash', target: 'a', id: 1, time: 100 },
      ...casNoMatch('b', 300, 320),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'b' }, 400, 410, 'ok', { value: 9 }),
    ]);
    const v = checkFailover(es, { limitMs: 1000 });
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.failovers, 1);
    assert.match(v.summary, /220 ms/);
  });

  it('rollback ignores shared registers: another client may write a lower value', () => {
    const es = byTime([
      ...regOp({ process: 'r0', f: 'reg-write', key: 'reg-0', value: 2_000_000_001, host: 'a' }, 0, 5, 'ok'),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'a' }, 10, 15, 'ok', { value: 5 }),
      ...regOp({ process: 'r0', f: 'reg-read', key: 'reg-0', host: 'a' }, 20, 25, 'ok', { value: null }),
    ]);
    const v = checkRollback(es);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.readsChecked, 0);
  });

  it('lost writes: acked reg writes are not set-workload keys (no final read needed)', () => {
    const es = byTime([
      ...hist().write('c0', 'c0-0', 0, 0, 5).read('final', 'c0-0', 0, 100, 105).build(),
      ...regOp({ process: 'r0', f: 'reg-write', key: 'reg-0', value: 1, host: 'a' }, 10, 15, 'ok'),
    ]);
    const v = checkLostWrites(es);
    assert.equal(v.ok, true, v.summary);
    assert.match(v.summary, /\b1\b/);
  });
});
