import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLinearizable, type LinearizableDetails, type WindowOp } from '../../src/check/index.ts';
import { registerOps, relevantOps, type RegOp } from '../../src/check/linearizable-ops.ts';
import type { HistoryEvent, OpEvent } from '../../src/workload/history.ts';
import { corruptRead, okReads, reg, registerHistory, rng } from './register-history.ts';

type Op = Pick<RegOp, 'f' | 'value' | 'expect' | 'type' | 'invokeTime' | 'completeTime'>;

/**
 * The oracle: every order of the ops that respects real time (a before b when a returned
 * before b was invoked), indeterminate ops optional, no memo, from `initial` (undefined = try
 * every value the ops mention). Exponential: small histories only.
 */
function bruteForce(ops: readonly Op[], initial?: number | null): boolean {
  const ret = (o: Op) => (o.type === 'ok' ? o.completeTime! : Infinity);
  const n = ops.length;
  const definite = ops.filter((o) => o.type === 'ok').length;
  const go = (used: number, state: number | null, done: number): boolean => {
    if (done === definite) return true;
    for (let i = 0; i < n; i++) {
      if (used & (1 << i)) continue;
      const o = ops[i]!;
      let blocked = false;
      for (let j = 0; j < n && !blocked; j++) if (!(used & (1 << j)) && j !== i && ret(ops[j]!) < o.invokeTime) blocked = true;
      if (blocked) continue;
      let next: number | null;
      if (o.f === 'reg-write') next = o.value;
      else if (o.f === 'reg-read') {
        if (state !== o.value) continue;
        next = state;
      } else {
        if (state !== (o.expect ?? null)) continue;
        next = o.value;
      }
      if (go(used | (1 << i), next, done + (o.type === 'ok' ? 1 : 0))) return true;
    }
    return false;
  };
  if (initial !== undefined) return go(0, initial, 0);
  const candidates = new Set<number | null>([null]);
  for (const o of ops) {
    candidates.add(o.value);
    if (o.expect !== undefined) candidates.add(o.expect);
  }
  return [...candidates].some((x) => go(0, x, 0));
}

/** the brute-force verdict of a whole history: every key from NIL */
function bruteForceHistory(h: readonly HistoryEvent[]): boolean {
  for (const ops of registerOps(h).byKey.values()) if (!bruteForce(relevantOps(ops), null)) return false;
  return true;
}

const windowOps = (w: readonly WindowOp[]): Op[] => w.map((o) => ({ f: o.f, value: o.value, expect: o.expect, type: o.outcome, invokeTime: o.invokeTime, completeTime: o.completeTime }));

/** the reported window must itself be non-linearizable from the value it claims */
function assertWindowProves(d: LinearizableDetails) {
  const ok = bruteForce(windowOps(d.window), d.initial === 'nil' ? null : undefined);
  assert.equal(ok, false, `window ${JSON.stringify(d.window)} is linearizable from ${d.initial}`);
}

const check = (h: HistoryEvent[]) => checkLinearizable(h);

