import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultSchedule, parseFaultKinds, prng } from '../../src/faults/schedule.ts';

test('the same seed gives the same schedule; another seed another one', () => {
  const kinds = parseFaultKinds('crash, hang, partition, latency');
  const a = faultSchedule(42, kinds, 2000, 20_000);
  const b = faultSchedule(42, kinds, 2000, 20_000);
  const c = faultSchedule(43, kinds, 2000, 20_000);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.length, 10);
});

test('faults are spaced by the interval and end before the next one starts', () => {
  const s = faultSchedule(7, ['crash', 'hang', 'partition', 'latency'], 2000, 20_000);
  s.forEach((f, i) => {
    assert.equal(f.at, 2000 * (i + 1));
    assert.ok(f.durationMs >= 600 && f.durationMs <= 1400, `duration ${f.durationMs}`);
  });
});

test('only the asked kinds appear, and over enough draws all of them do', () => {
  const s = faultSchedule(1, ['crash', 'latency'], 100, 10_000);
  assert.deepEqual(new Set(s.map((f) => f.kind)), new Set(['crash', 'latency']));
});

test('unknown kinds are refused with what is allowed', () => {
  assert.throws(() => parseFaultKinds('crash, meteor'), /unknown fault kind "meteor"; allowed: crash, hang, partition, latency/);
});

test('prng is uniform enough and deterministic', () => {
  const r = prng(123);
  const xs = Array.from({ length: 10_000 }, r);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02);
  assert.equal(prng(123)(), xs[0]);
});
