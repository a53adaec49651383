import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLostWrites } from '../../src/check/index.ts';
import { hist } from './history-builder.ts';

describe('checkLostWrites', () => {
  it('passes when every acknowledged write is visible in the final reads', () => {
    const h = hist()
      .write('c0', 'c0-0', 0, 0, 10).write('c0', 'c0-1', 1, 10, 20).write('c1', 'c1-0', 0, 5, 15)
      .read('final', 'c0-0', 0, 100, 101, { host: 'b' }).read('final', 'c0-1', 1, 101, 102, { host: 'b' }).read('final', 'c1-0', 0, 102, 103, { host: 'b' })
      .build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.category, undefined);
    assert.equal(v.figures.ok, 3);
    assert.equal(v.figures.lost, 0);
    assert.equal(v.figures.unknown, 0);
    assert.match(v.summary, /all 3 keys/);
  });

  it('passes when a key holds a newer value than its last ack (register keys)', () => {
    const h = hist().write('c0', 'k', 1, 0, 10).write('c0', 'k', 2, 10, 20).write('c0', 'k', 3, 20, 30).read('final', 'k', 3, 100, 101).build();
    assert.equal(checkLostWrites(h).ok, true);
  });

  it('fails as State loss when the final value is older than the last ack, naming key, value and time', () => {
    const h = hist()
      .write('c0', 'k', 1, 0, 10).write('c0', 'k', 2, 10, 20).write('c0', 'k', 3, 20, 30)
      .write('c1', 'j', 7, 0, 12)
      .read('final', 'k', 1, 100, 101).read('final', 'j', 7, 101, 102)
      .build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'State loss');
    assert.equal(v.figures.lost, 1);
    assert.equal(v.figures.lostWrites, 2);
    assert.equal(v.figures.ok, 1);
    assert.match(v.summary, /k last acked 3 \(c0 at 30 ms\), final read 1 at 101 ms \(2 acked writes lost\)/);
  });

  it('fails as State loss on NIL after an ack', () => {
    const h = hist().write('c0', 'c0-5', 5, 0, 10).read('final', 'c0-5', null, 100, 101).build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'State loss');
    assert.match(v.summary, /c0-5 last acked 5 .*final read NIL/);
  });

  it('counts an indeterminate write whose value is present as recovered, and one that is absent as no loss', () => {
    const h = hist()
      .write('c0', 'k', 1, 0, 10)
      .write('c0', 'k', 2, 10, 1000, { outcome: 'info' }) // timed out, but it happened
      .write('c0', 'm', 1, 20, 30)
      .write('c0', 'm', 2, 30, 1000, { outcome: 'info' }) // timed out, did not happen
      .write('c0', 'n', 1, 40, 0, { outcome: 'open' }) // never completed, did happen
      .read('final', 'k', 2, 2000, 2001).read('final', 'm', 1, 2001, 2002).read('final', 'n', 1, 2002, 2003)
      .build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.recovered, 2);
    assert.equal(v.figures.indeterminateWrites, 3);
    assert.equal(v.figures.ok, 2);
    assert.deepEqual((v.details as { recovered: unknown[] }).recovered.map((r) => (r as { key: string }).key).sort(), ['k', 'n']);
  });

  it('never claims zero loss for an acked key without a final read (Harness error, unprovable)', () => {
    const h = hist().write('c0', 'a', 1, 0, 10).write('c0', 'b', 1, 10, 20).read('final', 'a', 1, 100, 101)
      .read('final', 'b', null, 101, 2101, { outcome: 'info', error: 'timeout' })
      .build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Harness error');
    assert.equal(v.figures.unknown, 1);
    assert.match(v.summary, /^zero loss NOT shown: unprovable: 1 of 2 keys .*b last acked 1 .*no final read \(timeout\)/);
  });

  it('with no final reads at all (both hosts down) it fails and says why', () => {
    const h = hist().write('c0', 'a', 1, 0, 10).build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Harness error');
    assert.match(v.summary, /unprovable/);
  });

  it('reports State loss first when keys are both lost and unknown', () => {
    const h = hist().write('c0', 'a', 1, 0, 10).write('c0', 'b', 1, 10, 20).read('final', 'a', null, 100, 101).build();
    const v = checkLostWrites(h);
    assert.equal(v.category, 'State loss');
    assert.match(v.summary, /also unprovable/);
  });

  it('fails (Harness error) when there is no acknowledged write at all, unless told otherwise', () => {
    const h = hist().write('c0', 'a', 1, 0, 10, { outcome: 'fail' }).read('final', 'a', null, 100, 101).build();
    assert.equal(checkLostWrites(h).category, 'Harness error');
    assert.equal(checkLostWrites(h, { requireWrites: false }).ok, true);
  });

  it('flags a final value that no recorded write attempted', () => {
    const h = hist().write('c0', 'a', 1, 0, 10).read('final', 'a', 9, 100, 101).build();
    const v = checkLostWrites(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Harness error');
    assert.match(v.summary, /a = 9/);
  });

  it('pairs pipelined final reads (many in flight on process "final") by key', () => {
    const h = [
      { kind: 'op', type: 'invoke', process: 'c0', f: 'write', key: 'x', value: 1, host: 'a', time: 0 },
      { kind: 'op', type: 'ok', process: 'c0', f: 'write', key: 'x', value: 1, host: 'a', time: 1 },
      { kind: 'op', type: 'invoke', process: 'c0', f: 'write', key: 'y', value: 2, host: 'a', time: 2 },
      { kind: 'op', type: 'ok', process: 'c0', f: 'write', key: 'y', value: 2, host: 'a', time: 3 },
      { kind: 'op', type: 'invoke', process: 'final', f: 'read', key: 'x', host: 'b', time: 10 },
      { kind: 'op', type: 'invoke', process: 'final', f: 'read', key: 'y', host: 'b', time: 10 },
      { kind: 'op', type: 'ok', process: 'final', f: 'read', key: 'y', value: 2, host: 'b', time: 11 },
      { kind: 'op', type: 'ok', process: 'final', f: 'read', key: 'x', value: null, host: 'b', time: 12 },
    ] as const;
    const v = checkLostWrites(h);
    assert.equal(v.category, 'State loss');
    assert.equal(v.figures.lost, 1);
    assert.match(v.summary, /x last acked 1/);
  });

  it('lists at most maxListed keys in the summary', () => {
    const b = hist();
    for (let i = 0; i < 20; i++) b.write('c0', `k${i}`, i, i, i + 1).read('final', `k${i}`, null, 100 + i, 101 + i);
    const v = checkLostWrites(b.build(), { maxListed: 3 });
    assert.match(v.summary, /and 17 more/);
    assert.equal(v.figures.lost, 20);
  });
});