describe('checkLinearizable: known histories', () => {
  it('passes a sequential history and counts what it checked', () => {
    const h = reg().w('r0', 'x', 1, 0, 10).r('r1', 'x', 1, 20, 30).cas('r0', 'x', 1, 2, 40, 50).r('r1', 'x', 2, 60, 70).w('r0', 'y', 5, 0, 5).r('r0', 'y', 5, 6, 7).build();
    const v = check(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.keysChecked, 2);
    assert.equal(v.figures.ops, 6);
    assert.match(v.summary, /2 keys linearizable \(6 ops, 0 indeterminate/);
  });

  it('passes concurrent ops that can be ordered (a read during a write sees old or new)', () => {
    const h = reg()
      .w('r0', 'x', 1, 0, 10)
      .w('r0', 'x', 2, 20, 60)
      .r('r1', 'x', 2, 25, 30) // new value, before the write returned
      .r('r2', 'x', 1, 22, 40) // old value, also concurrent — ordered before the write
      .r('r3', 'x', null, -5, 2) // NIL: concurrent with the first write
      .build();
    const v = check(h);
    assert.equal(v.ok, true, v.summary);
  });

  it('treats an op invoked at the instant another returned as concurrent', () => {
    const v = check(reg().w('r0', 'x', 1, 0, 10).r('r1', 'x', null, 10, 12).build());
    assert.equal(v.ok, true, v.summary);
  });

  it('fails a stale read after a completed write, naming both ops', () => {
    const h = reg().w('r0', 'x', 3, 0, 10).w('r0', 'x', 4, 1490, 1500).r('r2', 'x', 3, 1510, 1520).build();
    const v = check(h);
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Not linearizable');
    assert.match(v.summary, /^key x: read 3 by r2 at 1\.51 s–1\.52 s cannot be ordered with write 4 \(r0, 1\.49 s–1\.5 s ok\)/);
    const d = v.details as LinearizableDetails;
    assert.equal(d.key, 'x');
    assert.equal(d.window.length, 2);
    assert.equal(d.initial, 'any');
    assert.equal(v.figures.windowOps, 2);
    assertWindowProves(d);
  });

  it('fails a read of a value never written (from NIL)', () => {
    const v = check(reg().w('r0', 'x', 1, 0, 10).r('r1', 'x', 7, 20, 30).build());
    assert.equal(v.ok, false);
    const d = v.details as LinearizableDetails;
    assert.match(v.summary, /read 7 by r1/);
    assertWindowProves(d);
  });

  it('fails a NIL read first thing only when a write completed before it', () => {
    assert.equal(check(reg().r('r1', 'x', 9, 0, 5).build()).ok, false, 'a read of 9 with nothing written');
    assert.equal(check(reg().r('r1', 'x', null, 0, 5).w('r0', 'x', 1, 6, 8).build()).ok, true);
  });

  it('fails when a value is read, then an older one by another client after the first read completed', () => {
    const h = reg()
      .w('r0', 'x', 1, 0, 10)
      .w('r0', 'x', 2, 20, 100) // long write: both values possible while it runs
      .r('r1', 'x', 2, 30, 40)
      .r('r2', 'x', 1, 50, 60) // after r1 saw 2: 1 is gone
      .build();
    const v = check(h);
    assert.equal(v.ok, false);
    const d = v.details as LinearizableDetails;
    assert.ok(d.window.some((o) => o.process === 'r1') && d.window.some((o) => o.process === 'r2'), JSON.stringify(d.window));
    assertWindowProves(d);
  });

  it('fails a broken cas chain, passes a whole one', () => {
    const good = reg().w('r0', 'x', 1, 0, 10).cas('r1', 'x', 1, 2, 20, 30).cas('r2', 'x', 2, 3, 40, 50).r('r0', 'x', 3, 60, 70).build();
    assert.equal(check(good).ok, true);
    // both cas 1→2 and 1→3 succeeded one after the other: the second must have seen 2
    const broken = reg().w('r0', 'x', 1, 0, 10).cas('r1', 'x', 1, 2, 20, 30).cas('r2', 'x', 1, 3, 40, 50).build();
    const v = check(broken);
    assert.equal(v.ok, false);
    assert.match(v.summary, /cas 1→3 by r2/);
    assertWindowProves(v.details as LinearizableDetails);
  });

  it('drops failed ops: a failed cas changed nothing, a failed write did not happen', () => {
    const h = reg().w('r0', 'x', 1, 0, 10).cas('r1', 'x', 5, 2, 20, 30, 'fail').w('r2', 'x', 9, 35, 38, 'fail').r('r0', 'x', 1, 40, 50).build();
    assert.equal(check(h).ok, true);
  });

  it('an indeterminate write may explain a later read (linearizable)', () => {
    const h = reg().w('r0', 'x', 1, 0, 10).w('r1', 'x', 2, 20, 30, 'info').w('r0', 'x', 3, 40, 50).r('r2', 'x', 2, 60, 70).build();
    const v = check(h);
    assert.equal(v.ok, true, v.summary);
    assert.equal(v.figures.indeterminateOps, 1);
    // never completed: the same
    assert.equal(check(reg().w('r1', 'x', 2, 20, 30, 'open').w('r0', 'x', 3, 40, 50).r('r2', 'x', 2, 60, 70).build()).ok, true);
  });

  it('an indeterminate write may also never have happened', () => {
    const v = check(reg().w('r0', 'x', 1, 0, 10).w('r1', 'x', 2, 20, 30, 'info').r('r2', 'x', 1, 60, 70).build());
    assert.equal(v.ok, true, v.summary);
  });

  it('a read of a value whose write failed is not linearizable', () => {
    const v = check(reg().w('r0', 'x', 1, 0, 10).w('r1', 'x', 2, 20, 30, 'fail').r('r2', 'x', 2, 60, 70).build());
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Not linearizable');
    assertWindowProves(v.details as LinearizableDetails);
  });

  it('an indeterminate write takes effect at most once', () => {
    const h = reg().w('r0', 'x', 1, 0, 10).w('r1', 'x', 2, 20, 30, 'info').r('r2', 'x', 2, 40, 50).w('r0', 'x', 3, 60, 70).r('r2', 'x', 2, 80, 90).build();
    const v = check(h);
    assert.equal(v.ok, false, v.summary);
    assert.equal(v.category, 'Not linearizable');
    assertWindowProves(v.details as LinearizableDetails);
  });

  it('an indeterminate read says nothing', () => {
    assert.equal(check(reg().w('r0', 'x', 1, 0, 10).r('r2', 'x', 7, 60, 70, 'info').r('r2', 'x', 7, 80, 90, 'open').build()).ok, true);
  });

  it('an indeterminate cas takes effect only if the value matched', () => {
    const h = reg().w('r0', 'x', 1, 0, 10).cas('r1', 'x', 1, 2, 20, 30, 'info').r('r2', 'x', 2, 40, 50).build();
    assert.equal(check(h).ok, true);
    const wrong = reg().w('r0', 'x', 1, 0, 10).cas('r1', 'x', 5, 2, 20, 30, 'info').r('r2', 'x', 2, 40, 50).build();
    assert.equal(check(wrong).ok, false);
  });

  it('decides keys independently and names every failing key', () => {
    const h = reg().w('r0', 'a', 1, 0, 10).r('r1', 'a', 2, 20, 30).w('r2', 'b', 1, 0, 10).r('r3', 'b', 1, 20, 30).w('r4', 'c', 1, 0, 10).r('r5', 'c', 3, 20, 30).build();
    const v = check(h);
    assert.equal(v.ok, false);
    assert.equal(v.figures.failedKeys, 2);
    assert.deepEqual((v.details as LinearizableDetails).failedKeys, ['a', 'c']);
  });

  it('is a Harness error, never a pass, when a key exceeds the search budget', () => {
    const h = registerHistory({ seed: 5, keys: 1, clientsPerKey: 5, opsPerClient: 40 });
    const v = checkLinearizable(h, { budget: 10 });
    assert.equal(v.ok, false);
    assert.equal(v.category, 'Harness error');
    assert.match(v.summary, /could not decide key k0 within 10 states/);
    assert.equal(v.figures.undecidedKeys, 1);
  });

  it('is a Harness error on an empty register history and on malformed ops', () => {
    const empty = checkLinearizable([{ kind: 'mark', label: 'x', time: 0 }]);
    assert.equal(empty.category, 'Harness error');
    assert.match(empty.summary, /no register op/);
    const h: HistoryEvent[] = [
      { kind: 'op', type: 'invoke', process: 'r0', f: 'reg-read', key: 'x', time: 0 },
      { kind: 'op', type: 'ok', process: 'r0', f: 'reg-read', key: 'x', time: 1 },
      { kind: 'op', type: 'invoke', process: 'r1', f: 'reg-cas', key: 'x', value: 2, time: 0 },
      { kind: 'op', type: 'ok', process: 'r1', f: 'reg-cas', key: 'x', value: 2, time: 1 },
    ];
    const v = checkLinearizable(h);
    assert.equal(v.category, 'Harness error');
    assert.match(v.summary, /2 malformed register ops: ok reg-read of x by r0 at 1 ms carries no value.*reg-cas of x by r1 at 0 ms has no expect/);
  });

  it('ignores the set workload\'s ops (write / read of other keys)', () => {
    const h = [...reg().w('r0', 'x', 1, 0, 10).build(), { kind: 'op', type: 'invoke', process: 'c0', f: 'write', key: 'x', value: 99, time: 1 } as HistoryEvent];
    assert.equal(check(h).ok, true);
  });
});

describe('checkLinearizable: the smallest counter-example', () => {
  it('shrinks an injected stale read inside a long valid history to a few ops that prove it', () => {
    const b = reg();
    for (let i = 1; i <= 200; i++) {
      b.w('r0', 'x', i, 10 * i, 10 * i + 5);
      b.r('r1', 'x', i === 120 ? 117 : i, 10 * i + 6, 10 * i + 8); // the injected stale read
      b.cas('r2', 'x', i, i, 10 * i + 6, 10 * i + 9);
    }
    const v = check(b.build());
    assert.equal(v.ok, false);
    const d = v.details as LinearizableDetails;
    assert.ok(d.window.length <= 4, `window of ${d.window.length}: ${d.explanation}`);
    assert.ok(d.window.some((o) => o.f === 'reg-read' && o.value === 117));
    assertWindowProves(d);
    assert.equal(bruteForce(windowOps(d.window)), false, 'not linearizable from any initial value either');
    // here the cas 120→120 concurrent with the read already proves it: 2 ops
    assert.match(v.summary, /^key x: cas 120→120 by r2 at 1\.206 s–1\.209 s cannot be ordered with read 117 \(r1, 1\.206 s–1\.208 s ok\) \(whatever the value before; 2 ops\)$/);
  });

  it('keeps an indeterminate write whose value the window reads (it might explain it)', () => {
    // write 7 info early; later a read of 7 after write 8 completed: linearizable (7 lands late)
    const ok = reg().w('r0', 'x', 7, 0, 5, 'info').w('r1', 'x', 8, 100, 110).r('r2', 'x', 7, 120, 130).build();
    assert.equal(check(ok).ok, true);
  });
});

describe('checkLinearizable: long failing keys amid indeterminate ops', () => {
  it('decides a read of a never-written value in 2000 ops of one key with 3 % info ops (no budget error), with a window', () => {
    for (const seed of [7, 8, 9]) {
      const h = registerHistory({ seed, keys: 1, clientsPerKey: 5, opsPerClient: 400, infoRate: 0.03 });
      const reads = okReads(h);
      const i = reads[Math.floor(reads.length * 0.7)]!;
      h[i] = { ...(h[i] as OpEvent), value: 99 };
      const v = check(h);
      assert.equal(v.category, 'Not linearizable', `seed ${seed}: ${v.summary}`);
      const d = v.details as LinearizableDetails;
      assert.ok(d.window.some((o) => o.f === 'reg-read' && o.value === 99), d.explanation);
      assert.ok(d.window.length < 200, `window of ${d.window.length}`);
    }
  });
});

describe('checkLinearizable: random histories against brute force', () => {
  it('passes every history of a simulated real register', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const h = registerHistory({ seed, keys: 2, clientsPerKey: 3, opsPerClient: 3, values: 3, infoRate: 0.15, failRate: 0.1 });
      const v = check(h);
      assert.equal(v.ok, true, `seed ${seed}: ${v.summary}`);
    }
    for (let seed = 1; seed <= 10; seed++) {
      const v = check(registerHistory({ seed, keys: 3, clientsPerKey: 5, opsPerClient: 60 }));
      assert.equal(v.ok, true, `seed ${seed} (large): ${v.summary}`);
    }
  });

  it('agrees with brute force on histories with one corrupted read, and its windows prove it', () => {
    let failing = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const h = registerHistory({ seed, keys: 1, clientsPerKey: 3, opsPerClient: 3, values: 3, infoRate: 0.15, failRate: 0.1 });
      const r = rng(seed * 7919);
      if (!h.some((e) => e.kind === 'op' && e.f === 'reg-read' && e.type === 'ok')) continue;
      const c = corruptRead(h, Math.floor(r() * 100), r, 3);
      const v = check(c);
      const expected = bruteForceHistory(c);
      assert.equal(v.ok, expected, `seed ${seed}: checker ${v.summary}; brute force ${expected}`);
      if (!v.ok) {
        failing++;
        assert.equal(v.category, 'Not linearizable');
        assertWindowProves(v.details as LinearizableDetails);
      }
    }
    assert.ok(failing > 50, `${failing} corrupted histories failed: too few to test the failing side`);
  });
});
