import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, faultSchedule, parseFaultKinds, prng } from '../../src/faults/schedule.ts';
import { FaultPhases, mixSeed, phaseOf } from '../../src/faults/phase.ts';

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

test('every kind can be drawn, each with its targets and sizes', () => {
  const s = faultSchedule(5, FAULT_KINDS, 100, 100_000, 25);
  assert.deepEqual(new Set(s.map((f) => f.kind)), new Set(FAULT_KINDS));
  const targets = (k: string) => new Set(s.filter((f) => f.kind === k).map((f) => f.target));
  assert.deepEqual(targets('witness-partition'), new Set(['witness-primary', 'witness-backup', 'witness-both']));
  assert.deepEqual(targets('stream-damage'), new Set(['slice', 'reset', 'limit']));
  assert.deepEqual(targets('backup-hang'), new Set(['backup']));
  assert.deepEqual(targets('transfer-crash'), new Set(['backup']));
  assert.deepEqual(targets('witness-crash'), new Set(['witness']));
  for (const f of s) {
    if (f.target === 'slice' || f.target === 'limit') assert.ok(typeof f.sizeBytes === 'number' && f.sizeBytes > 0, JSON.stringify(f));
    if (f.kind === 'slow-crash' || f.kind === 'latency') assert.ok([20, 50, 100].includes(f.latencyMs!), JSON.stringify(f));
  }
});

test('every fault has a phase in [0, epoch), spread over the epoch, and the phases replay with the seed', () => {
  for (const epoch of [25, 200, 1]) {
    const s = faultSchedule(9, FAULT_KINDS, 100, 50_000, epoch);
    assert.ok(s.every((f) => f.phaseMs >= 0 && f.phaseMs < epoch), `phases within [0, ${epoch})`);
    if (epoch > 1) {
      const quarters = new Set(s.map((f) => Math.floor((4 * f.phaseMs) / epoch)));
      assert.equal(quarters.size, 4, `phases spread over the ${epoch} ms epoch`);
    }
    assert.deepEqual(faultSchedule(9, FAULT_KINDS, 100, 50_000, epoch).map((f) => f.phaseMs), s.map((f) => f.phaseMs));
  }
  assert.notDeepEqual(faultSchedule(10, ['crash'], 100, 5000).map((f) => f.phaseMs), faultSchedule(9, ['crash'], 100, 5000).map((f) => f.phaseMs));
});

test('phases do not change the kinds, targets and durations a seed drew before them', () => {
  const a = faultSchedule(42, ['crash', 'hang', 'partition', 'latency'], 2000, 20_000, 25);
  const b = faultSchedule(42, ['crash', 'hang', 'partition', 'latency'], 2000, 20_000, 200);
  const strip = (xs: typeof a) => xs.map(({ phaseMs: _p, ...f }) => f);
  assert.deepEqual(strip(a), strip(b));
});

test('unknown kinds are refused with what is allowed', () => {
  assert.throws(() => parseFaultKinds('crash, meteor'), /unknown fault kind "meteor"; allowed: crash, hang, partition, latency, backup-hang, witness-crash, witness-partition, one-way, stream-damage, transfer-crash, slow-crash/);
  assert.throws(() => parseFaultKinds(' , '), /no fault kinds in " , "; allowed: crash/);
  assert.throws(() => faultSchedule(1, ['crash'], 100, 1000, 0), /checkpoint interval 0 ms must be > 0/);
});

test('kinds are read case- and separator-tolerantly and without repeats', () => {
  assert.deepEqual(parseFaultKinds('Witness_Crash, one-way, one_way, STREAM-DAMAGE'), ['witness-crash', 'one-way', 'stream-damage']);
});

test('prng is uniform enough and deterministic', () => {
  const r = prng(123);
  const xs = Array.from({ length: 10_000 }, r);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02);
  assert.equal(prng(123)(), xs[0]);
});

test('a pair\'s fault phases: seeded by scenario seed and pair, in [0, epoch), not all alike', () => {
  const draw = (seed: number, pair: string, n = 50) => {
    const p = new FaultPhases(seed, pair);
    return Array.from({ length: n }, () => p.next(25));
  };
  const a = draw(42, 'kv');
  assert.deepEqual(draw(42, 'kv'), a, 'same seed and pair: same phases');
  assert.notDeepEqual(draw(43, 'kv').map((x) => x.phaseMs), a.map((x) => x.phaseMs), 'another seed: other phases');
  assert.notDeepEqual(draw(42, 'other').map((x) => x.phaseMs), a.map((x) => x.phaseMs), 'another pair: other phases');
  assert.ok(a.every((x) => x.epochMs === 25 && x.phaseMs >= 0 && x.phaseMs < 25));
  assert.ok(new Set(a.map((x) => Math.floor(x.phaseMs / 5))).size === 5, 'phases spread over the epoch');
  assert.equal(mixSeed(1, 'x'), mixSeed(1, 'x'));
  assert.notEqual(mixSeed(1, 'x'), mixSeed(2, 'x'));
});

test('phaseOf stays below the epoch and refuses an epoch of 0', () => {
  assert.equal(phaseOf(0, 25).phaseMs, 0);
  assert.ok(phaseOf(0.999999999, 25).phaseMs < 25);
  assert.throws(() => phaseOf(0.5, 0), /needs a checkpoint interval > 0 ms, not 0/);
});
